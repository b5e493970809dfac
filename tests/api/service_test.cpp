#include "api/service.h"

#include <array>
#include <thread>

#include "service_fixture.h"

namespace scimd::api::testing {
namespace {

namespace json = boost::json;

TEST_F(ServiceTest, HealthNeedsNoToken) {
  Request r;
  r.method = "GET";
  r.target = "/healthz";
  EXPECT_EQ(service_->handle(r).status, 200);
}

TEST_F(ServiceTest, MissingOrWrongTokenIs401ScimError) {
  Request r;
  r.method = "GET";
  r.target = "/scim/v2/acme/Users";
  const Response none = service_->handle(r);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(json_of(none).at("status"), "401");
  EXPECT_EQ(header(none, "Content-Type"), "application/scim+json");
  EXPECT_EQ(call("GET", "/Users", "", "not-a-token").status, 401);
}

TEST_F(ServiceTest, OtherTenantsTokenIs401) {
  EXPECT_EQ(call("GET", "/Users", "", token_b_, "acme").status, 401);
  EXPECT_EQ(call("GET", "/Users", "", token_a_, "globex").status, 401);
  EXPECT_EQ(call("GET", "/Users", "", token_b_, "globex").status, 200);
  EXPECT_EQ(call("GET", "/Users", "", token_a_, "nosuchtenant").status, 401);
}

TEST_F(ServiceTest, TestConnectionProbeReturnsEmptyList) {
  const Response r = call("GET", "/Users?filter=userName+eq+%2200000000-0000-0000-0000-000000000000%22");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = json_of(r);
  EXPECT_EQ(body.at("totalResults"), 0);
  EXPECT_TRUE(body.at("Resources").as_array().empty());
  EXPECT_EQ(body.at("startIndex"), 1);
}

TEST_F(ServiceTest, UnknownQueryParametersAreIgnored) {
  EXPECT_EQ(call("GET", "/Users?aadOptscim062020").status, 200);
  EXPECT_EQ(call("GET", "/Users?aadOptscim062020&filter=userName%20eq%20%22x%22").status, 200);
}

TEST_F(ServiceTest, ResourceSegmentIsCaseInsensitive) {
  EXPECT_EQ(call("GET", "/users").status, 200);
  EXPECT_EQ(call("GET", "/GROUPS").status, 200);
  EXPECT_EQ(call("GET", "/Users/").status, 200);
}

TEST_F(ServiceTest, CreateReturns201WithLocationEtagAndMeta) {
  const Response r = call("POST", "/Users",
                          R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Bob@X.com","active":"True"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto body = json_of(r);
  const std::string id(body.at("id").as_string());
  EXPECT_EQ(header(r, "Location"), "https://scim.example.com/scim/v2/acme/Users/" + id);
  EXPECT_EQ(header(r, "ETag"), "W/\"1\"");
  EXPECT_EQ(body.at("active"), true);
  EXPECT_EQ(body.at("userName"), "Bob@X.com");
  const auto& meta = body.at("meta").as_object();
  EXPECT_EQ(meta.at("resourceType"), "User");
  EXPECT_EQ(meta.at("location").as_string(), header(r, "Location"));
  EXPECT_EQ(meta.at("version"), "W/\"1\"");
  EXPECT_TRUE(meta.contains("created"));
  EXPECT_TRUE(meta.contains("lastModified"));
}

TEST_F(ServiceTest, UserNameIsUniqueCaseInsensitively) {
  create_user("alice@x.com");
  const Response r = call("POST", "/Users",
                          R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ALICE@x.com"})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(json_of(r).at("scimType"), "uniqueness");
  // Another tenant may use the same userName.
  const Response other = call("POST", "/Users",
                              R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice@x.com"})",
                              token_b_, "globex");
  EXPECT_EQ(other.status, 201);
}

TEST_F(ServiceTest, BadBodiesAreScimErrorsAndChangeNothing) {
  struct Case {
    std::string body;
    std::string scim_type;
  };
  const std::vector<Case> cases = {
      {"{not json", "invalidSyntax"},
      {R"({"userName":"a"})", "invalidSyntax"},
      {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"userName":"a"})", "invalidSyntax"},
      {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]})", "invalidValue"},
      {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":5})", "invalidValue"},
      {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","active":"maybe"})", "invalidValue"},
      {R"([1,2])", "invalidSyntax"},
  };
  for (const auto& c : cases) {
    const Response r = call("POST", "/Users", c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_EQ(json_of(r).at("scimType").as_string(), c.scim_type) << c.body;
    EXPECT_FALSE(json_of(r).at("detail").as_string().empty());
  }
  EXPECT_EQ(json_of(call("GET", "/Users")).at("totalResults"), 0);
}

TEST_F(ServiceTest, UnknownAttributesAreIgnored) {
  const Response r = call("POST", "/Users",
                          R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","adreses":[{"x":1}],"urn:ietf:params:scim:schemas:extension:custom:2.0:User":{"x":"y"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_FALSE(json_of(r).contains("adreses"));
}

TEST_F(ServiceTest, ManagerAsPlainStringIsReturnedAsObject) {
  const std::string boss = create_user("boss");
  const Response r = call("POST", "/Users",
                          R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"emp","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":")" +
                              boss + R"("}})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto body = json_of(r);
  const auto& ext = body.at("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").as_object();
  EXPECT_EQ(ext.at("manager").at("value").as_string(), boss);
}

TEST_F(ServiceTest, GroupsExcludeMembersAndPatchReturns204) {
  const std::string u1 = create_user("u1");
  const std::string u2 = create_user("u2");
  const std::string g = create_group("Eng");
  const Response add = call("PATCH", "/Groups/" + g,
                            R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":")" +
                                u1 + R"("},{"value":")" + u2 + R"("}]}]})");
  ASSERT_EQ(add.status, 204) << add.body;
  const auto full = json_of(call("GET", "/Groups/" + g));
  EXPECT_EQ(full.at("members").as_array().size(), 2u);
  const auto slim = json_of(call("GET", "/Groups/" + g + "?excludedAttributes=members"));
  EXPECT_FALSE(slim.contains("members"));
  EXPECT_EQ(slim.at("displayName"), "Eng");
  // Entra's default removal: only the listed member goes.
  const Response rm = call("PATCH", "/Groups/" + g,
                           R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Remove","path":"members","value":[{"value":")" +
                               u1 + R"("}]}]})");
  ASSERT_EQ(rm.status, 204) << rm.body;
  const auto after = json_of(call("GET", "/Groups/" + g)).at("members").as_array();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].at("value").as_string(), u2);
  // The user sees its group.
  const auto user = json_of(call("GET", "/Users/" + u2));
  ASSERT_EQ(user.at("groups").as_array().size(), 1u);
  EXPECT_EQ(user.at("groups").as_array()[0].at("value").as_string(), g);
}

