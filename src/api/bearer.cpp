#include "api/bearer.h"

#include "core/crypto.h"
#include "core/text.h"

namespace scimd::api {

Result<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view kBearer = "bearer ";
  if (authorization.size() <= kBearer.size() ||
      !iequals(authorization.substr(0, kBearer.size()), kBearer)) {
    return make_error(Errc::unauthorized, "a Bearer token is required");
  }
  std::string_view token = authorization.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty() || token.size() > 512) {
    return make_error(Errc::unauthorized, "the Bearer token is malformed");
  }
  return token;
}

AdminKey AdminKey::from_secret(std::string_view secret) {
  AdminKey key;
  if (!secret.empty()) key.sha256_hex_ = crypto::sha256_hex(secret);
  return key;
}

Status AdminKey::check(std::string_view authorization) const {
  if (!configured()) {
    return make_error(Errc::unauthorized,
                      "the admin API is off: start scimd with SCIMD_ADMIN_KEY or --admin-key-file");
  }
  SCIMD_ASSIGN_OR_RETURN(const std::string_view token, bearer_token(authorization));
  // Hashing first makes the comparison's length fixed, whatever the caller sent.
  if (!crypto::constant_time_equal(crypto::sha256_hex(token), sha256_hex_)) {
    return make_error(Errc::unauthorized, "wrong admin key");
  }
  return {};
}

}  // namespace scimd::api
