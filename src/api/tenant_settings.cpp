#include "api/tenant_settings.h"

#include "core/text.h"
#include "scim/attr_path.h"

namespace scimd::api {

namespace json = boost::json;

namespace {

constexpr std::string_view kRequired = "required_attributes";

std::string_view kind_key(scim::ResourceKind kind) {
  return kind == scim::ResourceKind::user ? "User" : "Group";
}

// "emails.work" -> emails[type eq "work"].value, when "work" is a canonical type, not a sub.
std::string expand_shorthand(scim::ResourceKind kind, std::string_view spec) {
  auto path = scim::parse_attr_path(spec);
  if (!path.ok() || path->sub.empty()) return std::string(spec);
  auto attr = scim::resolve(kind, scim::AttrPath{path->urn, path->attr, ""});
  if (!attr.ok() || !attr->attr->multi_valued || attr->attr->find_sub(path->sub) != nullptr) {
    return std::string(spec);
  }
  const scim::AttributeDef* type = attr->attr->find_sub("type");
  const scim::AttributeDef* value = attr->attr->find_sub("value");
  if (type == nullptr || value == nullptr) return std::string(spec);
  for (const auto& canonical : type->canonical_values) {
    if (iequals(canonical, path->sub)) {
      const std::string base = path->urn.empty() ? attr->attr->name : path->urn + ":" + attr->attr->name;
      return base + "[type eq \"" + canonical + "\"].value";
    }
  }
  return std::string(spec);
}

}  // namespace

Result<RequiredAttribute> parse_requirement(scim::ResourceKind kind, std::string_view spec) {
  std::string path = expand_shorthand(kind, spec);
  auto filter = scim::parse_filter(path + " pr");
  if (filter.ok()) {
    if (auto valid = scim::validate_filter(kind, *filter); !valid.ok()) {
      return make_error(Errc::invalid_value, "cannot require '" + std::string(spec) + "': " + valid.error().detail);
    }
    return RequiredAttribute{std::move(path), std::move(filter).value()};
  }
  return make_error(Errc::invalid_value, "cannot require '" + std::string(spec) + "': " + filter.error().detail);
}

std::vector<RequiredAttribute> required_attributes(const json::object& settings,
                                                   scim::ResourceKind kind) {
  std::vector<RequiredAttribute> out;
  const json::value* all = settings.if_contains(kRequired);
  if (all == nullptr || !all->is_object()) return out;
  const json::value* list = all->as_object().if_contains(kind_key(kind));
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& item : list->as_array()) {
    if (!item.is_string()) continue;
    auto r = parse_requirement(kind, item.as_string());
    if (r.ok()) out.push_back(std::move(r).value());
  }
  return out;
}

void set_required_attributes(json::object& settings, scim::ResourceKind kind,
                             const std::vector<RequiredAttribute>& required) {
  json::object& all = settings[kRequired].is_object() ? settings[kRequired].as_object()
                                                      : settings[kRequired].emplace_object();
  if (required.empty()) {
    all.erase(kind_key(kind));
  } else {
    json::array list;
    for (const auto& r : required) list.emplace_back(r.path);
    all[kind_key(kind)] = std::move(list);
  }
  if (all.empty()) settings.erase(kRequired);
}

Status check_required(const json::object& settings, scim::ResourceKind kind,
                      const json::object& doc, std::string_view tenant_name) {
  if (!settings.contains(kRequired)) return {};
  for (const auto& r : required_attributes(settings, kind)) {
    if (!scim::matches(kind, r.presence, doc)) {
      return make_error(Errc::invalid_value, "attribute '" + r.path + "' is required by tenant '" +
                                                 std::string(tenant_name) + "'");
    }
  }
  return {};
}

}  // namespace scimd::api
