// The leniencies real clients depend on (client-compat.md) and the wire details they send:
// string booleans, manager as a string, unknown attributes, Entra's work-email upsert,
// lookups by externalId and work email, attributes= projection, bodies without a
// Content-Type, a trailing slash, keep-alive, and userNames reused after DELETE.
#include <gtest/gtest.h>

#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

class LeniencyTest : public ScimdTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(create_tenant("lenient", &tenant_));
    ASSERT_NO_FATAL_FAILURE(start_server());
  }
  ScimClient client() const { return scim(tenant_); }
  Tenant tenant_;
};

TEST_F(LeniencyTest, StringBooleans) {
  for (const auto& [sent, stored] : std::vector<std::pair<std::string, bool>>{
           {"True", true}, {"False", false}, {"true", true}, {"false", false}}) {
    SCOPED_TRACE(sent);
    // userName is case-insensitive, so "True" and "true" need different names.
    json::object body = make_user("bool-" + sent + "-" + std::to_string(sent[0]) + "@x.com");
    body["active"] = sent;
    const HttpResponse created = client().post("/Users", body);
    const std::string id = created_id(created);
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(created.json().at("active"), json::value(stored)) << created.body;
    EXPECT_EQ(client().get("/Users/" + id).json().at("active"), json::value(stored));
  }
}

TEST_F(LeniencyTest, ManagerAsStringInPostBody) {
  const std::string boss = created_id(client().post("/Users", make_user("boss@x.com")));
  ASSERT_FALSE(boss.empty());
  json::object body = make_user("report@x.com");
  body["schemas"] = json::array{kUserSchema, kEnterpriseSchema};
  body[kEnterpriseSchema] = json::object{{"manager", boss}, {"department", "Sales"}};
  const std::string id = created_id(client().post("/Users", body));
  ASSERT_FALSE(id.empty());
  const json::value got = client().get("/Users/" + id).json();
  const json::value& enterprise = got.at(kEnterpriseSchema);
  ASSERT_TRUE(enterprise.at("manager").is_object()) << json::serialize(got);
  EXPECT_EQ(enterprise.at("manager").at("value"), json::value(boss));
  EXPECT_EQ(enterprise.at("department"), json::value("Sales"));
}

TEST_F(LeniencyTest, UnknownAttributesAreIgnored) {
  json::object body = make_user("unknown-attrs@x.com");
  body["adreses"] = json::array{json::object{{"country", "Germany"}}};
  body["favouriteColour"] = "teal";
  const std::string id = created_id(client().post("/Users", body));
  ASSERT_FALSE(id.empty());
  json::object put_body = make_user("unknown-attrs@x.com");
  put_body["adreses"] = "still unknown";
  EXPECT_EQ(client().put("/Users/" + id, put_body).status, 200);
  const HttpResponse patched = client().patch(
      "/Users/" + id,
      patch_op({json::object{{"op", "Add"}, {"path", "nickName"}, {"value", "Babs"}}}));
  EXPECT_TRUE(patched.status == 200 || patched.status == 204) << patched.describe();
  EXPECT_EQ(client().get("/Users/" + id).json().at("nickName"), json::value("Babs"));
}

TEST_F(LeniencyTest, WorkEmailReplaceUpsertsWhenAbsent) {
  // Entra's mapping replaces emails[type eq "work"].value even when no work email exists.
  const std::string id = created_id(client().post("/Users", make_user("no-email@x.com")));
  ASSERT_FALSE(id.empty());
  const HttpResponse patched = client().patch(
      "/Users/" + id,
      patch_op({json::object{
          {"op", "Replace"}, {"path", "emails[type eq \"work\"].value"}, {"value", "now@x.com"}}}));
  ASSERT_TRUE(patched.status == 200 || patched.status == 204) << patched.describe();
  const json::value got = client().get("/Users/" + id).json();
  ASSERT_TRUE(got.as_object().contains("emails")) << json::serialize(got);
  const json::array& emails = got.at("emails").as_array();
  ASSERT_EQ(emails.size(), 1u) << json::serialize(got);
  EXPECT_EQ(emails[0].at("type"), json::value("work"));
  EXPECT_EQ(emails[0].at("value"), json::value("now@x.com"));
}

TEST_F(LeniencyTest, LookupsByExternalIdAndWorkEmail) {
  json::object body = make_user("lookup@x.com");
  body["externalId"] = "9a2c7d0e-AAAA-4b1f";
  body["emails"] = json::array{json::object{{"type", "home"}, {"value", "home@x.com"}},
                               json::object{{"type", "work"}, {"value", "Work.Mail@x.com"}}};
  const std::string id = created_id(client().post("/Users", body));
  ASSERT_FALSE(id.empty());
  auto ids_for = [&](std::string_view filter) {
    const HttpResponse found = client().get("/Users", "filter=" + form_encode(filter));
    EXPECT_TRUE(IsListResponse(found)) << filter;
    return resource_ids(found.json());
  };
  const std::vector<std::string> just_id{id};
  EXPECT_EQ(ids_for("externalId eq \"9a2c7d0e-AAAA-4b1f\""), just_id);
  // externalId is caseExact (RFC 7643 §3.1).
  EXPECT_TRUE(ids_for("externalId eq \"9a2c7d0e-aaaa-4b1f\"").empty());
  EXPECT_EQ(ids_for("emails[type eq \"work\"].value eq \"work.mail@x.com\""), just_id);
  EXPECT_TRUE(ids_for("emails[type eq \"work\"].value eq \"home@x.com\"").empty());
  EXPECT_EQ(ids_for("userName eq \"lookup@x.com\" and active eq true"), just_id);
}

