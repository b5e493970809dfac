#include "api/resource_handler.h"

#include <charconv>

#include <boost/json.hpp>

#include "api/error_response.h"
#include "api/json_response.h"
#include "api/tenant_settings.h"
#include "core/text.h"
#include "scim/filter.h"
#include "scim/patch.h"
#include "scim/projection.h"
#include "scim/resource.h"

namespace scimd::api {

namespace json = boost::json;
using scim::ResourceKind;

namespace {

std::string endpoint_url(const ResourceContext& ctx, ResourceKind kind, std::string_view id) {
  return ctx.base_url + scim::resource_type(kind).endpoint + "/" + std::string(id);
}

json::object representation(const ResourceContext& ctx, ResourceKind kind,
                            const store::Resource& r, const store::Fetch& fetch) {
  scim::Meta meta{r.id, r.created, r.last_modified, endpoint_url(ctx, kind, r.id), r.version};
  return scim::to_representation(kind, r.doc, meta, fetch.members ? &r.members : nullptr,
                                 fetch.groups ? &r.groups : nullptr, ctx.base_url);
}

// What to load for a projection: members/groups only when they will be shown.
store::Fetch fetch_for(ResourceKind kind, const scim::Projection& p) {
  store::Fetch f;
  if (kind == ResourceKind::group) {
    f.members = p.returns(*scim::group_schema().find("members"));
  } else {
    f.groups = p.returns(*scim::user_schema().find("groups"));
  }
  return f;
}

scim::Projection projection_of(ResourceKind kind, const Target& target) {
  return scim::parse_projection(kind, target.param("attributes").value_or(""),
                                target.param("excludedAttributes").value_or(""));
}

Response resource_response(const ResourceContext& ctx, ResourceKind kind, int status,
                           const store::Resource& r, const scim::Projection& p,
                           const store::Fetch& fetch) {
  Response resp = json_response(status, scim::project(kind, representation(ctx, kind, r, fetch), p));
  resp.headers.emplace_back("ETag", scim::etag(r.version));
  resp.headers.emplace_back("Location", endpoint_url(ctx, kind, r.id));
  return resp;
}

// If-Match / If-None-Match: W/"n", "n" or *. nullopt for * or absent.
Result<std::optional<std::int64_t>> parse_version(std::string_view header) {
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  if (header.empty() || header == "*") return std::optional<std::int64_t>{};
  if (header.size() > 2 && (header.substr(0, 2) == "W/" || header.substr(0, 2) == "w/")) {
    header.remove_prefix(2);
  }
  if (header.size() >= 2 && header.front() == '"' && header.back() == '"') {
    header = header.substr(1, header.size() - 2);
  }
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(header.data(), header.data() + header.size(), v);
  if (ec != std::errc() || p != header.data() + header.size()) {
    // A version this server never issued cannot match.
    return make_error(Errc::precondition_failed, "the resource's version does not match If-Match");
  }
  return std::optional<std::int64_t>{v};
}

Result<std::int64_t> int_param(const Target& target, std::string_view name, std::int64_t fallback) {
  const auto text = target.param(name);
  if (!text || text->empty()) return fallback;
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || p != text->data() + text->size()) {
    return make_error(Errc::invalid_value, "'" + std::string(name) + "' must be an integer");
  }
  return v;
}

struct ListParams {
  std::string filter;
  std::int64_t start_index = 1;
  std::int64_t count = 100;
  std::string sort_by;
  std::string sort_order;
  std::string attributes;
  std::string excluded_attributes;
  std::optional<std::string> cursor;  // RFC 9865: set to page by cursor ("" = first page)
};

// One resource type's page: the total and the projected resources.
struct Listing {
  std::int64_t total = 0;
  json::array resources;
  std::optional<std::string> next_cursor;
  std::optional<std::string> previous_cursor;
};

Result<scim::Filter> parse_valid_filter(ResourceKind kind, std::string_view text) {
  SCIMD_ASSIGN_OR_RETURN(scim::Filter filter, scim::parse_filter(text));
  SCIMD_TRY(scim::validate_filter(kind, filter));
  return filter;
}

Result<Listing> query_list(const ResourceContext& ctx, ResourceKind kind, const ListParams& params,
                           const scim::Filter* filter) {
  store::ListQuery q;
  q.filter = filter;
  // RFC 7644 §3.4.2.4: startIndex < 1 means 1; a negative count means 0.
  q.start_index = std::max<std::int64_t>(1, params.start_index);
  q.count = std::clamp<std::int64_t>(params.count, 0, ctx.caps.max_page_size);
  if (!params.sort_by.empty()) {
    auto path = scim::parse_attr_path(params.sort_by);
    if (!path.ok() || !scim::resolve(kind, *path).ok()) {
      return make_error(Errc::invalid_value, "cannot sort by '" + params.sort_by + "'");
    }
    q.sort_by = *path;
  }
  if (iequals(params.sort_order, "descending")) q.sort_order = store::SortOrder::descending;
  const scim::Projection p =
      scim::parse_projection(kind, params.attributes, params.excluded_attributes);
  q.fetch = fetch_for(kind, p);
  q.cursor = params.cursor;
  SCIMD_ASSIGN_OR_RETURN(store::ListPage page, ctx.store.list(ctx.tenant.id, kind, q));
  Listing out;
  out.total = page.total;
  out.next_cursor = std::move(page.next_cursor);
  out.previous_cursor = std::move(page.previous_cursor);
  out.resources.reserve(page.items.size());
  for (const auto& r : page.items) {
    out.resources.emplace_back(scim::project(kind, representation(ctx, kind, r, q.fetch), p));
  }
  return out;
}

Response list_response(const ListParams& params, Listing listing) {
  json::object body;
  body["schemas"] = json::array{scim::urn::kListResponse};
  body["totalResults"] = listing.total;
  body["itemsPerPage"] = listing.resources.size();
  if (params.cursor) {
    // RFC 9865: cursors instead of startIndex; nextCursor absent on the last page.
    if (listing.next_cursor) body["nextCursor"] = *listing.next_cursor;
    if (listing.previous_cursor) body["previousCursor"] = *listing.previous_cursor;
  } else {
    body["startIndex"] = std::max<std::int64_t>(1, params.start_index);
  }
  body["Resources"] = std::move(listing.resources);
  return json_response(200, body);
}

Response list(const ResourceContext& ctx, ResourceKind kind, const ListParams& params) {
  std::optional<scim::Filter> filter;
  if (!params.filter.empty()) {
    auto parsed = parse_valid_filter(kind, params.filter);
    if (!parsed.ok()) return error_response(parsed.error());
    filter = std::move(parsed).value();
  }
  auto listing = query_list(ctx, kind, params, filter ? &*filter : nullptr);
  if (!listing.ok()) return error_response(listing.error());
  return list_response(params, std::move(listing).value());
}

// Root search (RFC 7644 §3.4.3): Users then Groups as one sequence. A filter that names
// attributes one type lacks selects nothing of that type; one valid for neither is a 400.
Response list_all(const ResourceContext& ctx, const ListParams& params) {
  struct Part {
    ResourceKind kind;
    std::optional<scim::Filter> filter;
    bool applies = true;
  };
  std::vector<Part> parts{{ResourceKind::user, {}, true}, {ResourceKind::group, {}, true}};
  std::optional<Error> first_error;
  for (auto& part : parts) {
    if (params.filter.empty()) continue;
    auto parsed = parse_valid_filter(part.kind, params.filter);
    if (parsed.ok()) {
      part.filter = std::move(parsed).value();
    } else {
      part.applies = false;
      if (!first_error) first_error = parsed.error();
    }
  }
  if (!parts[0].applies && !parts[1].applies) return error_response(*first_error);
  if (params.cursor) {
    return error_response(make_error(Errc::invalid_value,
                                     "cursor paging is per resource type; use /Users/.search or "
                                     "/Groups/.search"));
  }
  const std::int64_t start = std::max<std::int64_t>(1, params.start_index);
  std::int64_t remaining = std::clamp<std::int64_t>(params.count, 0, ctx.caps.max_page_size);
  std::int64_t skipped_before = 0;  // resources of earlier types, in the combined order
  Listing combined;
  for (const auto& part : parts) {
    if (!part.applies) continue;
    ListParams p = params;
    p.start_index = std::max<std::int64_t>(1, start - skipped_before);
    p.count = remaining;
    auto listing = query_list(ctx, part.kind, p, part.filter ? &*part.filter : nullptr);
    if (!listing.ok()) return error_response(listing.error());
    combined.total += listing->total;
    skipped_before += listing->total;
    remaining -= static_cast<std::int64_t>(listing->resources.size());
    for (auto& r : listing->resources) combined.resources.emplace_back(std::move(r));
  }
  return list_response(params, std::move(combined));
}

Response list_from_query(const ResourceContext& ctx, ResourceKind kind, const Target& target) {
  ListParams params;
  params.filter = target.param("filter").value_or("");
  auto start = int_param(target, "startIndex", 1);
  if (!start.ok()) return error_response(start.error());
  auto count = int_param(target, "count", ctx.caps.default_page_size);
  if (!count.ok()) return error_response(count.error());
  params.start_index = *start;
  params.count = *count;
  params.sort_by = target.param("sortBy").value_or("");
  params.sort_order = target.param("sortOrder").value_or("");
  params.attributes = target.param("attributes").value_or("");
  params.excluded_attributes = target.param("excludedAttributes").value_or("");
  if (const auto cursor = target.param("cursor")) {
    if (target.param("startIndex")) {
      return error_response(make_error(Errc::invalid_value, "use either 'cursor' or 'startIndex', not both"));
    }
    params.cursor = std::string(*cursor);
  }
  return list(ctx, kind, params);
}

Response get_one(const ResourceContext& ctx, ResourceKind kind, std::string_view id,
                 const Request& req, const Target& target) {
  const scim::Projection p = projection_of(kind, target);
  const store::Fetch fetch = fetch_for(kind, p);
  auto r = ctx.store.get(ctx.tenant.id, kind, id, fetch);
  if (!r.ok()) return error_response(r.error());
  if (const auto inm = req.header("if-none-match"); !inm.empty()) {
    auto v = parse_version(inm);
    if (inm == "*" || (v.ok() && *v && **v == r->version)) {
      Response resp = error_response(make_error(Errc::not_modified, ""));
      resp.headers.emplace_back("ETag", scim::etag(r->version));
      return resp;
    }
  }
  return resource_response(ctx, kind, 200, *r, p, fetch);
}

// A POST or PUT body as the store will keep it, meeting the tenant's required attributes.
Result<scim::Incoming> incoming_resource(const ResourceContext& ctx, ResourceKind kind,
                                         const Request& req) {
  SCIMD_ASSIGN_OR_RETURN(const json::value body, parse_json_body(req.body));
  SCIMD_ASSIGN_OR_RETURN(scim::Incoming incoming, scim::normalize_resource(kind, body));
  SCIMD_TRY(check_required(ctx.tenant.settings, kind, incoming.doc, ctx.tenant.name));
  return incoming;
}

Response create(const ResourceContext& ctx, ResourceKind kind, const Request& req,
                const Target& target) {
  auto incoming = incoming_resource(ctx, kind, req);
  if (!incoming.ok()) return error_response(incoming.error());
  const bool adopt = kind == ResourceKind::user && adopts_unsynced(ctx.tenant.settings);
  auto created = ctx.store.create(ctx.tenant.id, kind, std::move(incoming->doc), incoming->members,
                                  store::WriteOptions{store::Source::scim, adopt});
  if (!created.ok()) return error_response(created.error());
  const scim::Projection p = projection_of(kind, target);
  // The store gives back the members it kept (unknown ids dropped, typed) and the user's groups.
  return resource_response(ctx, kind, 201, *created, p, fetch_for(kind, p));
}

Result<std::optional<std::int64_t>> if_match_of(const Request& req) {
  const auto header = req.header("if-match");
  if (header.empty()) return std::optional<std::int64_t>{};
  return parse_version(header);
}

Response replace(const ResourceContext& ctx, ResourceKind kind, std::string_view id,
                 const Request& req, const Target& target) {
  auto incoming = incoming_resource(ctx, kind, req);
  if (!incoming.ok()) return error_response(incoming.error());
  auto if_match = if_match_of(req);
  if (!if_match.ok()) return error_response(if_match.error());
  const scim::Projection p = projection_of(kind, target);
  const store::Fetch fetch = fetch_for(kind, p);
  scim::Incoming in = std::move(incoming).value();
  auto updated = ctx.store.update(
      ctx.tenant.id, kind, id, *if_match, fetch,
      [&in, kind](const store::Resource&) -> Result<store::Change> {
        store::Change change;
        change.doc = in.doc;
        // PUT replaces: a group PUT without members leaves it with none (RFC 7644 §3.5.1).
        if (kind == ResourceKind::group) {
          change.member_ops.push_back({scim::MemberOp::Kind::replace_all, in.members});
        }
        return change;
      });
  if (!updated.ok()) return error_response(updated.error());
  return resource_response(ctx, kind, 200, *updated, p, fetch);
}

bool wants_representation(const Request& req, const Target& target) {
  return target.param("attributes") || target.param("excludedAttributes") ||
         req.header("prefer").find("return=representation") != std::string_view::npos;
}

Response patch(const ResourceContext& ctx, ResourceKind kind, std::string_view id,
               const Request& req, const Target& target) {
  auto body = parse_json_body(req.body);
  if (!body.ok()) return error_response(body.error());
  auto if_match = if_match_of(req);
  if (!if_match.ok()) return error_response(if_match.error());
  const bool full = wants_representation(req, target);
  const scim::Projection p = projection_of(kind, target);
  const store::Fetch fetch = full ? fetch_for(kind, p) : store::Fetch{};
  const json::value& patch_body = *body;
  auto updated = ctx.store.update(
      ctx.tenant.id, kind, id, *if_match, fetch,
      [&patch_body, &ctx, kind](const store::Resource& current) -> Result<store::Change> {
        SCIMD_ASSIGN_OR_RETURN(scim::PatchResult result,
                               scim::apply_patch(kind, current.doc, patch_body));
        SCIMD_TRY(scim::check_document(kind, result.doc));
        SCIMD_TRY(check_required(ctx.tenant.settings, kind, result.doc, ctx.tenant.name));
        return store::Change{std::move(result.doc), std::move(result.member_ops)};
      });
  if (!updated.ok()) return error_response(updated.error());
  // 204 unless the client asked for the resource: Microsoft's collection requires 204, Entra
  // and Okta accept it, and a group body with every member is what Entra asks us not to send.
  if (!full) {
    Response resp;
    resp.status = 204;
    resp.headers.emplace_back("ETag", scim::etag(updated->version));
    return resp;
  }
  return resource_response(ctx, kind, 200, *updated, p, fetch);
}

Response remove(const ResourceContext& ctx, ResourceKind kind, std::string_view id,
                const Request& req) {
  auto if_match = if_match_of(req);
  if (!if_match.ok()) return error_response(if_match.error());
  if (auto s = ctx.store.remove(ctx.tenant.id, kind, id, *if_match); !s.ok()) {
    return error_response(s.error());
  }
  Response resp;
  resp.status = 204;
  return resp;
}

}  // namespace

