// Per-tenant settings kept in store::Tenant::settings (a JSON object):
//   {"required_attributes": {"User": ["emails[type eq \"work\"].value", ...], "Group": [...]}}
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

// Errors: invalid_value naming the first requirement the stored document does not meet.
Status check_required(const boost::json::object& settings, scim::ResourceKind kind,
                      const boost::json::object& doc, std::string_view tenant_name);

}  // namespace scimd::api
