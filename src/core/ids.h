// Identifiers that scimd assigns.
#pragma once

#include <string>

namespace scimd {

// A random (version 4) UUID in lower-case canonical form: the SCIM `id` of every resource.
std::string new_resource_id();

// A Secret Token: 256 random bits, base64url without padding (43 characters).
std::string new_secret_token();

}  // namespace scimd
