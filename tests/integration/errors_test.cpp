// Every failure is a SCIM Error with the right status and scimType, and changes nothing.
#include <gtest/gtest.h>

#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

class ErrorsTest : public ScimdTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(create_tenant("umbrella", &tenant_));
    ASSERT_NO_FATAL_FAILURE(start_server());
    const ScimClient client = scim(tenant_);
    user_ = created_id(client.post(
        "/Users", make_user("existing@x.com",
                            {{"name", json::object{{"givenName", "Ex"}, {"familyName", "Isting"}}},
                             {"emails", json::array{json::object{{"type", "work"},
                                                                 {"value", "existing@x.com"}}}}})));
    ASSERT_FALSE(user_.empty());
    other_user_ = created_id(client.post("/Users", make_user("other@x.com")));
    ASSERT_FALSE(other_user_.empty());
    group_ = created_id(
        client.post("/Groups", make_group("Existing Group", {json::object{{"value", user_}}})));
    ASSERT_FALSE(group_.empty());
    snapshot_ = take_snapshot();
  }

  // Every resource body and both lists, as one JSON value.
  json::value take_snapshot() const {
    const ScimClient client = scim(tenant_);
    return json::object{{"user", client.get("/Users/" + user_).json()},
                        {"other", client.get("/Users/" + other_user_).json()},
                        {"group", client.get("/Groups/" + group_).json()},
                        {"users", client.get("/Users").json()},
                        {"groups", client.get("/Groups").json()}};
  }

  void TearDown() override {
    // Whatever the test sent, nothing changed.
    if (server().running()) {
      EXPECT_TRUE(JsonEqual(snapshot_, take_snapshot()));
    }
    ScimdTest::TearDown();
  }

  json::value patch_with(json::object operation) const { return patch_op({std::move(operation)}); }

  Tenant tenant_;
  std::string user_;
  std::string other_user_;
  std::string group_;
  json::value snapshot_;
};

TEST_F(ErrorsTest, MalformedJsonIsInvalidSyntax) {
  const ScimClient client = scim(tenant_);
  EXPECT_TRUE(
      IsScimError(client.raw("POST", "/Users", "", R"({"userName": )"), 400, "invalidSyntax"));
  EXPECT_TRUE(IsScimError(client.raw("POST", "/Groups", "", "not json"), 400, "invalidSyntax"));
  EXPECT_TRUE(IsScimError(client.raw("PUT", "/Users/" + user_, "", "{]"), 400, "invalidSyntax"));
  EXPECT_TRUE(
      IsScimError(client.raw("PATCH", "/Users/" + user_, "", "[1,2"), 400, "invalidSyntax"));
  EXPECT_TRUE(IsScimError(client.raw("POST", "/Users", "", "[]"), 400, "invalidSyntax"))
      << "a JSON array is not a resource";
}

TEST_F(ErrorsTest, MissingOrWrongSchemasIsInvalidSyntax) {
  const ScimClient client = scim(tenant_);
  json::object no_schemas = make_user("new1@x.com");
  no_schemas.erase("schemas");
  EXPECT_TRUE(IsScimError(client.post("/Users", no_schemas), 400, "invalidSyntax"));
  json::object wrong_schema = make_user("new2@x.com");
  wrong_schema["schemas"] = json::array{"urn:example:not-a-user"};
  EXPECT_TRUE(IsScimError(client.post("/Users", wrong_schema), 400, "invalidSyntax"));
  json::object group_schema = make_user("new3@x.com");
  group_schema["schemas"] = json::array{kGroupSchema};
  EXPECT_TRUE(IsScimError(client.post("/Users", group_schema), 400, "invalidSyntax"));
}

TEST_F(ErrorsTest, InvalidValues) {
  const ScimClient client = scim(tenant_);
  json::object no_user_name = make_user("x");
  no_user_name.erase("userName");
  EXPECT_TRUE(IsScimError(client.post("/Users", no_user_name), 400, "invalidValue"));
  EXPECT_TRUE(IsScimError(client.put("/Users/" + user_, no_user_name), 400, "invalidValue"));
  json::object numeric_user_name = make_user("x");
  numeric_user_name["userName"] = 5;
  EXPECT_TRUE(IsScimError(client.post("/Users", numeric_user_name), 400, "invalidValue"));
  json::object maybe_active = make_user("maybe@x.com");
  maybe_active["active"] = "maybe";
  EXPECT_TRUE(IsScimError(client.post("/Users", maybe_active), 400, "invalidValue"));
  EXPECT_TRUE(IsScimError(
      client.patch("/Users/" + user_,
                   patch_with({{"op", "replace"}, {"path", "active"}, {"value", "maybe"}})),
      400, "invalidValue"));
  json::object no_display_name = make_group("x");
  no_display_name.erase("displayName");
  EXPECT_TRUE(IsScimError(client.post("/Groups", no_display_name), 400, "invalidValue"));
}

