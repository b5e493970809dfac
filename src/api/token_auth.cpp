#include "api/token_auth.h"

#include "api/bearer.h"

#include "core/crypto.h"
#include "core/text.h"

namespace scimd::api {

TokenAuth::TokenAuth(std::shared_ptr<store::Store> store, std::shared_ptr<const Clock> clock)
    : store_(std::move(store)), clock_(std::move(clock)) {}

Result<store::Tenant> TokenAuth::authenticate(std::string_view authorization,
                                              std::string_view tenant_name) {
  SCIMD_ASSIGN_OR_RETURN(const std::string_view token, bearer_token(authorization));
  const std::string hash = crypto::sha256_hex(token);
  const TimePoint now = clock_->now();

  std::optional<store::Tenant> owner;
  bool cached = false;
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(hash); it != cache_.end() && now - it->second.fetched < kTokenCacheTtl) {
      owner = it->second.tenant;
      cached = true;
    }
  }
  if (!cached) {
    auto found = store_->find_token_owner(hash, now);
    if (!found.ok()) return std::move(found).error();
    owner = *found;
    std::lock_guard lock(mu_);
    if (cache_.size() >= kTokenCacheMaxEntries) cache_.clear();
    cache_[hash] = Entry{owner, now};
  }
  // The hash lookup already matched; compare names in constant time as well so the answer
  // for "valid token, other tenant" costs the same as for any other mismatch.
  if (!owner || !crypto::constant_time_equal(owner->name, tenant_name)) {
    return make_error(Errc::unauthorized, "the token is not valid for this tenant");
  }
  uses_.note(hash, now);
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
  SCIMD_ASSIGN_OR_RETURN(const std::string_view key, bearer_token(authorization));
  const std::string hash = crypto::sha256_hex(key);
  const TimePoint now = clock_->now();

  std::optional<store::Tenant> owner;
  bool cached = false;
  {
    std::lock_guard lock(mu_);
    if (auto it = app_key_cache_.find(hash);
        it != app_key_cache_.end() && now - it->second.fetched < kTokenCacheTtl) {
      owner = it->second.tenant;
      cached = true;
    }
  }
  if (!cached) {
    auto found = store_->find_app_key_owner(hash);
    if (!found.ok()) return std::move(found).error();
    owner = *found;
    std::lock_guard lock(mu_);
    if (app_key_cache_.size() >= kTokenCacheMaxEntries) app_key_cache_.clear();
    app_key_cache_[hash] = Entry{owner, now};
  }
  if (!owner || !crypto::constant_time_equal(owner->name, tenant_name)) {
    return make_error(Errc::unauthorized, "the app key is not valid for this tenant");
  }
  uses_.note(hash, now);  // the app key's last_used, as for tokens
  return *owner;
}

}  // namespace scimd::api
