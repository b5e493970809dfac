#include "integration/directory_model.h"

#include <gtest/gtest.h>

#include <regex>
#include <utility>

#include "integration/json_assert.h"
#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

// The manager as a client compares it: only its value (a server may add $ref/displayName).
void reduce_manager(json::object& attributes) {
  json::value* enterprise = attributes.if_contains(kEnterpriseSchema);
  if (enterprise == nullptr || !enterprise->is_object()) return;
  json::value* manager = enterprise->get_object().if_contains("manager");
  if (manager == nullptr || !manager->is_object()) return;
  json::value* value = manager->get_object().if_contains("value");
  *manager = json::object{{"value", value != nullptr ? *value : json::value(nullptr)}};
}

void check_meta(const ScimClient& scim, const json::value& body, std::string_view resource_type,
                std::string_view endpoint, const std::string& id) {
  const json::value* meta = field(body, "meta");
  ASSERT_NE(meta, nullptr) << "no meta in " << json::serialize(body);
  EXPECT_EQ(string_field(*meta, "resourceType"), resource_type);
  EXPECT_EQ(string_field(*meta, "location"), std::string(kPublicUrl) + "/scim/v2/" + scim.tenant() +
                                                 std::string(endpoint) + "/" + id);
  EXPECT_FALSE(string_field(*meta, "created").empty()) << json::serialize(*meta);
  EXPECT_FALSE(string_field(*meta, "lastModified").empty()) << json::serialize(*meta);
  EXPECT_TRUE(std::regex_match(string_field(*meta, "version"), std::regex(R"re(W/".+")re")))
      << "meta.version should be a weak ETag: " << json::serialize(*meta);
}

}  // namespace

json::value without_empty(const json::value& value) {
  if (value.is_object()) {
    json::object out;
    for (const auto& member : value.get_object()) {
      if (member.value().is_null()) continue;
      if (member.value().is_array() && member.value().get_array().empty()) continue;
      out[member.key()] = without_empty(member.value());
    }
    return out;
  }
  if (value.is_array()) {
    json::array out;
    for (const json::value& element : value.get_array()) out.push_back(without_empty(element));
    return out;
  }
  return value;
}

json::object DirectoryModel::expected_from_body(json::object body) {
  for (const std::string_view key : {"schemas", "meta", "id", "groups", "password"}) {
    body.erase(key);
  }
  return body;
}

void DirectoryModel::check_user(const ScimClient& scim, const std::string& id,
                                const json::value& body) const {
  SCOPED_TRACE("user " + id);
  const auto expected = users.find(id);
  ASSERT_NE(expected, users.end());
  ASSERT_TRUE(body.is_object()) << json::serialize(body);
  EXPECT_EQ(string_field(body, "id"), id);
  EXPECT_TRUE(has_schema(body, kUserSchema)) << json::serialize(body);
  if (expected->second.attributes.contains(kEnterpriseSchema)) {
    EXPECT_TRUE(has_schema(body, kEnterpriseSchema)) << json::serialize(body);
  }
  check_meta(scim, body, "User", "/Users", id);
  EXPECT_EQ(field(body, "password"), nullptr) << "password must never be returned";

  json::object comparable = body.get_object();
  for (const std::string_view key : {"id", "meta", "schemas", "groups"}) comparable.erase(key);
  reduce_manager(comparable);
  EXPECT_TRUE(JsonEqual(without_empty(expected->second.attributes), without_empty(comparable)));

  // groups: [{value, display}] for every group holding this user, display = group name.
  std::set<std::pair<std::string, std::string>> expected_groups;
  for (const auto& [group_id, group] : groups) {
    if (group.members.contains(id)) {
      expected_groups.emplace(group_id, string_field(group.attributes, "displayName"));
    }
  }
  std::set<std::pair<std::string, std::string>> actual_groups;
  if (const json::value* listed = field(body, "groups"); listed != nullptr) {
    ASSERT_TRUE(listed->is_array()) << json::serialize(body);
    for (const json::value& g : listed->get_array()) {
      actual_groups.emplace(string_field(g, "value"), string_field(g, "display"));
    }
    EXPECT_EQ(listed->get_array().size(), actual_groups.size()) << "duplicate groups entries";
  }
  EXPECT_EQ(actual_groups, expected_groups) << "user's groups: " << json::serialize(body);
}