TEST_F(ServiceTest, SoftDeleteKeepsMembershipsAndHardDeleteRemovesThem) {
  const std::string u = create_user("soft");
  const std::string g = create_group("G", "[]");
  ASSERT_EQ(call("PATCH", "/Groups/" + g,
                 R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":")" +
                     u + R"("}]}]})").status,
            204);
  ASSERT_EQ(call("PATCH", "/Users/" + u,
                 R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]})").status,
            204);
  const auto found = json_of(call("GET", "/Users?filter=userName%20eq%20%22SOFT%22"));
  ASSERT_EQ(found.at("totalResults"), 1);
  EXPECT_EQ(found.at("Resources").as_array()[0].at("active"), false);
  EXPECT_EQ(json_of(call("GET", "/Groups/" + g)).at("members").as_array().size(), 1u);
  ASSERT_EQ(call("DELETE", "/Users/" + u).status, 204);
  EXPECT_EQ(call("GET", "/Users/" + u).status, 404);
  EXPECT_EQ(json_of(call("GET", "/Groups/" + g)).at("members").as_array().size(), 0u);
}

TEST_F(ServiceTest, TenantIsolationOnResources) {
  const std::string u = create_user("only-acme");
  const std::string g = create_group("acme-group");
  for (const std::string& path : {"/Users/" + u, "/Groups/" + g}) {
    EXPECT_EQ(call("GET", path, "", token_b_, "globex").status, 404) << path;
    EXPECT_EQ(call("DELETE", path, "", token_b_, "globex").status, 404) << path;
    EXPECT_EQ(call("PATCH", path,
                   R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"externalId","value":"x"}]})",
                   token_b_, "globex")
                  .status,
              404)
        << path;
  }
  EXPECT_EQ(json_of(call("GET", "/Users", "", token_b_, "globex")).at("totalResults"), 0);
  EXPECT_EQ(call("GET", "/Users/" + u).status, 200);
}

