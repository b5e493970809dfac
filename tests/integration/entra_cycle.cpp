#include "integration/entra_cycle.h"

#include <gtest/gtest.h>

#include "integration/json_assert.h"
#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

constexpr int kUsers = 20;
constexpr std::size_t kMemberBatch = 10;
// Test Connection looks up a random GUID; a fixed one keeps the test deterministic.
constexpr std::string_view kProbeGuid = "5f8d8c0e-3b6a-4f0e-9d61-2f1a7c3e9b42";

std::string user_name_of(int i) { return "user" + std::to_string(i) + "@contoso.example"; }

// The body Entra POSTs for a user with the default attribute mappings.
json::object entra_user_body(int i) {
  const std::string n = std::to_string(i);
  const std::string given = "Given" + n;
  const std::string family = "Family" + n;
  return json::object{
      {"schemas", json::array{kUserSchema, kEnterpriseSchema}},
      {"externalId", "nick" + n},
      {"userName", user_name_of(i)},
      {"active", true},
      {"displayName", given + " " + family},
      {"title", "Engineer " + n},
      {"emails",
       json::array{json::object{{"primary", true}, {"type", "work"}, {"value", user_name_of(i)}}}},
      {"meta", json::object{{"resourceType", "User"}}},
      {"name",
       json::object{
           {"formatted", given + " " + family}, {"familyName", family}, {"givenName", given}}},
      {"phoneNumbers",
       json::array{json::object{{"type", "work"}, {"value", "+1 425 555 01" + n}},
                   json::object{{"type", "mobile"}, {"value", "+1 (206) 555-0" + n}}}},
      {"addresses",
       json::array{json::object{
           {"type", "work"}, {"streetAddress", n + " Microsoft Way"}, {"postalCode", "98052"}}}},
      {kEnterpriseSchema,
       json::object{{"employeeNumber", "E" + n}, {"department", "Dept " + std::to_string(i % 3)}}},
      {"roles", json::array{}},
  };
}

// The body Entra POSTs for a group.
json::object entra_group_body(const std::string& display_name, const std::string& external_id) {
  return json::object{
      {"externalId", external_id},
      {"displayName", display_name},
      {"meta", json::object{{"resourceType", "Group"}}},
      {"schemas", json::array{kGroupSchema,
                              "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/"
                              "Group"}},
      {"members", json::array{}},
  };
}

std::string user_lookup_query(std::string_view user_name) {
  return "filter=" + form_encode("userName eq \"" + std::string(user_name) + "\"");
}

std::string group_lookup_query(std::string_view display_name) {
  return "excludedAttributes=members&filter=" +
         form_encode("displayName eq \"" + std::string(display_name) + "\"");
}

// The ids a filter query returns (the reply must be a ListResponse).
std::vector<std::string> lookup(const ScimClient& scim, std::string_view resource,
                                const std::string& query) {
  const HttpResponse found = scim.get(resource, query);
  EXPECT_TRUE(IsListResponse(found)) << query;
  return resource_ids(found.json());
}

// PATCHes a user the model already reflects; 200 (with the resource) or 204 both succeed.
void patch_user(const ScimClient& scim, const DirectoryModel& model, const std::string& id,
                json::array operations) {
  const HttpResponse patched = scim.patch("/Users/" + id, patch_op(std::move(operations)));
  ASSERT_TRUE(patched.status == 200 || patched.status == 204)
      << "PATCH user " << id << ": " << patched.describe();
  if (patched.status == 200) model.check_user(scim, id, patched.json());
}

void patch_group(const ScimClient& scim, const std::string& id, json::array operations) {
  const HttpResponse patched = scim.patch("/Groups/" + id, patch_op(std::move(operations)));
  ASSERT_EQ(patched.status, 204) << "PATCH group " << id << ": " << patched.describe();
}

std::string meta_version(const HttpResponse& response) {
  const json::value body = response.json();
  const json::value* meta = field(body, "meta");
  return meta != nullptr ? string_field(*meta, "version") : "";
}

json::object& enterprise_of(ExpectedUser& user) {
  return user.attributes[kEnterpriseSchema].as_object();
}

}  // namespace

