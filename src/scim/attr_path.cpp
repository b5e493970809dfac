#include "scim/attr_path.h"

namespace scimd::scim {

std::string AttrPath::to_string() const {
  std::string out;
  if (!urn.empty()) out += urn + ":";
  out += attr;
  if (!sub.empty()) out += "." + sub;
  return out;
}

Result<AttrPath> parse_attr_path(std::string_view) {
  return make_error(Errc::not_implemented, "parse_attr_path: not implemented yet");
}

}  // namespace scimd::scim
