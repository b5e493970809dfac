// ServiceTest with an admin key, and calls to /api/v1/{tenant}/... for the directory API tests.
#pragma once

#include <string>

#include "service_fixture.h"

namespace scimd::api::testing {

inline constexpr std::string_view kDirectoryAdminKey = "admin-key-for-directory-tests";

class DirectoryTest : public ServiceTest {
 protected:
  static constexpr int kMaxFeedWaiters = 2;

  void SetUp() override {
    ServiceTest::SetUp();
    ServiceOptions o;
    o.public_url = "https://scim.example.com";
    o.admin_key = AdminKey::from_secret(kDirectoryAdminKey);
    o.max_feed_waiters = kMaxFeedWaiters;
    service_ = std::make_unique<Service>(store_, o);
  }

  // `path` after /api/v1 (e.g. "/acme/users?limit=2"); the admin key unless `key` is given.
  Response api(const std::string& method, const std::string& path, const std::string& body = "",
               std::string key = std::string(kDirectoryAdminKey)) {
    Request r;
    r.method = method;
    r.target = "/api/v1" + path;
    r.body = body;
    if (!key.empty()) r.headers.emplace_back("authorization", "Bearer " + key);
    return service_->handle(r);
  }

  store::Tenant tenant(const std::string& name) {
    auto t = store_->find_tenant(name);
    EXPECT_TRUE(t.ok());
    return t.ok() ? *t : store::Tenant{};
  }

  // A new app key of `tenant_name`, or "" when the store cannot make app keys yet (the caller
  // then skips: they come with the admin API).
  std::string app_key(const std::string& tenant_name) {
    const std::string key = "app-" + new_secret_token();
    auto added = store_->add_app_key(tenant(tenant_name).id, "test", crypto::sha256_hex(key));
    if (!added.ok()) {
      EXPECT_EQ(added.error().code, Errc::not_implemented) << added.error().detail;
      return {};
    }
    return key;
  }

  static std::string scim_type(const Response& r) {
    const auto body = json_of(r);
    const auto* t = body.if_contains("scimType");
    return t != nullptr && t->is_string() ? std::string(t->as_string()) : std::string();
  }
  static std::string detail(const Response& r) {
    return std::string(json_of(r).at("detail").as_string());
  }
};

}  // namespace scimd::api::testing
