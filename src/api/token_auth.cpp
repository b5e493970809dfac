#include "api/token_auth.h"

#include "api/bearer.h"

#include "core/crypto.h"
#include "core/text.h"

namespace scimd::api {

TokenAuth::TokenAuth(std::shared_ptr<store::Store> store, std::shared_ptr<const Clock> clock)
    : store_(std::move(store)), clock_(std::move(clock)) {}

Result<store::Tenant> TokenAuth::authenticate(std::string_view authorization,
                                              std::string_view tenant_name) {
  return authenticate_with(
      authorization, tenant_name, cache_,
      [this](const std::string& hash, TimePoint now) { return store_->find_token_owner(hash, now); },
      "token");
}

Result<store::Tenant> TokenAuth::authenticate_with(std::string_view authorization,
                                                   std::string_view tenant_name, Cache& cache,
                                                   const OwnerLookup& lookup,
                                                   std::string_view what) {
  SCIMD_ASSIGN_OR_RETURN(const std::string_view secret, bearer_token(authorization));
  const std::string hash = crypto::sha256_hex(secret);
  const TimePoint now = clock_->now();

  std::optional<store::Tenant> owner;
  bool cached = false;
  {
    std::lock_guard lock(mu_);
    if (auto it = cache.find(hash); it != cache.end() && now - it->second.fetched < kTokenCacheTtl) {
      owner = it->second.tenant;
      cached = true;
    }
  }
  if (!cached) {
    auto found = lookup(hash, now);
    if (!found.ok()) return std::move(found).error();
    owner = *found;
    std::lock_guard lock(mu_);
    if (cache.size() >= kTokenCacheMaxEntries) cache.clear();
    cache[hash] = Entry{owner, now};
  }
  // The hash lookup already matched; compare names in constant time as well so the answer
  // for "valid secret, other tenant" costs the same as for any other mismatch.
  if (!owner || !crypto::constant_time_equal(owner->name, tenant_name)) {
    return make_error(Errc::unauthorized,
                      "the " + std::string(what) + " is not valid for this tenant");
  }
  uses_.note(hash, now);  // last_used, written in batches (key_use.h)
  return *owner;
}

void TokenAuth::note_use(std::string sha256_hex) { uses_.note(std::move(sha256_hex), clock_->now()); }

void TokenAuth::invalidate() {
  std::lock_guard lock(mu_);
  cache_.clear();
  app_key_cache_.clear();
}

Result<store::Tenant> TokenAuth::authenticate_app_key(std::string_view authorization,
                                                      std::string_view tenant_name) {
  return authenticate_with(
      authorization, tenant_name, app_key_cache_,
      [this](const std::string& hash, TimePoint) { return store_->find_app_key_owner(hash); },
      "app key");
}

}  // namespace scimd::api
