// Bearer-token authentication for the SCIM routes. Tokens are looked up by their SHA-256; a
// short-lived cache keeps the store out of the hot path, and bounds how long a revoked token
// (revoked by the CLI in another process) keeps working: kTokenCacheTtl.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/key_use.h"
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

  // Records that the token or app key with this SHA-256 (hex) was used now. Cheap (memory
  // only): the uses reach the store's last_used columns at most kKeyUseFlushInterval later.
  // authenticate() records its successes itself.
  void note_use(std::string sha256_hex);
  // Writes the recorded uses now (tests; the recorder's thread does it every interval).
  Status flush_uses() { return uses_.flush(); }

  // The same for an app key of the directory API (/api/v1): the tenant named `tenant_name` if
  // `authorization` carries one of its unrevoked app keys. Cached like tokens (kTokenCacheTtl,
  // cleared by invalidate()), in a cache of its own: a SCIM token is never an app key.
  // Errors: unauthorized (missing, malformed, unknown, revoked, other tenant's key); the
  // store's error if the lookup fails.
  Result<store::Tenant> authenticate_app_key(std::string_view authorization,
                                             std::string_view tenant_name);

 private:
  struct Entry {
    std::optional<store::Tenant> tenant;  // nullopt: known-bad token (negative cache)
    TimePoint fetched;
  };
  std::shared_ptr<store::Store> store_;
  std::shared_ptr<const Clock> clock_;
  std::mutex mu_;
  using Cache = std::unordered_map<std::string, Entry>;  // key: SHA-256 hex of the secret
  using OwnerLookup =
      std::function<Result<std::optional<store::Tenant>>(const std::string& hash, TimePoint now)>;
  // The one path for tokens and app keys: parse, hash, cache (kTokenCacheTtl), check the
  // tenant in constant time, note the use.
  Result<store::Tenant> authenticate_with(std::string_view authorization,
                                          std::string_view tenant_name, Cache& cache,
                                          const OwnerLookup& lookup, std::string_view what);

  std::unordered_map<std::string, Entry> cache_;  // key: SHA-256 hex of the token
  std::unordered_map<std::string, Entry> app_key_cache_;  // key: SHA-256 hex of the app key
  KeyUseRecorder uses_{store_};  // last: its thread stops (and flushes) first
};

}  // namespace scimd::api
