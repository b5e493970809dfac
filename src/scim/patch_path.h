// PATCH paths (RFC 7644 §3.5.2): attrPath [ "[" valFilter "]" ] [ "." subAttr ].
// Internal to the PATCH implementation (patch*.cpp) and its tests.
#pragma once

#include <optional>
#include <string_view>

#include "core/result.h"
#include "scim/attr_path.h"
#include "scim/filter.h"

namespace scimd::scim {

struct PatchPath {
  // The attribute, with `sub` set for "name.givenName" and for "emails[...].value" alike.
  AttrPath attr;
  // The value filter in brackets; its paths name sub-attributes of `attr`.
  std::optional<Filter> filter;
};

// Errors: invalid_path (the detail says what does not parse).
Result<PatchPath> parse_patch_path(std::string_view text);

}  // namespace scimd::scim