Response handle_resource(const ResourceContext& ctx, ResourceKind kind,
                         std::optional<std::string_view> id, const Request& req,
                         const Target& target) {
  const std::string& m = req.method;
  if (!id) {
    if (m == "GET" || m == "HEAD") return list_from_query(ctx, kind, target);
    if (m == "POST") return create(ctx, kind, req, target);
    return method_not_allowed(m, "GET, POST");
  }
  if (m == "GET" || m == "HEAD") return get_one(ctx, kind, *id, req, target);
  if (m == "PUT") return replace(ctx, kind, *id, req, target);
  if (m == "PATCH") return patch(ctx, kind, *id, req, target);
  if (m == "DELETE") return remove(ctx, kind, *id, req);
  return method_not_allowed(m, "GET, PUT, PATCH, DELETE");
}

Response handle_search(const ResourceContext& ctx, std::optional<ResourceKind> kind,
                       const Request& req, const Target&) {
  if (req.method != "POST") return method_not_allowed(req.method, "POST");
  auto body = parse_json_body(req.body);
  if (!body.ok()) return error_response(body.error());
  if (!body->is_object()) {
    return error_response(make_error(Errc::invalid_syntax, "a SearchRequest must be an object"));
  }
  const json::object& o = body->as_object();
  ListParams params;
  params.filter = string_member(o, "filter");
  params.sort_by = string_member(o, "sortBy");
  params.sort_order = string_member(o, "sortOrder");
  const auto join = [&](std::string_view key) {
    std::string out;
    for (const auto& [k, v] : o) {
      if (!iequals(k, key)) continue;
      if (v.is_string()) return std::string(v.as_string());
      if (!v.is_array()) continue;
      for (const auto& e : v.as_array()) {
        if (!e.is_string()) continue;
        if (!out.empty()) out += ',';
        out += e.as_string();
      }
    }
    return out;
  };
  params.attributes = join("attributes");
  params.excluded_attributes = join("excludedAttributes");
  params.count = ctx.caps.default_page_size;
  for (const auto& [k, v] : o) {
    if (iequals(k, "startIndex") && v.is_int64()) params.start_index = v.as_int64();
    if (iequals(k, "count") && v.is_int64()) params.count = v.as_int64();
    if (iequals(k, "cursor") && v.is_string()) params.cursor = std::string(v.as_string());
  }
  return kind ? list(ctx, *kind, params) : list_all(ctx, params);
}

}  // namespace scimd::api
