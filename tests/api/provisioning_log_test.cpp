#include "api/provisioning_log.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "api/service_fixture.h"

namespace scimd::api {
namespace {

using namespace std::chrono_literals;

Request request(std::string method, std::string target, std::string user_agent = "",
                std::string body = "") {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  if (!user_agent.empty()) r.headers.emplace_back("user-agent", std::move(user_agent));
  r.body = std::move(body);
  return r;
}

TEST(DetectClient, FromUserAgentAndRequestShape) {
  EXPECT_EQ(detect_client(request("GET", "/scim/v2/a/Users", "Okta SCIM Client 1.0.0")), "okta");
  EXPECT_EQ(detect_client(request("GET", "/scim/v2/a/Users", "Microsoft.Identity.Provisioning")), "entra");
  EXPECT_EQ(detect_client(request("GET", "/scim/v2/a/Users", "Azure AD Provisioning")), "entra");
  EXPECT_EQ(detect_client(request("GET", "/scim/v2/a/Users?aadOptscim062020&filter=x")), "entra");
  EXPECT_EQ(detect_client(request(
                "POST", "/scim/v2/a/Groups", "",
                R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"]})")),
            "entra");
  EXPECT_EQ(detect_client(request("PATCH", "/scim/v2/a/Users/1", "",
                                  R"({"Operations":[{"op":"Replace","path":"active","value":"False"}]})")),
            "entra");
  EXPECT_EQ(detect_client(request("PATCH", "/scim/v2/a/Users/1", "curl/8.0",
                                  R"({"Operations":[{"op":"replace","path":"active","value":false}]})")),
            "other");
  EXPECT_EQ(detect_client(request("GET", "/scim/v2/a/Users")), "other");
}

class ProvisioningLogTest : public testing::ServiceTest {
 protected:
  // Destroying the service writes what its log still holds.
  std::vector<store::ProvisioningEntry> entries(bool errors_only = false) {
    service_.reset();
    store::ProvisioningQuery q;
    q.tenant_id = store_->find_tenant("acme")->id;
    q.errors_only = errors_only;
    auto r = store_->list_provisioning(q);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().detail);
    auto out = r.ok() ? *r : std::vector<store::ProvisioningEntry>{};
    std::reverse(out.begin(), out.end());  // oldest first, like the calls
    return out;
  }
};

TEST_F(ProvisioningLogTest, RecordsSuccessfulRequests) {
  const std::string id = create_user("alice", "");
  Request get = request("GET", "/scim/v2/acme/Users/" + id + "?attributes=userName",
                        "Okta SCIM Client 1.0.0");
  get.headers.emplace_back("authorization", "Bearer " + token_a_);
  get.request_id = "req-42";
  EXPECT_EQ(service_->handle(get).status, 200);

  auto log = entries();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].method, "POST");
  EXPECT_EQ(log[0].status, 201);
  EXPECT_EQ(log[0].resource_id, id) << "from the Location of the 201";
  EXPECT_EQ(log[0].client, "other");
  EXPECT_EQ(log[1].method, "GET");
  EXPECT_EQ(log[1].path, "/scim/v2/acme/Users/" + id) << "no query";
  EXPECT_EQ(log[1].resource_id, id);
  EXPECT_EQ(log[1].client, "okta");
  EXPECT_EQ(log[1].request_id, "req-42");
  EXPECT_EQ(log[1].scim_type, "");
  EXPECT_EQ(log[1].detail, "");
  EXPECT_GE(log[1].latency_ms, 0.0);
  EXPECT_FALSE(log[1].time.empty());
}

TEST_F(ProvisioningLogTest, RecordsErrorsWithScimTypeAndDetail) {
  create_user("alice");
  const Response dup = call("POST", "/Users",
                            R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice"})");
  ASSERT_EQ(dup.status, 409);
  const Response missing = call("GET", "/Users/no-such-id");
  ASSERT_EQ(missing.status, 404);
  auto log = entries(true);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].status, 409);
  EXPECT_EQ(log[0].scim_type, "uniqueness");
  EXPECT_EQ(log[0].detail, std::string(json_of(dup).at("detail").as_string()));
  EXPECT_EQ(log[1].status, 404);
  EXPECT_EQ(log[1].resource_id, "no-such-id");
  EXPECT_FALSE(log[1].detail.empty());
}

TEST_F(ProvisioningLogTest, FailedAuthIsLoggedOnlyForAKnownTenant) {
  EXPECT_EQ(call("GET", "/Users", "", "wrong-token").status, 401);
  EXPECT_EQ(call("GET", "/Users", "", token_b_).status, 401) << "globex's token on acme";
  EXPECT_EQ(call("GET", "/Users", "", "wrong-token", "nosuchtenant").status, 401);
  auto log = entries();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].status, 401);
  EXPECT_EQ(log[1].status, 401);
  store::ProvisioningQuery q;
  q.tenant_id = store_->find_tenant("globex")->id;
  EXPECT_TRUE(store_->list_provisioning(q)->empty());
}

TEST_F(ProvisioningLogTest, AFullQueueDropsWithoutBlocking) {
  ProvisioningLogOptions options;
  options.capacity = 2;
  options.start = false;  // nothing drains: the queue fills
  ProvisioningLog log(store_, options);
  const auto tenant = store_->find_tenant("acme")->id;
  Response ok;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    log.record(request("GET", "/scim/v2/acme/Users"), ok, tenant, "acme", started);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_EQ(log.dropped(), 998u);
  log.start();
  ASSERT_TRUE(log.flush());
  store::ProvisioningQuery q;
  q.tenant_id = tenant;
  EXPECT_EQ(store_->list_provisioning(q)->size(), 2u);
}

TEST_F(ProvisioningLogTest, APartialBatchIsWrittenAfterTheLingerWithoutAFlush) {
  ProvisioningLogOptions options;
  options.batch = 100;
  options.linger = 50ms;
  ProvisioningLog log(store_, options);
  const auto tenant = store_->find_tenant("acme")->id;
  Response ok;
  for (int i = 0; i < 3; ++i) {
    log.record(request("GET", "/scim/v2/acme/Users"), ok, tenant, "acme",
               std::chrono::steady_clock::now());
  }
  store::ProvisioningQuery q;
  q.tenant_id = tenant;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (store_->list_provisioning(q)->size() < 3u && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(store_->list_provisioning(q)->size(), 3u);
}

TEST_F(ProvisioningLogTest, FlushDoesNotWaitForTheLinger) {
  ProvisioningLogOptions options;
  options.linger = std::chrono::hours(1);
  ProvisioningLog log(store_, options);
  const auto tenant = store_->find_tenant("acme")->id;
  log.record(request("GET", "/scim/v2/acme/Users"), Response{}, tenant, "acme",
             std::chrono::steady_clock::now());
  ASSERT_TRUE(log.flush(std::chrono::seconds(10)));
  store::ProvisioningQuery q;
  q.tenant_id = tenant;
  EXPECT_EQ(store_->list_provisioning(q)->size(), 1u);
}

}  // namespace
}  // namespace scimd::api