TEST_F(ServiceTest, PagingIsExactAndStable) {
  for (int i = 0; i < 25; ++i) create_user("p" + std::to_string(i));
  std::set<std::string> seen;
  for (int start = 1; start <= 25; start += 10) {
    const auto page = json_of(call("GET", "/Users?startIndex=" + std::to_string(start) + "&count=10"));
    EXPECT_EQ(page.at("totalResults"), 25);
    EXPECT_EQ(page.at("startIndex"), start);
    for (const auto& r : page.at("Resources").as_array()) seen.insert(std::string(r.at("id").as_string()));
  }
  EXPECT_EQ(seen.size(), 25u);
  const auto only_total = json_of(call("GET", "/Users?count=0"));
  EXPECT_EQ(only_total.at("totalResults"), 25);
  EXPECT_TRUE(only_total.at("Resources").as_array().empty());
  EXPECT_EQ(call("GET", "/Users?count=abc").status, 400);
}

TEST_F(ServiceTest, AttributesProjection) {
  create_user("proj", R"(,"displayName":"P","emails":[{"value":"p@x.com","type":"work"}])");
  const auto page = json_of(call("GET", "/Users?attributes=userName"));
  const auto& r = page.at("Resources").as_array()[0].as_object();
  EXPECT_TRUE(r.contains("id"));
  EXPECT_TRUE(r.contains("userName"));
  EXPECT_FALSE(r.contains("displayName"));
  EXPECT_FALSE(r.contains("emails"));
}

TEST_F(ServiceTest, ErrorsForRoutesAndMethods) {
  const Response unknown = call("GET", "/Widgets");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json_of(unknown).at("status"), "404");
  const Response wrong = call("DELETE", "/Users");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(json_of(wrong).at("status"), "405");
  EXPECT_EQ(call("POST", "/ServiceProviderConfig", "{}").status, 405);
  Request r;
  r.method = "GET";
  r.target = "/nothing/here";
  EXPECT_EQ(json_of(service_->handle(r)).at("status"), "404");
}

TEST_F(ServiceTest, IfMatchAndIfNoneMatch) {
  const std::string u = create_user("etag");
  const std::string patch =
      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"E"}]})";
  EXPECT_EQ(call("PATCH", "/Users/" + u, patch, "", "acme", {{"if-match", "W/\"7\""}}).status, 412);
  const Response ok = call("PATCH", "/Users/" + u, patch, "", "acme", {{"if-match", "W/\"1\""}});
  EXPECT_EQ(ok.status, 204);
  EXPECT_EQ(header(ok, "ETag"), "W/\"2\"");
  EXPECT_EQ(call("GET", "/Users/" + u, "", "", "acme", {{"if-none-match", "W/\"2\""}}).status, 304);
  EXPECT_EQ(call("GET", "/Users/" + u, "", "", "acme", {{"if-none-match", "W/\"1\""}}).status, 200);
}

