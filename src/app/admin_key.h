// Where `scimd serve` gets the admin key that guards /admin/v1: --admin-key-file wins over the
// SCIMD_ADMIN_KEY environment variable; with neither, the admin API is off (401 everywhere).
#pragma once

#include <string>

#include "core/result.h"

namespace scimd::app {

struct AdminKeySource {
  std::string secret;  // empty: the admin API is off
  std::string origin;  // "--admin-key-file", "SCIMD_ADMIN_KEY" or "" (for the log; never the key)
};

// Reads the key file (trailing newlines and spaces trimmed) if `file` is set, else the
// environment variable. Errors: invalid_value (the file cannot be read, or holds no key).
Result<AdminKeySource> admin_key_source(const std::string& file);

}  // namespace scimd::app
