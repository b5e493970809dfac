// /api/v1/{tenant}: users, groups, memberships, pre-registration, auth, isolation, parameters,
// and the tenant's adoption policy on SCIM create. The change feed: directory_feed_test.cpp.
#include "api/directory.h"

#include <map>
#include <set>

#include "directory_fixture.h"

namespace scimd::api::testing {
namespace {

namespace json = boost::json;

std::string id_of(const json::value& v) { return std::string(v.at("id").as_string()); }

TEST_F(DirectoryTest, UsersPageByCursorWithTotal) {
  std::set<std::string> created;
  for (int i = 0; i < 5; ++i) created.insert(create_user("user" + std::to_string(i) + "@x.com"));
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  while (true) {
    const Response r = api("GET", "/acme/users?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto body = json_of(r);
    EXPECT_EQ(body.at("total"), 5);
    const auto& users = body.at("users").as_array();
    EXPECT_LE(users.size(), 2u);
    for (const auto& u : users) EXPECT_TRUE(seen.insert(id_of(u)).second) << "seen twice";
    ++pages;
    ASSERT_LE(pages, 3);
    if (body.at("next").is_null()) break;
    cursor = std::string(body.at("next").as_string());
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, created);
}

TEST_F(DirectoryTest, UsersFilterAndBadFilters) {
  create_user("ann@x.com");
  const std::string bob = create_user("bob@x.com");
  const Response r = api("GET", "/acme/users?filter=userName+eq+%22BOB@x.com%22");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = json_of(r);
  ASSERT_EQ(body.at("users").as_array().size(), 1u);
  EXPECT_EQ(id_of(body.at("users").as_array()[0]), bob);
  EXPECT_EQ(body.at("total"), 1);
  EXPECT_TRUE(body.at("next").is_null());

  const Response syntax = api("GET", "/acme/users?filter=userName+eq");
  EXPECT_EQ(syntax.status, 400);
  EXPECT_EQ(scim_type(syntax), "invalidFilter");
  const Response unknown = api("GET", "/acme/users?filter=shoeSize+eq+%2242%22");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(scim_type(unknown), "invalidFilter");
  const Response cursor = api("GET", "/acme/users?cursor=not-a-cursor");
  EXPECT_EQ(cursor.status, 400);
  EXPECT_EQ(scim_type(cursor), "invalidCursor");
}

TEST_F(DirectoryTest, UserViewHasIdAttributesSyncedRolesAndMeta) {
  const std::string id = create_user("ann@x.com", R"(,"externalId":"e-1","displayName":"Ann")");
  const Response r = api("GET", "/acme/users/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto view = json_of(r);
  EXPECT_EQ(id_of(view), id);
  EXPECT_EQ(view.at("userName"), "ann@x.com");
  EXPECT_EQ(view.at("externalId"), "e-1");
  EXPECT_EQ(view.at("displayName"), "Ann");
  EXPECT_EQ(view.at("synced"), true);  // SCIM made it
  EXPECT_TRUE(view.at("roles").is_array());
  EXPECT_EQ(view.at("meta").at("version"), 1);
  EXPECT_TRUE(view.at("meta").as_object().contains("created"));
  // The list shows the same view.
  const auto listed = json_of(api("GET", "/acme/users")).at("users").as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("synced"), true);
  EXPECT_TRUE(listed[0].at("roles").is_array());
  EXPECT_EQ(api("GET", "/acme/users/no-such-id").status, 404);
}

TEST_F(DirectoryTest, GroupsOfAUser) {
  const std::string ann = create_user("ann@x.com");
  const std::string bob = create_user("bob@x.com");
  const Response sales = call(
      "POST", "/Groups",
      R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Sales",)"
      R"("externalId":"ext-sales","members":[{"value":")" + ann + R"("}]})");
  ASSERT_EQ(sales.status, 201) << sales.body;
  create_group("Ops", R"([{"value":")" + ann + R"("},{"value":")" + bob + R"("}])");
  create_group("Empty");

  const Response r = api("GET", "/acme/users/" + ann + "/groups");
  ASSERT_EQ(r.status, 200) << r.body;
  std::map<std::string, json::object> by_name;
  const auto body = json_of(r);
  for (const auto& g : body.at("groups").as_array()) {
    by_name[std::string(g.at("displayName").as_string())] = g.as_object();
  }
  ASSERT_EQ(by_name.size(), 2u);
  EXPECT_EQ(by_name["Sales"].at("externalId"), "ext-sales");
  EXPECT_FALSE(by_name["Ops"].contains("externalId"));
  EXPECT_FALSE(by_name["Ops"].at("id").as_string().empty());

  const auto bobs = json_of(api("GET", "/acme/users/" + bob + "/groups")).at("groups").as_array();
  ASSERT_EQ(bobs.size(), 1u);
  EXPECT_EQ(bobs[0].at("displayName"), "Ops");
  EXPECT_EQ(api("GET", "/acme/users/no-such-id/groups").status, 404);
}

TEST_F(DirectoryTest, GroupsListGetAndMembersPaging) {
  std::string members = "[";
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(create_user("m" + std::to_string(i) + "@x.com"));
    members += (i ? "," : "") + std::string(R"({"value":")") + ids.back() + "\"}";
  }
  members += "]";
  const std::string group = create_group("Big", members);
  create_group("Small");

  const auto list = json_of(api("GET", "/acme/groups?limit=1"));
  EXPECT_EQ(list.at("total"), 2);
  EXPECT_EQ(list.at("groups").as_array().size(), 1u);
  EXPECT_FALSE(list.at("next").is_null());
  const Response filtered = api("GET", "/acme/groups?filter=displayName+eq+%22Big%22");
  ASSERT_EQ(filtered.status, 200) << filtered.body;
  ASSERT_EQ(json_of(filtered).at("groups").as_array().size(), 1u);

  const Response one = api("GET", "/acme/groups/" + group);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json_of(one).at("displayName"), "Big");
  EXPECT_FALSE(json_of(one).contains("members"));  // never inlined: paged below