void DirectoryModel::check_group(const ScimClient& scim, const std::string& id,
                                 const json::value& body) const {
  SCOPED_TRACE("group " + id);
  const auto expected = groups.find(id);
  ASSERT_NE(expected, groups.end());
  ASSERT_TRUE(body.is_object()) << json::serialize(body);
  EXPECT_EQ(string_field(body, "id"), id);
  EXPECT_TRUE(has_schema(body, kGroupSchema)) << json::serialize(body);
  check_meta(scim, body, "Group", "/Groups", id);

  json::object comparable = body.get_object();
  for (const std::string_view key : {"id", "meta", "schemas", "members"}) comparable.erase(key);
  EXPECT_TRUE(JsonEqual(without_empty(expected->second.attributes), without_empty(comparable)));
  EXPECT_EQ(values_of(body, "members"), expected->second.members)
      << "members of " << json::serialize(body);
  if (const json::value* members = field(body, "members"); members && members->is_array()) {
    EXPECT_EQ(members->get_array().size(), expected->second.members.size())
        << "duplicate members in " << json::serialize(body);
  }
}

void DirectoryModel::verify(const ScimClient& scim) const {
  for (const auto& [id, user] : users) {
    const HttpResponse got = scim.get("/Users/" + id);
    ASSERT_EQ(got.status, 200) << "GET user " << id << ": " << got.describe();
    const json::value body = got.json();
    const json::value* meta = field(body, "meta");
    EXPECT_EQ(got.header("etag"), meta != nullptr ? string_field(*meta, "version") : "?");
    check_user(scim, id, body);
  }
  for (const auto& [id, group] : groups) {
    const HttpResponse got = scim.get("/Groups/" + id);
    ASSERT_EQ(got.status, 200) << "GET group " << id << ": " << got.describe();
    check_group(scim, id, got.json());
    // How Entra reads groups: never the members.
    const HttpResponse without = scim.get("/Groups/" + id, "excludedAttributes=members");
    ASSERT_EQ(without.status, 200) << without.describe();
    EXPECT_EQ(field(without.json(), "members"), nullptr) << without.describe();
    EXPECT_EQ(string_field(without.json(), "displayName"),
              string_field(group.attributes, "displayName"));
  }
  for (const std::string& id : deleted_users) {
    EXPECT_TRUE(IsScimError(scim.get("/Users/" + id), 404)) << "deleted user " << id;
  }
  for (const std::string& id : deleted_groups) {
    EXPECT_TRUE(IsScimError(scim.get("/Groups/" + id), 404)) << "deleted group " << id;
  }
  const HttpResponse user_list = scim.get("/Users", "count=1000");
  EXPECT_TRUE(IsListResponse(user_list, static_cast<std::int64_t>(users.size())));
  const std::vector<std::string> listed_users = resource_ids(user_list.json());
  EXPECT_EQ(std::set<std::string>(listed_users.begin(), listed_users.end()), [&] {
    std::set<std::string> ids;
    for (const auto& entry : users) ids.insert(entry.first);
    return ids;
  }());
  const HttpResponse group_list = scim.get("/Groups", "excludedAttributes=members&count=1000");
  EXPECT_TRUE(IsListResponse(group_list, static_cast<std::int64_t>(groups.size())));
  const json::value group_list_body = group_list.json();
  if (const json::value* resources = field(group_list_body, "Resources");
      resources != nullptr && resources->is_array()) {
    for (const json::value& group : resources->get_array()) {
      EXPECT_EQ(field(group, "members"), nullptr) << "excludedAttributes=members ignored";
    }
  }
}

}  // namespace scimd::itest
