// The store contract for app keys (the product's keys for /api/v1) and last-used times of
// tokens and keys.
#include <chrono>

#include <gtest/gtest.h>

#include "core/crypto.h"
#include "store/store_fixture.h"

namespace scimd::store::testing {
namespace {

using namespace std::chrono_literals;

class AppKeyStore : public StoreTest {
 protected:
  static std::string hash(std::string_view secret) { return crypto::sha256_hex(secret); }

  TenantId other_tenant() {
    auto t = store_->create_tenant("globex");
    EXPECT_TRUE(t.ok()) << t.error().detail;
    return t.ok() ? t->id : 0;
  }
};

TEST_P(AppKeyStore, AddedKeysAreListedInOrderWithoutRevocation) {
  auto a = store_->add_app_key(tenant_, "backend", hash("k1"));
  ASSERT_TRUE(a.ok()) << a.error().detail;
  auto b = store_->add_app_key(tenant_, "cron", hash("k2"));
  ASSERT_TRUE(b.ok()) << b.error().detail;
  EXPECT_GT(a->id, 0);
  EXPECT_GT(b->id, a->id);
  EXPECT_EQ(a->name, "backend");
  EXPECT_EQ(a->tenant_id, tenant_);
  EXPECT_FALSE(a->created.empty());
  EXPECT_FALSE(a->revoked.has_value());
  EXPECT_FALSE(a->last_used.has_value());

  auto keys = store_->list_app_keys(tenant_);
  ASSERT_TRUE(keys.ok()) << keys.error().detail;
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].id, a->id);
  EXPECT_EQ((*keys)[0].name, "backend");
  EXPECT_EQ((*keys)[0].created, a->created);
  EXPECT_EQ((*keys)[1].name, "cron");
}

TEST_P(AppKeyStore, TheOwnerIsFoundByHashUntilRevoked) {
  auto key = store_->add_app_key(tenant_, "backend", hash("secret"));
  ASSERT_TRUE(key.ok());
  auto owner = store_->find_app_key_owner(hash("secret"));
  ASSERT_TRUE(owner.ok()) << owner.error().detail;
  ASSERT_TRUE(owner->has_value());
  EXPECT_EQ((*owner)->name, "acme");
  EXPECT_EQ((*owner)->id, tenant_);

  EXPECT_FALSE(store_->find_app_key_owner(hash("other"))->has_value());

  ASSERT_TRUE(store_->revoke_app_key(tenant_, key->id).ok());
  EXPECT_FALSE(store_->find_app_key_owner(hash("secret"))->has_value());
  auto keys = store_->list_app_keys(tenant_);
  ASSERT_EQ(keys->size(), 1u);  // revoked keys stay listed, with the time
  ASSERT_TRUE((*keys)[0].revoked.has_value());
  const std::string first = *(*keys)[0].revoked;
  // Revoking again is harmless and keeps the first time.
  ASSERT_TRUE(store_->revoke_app_key(tenant_, key->id).ok());
  EXPECT_EQ(*(*store_->list_app_keys(tenant_))[0].revoked, first);
}

TEST_P(AppKeyStore, OwnerCarriesTheTenantSettings) {
  ASSERT_TRUE(store_->set_tenant_settings(tenant_, boost::json::object{{"adoption_policy", "adopt"}}).ok());
  ASSERT_TRUE(store_->add_app_key(tenant_, "backend", hash("s")).ok());
  auto owner = store_->find_app_key_owner(hash("s"));
  ASSERT_TRUE(owner.ok() && owner->has_value());
  EXPECT_EQ((*owner)->settings, (boost::json::object{{"adoption_policy", "adopt"}}));
}

TEST_P(AppKeyStore, RevokingIsPerTenant) {
  const TenantId globex = other_tenant();
  auto key = store_->add_app_key(tenant_, "backend", hash("s"));
  ASSERT_TRUE(key.ok());
  const auto r = store_->revoke_app_key(globex, key->id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::not_found);
  EXPECT_TRUE(store_->find_app_key_owner(hash("s"))->has_value());
  EXPECT_TRUE(store_->list_app_keys(globex)->empty());
  EXPECT_EQ(store_->revoke_app_key(tenant_, key->id + 100).error().code, Errc::not_found);
}

TEST_P(AppKeyStore, DuplicateHashesAndUnknownTenantsAreRefused) {
  ASSERT_TRUE(store_->add_app_key(tenant_, "a", hash("same")).ok());
  auto dup = store_->add_app_key(tenant_, "b", hash("same"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::uniqueness);
  auto orphan = store_->add_app_key(tenant_ + 999, "c", hash("new"));
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, Errc::not_found);
  EXPECT_EQ(store_->list_app_keys(tenant_)->size(), 1u);
}

TEST_P(AppKeyStore, KeysGoWithTheirTenant) {
  ASSERT_TRUE(store_->add_app_key(tenant_, "a", hash("gone")).ok());
  ASSERT_TRUE(store_->delete_tenant("acme").ok());
  EXPECT_FALSE(store_->find_app_key_owner(hash("gone"))->has_value());
}

TEST_P(AppKeyStore, NoteKeyUseRecordsTokensAndKeysAndNeverGoesBack) {
  ASSERT_TRUE(store_->add_token(tenant_, hash("token")).ok());
  auto key = store_->add_app_key(tenant_, "backend", hash("key"));
  ASSERT_TRUE(key.ok());
  const TimePoint t1 = *parse_time("2026-12-01T10:00:00.000Z");
  const TimePoint t2 = t1 + 1h;
  ASSERT_TRUE(store_->note_key_use({{hash("token"), t2}, {hash("key"), t1}, {hash("unknown"), t1}}).ok());

  auto keys = store_->list_app_keys(tenant_);
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].last_used, format_time(t1));
  auto tokens = store_->list_tokens(tenant_);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].last_used, format_time(t2));

  // An older use reported late does not move last_used back.
  ASSERT_TRUE(store_->note_key_use({{hash("token"), t1}, {hash("key"), t2}}).ok());
  EXPECT_EQ((*store_->list_tokens(tenant_))[0].last_used, format_time(t2));
  EXPECT_EQ((*store_->list_app_keys(tenant_))[0].last_used, format_time(t2));
  EXPECT_TRUE(store_->note_key_use({}).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, AppKeyStore, kBackends);

}  // namespace
}  // namespace scimd::store::testing