  std::vector<std::string> paged;
  std::int64_t offset = 0;
  std::vector<json::value> next_offsets;
  while (true) {
    const Response r = api("GET", "/acme/groups/" + group + "/members?limit=2&offset=" +
                                      std::to_string(offset));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto body = json_of(r);
    for (const auto& m : body.at("members").as_array()) {
      paged.push_back(id_of(m));
      EXPECT_EQ(m.at("type"), "User");
      EXPECT_TRUE(m.as_object().contains("display"));
    }
    next_offsets.push_back(body.at("next_offset"));
    if (body.at("next_offset").is_null()) break;
    offset = body.at("next_offset").as_int64();
    ASSERT_LE(next_offsets.size(), 3u);
  }
  EXPECT_EQ(paged, ids);  // insertion order
  EXPECT_EQ(next_offsets, (std::vector<json::value>{2, 4, nullptr}));
  EXPECT_EQ(api("GET", "/acme/groups/no-such-id/members").status, 404);
  EXPECT_EQ(api("GET", "/acme/groups/no-such-id").status, 404);
}

TEST_F(DirectoryTest, PreRegistrationMakesAnUnsyncedUser) {
  const Response r = api("POST", "/acme/users",
                         R"({"userName":"pre@x.com","emails":[{"value":"pre@x.com","type":"work"}],)"
                         R"("name":{"givenName":"Pre"},"active":true,"synced":false,"shoeSize":44})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto view = json_of(r);
  EXPECT_EQ(view.at("synced"), false);
  EXPECT_EQ(view.at("userName"), "pre@x.com");
  EXPECT_EQ(view.at("name").at("givenName"), "Pre");
  EXPECT_FALSE(view.contains("shoeSize"));  // unknown attributes are dropped, as in SCIM
  const Response read = api("GET", "/acme/users/" + id_of(view));
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(json_of(read).at("synced"), false);
  // With explicit schemas too, and without `synced`.
  EXPECT_EQ(api("POST", "/acme/users",
                R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"two@x.com"})")
                .status,
            201);
}

TEST_F(DirectoryTest, PreRegistrationRejectsBadBodies) {
  create_user("taken@x.com");
  for (const std::string body :
       {R"({"userName":"a@x.com","synced":true})", R"({"userName":"a@x.com","synced":"false"})",
        R"({"userName":"a@x.com","synced":null})"}) {
    const Response r = api("POST", "/acme/users", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(scim_type(r), "invalidValue") << body;
    EXPECT_NE(detail(r).find("synced"), std::string::npos);
  }
  EXPECT_EQ(api("POST", "/acme/users", R"({"displayName":"no userName"})").status, 400);
  EXPECT_EQ(api("POST", "/acme/users", "[1]").status, 400);
  EXPECT_EQ(api("POST", "/acme/users", "{").status, 400);
  const Response dup = api("POST", "/acme/users", R"({"userName":"TAKEN@x.com"})");
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(scim_type(dup), "uniqueness");
  // Nothing was made by the rejected requests.
  EXPECT_EQ(json_of(api("GET", "/acme/users")).at("total"), 1);
}

TEST_F(DirectoryTest, DeleteOnlyUnsyncedUsers) {
  const std::string synced = create_user("idp@x.com");
  const Response refused = api("DELETE", "/acme/users/" + synced);
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(detail(refused).find("identity provider"), std::string::npos);
  EXPECT_EQ(api("GET", "/acme/users/" + synced).status, 200);

  const Response pre = api("POST", "/acme/users", R"({"userName":"pre@x.com"})");
  ASSERT_EQ(pre.status, 201);
  const std::string id = id_of(json_of(pre));
  EXPECT_EQ(api("DELETE", "/acme/users/" + id).status, 204);
  EXPECT_EQ(api("GET", "/acme/users/" + id).status, 404);
  EXPECT_EQ(api("DELETE", "/acme/users/" + id).status, 404);
}

TEST_F(DirectoryTest, AuthErrors) {
  EXPECT_EQ(api("GET", "/acme/users", "", "").status, 401);
  Request basic;
  basic.method = "GET";
  basic.target = "/api/v1/acme/users";
  basic.headers.emplace_back("authorization", "Basic YWRtaW46YWRtaW4=");
  EXPECT_EQ(service_->handle(basic).status, 401);
  // The admin key reads any tenant; an unknown tenant is then a 404.
  EXPECT_EQ(api("GET", "/globex/users").status, 200);
  EXPECT_EQ(api("GET", "/nosuchtenant/users").status, 404);
  // Auth comes before routing: no route is revealed to a caller without a key.
  EXPECT_EQ(api("GET", "/acme/nothing-here", "", "").status, 401);
}

TEST_F(DirectoryTest, AppKeysReadOnlyTheirTenant) {
  const std::string key_a = app_key("acme");
  if (key_a.empty()) GTEST_SKIP() << "the store has no app keys yet (admin API)";
  const std::string key_b = app_key("globex");
  EXPECT_EQ(api("GET", "/acme/users", "", key_a).status, 200);
  EXPECT_EQ(api("GET", "/globex/users", "", key_b).status, 200);
  EXPECT_EQ(api("GET", "/acme/users", "", key_b).status, 401);
  EXPECT_EQ(api("GET", "/acme/events", "", key_b).status, 401);
  EXPECT_EQ(api("GET", "/globex/users", "", key_a).status, 401);
  EXPECT_EQ(api("GET", "/nosuchtenant/users", "", key_a).status, 401);
  // Neither a SCIM token nor an unknown key is an app key.
  EXPECT_EQ(api("GET", "/acme/users", "", token_a_).status, 401);
  EXPECT_EQ(api("GET", "/acme/users", "", "app-unknown").status, 401);
}

TEST_F(DirectoryTest, OneTenantsIdsAreNotFoundUnderAnother) {
  const std::string user = create_user("ann@x.com");
  const std::string group = create_group("Sales", R"([{"value":")" + user + R"("}])");
  EXPECT_EQ(api("GET", "/globex/users/" + user).status, 404);
  EXPECT_EQ(api("GET", "/globex/users/" + user + "/groups").status, 404);
  EXPECT_EQ(api("DELETE", "/globex/users/" + user).status, 404);
  EXPECT_EQ(api("GET", "/globex/groups/" + group).status, 404);
  EXPECT_EQ(api("GET", "/globex/groups/" + group + "/members").status, 404);
  EXPECT_EQ(json_of(api("GET", "/globex/users")).at("total"), 0);
  EXPECT_EQ(json_of(api("GET", "/globex/groups")).at("total"), 0);
  EXPECT_EQ(api("GET", "/acme/users/" + user).status, 200);
}

TEST_F(DirectoryTest, UnknownRoutesAndMethods) {
  EXPECT_EQ(api("GET", "/acme").status, 404);
  EXPECT_EQ(api("GET", "/acme/things").status, 404);
  EXPECT_EQ(api("GET", "/acme/users/x/y/z").status, 404);
  EXPECT_EQ(api("GET", "/acme/groups/x/owners").status, 404);
  const Response put = api("PUT", "/acme/users", "{}");
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(header(put, "Allow"), "GET, POST");
  EXPECT_EQ(api("PATCH", "/acme/users/x", "{}").status, 405);
  EXPECT_EQ(api("POST", "/acme/groups", "{}").status, 405);
  EXPECT_EQ(api("DELETE", "/acme/groups/x").status, 405);
  EXPECT_EQ(api("POST", "/acme/events", "{}").status, 405);
  EXPECT_EQ(api("HEAD", "/acme/users").status, 200);
}

TEST_F(DirectoryTest, BadParametersAre400NamingThem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/acme/users?limit=0", "limit"},      {"/acme/users?limit=1001", "limit"},
      {"/acme/users?limit=ten", "limit"},    {"/acme/groups?limit=-1", "limit"},
      {"/acme/events?limit=2000", "limit"},  {"/acme/events?after=-1", "after"},
      {"/acme/events?after=abc", "after"},   {"/acme/events?wait=31", "wait"},
      {"/acme/events?wait=1.5", "wait"},     {"/acme/groups/g/members?offset=-3", "offset"},
      {"/acme/groups/g/members?limit=0", "limit"},
  };
  for (const auto& [path, name] : cases) {
    const Response r = api("GET", path);
    EXPECT_EQ(r.status, 400) << path;
    EXPECT_EQ(scim_type(r), "invalidValue") << path;
    EXPECT_NE(detail(r).find("'" + name + "'"), std::string::npos) << path << ": " << r.body;
  }
  EXPECT_EQ(api("GET", "/acme/users?limit=1000").status, 200);
}

// --- adoption policy on SCIM create -------------------------------------------------------

class AdoptionTest : public DirectoryTest {
 protected:
  // Before any SCIM request: the token cache carries the tenant's settings for its TTL.
  void set_policy(const std::string& policy) {
    auto t = tenant("acme");
    t.settings["adoption_policy"] = policy;
    ASSERT_TRUE(store_->set_tenant_settings(t.id, t.settings).ok());
  }
  std::string preregister(const std::string& user_name) {
    const Response r = api("POST", "/acme/users",
                           R"({"userName":")" + user_name + R"(","synced":false})");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? id_of(json_of(r)) : "";
  }
  Response scim_create(const std::string& user_name) {
    return call("POST", "/Users",
                R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":")" +
                    user_name + R"(","externalId":"entra-1"})");
  }
};

