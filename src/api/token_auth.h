// Bearer-token authentication for the SCIM routes. Tokens are looked up by their SHA-256; a
// short-lived cache keeps the store out of the hot path, and bounds how long a revoked token
// (revoked by the CLI in another process) keeps working: kTokenCacheTtl.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"
#include "store/store.h"

namespace scimd::api {

inline constexpr std::chrono::seconds kTokenCacheTtl{5};
inline constexpr std::size_t kTokenCacheMaxEntries = 10000;

class TokenAuth {
 public:
  explicit TokenAuth(std::shared_ptr<store::Store> store,
                     std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>());

  // The tenant named `tenant_name` if `authorization` ("Bearer <token>") carries one of its
  // live tokens. Errors: unauthorized (missing, malformed, unknown, expired, other tenant's).
  Result<store::Tenant> authenticate(std::string_view authorization, std::string_view tenant_name);

  // Forgets cached tokens (after a change made through this process).
  void invalidate();

 private:
  struct Entry {
    std::optional<store::Tenant> tenant;  // nullopt: known-bad token (negative cache)
    TimePoint fetched;
  };
  std::shared_ptr<store::Store> store_;
  std::shared_ptr<const Clock> clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // key: SHA-256 hex of the token
};

}  // namespace scimd::api
