// Standard Webhooks signing (https://www.standardwebhooks.com): what a receiver checks.
//   webhook-id:        the event id (stable across retries, so receivers can dedupe)
//   webhook-timestamp: unix seconds of this attempt
//   webhook-signature: "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))
// where key is the base64-decoded part of the secret after "whsec_".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace scimd::delivery {

// The key bytes of a "whsec_..." secret. Errors: invalid_value (no prefix, not base64, empty).
Result<std::string> webhook_key(std::string_view secret);

// "v1,<base64 signature>" for one message.
std::string sign_webhook(std::string_view key, std::string_view id, std::int64_t timestamp,
                         std::string_view body);

// The three headers of one attempt.
struct SignedHeaders {
  std::string id;
  std::string timestamp;
  std::string signature;
};
SignedHeaders signed_headers(std::string_view key, std::string_view id, std::int64_t timestamp,
                             std::string_view body);

}  // namespace scimd::delivery
