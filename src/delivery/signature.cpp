#include "delivery/signature.h"

#include "core/crypto.h"

namespace scimd::delivery {

namespace {
constexpr std::string_view kSecretPrefix = "whsec_";
}  // namespace

Result<std::string> webhook_key(std::string_view secret) {
  if (secret.substr(0, kSecretPrefix.size()) != kSecretPrefix) {
    return make_error(Errc::invalid_value, "webhook secret must start with whsec_");
  }
  auto key = crypto::base64_decode(secret.substr(kSecretPrefix.size()));
  if (!key || key->empty()) {
    return make_error(Errc::invalid_value, "webhook secret must be whsec_ followed by base64");
  }
  return std::move(*key);
}

std::string sign_webhook(std::string_view key, std::string_view id, std::int64_t timestamp,
                         std::string_view body) {
  std::string message;
  message.reserve(id.size() + body.size() + 24);
  message.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  return "v1," + crypto::base64(crypto::hmac_sha256(key, message));
}

SignedHeaders signed_headers(std::string_view key, std::string_view id, std::int64_t timestamp,
                             std::string_view body) {
  return SignedHeaders{std::string(id), std::to_string(timestamp),
                       sign_webhook(key, id, timestamp, body)};
}

}  // namespace scimd::delivery