TEST_F(AdoptionTest, ConflictPolicyAnswers409) {
  set_policy("conflict");
  const std::string id = preregister("ann@x.com");
  const Response r = scim_create("ann@x.com");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(scim_type(r), "uniqueness");
  EXPECT_EQ(json_of(api("GET", "/acme/users/" + id)).at("synced"), false);
}

TEST_F(AdoptionTest, NoPolicyIsConflict) {
  preregister("ann@x.com");
  EXPECT_EQ(scim_create("ann@x.com").status, 409);
}

TEST_F(AdoptionTest, AdoptPolicyTakesThePreRegisteredUserOver) {
  set_policy("adopt");
  const std::string id = preregister("ann@x.com");
  const Response r = scim_create("ann@x.com");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(id_of(json_of(r)), id);
  const auto view = json_of(api("GET", "/acme/users/" + id));
  EXPECT_EQ(view.at("synced"), true);
  EXPECT_EQ(view.at("externalId"), "entra-1");
  EXPECT_EQ(json_of(api("GET", "/acme/users")).at("total"), 1);
  // A synced user with that name is not adopted again.
  EXPECT_EQ(scim_create("ann@x.com").status, 409);
}

TEST_F(AdoptionTest, AdoptPolicyLeavesOtherUsersAlone) {
  set_policy("adopt");
  const std::string id = preregister("ann@x.com");
  const Response r = scim_create("bob@x.com");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_NE(id_of(json_of(r)), id);
  EXPECT_EQ(json_of(api("GET", "/acme/users/" + id)).at("synced"), false);
}

}  // namespace
}  // namespace scimd::api::testing
