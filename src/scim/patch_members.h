// Group membership in PATCH: every operation on `members` becomes a MemberOp, because members
// are rows of their own (member.h), never part of the stored group document.
// Internal to the PATCH implementation (patch*.cpp) and its tests.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/result.h"
#include "scim/filter.h"
#include "scim/member.h"

namespace scimd::scim {

enum class PatchOpKind { add, replace, remove };

// The members a PATCH `value` names: a list of member objects, one member object, or a bare
// id string. Member objects: {"value": id} plus "display" or Entra's "displayName"; "$ref" and
// other keys are ignored. Errors: invalid_value (an id that is missing, empty or not a string).
Result<std::vector<MemberRef>> parse_member_values(const boost::json::value& value,
                                                   std::string_view where);

// The ids a `members[...]` value filter names: `value eq "id"` terms joined by `or`.
// Errors: invalid_path for any other filter (unsupported on members).
Result<std::vector<MemberRef>> member_ids_from_filter(const Filter& filter, std::string_view where);

// The membership change of one operation on `members` (no sub-attribute), or nullopt when it
// changes nothing (e.g. add of an empty list). `value` is null when the operation had none.
// Entra's `remove` with a value list removes exactly those members, never all of them.
Result<std::optional<MemberOp>> member_op(PatchOpKind op, const std::optional<Filter>& filter,
                                          const boost::json::value* value, std::string_view where);

}  // namespace scimd::scim
