// The users and groups Entra ID provisions, as scimd stores them after a POST: the same bodies
// as bench/lists/load.lua, normalised by scim::normalize_resource as the HTTP path does.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "scim/resource.h"

namespace scimd::bench {

// The userName of user `i` with `prefix`: "<prefix><i>@example.com" (every fourth one at
// example.org). bench/bigrows/lookup.lua computes the same names.
std::string entra_user_name(const std::string& prefix, std::int64_t i);

// The stored document of user `i`.
Result<scim::Incoming> entra_user(const std::string& prefix, std::int64_t i);

// The stored document of a group named `display_name` (members are passed to the store apart).
Result<scim::Incoming> entra_group(const std::string& display_name);

}  // namespace scimd::bench
