// The admin API over HTTP with the real binary: a product's settings page creates a SCIM
// connection for its customer (POST /admin/v1/tenants) and hands the returned Tenant URL and
// token to the customer's Entra ID, which then provisions through them.
#include <stdlib.h>

#include <fstream>

#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

constexpr std::string_view kKey = "integration-admin-key-5f1c0e";

class AdminApiTest : public ScimdTest {
 protected:
  void SetUp() override { setenv("SCIMD_ADMIN_KEY", std::string(kKey).c_str(), 1); }
  void TearDown() override {
    unsetenv("SCIMD_ADMIN_KEY");
    ScimdTest::TearDown();
  }

  HttpResponse admin(std::string method, std::string path, std::string body = "",
                     std::string_view key = kKey) const {
    HttpRequest r;
    r.method = std::move(method);
    r.target = "/admin/v1" + path;
    r.body = std::move(body);
    if (!key.empty()) r.headers.emplace_back("Authorization", "Bearer " + std::string(key));
    if (!r.body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    return http().send(r);
  }
};

TEST_F(AdminApiTest, ATenantCreatedOverHttpServesScimWithItsToken) {
  start_server();
  const HttpResponse created = admin("POST", "/tenants", R"({"name":"dub"})");
  ASSERT_EQ(created.status, 201) << created.describe();
  const json::value o = created.json();
  const std::string url = string_field(o, "tenant_url");
  const std::string token = string_field(o, "token");
  EXPECT_EQ(url, std::string(kPublicUrl) + "/scim/v2/dub");
  ASSERT_GE(token.size(), 32u);

  // What Entra's Test Connection does, then a first user, through the returned URL's path.
  const ScimClient entra(http(), "dub", token);
  ASSERT_EQ(entra.target("/Users"), url.substr(kPublicUrl.size()) + "/Users");
  HttpResponse r = entra.get("/Users", "filter=" + form_encode("userName eq \"probe\""));
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.json().at("totalResults"), 0);
  r = entra.post("/Users", make_user("ana@dub.test"));
  ASSERT_EQ(r.status, 201) << r.describe();

  r = admin("GET", "/tenants/dub");
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.json().at("users"), 1);

  // Another process's view (the CLI) sees the same tenant.
  const CliResult listed = cli({"tenant", "list"});
  EXPECT_NE(listed.out.find("dub"), std::string::npos) << listed.out << listed.err;
}

TEST_F(AdminApiTest, TheAdminKeyGuardsEverythingButTheDocument) {
  start_server();
  EXPECT_EQ(admin("GET", "/tenants", "", "").status, 401);
  EXPECT_EQ(admin("GET", "/tenants", "", "not-the-key").status, 401);
  EXPECT_EQ(admin("POST", "/tenants", R"({"name":"x"})", "not-the-key").status, 401);
  EXPECT_EQ(admin("GET", "/tenants").status, 200);
  const HttpResponse doc = admin("GET", "/openapi.json", "", "");
  ASSERT_EQ(doc.status, 200) << doc.describe();
  EXPECT_EQ(string_field(doc.json().at("servers").at(0), "url"), kPublicUrl);
  // The key never reaches the log.
  EXPECT_EQ(server().output().find(kKey), std::string::npos);
}

TEST_F(AdminApiTest, RotationOverHttpSwitchesTokensAndLastUseIsRecorded) {
  start_server();
  const HttpResponse created = admin("POST", "/tenants", R"({"name":"modyo"})");
  ASSERT_EQ(created.status, 201) << created.describe();
  const std::string old_token = string_field(created.json(), "token");
  ASSERT_EQ(ScimClient(http(), "modyo", old_token).get("/Users").status, 200);

  const HttpResponse rotated = admin("POST", "/tenants/modyo/tokens", "{}");
  ASSERT_EQ(rotated.status, 201) << rotated.describe();
  const std::string new_token = string_field(rotated.json(), "token");
  EXPECT_EQ(ScimClient(http(), "modyo", old_token).get("/Users").status, 401);
  EXPECT_EQ(ScimClient(http(), "modyo", new_token).get("/Users").status, 200);

  // Uses are written in batches; a graceful stop writes what is pending.
  ASSERT_EQ(server().stop(), 0);
  start_server();
  const HttpResponse tokens = admin("GET", "/tenants/modyo/tokens");
  ASSERT_EQ(tokens.status, 200) << tokens.describe();
  const json::value body = tokens.json();
  const json::array& list = body.at("tokens").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_TRUE(list[0].at("last_used").is_string()) << tokens.body;
  EXPECT_TRUE(list[1].at("last_used").is_string()) << tokens.body;
  EXPECT_EQ(list[0].at("active"), false);
}

TEST_F(AdminApiTest, WithoutAKeyTheAdminApiIsOff) {
  unsetenv("SCIMD_ADMIN_KEY");
  start_server();
  const HttpResponse r = admin("GET", "/tenants");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("SCIMD_ADMIN_KEY"), std::string::npos) << r.body;
}

TEST_F(AdminApiTest, AnUnreadableKeyFileStopsServeAtOnce) {
  const CliResult r = cli({"serve", "--listen", "127.0.0.1:0", "--admin-key-file",
                           (dir_.path() / "missing-key").string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("--admin-key-file"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace scimd::itest
