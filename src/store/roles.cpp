#include "store/roles.h"

#include <algorithm>

#include "core/text.h"

namespace scimd::store {

namespace json = boost::json;

namespace {

Error bad_mapping(std::string detail) {
  return make_error(Errc::invalid_value, "role_mapping: " + std::move(detail));
}

}  // namespace

Result<std::vector<RoleRule>> parse_role_mapping(const json::value& mapping) {
  if (!mapping.is_array()) return bad_mapping("must be an array of {\"group\", \"role\"}");
  std::vector<RoleRule> rules;
  for (std::size_t i = 0; i < mapping.as_array().size(); ++i) {
    const json::value& entry = mapping.as_array()[i];
    const std::string where = "entry " + std::to_string(i);
    if (!entry.is_object()) return bad_mapping(where + " is not an object");
    RoleRule rule;
    for (const auto& [key, value] : entry.as_object()) {
      if (key != "group" && key != "role") {
        return bad_mapping(where + " has unknown key '" + std::string(key) +
                           "' (known: group, role)");
      }
      if (!value.is_string() || value.as_string().empty()) {
        return bad_mapping(where + ": '" + std::string(key) + "' must be a non-empty string");
      }
      (key == "group" ? rule.group : rule.role) = std::string(value.as_string());
    }
    if (rule.group.empty() || rule.role.empty()) {
      return bad_mapping(where + " needs both 'group' and 'role'");
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::vector<RoleRule> role_rules(const json::object& settings) {
  const json::value* mapping = settings.if_contains("role_mapping");
  if (mapping == nullptr) return {};
  auto rules = parse_role_mapping(*mapping);
  return rules.ok() ? std::move(rules).value() : std::vector<RoleRule>{};
}

bool rule_matches(const RoleRule& rule, const GroupKey& group) {
  return (!group.external_id.empty() && rule.group == group.external_id) ||
         iequals(rule.group, group.display_name);
}

bool any_rule_matches(const std::vector<RoleRule>& rules, const GroupKey& group) {
  return std::any_of(rules.begin(), rules.end(),
                     [&](const RoleRule& r) { return rule_matches(r, group); });
}

std::vector<std::string> roles_for(const std::vector<RoleRule>& rules,
                                   const std::vector<GroupKey>& groups) {
  std::vector<std::string> roles;
  for (const RoleRule& rule : rules) {
    for (const GroupKey& group : groups) {
      if (rule_matches(rule, group)) {
        roles.push_back(rule.role);
        break;
      }
    }
  }
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  return roles;
}

std::vector<std::string> parse_roles(std::string_view json_array) {
  boost::system::error_code ec;
  const json::value value = json::parse(json_array, ec);
  std::vector<std::string> roles;
  if (ec || !value.is_array()) return roles;
  for (const json::value& v : value.as_array()) {
    if (v.is_string()) roles.emplace_back(v.as_string());
  }
  return roles;
}

std::string roles_json(const std::vector<std::string>& roles) {
  json::array array;
  for (const std::string& role : roles) array.emplace_back(role);
  return json::serialize(array);
}

}  // namespace scimd::store
