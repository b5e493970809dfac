// Tenant isolation on every endpoint: a token only opens its own tenant, and a tenant never
// sees, changes or links to another tenant's resources.
#include <gtest/gtest.h>

#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

constexpr std::string_view kSecretUserName = "secret-a@alpha.example";

class IsolationTest : public ScimdTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(create_tenant("alpha", &alpha_));
    ASSERT_NO_FATAL_FAILURE(create_tenant("beta", &beta_));
    ASSERT_NO_FATAL_FAILURE(start_server());
    const ScimClient a = scim(alpha_);
    alpha_user_ = created_id(a.post("/Users", make_user(kSecretUserName)));
    ASSERT_FALSE(alpha_user_.empty());
    alpha_group_ = created_id(a.post(
        "/Groups", make_group("Alpha Secret Group", {json::object{{"value", alpha_user_}}})));
    ASSERT_FALSE(alpha_group_.empty());
    alpha_user_body_ = a.get("/Users/" + alpha_user_).body;
    alpha_group_body_ = a.get("/Groups/" + alpha_group_).body;
  }

  // Alpha's resources are exactly as they were after SetUp.
  void expect_alpha_unchanged() {
    const ScimClient a = scim(alpha_);
    EXPECT_TRUE(JsonEqual(json::parse(alpha_user_body_), a.get("/Users/" + alpha_user_).json()));
    EXPECT_TRUE(JsonEqual(json::parse(alpha_group_body_), a.get("/Groups/" + alpha_group_).json()));
    EXPECT_TRUE(IsListResponse(a.get("/Users"), 1));
    EXPECT_TRUE(IsListResponse(a.get("/Groups"), 1));
  }

  Tenant alpha_;
  Tenant beta_;
  std::string alpha_user_;
  std::string alpha_group_;
  std::string alpha_user_body_;
  std::string alpha_group_body_;
};

struct Route {
  std::string method;
  std::string resource;
  std::string query;
  std::string body;
};

std::vector<Route> every_route(const std::string& user_id, const std::string& group_id) {
  const std::string user_body = json::serialize(make_user("intruder@x.com"));
  const std::string group_body = json::serialize(make_group("Intruders"));
  const std::string patch_body = json::serialize(
      patch_op({json::object{{"op", "replace"}, {"path", "displayName"}, {"value", "Hacked"}}}));
  return {
      {"GET", "/Users", "", ""},
      {"GET", "/Users", "filter=" + url_encode("userName eq \"secret-a@alpha.example\""), ""},
      {"GET", "/Users/" + user_id, "", ""},
      {"POST", "/Users", "", user_body},
      {"PUT", "/Users/" + user_id, "", user_body},
      {"PATCH", "/Users/" + user_id, "", patch_body},
      {"DELETE", "/Users/" + user_id, "", ""},
      {"GET", "/Groups", "", ""},
      {"GET", "/Groups", "filter=" + url_encode("displayName eq \"Alpha Secret Group\""), ""},
      {"GET", "/Groups/" + group_id, "", ""},
      {"POST", "/Groups", "", group_body},
      {"PUT", "/Groups/" + group_id, "", group_body},
      {"PATCH", "/Groups/" + group_id, "", patch_body},
      {"DELETE", "/Groups/" + group_id, "", ""},
      {"GET", "/ServiceProviderConfig", "", ""},
      {"GET", "/ResourceTypes", "", ""},
      {"GET", "/ResourceTypes/User", "", ""},
      {"GET", "/Schemas", "", ""},
      {"GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", "", ""},
  };
}

TEST_F(IsolationTest, AnotherTenantsTokenIsUnauthorizedEverywhere) {
  const ScimClient alpha_token_on_beta(http(), beta_.name, alpha_.token);
  const ScimClient beta_token_on_alpha(http(), alpha_.name, beta_.token);
  const ScimClient wrong_token(http(), alpha_.name, "not-a-real-token");
  for (const Route& route : every_route(alpha_user_, alpha_group_)) {
    SCOPED_TRACE(route.method + " " + route.resource + "?" + route.query);
    EXPECT_TRUE(IsScimError(
        alpha_token_on_beta.raw(route.method, route.resource, route.query, route.body), 401));
    EXPECT_TRUE(IsScimError(
        beta_token_on_alpha.raw(route.method, route.resource, route.query, route.body), 401));
    EXPECT_TRUE(
        IsScimError(wrong_token.raw(route.method, route.resource, route.query, route.body), 401));
    EXPECT_TRUE(IsScimError(
        wrong_token.raw(route.method, route.resource, route.query, route.body, {}, false), 401))
        << "without an Authorization header";
  }
  // A tenant that does not exist is no different from a wrong token.
  const ScimClient nowhere(http(), "no-such-tenant", alpha_.token);
  EXPECT_TRUE(IsScimError(nowhere.get("/Users"), 401));
  expect_alpha_unchanged();
}