TEST_F(LeniencyTest, AttributesProjection) {
  json::object body = make_user("projected@x.com");
  body["displayName"] = "Projected";
  body["name"] = json::object{{"givenName", "Pro"}, {"familyName", "Jected"}};
  const std::string id = created_id(client().post("/Users", body));
  ASSERT_FALSE(id.empty());

  const HttpResponse listed = client().get("/Users", "attributes=userName");
  ASSERT_TRUE(IsListResponse(listed, 1));
  const json::value list_body = listed.json();
  const json::object& only = list_body.at("Resources").as_array()[0].as_object();
  EXPECT_EQ(only.at("id"), json::value(id));
  EXPECT_EQ(only.at("userName"), json::value("projected@x.com"));
  for (const auto& member : only) {
    EXPECT_TRUE(member.key() == "id" || member.key() == "userName" || member.key() == "schemas")
        << "attributes=userName returned " << member.key();
  }

  const HttpResponse one = client().get("/Users/" + id, "attributes=name.givenName");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.json().at("name"), (json::object{{"givenName", "Pro"}})) << one.body;
  EXPECT_FALSE(one.json().as_object().contains("displayName")) << one.body;

  const HttpResponse without = client().get("/Users/" + id, "excludedAttributes=name,displayName");
  ASSERT_EQ(without.status, 200);
  EXPECT_FALSE(without.json().as_object().contains("name")) << without.body;
  EXPECT_FALSE(without.json().as_object().contains("displayName")) << without.body;
  EXPECT_TRUE(without.json().as_object().contains("userName")) << without.body;
  EXPECT_TRUE(without.json().as_object().contains("id")) << "id is returned always";
}

TEST_F(LeniencyTest, BodiesWithoutOrWithPlainJsonContentType) {
  // Okta may send no Content-Type; Microsoft's collection sends application/json.
  const std::string without = json::serialize(make_user("no-ctype@x.com"));
  HttpRequest request{
      .method = "POST",
      .target = client().target("/Users"),
      .headers = {{"Authorization", "Bearer " + tenant_.token}, {"Content-Type", ""}},
      .body = without};
  EXPECT_EQ(http().send(request).status, 201) << "no Content-Type";
  request.headers[1].second = "application/json";
  request.body = json::serialize(make_user("plain-json@x.com"));
  EXPECT_EQ(http().send(request).status, 201) << "application/json";
  request.headers[1].second = "application/scim+json; charset=utf-8";
  request.body = json::serialize(make_user("charset@x.com"));
  EXPECT_EQ(http().send(request).status, 201) << "with charset";
}

TEST_F(LeniencyTest, TrailingSlashAndCaseOfTheResourceSegment) {
  ASSERT_FALSE(created_id(client().post("/Users", make_user("slash@x.com"))).empty());
  const std::string filter = "filter=" + form_encode("userName eq \"slash@x.com\"");
  EXPECT_TRUE(IsListResponse(client().get("/Users/", filter), 1)) << "Microsoft's /Users/?filter=";
  EXPECT_TRUE(IsListResponse(client().get("/users", filter), 1));
  EXPECT_TRUE(IsListResponse(client().get("/USERS", filter), 1));
  EXPECT_TRUE(IsListResponse(client().get("/groups"), 0));
}

TEST_F(LeniencyTest, UserNameReusableAfterDelete) {
  const std::string first = created_id(client().post("/Users", make_user("reused@x.com")));
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(client().del("/Users/" + first).status, 204);
  const std::string second = created_id(client().post("/Users", make_user("reused@x.com")));
  ASSERT_FALSE(second.empty());
  EXPECT_NE(first, second);
  const std::string group = created_id(client().post("/Groups", make_group("Reused Group")));
  ASSERT_FALSE(group.empty());
  EXPECT_EQ(client().del("/Groups/" + group).status, 204);
  EXPECT_FALSE(created_id(client().post("/Groups", make_group("Reused Group"))).empty());
}

TEST_F(LeniencyTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto get = [&](std::string_view resource) {
    return HttpRequest{.method = "GET",
                       .target = client().target(resource),
                       .headers = {{"Authorization", "Bearer " + tenant_.token}},
                       .body = ""};
  };
  // Errors keep the connection too: a 404 and a 401 between 200s.
  HttpRequest unauthorized = get("/Users");
  unauthorized.headers[0].second = "Bearer wrong";
  const std::vector<HttpResponse> responses = http().send_on_one_connection(
      {get("/Users"), get("/Groups"), get("/Users/missing"), unauthorized, get("/Users")});
  ASSERT_EQ(responses.size(), 5u) << responses.back().describe();
  const std::vector<int> expected{200, 200, 404, 401, 200};
  for (std::size_t i = 0; i < responses.size(); ++i) {
    EXPECT_EQ(responses[i].status, expected[i]) << i << ": " << responses[i].describe();
  }
}

}  // namespace
}  // namespace scimd::itest
