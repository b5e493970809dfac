// Small text operations SCIM needs everywhere (attribute names are case-insensitive).
#pragma once

#include <string>
#include <string_view>

namespace scimd {

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);  // ASCII only, as SCIM names are ASCII

}  // namespace scimd
