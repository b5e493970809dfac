// Group → role mapping (tenant setting "role_mapping"): a user's effective roles are the roles
// of the rules whose group the user directly belongs to. A rule names a group by externalId or
// by displayName (case-insensitive), so an Entra group keeps its role across renames when the
// rule uses its externalId (Entra's objectId).
//   "role_mapping": [{"group": "Sales Admins", "role": "admin"}, {"group": "8f1c…", "role": "viewer"}]
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/result.h"

namespace scimd::store {

struct RoleRule {
  std::string group;  // externalId, or displayName compared case-insensitively
  std::string role;
};

// The group of a user as role matching needs it.
struct GroupKey {
  std::string external_id;
  std::string display_name;
};

// Parses settings["role_mapping"] (absent: no rules). Errors: invalid_value naming the
// problem (not an array, entry without a non-empty "group" or "role", unknown key).
Result<std::vector<RoleRule>> parse_role_mapping(const boost::json::value& mapping);
// The rules in a settings object; malformed entries (never stored: settings are validated
// when set) are skipped.
std::vector<RoleRule> role_rules(const boost::json::object& settings);

bool rule_matches(const RoleRule& rule, const GroupKey& group);
bool any_rule_matches(const std::vector<RoleRule>& rules, const GroupKey& group);

// Sorted, without duplicates.
std::vector<std::string> roles_for(const std::vector<RoleRule>& rules,
                                   const std::vector<GroupKey>& groups);

std::vector<std::string> parse_roles(std::string_view json_array);  // stored form; bad → empty
std::string roles_json(const std::vector<std::string>& roles);

}  // namespace scimd::store
