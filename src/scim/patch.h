// PATCH (RFC 7644 §3.5.2) applied to a stored document, in every dialect clients send:
// RFC form; Entra's default form (capitalised ops, "True"/"False" strings, `remove` with a
// `value` list on `members` that removes only those members); Entra's aadOptscim062020 form
// (path-less replace whose keys are dotted paths or URN-qualified names,
// `members[value eq "id"]` removal); Okta's path-less `{"active": false}` and group renames.
#pragma once

#include <vector>

#include <boost/json.hpp>

#include "core/result.h"
#include "scim/member.h"
#include "scim/schema.h"

namespace scimd::scim {

inline constexpr std::size_t kMaxPatchOperations = 10000;

struct PatchResult {
  boost::json::object doc;            // the new stored document (see resource.h)
  std::vector<MemberOp> member_ops;   // Groups: membership changes, in request order
  bool doc_changed = false;           // false when the operations left `doc` as it was
};

// Applies a PatchOp request body to `doc` atomically: any failing operation fails the whole
// request and `doc` is untouched (it is const; the result is a new document).
// Errors: invalid_syntax (not a PatchOp body, bad op), invalid_path, invalid_value,
// mutability (readOnly/immutable target), no_target (remove without path; a value filter
// matching nothing where RFC requires a target).
Result<PatchResult> apply_patch(ResourceKind kind, const boost::json::object& doc,
                                const boost::json::value& patch_body);

}  // namespace scimd::scim
