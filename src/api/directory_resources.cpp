// /api/v1/{tenant}: reads of users and groups, memberships both ways.
#include <boost/json.hpp>

#include "api/directory_parts.h"
#include "api/error_response.h"
#include "api/json_response.h"
#include "scim/filter.h"
#include "store/event_builder.h"

namespace scimd::api::directory {

namespace json = boost::json;
using scim::ResourceKind;

namespace {

std::string_view collection_name(ResourceKind kind) {
  return kind == ResourceKind::user ? "users" : "groups";
}

Result<std::optional<scim::Filter>> filter_param(ResourceKind kind, const Target& target) {
  const std::string_view text = target.param("filter").value_or("");
  if (text.empty()) return std::optional<scim::Filter>{};
  SCIMD_ASSIGN_OR_RETURN(scim::Filter filter, scim::parse_filter(text));
  SCIMD_TRY(scim::validate_filter(kind, filter));
  return std::optional<scim::Filter>{std::move(filter)};
}

// The groups that directly hold a user: `members.value eq "<id>"`, answered from the
// memberships index.
scim::Filter holding_groups_filter(std::string_view user_id) {
  scim::Filter f;
  f.kind = scim::Filter::Kind::compare;
  f.path = scim::AttrPath{"", "members", "value"};
  f.op = scim::CompareOp::eq;
  f.value = json::string(user_id);
  return f;
}

json::object group_ref(const store::Resource& group) {
  json::object ref{{"id", group.id}};
  for (const char* key : {"displayName", "externalId"}) {
    if (const json::value* v = group.doc.if_contains(key)) ref[key] = *v;
  }
  return ref;
}

}  // namespace

Response list_resources(const DirectoryContext& ctx, const store::Tenant& tenant,
                        ResourceKind kind, const Target& target) {
  auto limit = bounded_param(target, "limit", kDefaultLimit, 1, kMaxLimit);
  if (!limit.ok()) return error_response(limit.error());
  auto filter = filter_param(kind, target);
  if (!filter.ok()) return error_response(filter.error());
  store::ListQuery q;
  q.filter = *filter ? &**filter : nullptr;
  q.count = *limit;
  // Always cursor paging: "" is the first page (RFC 9865 keyset cursors from the store).
  q.cursor = std::string(target.param("cursor").value_or(""));
  auto page = ctx.store.list(tenant.id, kind, q);
  if (!page.ok()) return error_response(page.error());
  json::array items;
  items.reserve(page->items.size());
  for (const auto& r : page->items) items.emplace_back(store::resource_view(kind, r));
  json::object body;
  body[collection_name(kind)] = std::move(items);
  body["next"] = page->next_cursor ? json::value(*page->next_cursor) : json::value(nullptr);
  body["total"] = page->total;
  return json_response(200, body);
}

Response get_resource(const DirectoryContext& ctx, const store::Tenant& tenant,
                      ResourceKind kind, std::string_view id) {
  auto r = ctx.store.get(tenant.id, kind, id, store::Fetch{});
  if (!r.ok()) return error_response(r.error());
  return json_response(200, store::resource_view(kind, *r));
}

Response groups_of_user(const DirectoryContext& ctx, const store::Tenant& tenant,
                        std::string_view user_id) {
  // The user must exist in this tenant (404 otherwise, also for another tenant's id).
  auto user = ctx.store.get(tenant.id, ResourceKind::user, user_id, store::Fetch{});
  if (!user.ok()) return error_response(user.error());
  // A list of groups rather than Fetch::groups, so externalId comes along in one query.
  const scim::Filter filter = holding_groups_filter(user->id);
  store::ListQuery q;
  q.filter = &filter;
  q.count = kMaxLimit;
  q.cursor = "";
  json::array groups;
  while (true) {
    auto page = ctx.store.list(tenant.id, ResourceKind::group, q);
    if (!page.ok()) return error_response(page.error());
    for (const auto& g : page->items) groups.emplace_back(group_ref(g));
    if (!page->next_cursor) break;
    q.cursor = std::move(page->next_cursor);
  }
  return json_response(200, json::object{{"groups", std::move(groups)}});
}

Response members_of_group(const DirectoryContext& ctx, const store::Tenant& tenant,
                          std::string_view group_id, const Target& target) {
  auto offset = bounded_param(target, "offset", 0, 0, INT64_MAX);
  if (!offset.ok()) return error_response(offset.error());
  auto limit = bounded_param(target, "limit", kDefaultLimit, 1, kMaxLimit);
  if (!limit.ok()) return error_response(limit.error());
  auto group = ctx.store.get(tenant.id, ResourceKind::group, group_id, store::Fetch{});
  if (!group.ok()) return error_response(group.error());
  // One extra row says whether another page exists.
  auto rows = ctx.store.list_members(tenant.id, group->id, *offset, *limit + 1);
  if (!rows.ok()) return error_response(rows.error());
  const bool more = static_cast<std::int64_t>(rows->size()) > *limit;
  if (more) rows->pop_back();
  json::array members;
  members.reserve(rows->size());
  for (const auto& m : *rows) {
    members.emplace_back(json::object{{"id", m.value},
                                      {"type", m.type.empty() ? "User" : m.type},
                                      {"display", m.display}});
  }
  json::object body{{"members", std::move(members)}};
  body["next_offset"] = more ? json::value(*offset + *limit) : json::value(nullptr);
  return json_response(200, body);
}

}  // namespace scimd::api::directory
