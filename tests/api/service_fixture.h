// A Service over a fresh SQLite store in a temp dir, with one or two tenants, called directly.
#pragma once

#include <filesystem>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "api/service.h"
#include "core/crypto.h"
#include "core/ids.h"

namespace scimd::api::testing {

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("scimd-api-" + new_resource_id());
    std::filesystem::create_directories(dir_);
    auto s = store::Store::open("sqlite:" + (dir_ / "scimd.db").string());
    ASSERT_TRUE(s.ok()) << s.error().detail;
    store_ = std::shared_ptr<store::Store>(std::move(s).value());
    token_a_ = add_tenant("acme");
    token_b_ = add_tenant("globex");
    ServiceOptions o;
    o.public_url = "https://scim.example.com";
    service_ = std::make_unique<Service>(store_, o);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string add_tenant(const std::string& name) {
    auto t = store_->create_tenant(name);
    EXPECT_TRUE(t.ok());
    const std::string token = new_secret_token();
    EXPECT_TRUE(store_->add_token(t->id, crypto::sha256_hex(token)).ok());
    return token;
  }

  Response call(const std::string& method, const std::string& path, const std::string& body = "",
                const std::string& token = "", const std::string& tenant = "acme",
                std::vector<std::pair<std::string, std::string>> extra = {}) {
    Request r;
    r.method = method;
    r.target = "/scim/v2/" + tenant + path;
    r.body = body;
    r.headers.emplace_back("authorization", "Bearer " + (token.empty() ? token_a_ : token));
    for (auto& h : extra) r.headers.push_back(std::move(h));
    return service_->handle(r);
  }
  static boost::json::object json_of(const Response& r) {
    return boost::json::parse(r.body).as_object();
  }
  static std::string header(const Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return {};
  }
  std::string create_user(const std::string& user_name, const std::string& extra = "") {
    const Response r = call("POST", "/Users",
                            R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":")" +
                                user_name + "\"" + extra + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(json_of(r).at("id").as_string());
  }
  std::string create_group(const std::string& name, const std::string& members_json = "[]") {
    const Response r = call("POST", "/Groups",
                            R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":")" +
                                name + R"(","members":)" + members_json + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(json_of(r).at("id").as_string());
  }

  std::filesystem::path dir_;
  std::shared_ptr<store::Store> store_;
  std::unique_ptr<Service> service_;
  std::string token_a_, token_b_;
};

}  // namespace scimd::api::testing
