// Per-tenant settings kept in store::Tenant::settings (a JSON object), with these keys:
//   "required_attributes": {"User": ["emails[type eq \"work\"].value", ...], "Group": [...]}
//   "role_mapping":        [{"group": "Sales Admins", "role": "admin"}, ...]   (store/roles.h)
//   "invitations":         {"enabled": true, "from": ..., ...}               (mail/invitation.h)
//   "adoption_policy":     "adopt" | "conflict" (default "conflict")
// validate_settings() is the one check of a whole object (the admin API and the CLI use it).
// A product like Modyo requires a work email on every user; scimd then refuses (400
// invalidValue, naming the attribute) any create, replace or patch that would leave it out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/result.h"
#include "scim/filter.h"
#include "scim/schema.h"

namespace scimd::api {

struct RequiredAttribute {
  std::string path;       // canonical text, e.g. emails[type eq "work"].value
  scim::Filter presence;  // `path pr`
};

// Turns what an operator types into a canonical path: "emails.work" (a canonical type value of
// a multi-valued attribute) means emails[type eq "work"].value; any attribute path or
// `attr[filter].sub` is accepted as is. Errors: invalid_value naming the problem.
Result<RequiredAttribute> parse_requirement(scim::ResourceKind kind, std::string_view spec);

// The requirements of one resource type in a settings object (malformed entries are skipped:
// they were validated when set).
std::vector<RequiredAttribute> required_attributes(const boost::json::object& settings,
                                                   scim::ResourceKind kind);

// Sets the requirement list of one resource type in `settings` (empty list removes it).
void set_required_attributes(boost::json::object& settings, scim::ResourceKind kind,
                             const std::vector<RequiredAttribute>& required);

// The keys a settings object may hold, in the order above.
const std::vector<std::string_view>& settings_keys();

// Checks a whole settings object and returns it in the form to store: required-attribute
// paths canonical ("emails.work" becomes emails[type eq "work"].value), empty lists dropped.
// Errors: invalid_value naming the key and the problem (unknown key, wrong type, bad value).
Result<boost::json::object> validate_settings(const boost::json::object& settings);

// Applies a partial settings object to `current` (a key set to null is removed; any other
// value replaces the key's whole value) and validates the result as validate_settings does.
Result<boost::json::object> merge_settings(const boost::json::object& current,
                                           const boost::json::object& patch);

// "adopt": a SCIM create whose userName or work email matches a user the product
// pre-registered takes that user over (store::WriteOptions::adopt_unsynced); "conflict", the
// default: such a create fails with 409 uniqueness.
bool adopts_unsynced(const boost::json::object& settings);

// Errors: invalid_value naming the first requirement the stored document does not meet.
Status check_required(const boost::json::object& settings, scim::ResourceKind kind,
                      const boost::json::object& doc, std::string_view tenant_name);

}  // namespace scimd::api
