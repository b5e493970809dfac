// Attribute paths (RFC 7644 §3.10): [URN ":"] attr ["." subAttr], as used in filters,
// `attributes` lists, sortBy and PATCH paths.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace scimd::scim {

struct AttrPath {
  std::string urn;   // schema URN if the path was qualified, else empty
  std::string attr;  // attribute name as written
  std::string sub;   // sub-attribute name as written, or empty

  std::string to_string() const;
  bool operator==(const AttrPath&) const = default;
};

// Parses "userName", "name.givenName", "urn:...:enterprise:2.0:User:manager.value".
// The URN is everything up to the last ':' (URNs contain dots, e.g. "2.0").
// Errors: invalid_path.
Result<AttrPath> parse_attr_path(std::string_view text);

}  // namespace scimd::scim
