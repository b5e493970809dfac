// `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) and the schema's `returned`
// rules, applied to a full representation.
#pragma once

#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "scim/attr_path.h"
#include "scim/schema.h"

namespace scimd::scim {

struct Projection {
  std::vector<ResolvedAttr> include;  // empty: the default set
  std::vector<ResolvedAttr> exclude;

  // Whether a top-level attribute (e.g. group `members`) will appear, so the caller can skip
  // loading it.
  bool returns(const AttributeDef& attr) const;
};

// Parses the two comma-separated lists. Names that do not resolve are ignored, as clients
// send attributes a server may not have; a value filter inside a name
// (`emails[type eq "work"]`, sent by Microsoft's collection) selects the whole attribute.
Projection parse_projection(ResourceKind kind, std::string_view attributes,
                            std::string_view excluded_attributes);

// Applies the projection to a representation from to_representation().
boost::json::object project(ResourceKind kind, const boost::json::object& representation,
                            const Projection& projection);
// The same for a representation built for this answer: without a projection it is moved out,
// not copied (a group's member array can be large).
boost::json::object project(ResourceKind kind, boost::json::object&& representation,
                            const Projection& projection);

}  // namespace scimd::scim