TEST_F(ServiceTest, Discovery) {
  const auto spc = json_of(call("GET", "/ServiceProviderConfig"));
  EXPECT_EQ(spc.at("patch").at("supported"), true);
  EXPECT_EQ(json_of(call("GET", "/serviceConfiguration")).at("patch").at("supported"), true);
  const auto types = json_of(call("GET", "/ResourceTypes"));
  EXPECT_EQ(types.at("Resources").as_array()[0].at("endpoint"), "/Users");
  const Response schemas = call("GET", "/Schemas");
  EXPECT_NE(schemas.body.find("User Account"), std::string::npos);
  EXPECT_EQ(call("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group").status, 200);
  EXPECT_EQ(call("GET", "/Schemas/urn:nope").status, 404);
  EXPECT_EQ(call("GET", "/ResourceTypes/Group").status, 200);
}

}  // namespace
}  // namespace scimd::api::testing

namespace scimd::api::testing {
namespace {

TEST_F(ServiceTest, BulkWithBulkIdReferences) {
  const std::string body = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
    "Operations":[
      {"method":"POST","path":"/Groups","bulkId":"g1","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Bulk G","members":[{"value":"bulkId:u1"}]}},
      {"method":"POST","path":"/Users","bulkId":"u1","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bulk1"}},
      {"method":"PATCH","path":"/Users/bulkId:u1","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"B1"}]}},
      {"method":"POST","path":"/Users","bulkId":"dup","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"BULK1"}}
    ]})";
  const Response r = call("POST", "/Bulk", body);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto ops = json_of(r).at("Operations").as_array();
  ASSERT_EQ(ops.size(), 4u);
  EXPECT_EQ(ops[0].at("status"), "201");  // ran after u1 existed (forward reference)
  EXPECT_EQ(ops[1].at("status"), "201");
  EXPECT_EQ(ops[2].at("status"), "204");
  EXPECT_EQ(ops[3].at("status"), "409");
  EXPECT_EQ(ops[3].at("response").at("scimType"), "uniqueness");
  const std::string group_location(ops[0].at("location").as_string());
  const std::string group_id = group_location.substr(group_location.rfind('/') + 1);
  const auto group = json_of(call("GET", "/Groups/" + group_id));
  ASSERT_EQ(group.at("members").as_array().size(), 1u);
  const auto users = json_of(call("GET", "/Users?filter=userName%20eq%20%22bulk1%22"));
  EXPECT_EQ(users.at("Resources").as_array()[0].at("displayName"), "B1");
}

TEST_F(ServiceTest, BulkFailOnErrorsAndLimits) {
  const std::string body = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":1,
    "Operations":[
      {"method":"DELETE","path":"/Users/no-such-id"},
      {"method":"POST","path":"/Users","bulkId":"x","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"never"}}
    ]})";
  const Response r = call("POST", "/Bulk", body);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto ops = json_of(r).at("Operations").as_array();
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].at("status"), "404");
  EXPECT_EQ(json_of(call("GET", "/Users")).at("totalResults"), 0);

  std::string many = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[)";
  for (int i = 0; i < 1001; ++i) many += std::string(i ? "," : "") + R"({"method":"DELETE","path":"/Users/x"})";
  many += "]}";
  EXPECT_EQ(call("POST", "/Bulk", many).status, 413);
  EXPECT_EQ(call("POST", "/Bulk", R"({"Operations":[{"method":"POST","path":"/Users","data":{}}]})").status, 400);
  const Response circular = call("POST", "/Bulk", R"({"Operations":[
      {"method":"POST","path":"/Groups","bulkId":"a","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"A","members":[{"value":"bulkId:b"}]}},
      {"method":"POST","path":"/Groups","bulkId":"b","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"B","members":[{"value":"bulkId:a"}]}}]})");
  ASSERT_EQ(circular.status, 200);
  EXPECT_EQ(json_of(circular).at("Operations").as_array()[0].at("status"), "409");
  EXPECT_EQ(json_of(call("GET", "/ServiceProviderConfig")).at("bulk").at("supported"), true);
}

}  // namespace
}  // namespace scimd::api::testing

