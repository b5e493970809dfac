// Okta as a SCIM client: lookup with startIndex/count, POST with password and groups, 409 on a
// repeat, PUT of the full object it read, path-less deactivate, import paging, group push.
#include <gtest/gtest.h>

#include <set>

#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

class OktaTest : public ScimdTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(create_tenant("initech", &tenant_));
    ASSERT_NO_FATAL_FAILURE(start_server());
  }

  std::string lookup_query(std::string_view user_name) const {
    return "filter=" + url_encode("userName eq \"" + std::string(user_name) + "\"") +
           "&startIndex=1&count=100";
  }

  Tenant tenant_;
};

// The body Okta POSTs when a user is assigned.
json::object okta_user_body(std::string_view user_name, std::string_view given,
                            std::string_view family, std::string_view okta_id) {
  return json::object{
      {"schemas", json::array{kUserSchema}},
      {"userName", user_name},
      {"name", json::object{{"givenName", given}, {"familyName", family}}},
      {"emails",
       json::array{json::object{{"primary", true}, {"value", user_name}, {"type", "work"}}}},
      {"displayName", std::string(given) + " " + std::string(family)},
      {"locale", "en-US"},
      {"externalId", okta_id},
      {"groups", json::array{}},
      {"password", "t1meMa$heen"},
      {"active", true},
  };
}

TEST_F(OktaTest, AssignUpdateDeactivate) {
  const ScimClient okta = scim(tenant_);
  ASSERT_TRUE(IsListResponse(okta.get("/Users", lookup_query("alice@x.com")), 0));

  const json::object body = okta_user_body("alice@x.com", "Alice", "Smith", "00u1abcd");
  const HttpResponse created = okta.post("/Users", body);
  const std::string id = created_id(created);
  ASSERT_FALSE(id.empty());
  const json::value reply = created.json();
  EXPECT_EQ(field(reply, "password"), nullptr) << "password returned: " << created.body;
  EXPECT_EQ(string_field(reply, "userName"), "alice@x.com");
  EXPECT_EQ(reply.at("active"), json::value(true));
  EXPECT_EQ(reply.at("name"), body.at("name"));
  EXPECT_TRUE(has_schema(reply, kUserSchema));
  EXPECT_FALSE(created.header("location").empty());

  // The same assignment again, and with a differently-cased userName: 409 uniqueness.
  EXPECT_TRUE(IsScimError(okta.post("/Users", body), 409, "uniqueness"));
  EXPECT_TRUE(
      IsScimError(okta.post("/Users", okta_user_body("ALICE@X.com", "Alice", "Smith", "00u1abce")),
                  409, "uniqueness"));

  // userName is caseExact=false: an upper-case lookup finds the user.
  const HttpResponse found = okta.get("/Users", lookup_query("ALICE@X.COM"));
  ASSERT_TRUE(IsListResponse(found, 1));
  EXPECT_EQ(resource_ids(found.json()), std::vector<std::string>{id});

  // OIN update: GET, change, PUT the whole object back (id, meta, groups echoed).
  const HttpResponse read = okta.get("/Users/" + id);
  ASSERT_EQ(read.status, 200) << read.describe();
  EXPECT_EQ(field(read.json(), "password"), nullptr);
  json::object full = read.json().as_object();
  full["name"].as_object()["givenName"] = "Alicia";
  full["displayName"] = "Alicia Smith";
  full["groups"] = json::array{};
  full["password"] = "n3wPa$$word";
  const HttpResponse put = okta.put("/Users/" + id, full);
  ASSERT_EQ(put.status, 200) << put.describe();
  EXPECT_EQ(string_field(put.json(), "id"), id);
  EXPECT_EQ(field(put.json(), "password"), nullptr);
  const HttpResponse after_put = okta.get("/Users/" + id);
  EXPECT_EQ(after_put.json().at("name").at("givenName"), json::value("Alicia"));
  EXPECT_EQ(after_put.json().at("name").at("familyName"), json::value("Smith"));
  EXPECT_EQ(after_put.json().at("displayName"), json::value("Alicia Smith"));
  EXPECT_EQ(after_put.json().at("externalId"), json::value("00u1abcd"));
  EXPECT_EQ(after_put.json().at("locale"), json::value("en-US"));
  EXPECT_EQ(field(after_put.json(), "password"), nullptr);

  // Deactivate and reactivate: path-less replace, lowercase op, boolean.
  for (const bool active : {false, true}) {
    const HttpResponse patched = okta.patch(
        "/Users/" + id,
        patch_op({json::object{{"op", "replace"}, {"value", json::object{{"active", active}}}}}));
    ASSERT_TRUE(patched.status == 200 || patched.status == 204) << patched.describe();
    if (patched.status == 200) {
      EXPECT_EQ(patched.json().at("active"), json::value(active));
    }
    const HttpResponse got = okta.get("/Users/" + id);
    EXPECT_EQ(got.json().at("active"), json::value(active)) << got.body;
    EXPECT_EQ(got.json().at("name").at("givenName"), json::value("Alicia"));
    // Deactivated users are still found by the lookup.
    EXPECT_TRUE(IsListResponse(okta.get("/Users", lookup_query("alice@x.com")), 1));
  }

  const HttpResponse missing = okta.get("/Users/00000000-0000-0000-0000-000000000000");
  EXPECT_TRUE(IsScimError(missing, 404));
  EXPECT_TRUE(IsScimError(okta.get("/Users/nonexistent"), 404));
}

