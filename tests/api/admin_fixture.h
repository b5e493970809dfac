// ServiceTest with the admin API on (an admin key configured) and a helper to call it.
#pragma once

#include <string>

#include "api/service.h"
#include "service_fixture.h"

namespace scimd::api::testing {

inline constexpr std::string_view kAdminKey = "test-admin-key-0123456789";

class AdminTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    restart_service();
  }

  // A new Service over the same store (the old one flushes its recorded key uses as it goes).
  void restart_service() {
    service_.reset();
    ServiceOptions o;
    o.public_url = "https://scim.example.com";
    o.admin_key = AdminKey::from_secret(kAdminKey);
    service_ = std::make_unique<Service>(store_, o);
  }

  // `path` is relative to /admin/v1; `key` "" sends no Authorization header.
  Response admin(const std::string& method, const std::string& path, const std::string& body = "",
                 std::string_view key = kAdminKey) {
    Request r;
    r.method = method;
    r.target = "/admin/v1" + path;
    r.body = body;
    if (!key.empty()) r.headers.emplace_back("authorization", "Bearer " + std::string(key));
    return service_->handle(r);
  }

  static std::string detail(const Response& r) {
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("detail")) return {};
    return std::string(v.as_object().at("detail").as_string());
  }
  static std::string scim_type(const Response& r) {
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("scimType")) return {};
    return std::string(v.as_object().at("scimType").as_string());
  }
};

}  // namespace scimd::api::testing
