// Entra ID with `?aadOptscim062020` on the Tenant URL: lowercase ops, real booleans, path-less
// replace with dotted keys, member removal by a value-filter path.
#include <gtest/gtest.h>

#include "integration/entra_cycle.h"
#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

constexpr std::string_view kFlag = "aadOptscim062020";

template <typename Value>
json::object op(std::string_view name, std::string_view path, Value&& value) {
  return json::object{
      {"op", name}, {"path", path}, {"value", json::value_from(std::forward<Value>(value))}};
}

EntraDialect flagged_dialect() {
  return EntraDialect{
      .add_members =
          [](const std::vector<std::string>& ids) {
            json::array values;
            for (const std::string& id : ids) values.push_back(json::object{{"value", id}});
            return json::array{op("add", "members", std::move(values))};
          },
      .remove_members =
          [](const std::vector<std::string>& ids) {
            json::array ops;
            for (const std::string& id : ids) {
              ops.push_back(
                  json::object{{"op", "remove"}, {"path", "members[value eq \"" + id + "\"]"}});
            }
            return ops;
          },
      .set_manager =
          [](const std::string& manager_id) {
            return json::array{op("replace", kManagerPath, json::string(manager_id))};
          },
      .set_active = [](bool active) { return json::array{op("replace", "active", active)}; },
      .update_user =
          [](const UserUpdate& update) {
            json::object values{{"displayName", update.display_name},
                                {"name.givenName", update.given_name},
                                {"name.familyName", update.family_name},
                                {kEmployeeNumberPath, update.employee_number}};
            if (!update.user_name.empty()) values["userName"] = update.user_name;
            return json::array{op("replace", "emails[type eq \"work\"].value", update.work_email),
                               json::object{{"op", "replace"}, {"value", std::move(values)}}};
          },
      .rename_group =
          [](const std::string& display_name) {
            return json::array{json::object{
                {"op", "replace"}, {"value", json::object{{"displayName", display_name}}}}};
          },
  };
}

class EntraDialect2Test : public ScimdTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(create_tenant("fabrikam", &tenant_));
    ASSERT_NO_FATAL_FAILURE(start_server());
  }
  Tenant tenant_;
};

TEST_F(EntraDialect2Test, FlaggedDialectProvisioningCycle) {
  const ScimClient client = scim(tenant_, std::string(kFlag));
  DirectoryModel model;
  ASSERT_NO_FATAL_FAILURE(run_entra_cycle(client, flagged_dialect(), &model));

  // Path-less replace must set the sub-attributes, never store dotted names as attributes.
  for (const auto& [id, user] : model.users) {
    const HttpResponse got = client.get("/Users/" + id);
    ASSERT_EQ(got.status, 200) << got.describe();
    const json::value parsed = got.json();
    ASSERT_TRUE(parsed.is_object()) << got.describe();
    const json::object& body = parsed.get_object();
    for (const auto& member : body) {
      EXPECT_EQ(std::string_view(member.key()).find("name."), std::string_view::npos)
          << "literal key " << member.key() << " in " << got.body;
    }
    EXPECT_FALSE(body.contains(kEmployeeNumberPath)) << got.body;
  }
}

}  // namespace
}  // namespace scimd::itest
