// Entra ID's default PATCH dialect (no feature flag): capitalised ops, "True"/"False" strings,
// manager as a plain string id, member removal as a `value` list on path "members".
#include <gtest/gtest.h>

#include "integration/entra_cycle.h"
#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

json::array member_values(const std::vector<std::string>& user_ids, bool with_null_ref) {
  json::array values;
  for (const std::string& id : user_ids) {
    json::object member{{"value", id}};
    if (with_null_ref) member["$ref"] = nullptr;  // what Entra sends on Add
    values.push_back(std::move(member));
  }
  return values;
}

template <typename Value>
json::object op(std::string_view name, std::string_view path, Value&& value) {
  return json::object{
      {"op", name}, {"path", path}, {"value", json::value_from(std::forward<Value>(value))}};
}

EntraDialect default_dialect() {
  return EntraDialect{
      .add_members =
          [](const std::vector<std::string>& ids) {
            return json::array{op("Add", "members", member_values(ids, true))};
          },
      .remove_members =
          [](const std::vector<std::string>& ids) {
            return json::array{op("Remove", "members", member_values(ids, false))};
          },
      .set_manager =
          [](const std::string& manager_id) {
            return json::array{op("Add", kManagerPath, json::string(manager_id))};
          },
      .set_active =
          [](bool active) {
            return json::array{op("Replace", "active", active ? "True" : "False")};
          },
      .update_user =
          [](const UserUpdate& update) {
            json::array ops{op("Replace", "emails[type eq \"work\"].value", update.work_email),
                            op("Replace", "name.givenName", update.given_name),
                            op("Replace", "name.familyName", update.family_name),
                            op("Replace", "displayName", update.display_name),
                            op("Replace", kEmployeeNumberPath, update.employee_number)};
            if (!update.user_name.empty())
              ops.push_back(op("Replace", "userName", update.user_name));
            return ops;
          },
      .rename_group =
          [](const std::string& display_name) {
            return json::array{op("Replace", "displayName", display_name)};
          },
  };
}

class EntraReplayTest : public ScimdTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(create_tenant("contoso", &tenant_));
    ASSERT_NO_FATAL_FAILURE(start_server());
  }
  Tenant tenant_;
};

TEST_F(EntraReplayTest, DefaultDialectProvisioningCycle) {
  DirectoryModel model;
  ASSERT_NO_FATAL_FAILURE(run_entra_cycle(scim(tenant_), default_dialect(), &model));
  EXPECT_EQ(model.users.size(), 18u);
  EXPECT_EQ(model.groups.size(), 1u);
}

// The Test Connection request exactly as it appears on the wire (`+` for spaces, %22 quotes),
// with the resource segment in lower case.
TEST_F(EntraReplayTest, TestConnectionWireForm) {
  const ScimClient client = scim(tenant_);
  const HttpResponse probe = http().send(
      HttpRequest{.method = "GET",
                  .target = "/scim/v2/contoso/users?filter=userName+eq+%220a21f0f2-8d2a-4f8e-bf98-"
                            "7363c4aed4ef%22",
                  .headers = {{"Authorization", "Bearer " + tenant_.token}},
                  .body = ""});
  ASSERT_TRUE(IsListResponse(probe, 0));
  EXPECT_EQ(probe.json().at("Resources"), json::array{});

  // The same query must match once the user exists: '+' really decodes to a space.
  ASSERT_FALSE(
      created_id(client.post("/Users", make_user("0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"))).empty());
  const HttpResponse found = http().send(
      HttpRequest{.method = "GET",
                  .target = "/scim/v2/contoso/Users?filter=userName+eq+%220a21f0f2-8d2a-4f8e-bf98-"
                            "7363c4aed4ef%22",
                  .headers = {{"Authorization", "Bearer " + tenant_.token}},
                  .body = ""});
  EXPECT_TRUE(IsListResponse(found, 1));
}

}  // namespace
}  // namespace scimd::itest