namespace scimd::api::testing {
namespace {

TEST_F(ServiceTest, RootSearchSpansUsersThenGroups) {
  for (int i = 0; i < 3; ++i) create_user("s" + std::to_string(i));
  for (int i = 0; i < 2; ++i) create_group("sg" + std::to_string(i));
  const auto all = json_of(call("POST", "/.search", R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"startIndex":3,"count":2})"));
  EXPECT_EQ(all.at("totalResults"), 5);
  const auto page = all.at("Resources").as_array();
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].at("userName"), "s2");
  EXPECT_EQ(page[1].at("displayName"), "sg0");
  // userName exists only on Users: Groups contribute nothing, no error.
  const auto users = json_of(call("POST", "/.search", R"({"filter":"userName sw \"s\""})"));
  EXPECT_EQ(users.at("totalResults"), 3);
  const auto names = json_of(call("POST", "/.search", R"({"filter":"displayName sw \"sg\""})"));
  EXPECT_EQ(names.at("totalResults"), 2);
  const Response bad = call("POST", "/.search", R"({"filter":"nosuch eq \"x\""})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json_of(bad).at("scimType"), "invalidFilter");
  EXPECT_EQ(call("GET", "/.search").status, 405);
}

TEST_F(ServiceTest, SearchPerResourceType) {
  create_user("findme", R"(,"title":"Engineer")");
  create_user("other");
  const auto r = json_of(call("POST", "/Users/.search",
                              R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"title co \"eng\"","attributes":["userName"]})"));
  EXPECT_EQ(r.at("totalResults"), 1);
  const auto& user = r.at("Resources").as_array()[0].as_object();
  EXPECT_EQ(user.at("userName"), "findme");
  EXPECT_FALSE(user.contains("title"));
}

}  // namespace
}  // namespace scimd::api::testing

namespace scimd::api::testing {
namespace {

TEST_F(ServiceTest, StaleIfMatchLosesAfterAConcurrentWinner) {
  const std::string u = create_user("race");
  const auto body = [](const std::string& v) {
    return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"nickName","value":")" + v + R"("}]})";
  };
  EXPECT_EQ(call("PATCH", "/Users/" + u, body("a"), "", "acme", {{"if-match", "W/\"1\""}}).status, 204);
  EXPECT_EQ(call("PATCH", "/Users/" + u, body("b"), "", "acme", {{"if-match", "W/\"1\""}}).status, 412);
  std::array<int, 2> statuses{};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      statuses[t] = call("PATCH", "/Users/" + u, body("t" + std::to_string(t)), "", "acme",
                         {{"if-match", "W/\"2\""}}).status;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ((statuses[0] == 204) + (statuses[1] == 204), 1) << statuses[0] << " " << statuses[1];
  EXPECT_EQ((statuses[0] == 412) + (statuses[1] == 412), 1) << statuses[0] << " " << statuses[1];
}

}  // namespace
}  // namespace scimd::api::testing

namespace scimd::api::testing {
namespace {

TEST_F(ServiceTest, CursorPagingWalksEveryUserOnce) {
  for (int i = 0; i < 7; ++i) create_user("c" + std::to_string(i));
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  while (true) {
    const Response r = call("GET", "/Users?count=3&cursor=" + cursor);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto page = json_of(r);
    EXPECT_EQ(page.at("totalResults"), 7);
    EXPECT_FALSE(page.contains("startIndex"));
    EXPECT_EQ(page.contains("previousCursor"), pages > 0);
    for (const auto& u : page.at("Resources").as_array()) seen.emplace_back(u.at("userName").as_string());
    ++pages;
    if (!page.contains("nextCursor")) break;
    cursor = std::string(page.at("nextCursor").as_string());
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"c0", "c1", "c2", "c3", "c4", "c5", "c6"}));
  const Response bad = call("GET", "/Users?cursor=not-a-cursor");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json_of(bad).at("scimType"), "invalidCursor");
  EXPECT_EQ(call("GET", "/Users?cursor=&startIndex=2").status, 400);
  const auto spc = json_of(call("GET", "/ServiceProviderConfig"));
  EXPECT_EQ(spc.at("pagination").at("cursor"), true);
  EXPECT_EQ(spc.at("pagination").at("defaultPaginationMethod"), "index");
}

}  // namespace
}  // namespace scimd::api::testing
