#include "store/event_builder.h"

#include "core/crypto.h"
#include "store/store.h"

namespace scimd::store {

namespace json = boost::json;
using scim::ResourceKind;

namespace {

// Old and new values ride along in `changes` only while this small (serialized, each).
constexpr std::size_t kMaxChangeValueBytes = 256;

json::object group_ref(const Resource& group) {
  json::object ref{{"id", group.id}};
  for (const char* key : {"displayName", "externalId"}) {
    if (const json::value* v = group.doc.if_contains(key)) ref[key] = *v;
  }
  return ref;
}

bool small(const json::value* v) {
  return v == nullptr || json::serialize(*v).size() <= kMaxChangeValueBytes;
}

// One entry per top-level attribute whose value differs, in the new document's order, then
// the removed ones.
json::array changes_between(const json::object& before, const json::object& after) {
  json::array changes;
  auto add = [&](std::string_view name, const json::value* old_v, const json::value* new_v) {
    json::object c{{"attribute", name}};
    if (small(old_v) && small(new_v)) {
      c["old"] = old_v ? *old_v : json::value(nullptr);
      c["new"] = new_v ? *new_v : json::value(nullptr);
    }
    changes.push_back(std::move(c));
  };
  for (const auto& [key, value] : after) {
    const json::value* old_v = before.if_contains(key);
    if (old_v == nullptr || *old_v != value) add(key, old_v, &value);
  }
  for (const auto& [key, value] : before) {
    if (!after.contains(key)) add(key, &value, nullptr);
  }
  return changes;
}

bool is_active(const json::object& doc) {
  const json::value* v = doc.if_contains("active");
  return v == nullptr || !v->is_bool() || v->as_bool();  // absent: active, as SCIM implies
}

}  // namespace

std::string_view source_name(Source source) { return source == Source::scim ? "scim" : "api"; }

json::object resource_view(ResourceKind kind, const Resource& r) {
  json::object view;
  view.reserve(r.doc.size() + 6);
  view["id"] = r.id;
  view["resourceType"] = kind == ResourceKind::user ? "User" : "Group";
  for (const auto& [key, value] : r.doc) view[key] = value;
  if (kind == ResourceKind::user) {
    view["synced"] = r.synced;
    json::array roles;
    for (const std::string& role : r.roles) roles.emplace_back(role);
    view["roles"] = std::move(roles);
  }
  view["meta"] = json::object{
      {"created", r.created}, {"lastModified", r.last_modified}, {"version", r.version}};
  return view;
}

std::vector<NewEvent> resource_events(ResourceKind kind, const Resource* before,
                                      const Resource* after, Source source) {
  const std::string prefix = kind == ResourceKind::user ? "user." : "group.";
  json::object data{{"source", source_name(source)}};
  if (after == nullptr) {
    if (before == nullptr) return {};
    data["resource"] = resource_view(kind, *before);
    return {NewEvent{prefix + "deleted", std::move(data)}};
  }
  data["resource"] = resource_view(kind, *after);
  if (before == nullptr) return {NewEvent{prefix + "created", std::move(data)}};

  json::array changes = changes_between(before->doc, after->doc);
  if (before->synced != after->synced) {
    changes.push_back(
        json::object{{"attribute", "synced"}, {"old", before->synced}, {"new", after->synced}});
  }
  if (changes.empty()) return {};
  std::string type = prefix + "updated";
  if (kind == ResourceKind::user && is_active(before->doc) != is_active(after->doc)) {
    type = is_active(after->doc) ? "user.reactivated" : "user.deactivated";
  }
  data["changes"] = std::move(changes);
  return {NewEvent{std::move(type), std::move(data)}};
}

NewEvent member_event(bool added, const Resource& group, const scim::MemberRef& member,
                      Source source) {
  json::object data{{"source", source_name(source)},
                    {"group", group_ref(group)},
                    {"member", json::object{{"id", member.value},
                                            {"type", member.type.empty() ? "User" : member.type},
                                            {"display", member.display}}}};
  return NewEvent{added ? "group.user_added" : "group.user_removed", std::move(data)};
}

NewEvent roles_event(const Resource& user, const std::vector<std::string>& old_roles,
                     Source source) {
  json::array old_array, new_array;
  for (const auto& r : old_roles) old_array.emplace_back(r);
  for (const auto& r : user.roles) new_array.emplace_back(r);
  json::object data{{"source", source_name(source)},
                    {"resource", resource_view(ResourceKind::user, user)},
                    {"changes", json::array{json::object{{"attribute", "roles"},
                                                         {"old", std::move(old_array)},
                                                         {"new", std::move(new_array)}}}}};
  return NewEvent{"user.roles_changed", std::move(data)};
}

EventJsonParts event_json_parts(std::string_view id, std::string_view type, std::string_view time,
                                const json::object& data) {
  return {R"({"id":)" + json::serialize(json::string_view(id)) + R"(,"seq":)",
          R"(,"type":)" + json::serialize(json::string_view(type)) + R"(,"time":)" +
              json::serialize(json::string_view(time)) + R"(,"tenant":)",
          R"(,"data":)" + json::serialize(data) + "}"};
}

std::string event_json(std::string_view id, std::int64_t seq, std::string_view type,
                       std::string_view time, std::string_view tenant, const json::object& data) {
  EventJsonParts parts = event_json_parts(id, type, time, data);
  return std::move(parts.before_seq) + std::to_string(seq) + parts.before_tenant +
         json::serialize(json::string_view(tenant)) + parts.rest;
}

std::string new_event_id() { return "evt_" + crypto::hex(crypto::random_id_bytes(16)); }

}  // namespace scimd::store
