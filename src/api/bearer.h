// Authorization: Bearer <secret> — parsing, and the admin key that guards /admin/v1.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace scimd::api {

// The secret of a "Bearer <secret>" header (scheme case-insensitive, spaces trimmed).
// Errors: unauthorized (missing, other scheme, empty, longer than 512 bytes).
Result<std::string_view> bearer_token(std::string_view authorization);

// The operator's admin key, held only as its SHA-256 (hex); compared in constant time.
class AdminKey {
 public:
  AdminKey() = default;  // none: the admin API answers 401 to everything
  static AdminKey from_secret(std::string_view secret);

  bool configured() const { return !sha256_hex_.empty(); }
  // Errors: unauthorized (no admin key configured, header missing/malformed, wrong key).
  Status check(std::string_view authorization) const;

 private:
  std::string sha256_hex_;
};

}  // namespace scimd::api