TEST_F(ErrorsTest, Uniqueness) {
  const ScimClient client = scim(tenant_);
  EXPECT_TRUE(IsScimError(client.post("/Users", make_user("EXISTING@x.com")), 409, "uniqueness"));
  EXPECT_TRUE(IsScimError(client.put("/Users/" + other_user_, make_user("existing@X.COM")), 409,
                          "uniqueness"));
  EXPECT_TRUE(IsScimError(
      client.patch(
          "/Users/" + other_user_,
          patch_with({{"op", "replace"}, {"path", "userName"}, {"value", "Existing@x.com"}})),
      409, "uniqueness"));
  EXPECT_TRUE(IsScimError(client.post("/Groups", make_group("Existing Group")), 409, "uniqueness"));
}

TEST_F(ErrorsTest, BadFiltersAreInvalidFilter) {
  const ScimClient client = scim(tenant_);
  for (const std::string filter :
       {"userName eq", "foo eq \"x\"", "userName eq \"unterminated", "userName xx \"a\"",
        "(userName eq \"a\"", "userName eq \"a\" and"}) {
    SCOPED_TRACE(filter);
    EXPECT_TRUE(
        IsScimError(client.get("/Users", "filter=" + url_encode(filter)), 400, "invalidFilter"));
  }
  EXPECT_TRUE(IsScimError(client.get("/Groups", "filter=" + url_encode("displayName eq")), 400,
                          "invalidFilter"));
}

TEST_F(ErrorsTest, BadPatches) {
  const ScimClient client = scim(tenant_);
  const std::string user = "/Users/" + user_;
  EXPECT_TRUE(IsScimError(
      client.patch(user,
                   patch_with({{"op", "replace"}, {"path", "emails[type eq"}, {"value", "x"}})),
      400, "invalidPath"));
  EXPECT_TRUE(IsScimError(
      client.patch(user,
                   patch_with({{"op", "replace"}, {"path", "name..givenName"}, {"value", "x"}})),
      400, "invalidPath"));
  EXPECT_TRUE(IsScimError(client.patch(user, patch_with({{"op", "remove"}})), 400, "noTarget"));
  EXPECT_TRUE(IsScimError(client.patch("/Groups/" + group_, patch_with({{"op", "remove"}})), 400,
                          "noTarget"));
  // An unknown op, and PatchOp without Operations.
  EXPECT_EQ(
      client
          .patch(user, patch_with({{"op", "frobnicate"}, {"path", "displayName"}, {"value", "x"}}))
          .status,
      400);
  EXPECT_EQ(
      client
          .patch(user, json::object{{"schemas",
                                     json::array{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}}})
          .status,
      400);
  // PATCH is atomic: a valid first operation is not applied when a later one fails.
  const HttpResponse half = client.patch(
      user, patch_op({json::object{{"op", "replace"}, {"path", "displayName"}, {"value", "Half"}},
                      json::object{{"op", "remove"}}}));
  EXPECT_TRUE(IsScimError(half, 400, "noTarget"));
}

TEST_F(ErrorsTest, UnknownRoutesAndMethods) {
  const ScimClient client = scim(tenant_);
  EXPECT_TRUE(IsScimError(client.get("/Widgets"), 404));
  EXPECT_TRUE(IsScimError(client.get("/Users/" + user_ + "/extra"), 404));
  EXPECT_TRUE(IsScimError(
      http().send(HttpRequest{.method = "GET", .target = "/nope", .headers = {}, .body = ""}),
      404));
  EXPECT_TRUE(IsScimError(client.get("/Users/does-not-exist"), 404));
  EXPECT_TRUE(IsScimError(client.get("/Groups/does-not-exist"), 404));
  EXPECT_TRUE(IsScimError(client.del("/Users"), 405));
  EXPECT_TRUE(IsScimError(client.del("/Groups"), 405));
  EXPECT_TRUE(IsScimError(client.raw("PUT", "/Users", "", "{}"), 405));
  EXPECT_TRUE(IsScimError(client.raw("POST", "/Users/" + user_, "", "{}"), 405));
  for (const std::string discovery : {"/ServiceProviderConfig", "/ResourceTypes", "/Schemas"}) {
    EXPECT_TRUE(IsScimError(client.raw("POST", discovery, "", "{}"), 405)) << discovery;
  }
}

TEST_F(ErrorsTest, OversizedBodyIs413) {
  const ScimClient client = scim(tenant_);
  json::object big = make_user("big@x.com");
  big["nickName"] = std::string((1 << 20) + 1024, 'a');
  EXPECT_TRUE(IsScimError(client.post("/Users", big), 413));
  EXPECT_TRUE(IsScimError(client.put("/Users/" + user_, big), 413));
}

TEST_F(ErrorsTest, OversizedHeadersAre431) {
  const ScimClient client = scim(tenant_);
  EXPECT_TRUE(IsScimError(
      client.raw("GET", "/Users", "", "", {{"X-Padding", std::string(17 * 1024, 'h')}}), 431));
  // The server still serves after refusing.
  EXPECT_TRUE(IsListResponse(client.get("/Users"), 2));
}

TEST_F(ErrorsTest, ServesNormallyAfterAnError) {
  // A valid request right after an error succeeds: nothing was left half-done.
  const ScimClient client = scim(tenant_);
  EXPECT_EQ(client.raw("POST", "/Users", "", "{").status, 400);
  const std::string id = created_id(client.post("/Users", make_user("after-error@x.com")));
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(client.del("/Users/" + id).status, 204);
}

}  // namespace
}  // namespace scimd::itest
