#include "api/tenant_settings.h"

#include "core/text.h"
#include "mail/invitation.h"
#include "scim/attr_path.h"
#include "store/roles.h"

namespace scimd::api {

namespace json = boost::json;

namespace {

constexpr std::string_view kRequired = "required_attributes";
constexpr std::string_view kRoleMapping = "role_mapping";
constexpr std::string_view kInvitations = "invitations";
constexpr std::string_view kAdoption = "adoption_policy";

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

namespace {

Error bad_setting(std::string_view key, const std::string& problem) {
  return make_error(Errc::invalid_value, "settings: '" + std::string(key) + "' " + problem);
}

// {"User": [...], "Group": [...]} with every path canonical; empty lists and objects dropped.
Result<json::object> canonical_requirements(const json::value& value) {
  if (!value.is_object()) {
    return bad_setting(kRequired, "must be an object like {\"User\": [\"emails.work\"], \"Group\": []}");
  }
  json::object out;
  for (const auto& [key, list] : value.as_object()) {
    scim::ResourceKind kind;
    if (key == "User") {
      kind = scim::ResourceKind::user;
    } else if (key == "Group") {
      kind = scim::ResourceKind::group;
    } else {
      return bad_setting(kRequired, "has unknown key '" + std::string(key) + "' (known: User, Group)");
    }
    if (!list.is_array()) return bad_setting(kRequired, "." + std::string(key) + " must be an array of attribute paths");
    json::array paths;
    for (const auto& item : list.as_array()) {
      if (!item.is_string()) {
        return bad_setting(kRequired, "." + std::string(key) + " must be an array of attribute paths");
      }
      auto r = parse_requirement(kind, item.as_string());
      if (!r.ok()) return bad_setting(kRequired, "." + std::string(key) + ": " + r.error().detail);
      paths.emplace_back(r->path);
    }
    if (!paths.empty()) out[key] = std::move(paths);
  }
  return out;
}

}  // namespace

const std::vector<std::string_view>& settings_keys() {
  static const std::vector<std::string_view> keys = {kRequired, kRoleMapping, kInvitations, kAdoption};
  return keys;
}

Result<json::object> validate_settings(const json::object& settings) {
  json::object out;
  for (const auto& [key, value] : settings) {
    if (key == kRequired) {
      SCIMD_ASSIGN_OR_RETURN(json::object required, canonical_requirements(value));
      if (!required.empty()) out[key] = std::move(required);
    } else if (key == kRoleMapping) {
      if (auto r = store::parse_role_mapping(value); !r.ok()) return r.error();
      out[key] = value;
    } else if (key == kInvitations) {
      if (auto r = mail::parse_invitation_settings(value); !r.ok()) return r.error();
      out[key] = value;
    } else if (key == kAdoption) {
      if (!value.is_string() || (value.as_string() != "adopt" && value.as_string() != "conflict")) {
        return bad_setting(kAdoption, "must be \"adopt\" or \"conflict\"");
      }
      out[key] = value;
    } else {
      std::string known;
      for (std::string_view k : settings_keys()) known += (known.empty() ? "" : ", ") + std::string(k);
      return make_error(Errc::invalid_value,
                        "settings: unknown key '" + std::string(key) + "' (known: " + known + ")");
    }
  }
  return out;
}

Result<json::object> merge_settings(const json::object& current, const json::object& patch) {
  json::object merged = current;
  for (const auto& [key, value] : patch) {
    if (value.is_null()) {
      merged.erase(key);
    } else {
      merged[key] = value;
    }
  }
  return validate_settings(merged);
}

bool adopts_unsynced(const json::object& settings) {
  const json::value* policy = settings.if_contains(kAdoption);
  return policy != nullptr && policy->is_string() && policy->as_string() == "adopt";
}

}  // namespace scimd::api