TEST_F(IsolationTest, AnotherTenantsIdsAreNotFound) {
  const ScimClient b = scim(beta_);
  EXPECT_TRUE(IsScimError(b.get("/Users/" + alpha_user_), 404));
  EXPECT_TRUE(IsScimError(b.put("/Users/" + alpha_user_, make_user("x@x.com")), 404));
  EXPECT_TRUE(IsScimError(
      b.patch("/Users/" + alpha_user_,
              patch_op({json::object{{"op", "replace"}, {"path", "active"}, {"value", false}}})),
      404));
  EXPECT_TRUE(IsScimError(b.del("/Users/" + alpha_user_), 404));
  EXPECT_TRUE(IsScimError(b.get("/Groups/" + alpha_group_), 404));
  EXPECT_TRUE(IsScimError(b.put("/Groups/" + alpha_group_, make_group("x")), 404));
  EXPECT_TRUE(IsScimError(
      b.patch("/Groups/" + alpha_group_,
              patch_op({json::object{{"op", "replace"}, {"path", "displayName"}, {"value", "x"}}})),
      404));
  EXPECT_TRUE(IsScimError(b.del("/Groups/" + alpha_group_), 404));
  expect_alpha_unchanged();
}

TEST_F(IsolationTest, ListsAndFiltersNeverShowAnotherTenant) {
  const ScimClient b = scim(beta_);
  EXPECT_TRUE(IsListResponse(b.get("/Users"), 0));
  EXPECT_TRUE(IsListResponse(b.get("/Groups"), 0));
  EXPECT_TRUE(IsListResponse(
      b.get("/Users",
            "filter=" + url_encode("userName eq \"" + std::string(kSecretUserName) + "\"")),
      0));
  EXPECT_TRUE(
      IsListResponse(b.get("/Users", "filter=" + url_encode("id eq \"" + alpha_user_ + "\"")), 0));
  EXPECT_TRUE(IsListResponse(b.get("/Users", "filter=" + url_encode("userName pr")), 0));
  EXPECT_TRUE(IsListResponse(
      b.get("/Groups", "filter=" + url_encode("displayName eq \"Alpha Secret Group\"")), 0));
  EXPECT_TRUE(IsListResponse(
      b.get("/Groups", "filter=" + url_encode("members[value eq \"" + alpha_user_ + "\"]")), 0));
}

TEST_F(IsolationTest, SameNamesInBothTenantsAreIndependent) {
  const ScimClient a = scim(alpha_);
  const ScimClient b = scim(beta_);
  const std::string in_beta = created_id(b.post("/Users", make_user(kSecretUserName)));
  ASSERT_FALSE(in_beta.empty());
  EXPECT_NE(in_beta, alpha_user_);
  const std::string beta_group = created_id(b.post("/Groups", make_group("Alpha Secret Group")));
  ASSERT_FALSE(beta_group.empty());
  EXPECT_TRUE(IsListResponse(b.get("/Users"), 1));
  EXPECT_TRUE(IsListResponse(a.get("/Users"), 1));

  // Deleting beta's copy leaves alpha's alone.
  EXPECT_EQ(b.del("/Users/" + in_beta).status, 204);
  EXPECT_EQ(b.del("/Groups/" + beta_group).status, 204);
  expect_alpha_unchanged();
}

TEST_F(IsolationTest, MembershipCannotReachAnotherTenant) {
  const ScimClient b = scim(beta_);
  const std::string beta_group = created_id(b.post("/Groups", make_group("Beta Group")));
  ASSERT_FALSE(beta_group.empty());
  // Adding alpha's user to beta's group: whatever beta is told, alpha must not change.
  const HttpResponse added = b.patch(
      "/Groups/" + beta_group,
      patch_op({json::object{{"op", "add"},
                             {"path", "members"},
                             {"value", json::array{json::object{{"value", alpha_user_}}}}}}));
  EXPECT_TRUE(added.status == 204 || added.status == 200 || added.status == 400 ||
              added.status == 404)
      << added.describe();
  const HttpResponse beta_view = b.get("/Groups/" + beta_group);
  EXPECT_EQ(beta_view.body.find(kSecretUserName), std::string::npos)
      << "alpha's userName leaked into beta: " << beta_view.body;
  // Creating a beta group listing alpha's user is no different.
  const HttpResponse created =
      b.post("/Groups", make_group("Beta Group 2", {json::object{{"value", alpha_user_}}}));
  EXPECT_EQ(created.body.find(kSecretUserName), std::string::npos) << created.body;
  expect_alpha_unchanged();
}

}  // namespace
}  // namespace scimd::itest
