// Value-level steps of PATCH: primary uniqueness, merging complex values, turning a value
// filter into the element it describes. Internal to patch*.cpp and their tests.
#pragma once

#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/result.h"
#include "scim/filter.h"
#include "scim/schema.h"

namespace scimd::scim {

inline constexpr std::string_view kPrimary = "primary";  // the sub-attribute RFC 7643 §2.4 names

// Whether a value of a multi-valued attribute has "primary": true.
bool is_primary(const boost::json::value& element);

// RFC 7643 §2.4: at most one value is primary. Removes "primary" from all but values[keep].
void clear_other_primaries(boost::json::array& values, std::size_t keep);

// The first primary value among `indices` stays primary; every other value loses it.
void keep_first_primary(boost::json::array& values, const std::vector<std::size_t>& indices);
std::vector<std::size_t> all_indices(const boost::json::array& values);

// RFC 7644 §3.5.2.1/3: add or replace on a complex attribute sets the given sub-attributes
// and leaves the others; null clears one. A different `value` (manager) names another
// referent, whose old sub-attributes (displayName, $ref) would be wrong: that replaces all.
void merge_complex(boost::json::object& target, const boost::json::object& incoming);

// The singular form of a multi-valued attribute, to coerce one of its values.
AttributeDef element_def(const AttributeDef& def);

// Turns "True"/"False" strings compared with boolean sub-attributes into booleans, as
// Entra writes `roles[primary eq "True"]`.
void coerce_filter_booleans(const AttributeDef& attr, Filter& filter);

// Adds to `element` the sub-attributes a value filter's `eq` terms (joined by `and`) name;
// false when the filter cannot describe one element (ne, co, or, unknown sub-attributes...).
bool element_from_filter(const AttributeDef& attr, const Filter& filter,
                         boost::json::object& element);

// Erases container[key] when it is null, an empty object or an empty array, so that removing
// the last sub-attribute or value leaves the attribute unassigned (and documents comparable).
void erase_if_empty(boost::json::object& container, std::string_view key);

// True when `element` equals `pattern`, or has every sub-attribute `pattern` gives.
bool element_contains(const boost::json::value& element, const boost::json::value& pattern);

// coerce_value (resource.h), and a complex value sent as a JSON string (Entra's
// AppRoleAssignmentsComplex roles) is parsed first.
Result<boost::json::value> coerce_patch_value(const AttributeDef& def,
                                              const boost::json::value& value,
                                              std::string_view where);

}  // namespace scimd::scim