TEST_F(OktaTest, ImportPagesThroughAllUsers) {
  const ScimClient okta = scim(tenant_);
  constexpr int kUsers = 250;
  std::set<std::string> created;
  for (int i = 0; i < kUsers; ++i) {
    const std::string n = std::to_string(i);
    const std::string id = created_id(okta.post(
        "/Users", okta_user_body("import" + n + "@x.com", "Given" + n, "Family" + n, "00u" + n)));
    ASSERT_FALSE(id.empty());
    created.insert(id);
  }

  auto import_all = [&]() {
    std::vector<std::string> order;
    for (int start = 1; start <= kUsers + 1; start += 100) {
      const HttpResponse page =
          okta.get("/Users", "startIndex=" + std::to_string(start) + "&count=100");
      EXPECT_TRUE(IsListResponse(page, kUsers));
      const json::value body = page.json();
      EXPECT_EQ(int_field(body, "startIndex"), start);
      EXPECT_EQ(int_field(body, "itemsPerPage"), std::min(100, kUsers - start + 1));
      for (const std::string& id : resource_ids(body)) order.push_back(id);
      if (const json::value* resources = field(body, "Resources");
          resources != nullptr && resources->is_array() && !resources->get_array().empty()) {
        const json::value& first = resources->get_array()[0];
        EXPECT_FALSE(string_field(first, "userName").empty());
        EXPECT_NE(field(first, "name"), nullptr);
        EXPECT_NE(field(first, "emails"), nullptr);
        EXPECT_NE(field(first, "active"), nullptr);
        EXPECT_EQ(field(first, "password"), nullptr);
      }
    }
    return order;
  };
  const std::vector<std::string> first_pass = import_all();
  EXPECT_EQ(first_pass.size(), static_cast<std::size_t>(kUsers));
  EXPECT_EQ(std::set<std::string>(first_pass.begin(), first_pass.end()), created)
      << "pages must cover every user exactly once";
  EXPECT_EQ(import_all(), first_pass) << "order must be stable across imports";

  // count=0 gives only the total; a start past the end gives an empty page.
  const HttpResponse none = okta.get("/Users", "startIndex=1&count=0");
  EXPECT_TRUE(IsListResponse(none, kUsers));
  EXPECT_EQ(int_field(none.json(), "itemsPerPage"), 0);
  const HttpResponse past_end = okta.get("/Users", "startIndex=1000&count=100");
  EXPECT_TRUE(IsListResponse(past_end, kUsers));
  EXPECT_EQ(int_field(past_end.json(), "itemsPerPage"), 0);
}

TEST_F(OktaTest, GroupPush) {
  const ScimClient okta = scim(tenant_);
  std::vector<std::string> users;
  for (const std::string name : {"bob@x.com", "carol@x.com", "dave@x.com"}) {
    users.push_back(created_id(okta.post("/Users", okta_user_body(name, "G", "F", "00u" + name))));
    ASSERT_FALSE(users.back().empty());
  }

  const HttpResponse created = okta.post(
      "/Groups",
      json::object{
          {"schemas", json::array{kGroupSchema}},
          {"displayName", "Okta Eng"},
          {"members", json::array{json::object{{"value", users[0]}, {"display", "bob@x.com"}}}}});
  const std::string group = created_id(created);
  ASSERT_FALSE(group.empty());
  EXPECT_EQ(values_of(created.json(), "members"), std::set<std::string>{users[0]});
  const HttpResponse member_view = okta.get("/Users/" + users[0]);
  EXPECT_EQ(values_of(member_view.json(), "groups"), std::set<std::string>{group});

  auto expect_group = [&](std::string_view display_name, std::set<std::string> members) {
    const HttpResponse got = okta.get("/Groups/" + group);
    ASSERT_EQ(got.status, 200) << got.describe();
    EXPECT_EQ(string_field(got.json(), "displayName"), display_name);
    EXPECT_EQ(values_of(got.json(), "members"), members) << got.body;
  };
  auto patch_group = [&](json::array ops) {
    const HttpResponse patched = okta.patch("/Groups/" + group, patch_op(std::move(ops)));
    EXPECT_TRUE(patched.status == 204 || patched.status == 200) << patched.describe();
  };

  // Rename, with the id inside the path-less value as Okta sends it.
  patch_group(
      {json::object{{"op", "replace"},
                    {"value", json::object{{"id", group}, {"displayName", "Okta Engineering"}}}}});
  expect_group("Okta Engineering", {users[0]});

  // One PATCH removing bob and adding carol and dave.
  patch_group(
      {json::object{{"op", "remove"}, {"path", "members[value eq \"" + users[0] + "\"]"}},
       json::object{
           {"op", "add"},
           {"path", "members"},
           {"value", json::array{json::object{{"value", users[1]}, {"display", "carol"}},
                                 json::object{{"value", users[2]}, {"display", "dave"}}}}}});
  expect_group("Okta Engineering", {users[1], users[2]});

  // Full push: replace all members.
  patch_group({json::object{{"op", "replace"},
                            {"path", "members"},
                            {"value", json::array{json::object{{"value", users[0]}}}}}});
  expect_group("Okta Engineering", {users[0]});

  // Okta's view of the group name is by lookup.
  const HttpResponse found =
      okta.get("/Groups", "filter=" + url_encode("displayName eq \"Okta Engineering\"") +
                              "&startIndex=1&count=100");
  ASSERT_TRUE(IsListResponse(found, 1));
  EXPECT_EQ(resource_ids(found.json()), std::vector<std::string>{group});

  EXPECT_EQ(okta.del("/Groups/" + group).status, 204);
  EXPECT_TRUE(IsScimError(okta.get("/Groups/" + group), 404));
  EXPECT_TRUE(values_of(okta.get("/Users/" + users[0]).json(), "groups").empty());
}

}  // namespace
}  // namespace scimd::itest
