#include "scim/projection.h"

#include "core/text.h"

namespace scimd::scim {

namespace json = boost::json;

namespace {

std::vector<ResolvedAttr> parse_list(ResourceKind kind, std::string_view list) {
  std::vector<ResolvedAttr> out;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    // Drop a value filter: "emails[type eq \"work\"]" selects emails; ".sub" after it stays.
    std::string name;
    if (const std::size_t open = item.find('['); open != std::string_view::npos) {
      const std::size_t close = item.find(']', open);
      name = std::string(item.substr(0, open));
      if (close != std::string_view::npos) name += item.substr(close + 1);
    } else {
      name = std::string(item);
    }
    while (!name.empty() && name.front() == ' ') name.erase(name.begin());
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (name.empty()) continue;
    // A bare extension URN selects the whole extension.
    if (const SchemaDef* ext = find_schema(name); ext != nullptr) {
      ResolvedAttr r;
      r.schema = ext;
      out.push_back(r);
      continue;
    }
    auto path = parse_attr_path(name);
    if (!path.ok()) continue;
    auto resolved = resolve(kind, *path);
    if (resolved.ok()) out.push_back(*resolved);
  }
  return out;
}

// What a projection list says about one attribute (sub == nullptr: the attribute itself).
enum class Mention { none, whole, some_subs };

Mention mention(const std::vector<ResolvedAttr>& list, const SchemaDef* schema,
                const AttributeDef* attr) {
  Mention m = Mention::none;
  for (const auto& r : list) {
    if (r.attr == nullptr) {
      if (r.schema == schema) return Mention::whole;
      continue;
    }
    if (r.attr != attr) continue;
    if (r.sub == nullptr) return Mention::whole;
    m = Mention::some_subs;
  }
  return m;
}

bool sub_listed(const std::vector<ResolvedAttr>& list, const AttributeDef* attr,
                std::string_view sub_name) {
  for (const auto& r : list) {
    if (r.attr == attr && r.sub != nullptr && iequals(r.sub->name, sub_name)) return true;
  }
  return false;
}

// Keeps the listed sub-attributes of a complex value (or of each element of a multi-valued one).
json::value keep_subs(const json::value& v, const AttributeDef* attr,
                      const std::vector<ResolvedAttr>& list, bool keep_listed) {
  const auto filter_object = [&](const json::object& o) {
    json::object out;
    for (const auto& [k, sv] : o) {
      const bool listed = sub_listed(list, attr, k);
      if (listed == keep_listed) out[k] = sv;
    }
    return out;
  };
  if (v.is_object()) return filter_object(v.as_object());
  if (v.is_array()) {
    json::array out;
    for (const auto& e : v.as_array()) {
      out.emplace_back(e.is_object() ? json::value(filter_object(e.as_object())) : e);
    }
    return out;
  }
  return v;
}

// Adds attribute `key` of `schema` to `out` if the projection lets it through.
void project_attr(const Projection& p, const SchemaDef* schema, const AttributeDef* def,
                  std::string_view key, const json::value& v, json::object& out) {
  if (def == nullptr) {  // not in the schema (should not happen): show by default
    if (p.include.empty()) out[key] = v;
    return;
  }
  if (def->returned == Returned::never) return;
  if (def->returned == Returned::always) {
    out[key] = v;
    return;
  }
  if (!p.include.empty()) {
    switch (mention(p.include, schema, def)) {
      case Mention::whole: out[key] = v; break;
      case Mention::some_subs: out[key] = keep_subs(v, def, p.include, true); break;
      case Mention::none: break;
    }
    return;
  }
  if (def->returned == Returned::request) return;
  switch (mention(p.exclude, schema, def)) {
    case Mention::whole: break;
    case Mention::some_subs: out[key] = keep_subs(v, def, p.exclude, false); break;
    case Mention::none: out[key] = v; break;
  }
}

}  // namespace

bool Projection::returns(const AttributeDef& attr) const {
  if (attr.returned == Returned::always) return true;
  if (attr.returned == Returned::never) return false;
  if (!include.empty()) {
    for (const auto& r : include) {
      if (r.attr == &attr) return true;
    }
    return false;
  }
  if (attr.returned == Returned::request) return false;
  for (const auto& r : exclude) {
    if (r.attr == &attr && r.sub == nullptr) return false;
  }
  return true;
}

Projection parse_projection(ResourceKind kind, std::string_view attributes,
                            std::string_view excluded_attributes) {
  Projection p;
  p.include = parse_list(kind, attributes);
  // RFC 7644: when both are given, `attributes` wins.
  if (p.include.empty()) p.exclude = parse_list(kind, excluded_attributes);
  return p;
}

json::object project(ResourceKind kind, const json::object& rep, const Projection& p) {
  if (p.include.empty() && p.exclude.empty()) return rep;
  const ResourceTypeDef& type = resource_type(kind);
  json::object out;
  for (const auto& [key, v] : rep) {
    if (iequals(key, "schemas")) {
      out[key] = v;
      continue;
    }
    const SchemaDef* ext = nullptr;
    for (const auto& e : type.extensions) {
      if (iequals(e.schema->id, key)) ext = e.schema;
    }
    if (ext != nullptr) {
      if (!v.is_object()) continue;
      json::object ext_out;
      for (const auto& [ek, ev] : v.as_object()) project_attr(p, ext, ext->find(ek), ek, ev, ext_out);
      if (!ext_out.empty()) out[key] = std::move(ext_out);
      continue;
    }
    const SchemaDef* schema = type.schema;
    const AttributeDef* def = schema->find(key);
    if (def == nullptr) {
      schema = &common_schema();
      def = schema->find(key);
    }
    project_attr(p, schema, def, key, v, out);
  }
  return out;
}

json::object project(ResourceKind kind, json::object&& rep, const Projection& p) {
  if (p.include.empty() && p.exclude.empty()) return std::move(rep);
  return project(kind, static_cast<const json::object&>(rep), p);
}

}  // namespace scimd::scim