void run_entra_cycle(const ScimClient& scim, const EntraDialect& dialect, DirectoryModel* model) {
  // Test Connection and the start-of-cycle probes: 200 with an empty list, never 404.
  {
    SCOPED_TRACE("probes");
    const HttpResponse user_probe = scim.get("/Users", user_lookup_query(kProbeGuid));
    ASSERT_TRUE(IsListResponse(user_probe, 0));
    EXPECT_TRUE(field(user_probe.json(), "Resources")->get_array().empty());
    const HttpResponse group_probe = scim.get("/Groups", group_lookup_query(kProbeGuid));
    ASSERT_TRUE(IsListResponse(group_probe, 0));
  }

  std::vector<std::string> user_ids;
  {
    SCOPED_TRACE("create users");
    for (int i = 0; i < kUsers; ++i) {
      ASSERT_TRUE(lookup(scim, "/Users", user_lookup_query(user_name_of(i))).empty());
      const json::object body = entra_user_body(i);
      const HttpResponse created = scim.post("/Users", body);
      const std::string id = created_id(created);
      ASSERT_FALSE(id.empty());
      const json::value reply = created.json();
      const json::value* meta = field(reply, "meta");
      ASSERT_NE(meta, nullptr) << created.describe();
      EXPECT_EQ(created.header("location"), string_field(*meta, "location"));
      EXPECT_EQ(created.header("etag"), string_field(*meta, "version"));
      EXPECT_EQ(created.header("content-type").find("application/scim+json"), 0u);
      model->users[id].attributes = DirectoryModel::expected_from_body(body);
      model->check_user(scim, id, reply);
      user_ids.push_back(id);
    }
    ASSERT_NO_FATAL_FAILURE(model->verify(scim));
    EXPECT_EQ(lookup(scim, "/Users", user_lookup_query(user_name_of(7))),
              std::vector<std::string>{user_ids[7]});
  }

  std::vector<std::string> group_ids;
  {
    SCOPED_TRACE("create groups");
    for (const std::string name : {"Entra Group A", "Entra Group B"}) {
      ASSERT_TRUE(lookup(scim, "/Groups", group_lookup_query(name)).empty());
      json::object body = entra_group_body(name, "object-id-" + std::to_string(group_ids.size()));
      const HttpResponse created = scim.post("/Groups", body);
      const std::string id = created_id(created);
      ASSERT_FALSE(id.empty());
      body.erase("members");
      model->groups[id].attributes = DirectoryModel::expected_from_body(body);
      model->check_group(scim, id, created.json());
      group_ids.push_back(id);
    }
    ASSERT_NO_FATAL_FAILURE(model->verify(scim));
  }

  {
    SCOPED_TRACE("membership batches");
    // Group A: users 0..14, group B: users 10..19, in batches of at most 10 per PATCH.
    const std::vector<std::pair<int, std::pair<int, int>>> assignments = {{0, {0, 15}},
                                                                          {1, {10, 20}}};
    for (const auto& [group, range] : assignments) {
      for (int first = range.first; first < range.second; first += kMemberBatch) {
        std::vector<std::string> batch;
        for (int i = first; i < std::min<int>(range.second, first + kMemberBatch); ++i) {
          batch.push_back(user_ids[i]);
          model->groups[group_ids[group]].members.insert(user_ids[i]);
        }
        ASSERT_NO_FATAL_FAILURE(patch_group(scim, group_ids[group], dialect.add_members(batch)));
      }
    }
    // Adding an existing member again must not duplicate it.
    ASSERT_NO_FATAL_FAILURE(patch_group(scim, group_ids[0], dialect.add_members({user_ids[0]})));
    ASSERT_NO_FATAL_FAILURE(model->verify(scim));
  }

  {
    SCOPED_TRACE("manager");
    for (int i = 1; i < kUsers; ++i) {
      const std::string& manager = user_ids[i < 10 ? 0 : 1];
      enterprise_of(model->users[user_ids[i]])["manager"] = json::object{{"value", manager}};
      ASSERT_NO_FATAL_FAILURE(patch_user(scim, *model, user_ids[i], dialect.set_manager(manager)));
    }
    ASSERT_NO_FATAL_FAILURE(model->verify(scim));
  }

  {
    SCOPED_TRACE("attribute updates");
    for (int i = 0; i < 10; ++i) {
      const std::string n = std::to_string(i);
      const UserUpdate update{.work_email = "renamed" + n + "@contoso.example",
                              .given_name = "NewGiven" + n,
                              .family_name = "NewFamily" + n,
                              .display_name = "NewGiven" + n + " NewFamily" + n,
                              .employee_number = "F" + n,
                              .user_name = i < 5 ? "renamed" + n + "@contoso.example" : ""};
      ExpectedUser& user = model->users[user_ids[i]];
      user.attributes["emails"].as_array()[0].as_object()["value"] = update.work_email;
      user.attributes["name"].as_object()["givenName"] = update.given_name;
      user.attributes["name"].as_object()["familyName"] = update.family_name;
      user.attributes["displayName"] = update.display_name;
      enterprise_of(user)["employeeNumber"] = update.employee_number;
      if (!update.user_name.empty()) user.attributes["userName"] = update.user_name;

      const HttpResponse before = scim.get("/Users/" + user_ids[i]);
      ASSERT_NO_FATAL_FAILURE(patch_user(scim, *model, user_ids[i], dialect.update_user(update)));
      const HttpResponse after = scim.get("/Users/" + user_ids[i]);
      EXPECT_NE(meta_version(before), meta_version(after)) << "meta.version must change on PATCH";
    }
    ASSERT_NO_FATAL_FAILURE(model->verify(scim));
    // The matching attribute changed: lookups follow it.
    EXPECT_EQ(lookup(scim, "/Users", user_lookup_query("renamed3@contoso.example")),
              std::vector<std::string>{user_ids[3]});
    EXPECT_TRUE(lookup(scim, "/Users", user_lookup_query(user_name_of(3))).empty());
    EXPECT_EQ(lookup(scim, "/Users", user_lookup_query(user_name_of(7))),
              std::vector<std::string>{user_ids[7]});
  }

  {
    SCOPED_TRACE("soft delete");
    for (int i = 15; i < kUsers; ++i) {
      model->users[user_ids[i]].attributes["active"] = false;
      ASSERT_NO_FATAL_FAILURE(patch_user(scim, *model, user_ids[i], dialect.set_active(false)));
    }
    ASSERT_NO_FATAL_FAILURE(model->verify(scim));
    // A disabled user is still found by the matching-attribute lookup.
    const HttpResponse found = scim.get("/Users", user_lookup_query(user_name_of(17)));
    ASSERT_TRUE(IsListResponse(found, 1));
    EXPECT_EQ(resource_ids(found.json()), std::vector<std::string>{user_ids[17]});
    const json::value found_body = found.json();
    const json::value* active = field(field(found_body, "Resources")->get_array()[0], "active");
    ASSERT_NE(active, nullptr);
    EXPECT_EQ(*active, json::value(false));
  }

  {
    SCOPED_TRACE("reactivation");
    for (int i = 15; i < 17; ++i) {
      model->users[user_ids[i]].attributes["active"] = true;
      ASSERT_NO_FATAL_FAILURE(patch_user(scim, *model, user_ids[i], dialect.set_active(true)));
    }
    ASSERT_NO_FATAL_FAILURE(model->verify(scim));
  }

  {
    SCOPED_TRACE("member removal");
    model->groups[group_ids[0]].members.erase(user_ids[3]);
    model->groups[group_ids[0]].members.erase(user_ids[4]);
    ASSERT_NO_FATAL_FAILURE(
        patch_group(scim, group_ids[0], dialect.remove_members({user_ids[3], user_ids[4]})));
    ASSERT_NO_FATAL_FAILURE(model->verify(scim));
  }

  {
    SCOPED_TRACE("group rename");
    const std::string new_name = "Entra Group B (renamed)";
    model->groups[group_ids[1]].attributes["displayName"] = new_name;
    ASSERT_NO_FATAL_FAILURE(patch_group(scim, group_ids[1], dialect.rename_group(new_name)));
    ASSERT_NO_FATAL_FAILURE(model->verify(scim));
    EXPECT_EQ(lookup(scim, "/Groups", group_lookup_query(new_name)),
              std::vector<std::string>{group_ids[1]});
    EXPECT_TRUE(lookup(scim, "/Groups", group_lookup_query("Entra Group B")).empty());
  }

  {
    SCOPED_TRACE("group delete");
    const HttpResponse deleted = scim.del("/Groups/" + group_ids[0]);
    EXPECT_EQ(deleted.status, 204) << deleted.describe();
    model->groups.erase(group_ids[0]);
    model->deleted_groups.insert(group_ids[0]);
    ASSERT_NO_FATAL_FAILURE(model->verify(scim));
  }

  {
    SCOPED_TRACE("user hard delete");
    for (int i : {18, 19}) {
      const HttpResponse deleted = scim.del("/Users/" + user_ids[i]);
      EXPECT_EQ(deleted.status, 204) << deleted.describe();
      model->users.erase(user_ids[i]);
      model->deleted_users.insert(user_ids[i]);
      for (auto& [group_id, group] : model->groups) group.members.erase(user_ids[i]);
    }
    ASSERT_NO_FATAL_FAILURE(model->verify(scim));
    EXPECT_TRUE(IsScimError(scim.del("/Users/" + user_ids[18]), 404));
    EXPECT_TRUE(
        IsScimError(scim.patch("/Users/" + user_ids[18], patch_op(dialect.set_active(true))), 404));
    EXPECT_TRUE(lookup(scim, "/Users", user_lookup_query(user_name_of(18))).empty());
  }
}

}  // namespace scimd::itest
