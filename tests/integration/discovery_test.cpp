// Discovery endpoints (RFC 7644 §4): ServiceProviderConfig, ResourceTypes, Schemas.
#include <gtest/gtest.h>

#include <map>

#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

class DiscoveryTest : public ScimdTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(create_tenant("discovery", &tenant_));
    ASSERT_NO_FATAL_FAILURE(start_server());
  }
  Tenant tenant_;
};

bool supported(const json::value& config, std::string_view feature) {
  const json::value* section = field(config, feature);
  const json::value* flag = section != nullptr ? field(*section, "supported") : nullptr;
  return flag != nullptr && flag->is_bool() && flag->get_bool();
}

// The attribute definition `name` in a schema resource, or null.
json::value attribute(const json::value& schema, std::string_view name) {
  const json::value* attributes = field(schema, "attributes");
  if (attributes == nullptr || !attributes->is_array()) return nullptr;
  for (const json::value& definition : attributes->get_array()) {
    if (string_field(definition, "name") == name) return definition;
  }
  return nullptr;
}

TEST_F(DiscoveryTest, ServiceProviderConfig) {
  const HttpResponse got = scim(tenant_).get("/ServiceProviderConfig");
  ASSERT_EQ(got.status, 200) << got.describe();
  EXPECT_EQ(got.header("content-type").find("application/scim+json"), 0u);
  const json::value config = got.json();
  EXPECT_TRUE(has_schema(config, "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"));
  EXPECT_TRUE(supported(config, "patch")) << got.body;
  EXPECT_TRUE(supported(config, "filter")) << got.body;
  EXPECT_GT(int_field(*field(config, "filter"), "maxResults", 0), 0) << got.body;
  for (const std::string_view feature : {"bulk", "changePassword", "sort", "etag"}) {
    const json::value* section = field(config, feature);
    ASSERT_NE(section, nullptr) << feature << " missing: " << got.body;
    EXPECT_NE(field(*section, "supported"), nullptr) << feature;
  }
  const json::value* schemes = field(config, "authenticationSchemes");
  ASSERT_NE(schemes, nullptr) << got.body;
  ASSERT_TRUE(schemes->is_array() && !schemes->get_array().empty()) << got.body;
  EXPECT_FALSE(string_field(schemes->get_array()[0], "type").empty());
  EXPECT_FALSE(string_field(schemes->get_array()[0], "name").empty());
}

TEST_F(DiscoveryTest, ResourceTypes) {
  const HttpResponse got = scim(tenant_).get("/ResourceTypes");
  ASSERT_TRUE(IsListResponse(got, 2));
  const json::value body = got.json();
  const json::array& types = body.at("Resources").as_array();
  // Microsoft's collection reads Resources[0].endpoint and wants "/Users".
  EXPECT_EQ(string_field(types[0], "name"), "User");
  EXPECT_EQ(string_field(types[0], "endpoint"), "/Users");
  EXPECT_EQ(string_field(types[0], "schema"), kUserSchema);
  EXPECT_TRUE(has_schema(types[0], "urn:ietf:params:scim:schemas:core:2.0:ResourceType"));
  const json::value* extensions = field(types[0], "schemaExtensions");
  ASSERT_NE(extensions, nullptr) << got.body;
  ASSERT_TRUE(extensions->is_array() && extensions->get_array().size() == 1) << got.body;
  EXPECT_EQ(string_field(extensions->get_array()[0], "schema"), kEnterpriseSchema);
  EXPECT_EQ(extensions->get_array()[0].at("required"), json::value(false));
  EXPECT_EQ(string_field(types[1], "name"), "Group");
  EXPECT_EQ(string_field(types[1], "endpoint"), "/Groups");
  EXPECT_EQ(string_field(types[1], "schema"), kGroupSchema);

  const HttpResponse user_type = scim(tenant_).get("/ResourceTypes/User");
  ASSERT_EQ(user_type.status, 200) << user_type.describe();
  EXPECT_EQ(string_field(user_type.json(), "endpoint"), "/Users");
  EXPECT_TRUE(IsScimError(scim(tenant_).get("/ResourceTypes/Printer"), 404));
}

TEST_F(DiscoveryTest, Schemas) {
  const HttpResponse got = scim(tenant_).get("/Schemas");
  ASSERT_TRUE(IsListResponse(got));
  const json::value body = got.json();
  std::map<std::string, json::value> by_id;
  for (const json::value& schema : body.at("Resources").as_array()) {
    by_id[string_field(schema, "id")] = schema;
  }
  for (const std::string_view urn : {kUserSchema, kEnterpriseSchema, kGroupSchema}) {
    EXPECT_TRUE(by_id.contains(std::string(urn))) << urn << " missing from " << got.body;
  }
  EXPECT_NE(got.body.find("User Account"), std::string::npos)
      << "Microsoft's collection looks for the User schema's description";

  const json::value user_name = attribute(by_id[std::string(kUserSchema)], "userName");
  ASSERT_TRUE(user_name.is_object()) << "no userName definition";
  EXPECT_EQ(user_name.at("caseExact"), json::value(false));
  EXPECT_EQ(user_name.at("uniqueness"), json::value("server"));
  EXPECT_EQ(user_name.at("required"), json::value(true));
  EXPECT_EQ(user_name.at("type"), json::value("string"));
  EXPECT_TRUE(attribute(by_id[std::string(kUserSchema)], "emails").is_object());
  EXPECT_TRUE(attribute(by_id[std::string(kEnterpriseSchema)], "manager").is_object());
  EXPECT_TRUE(attribute(by_id[std::string(kGroupSchema)], "members").is_object());
  const json::value password = attribute(by_id[std::string(kUserSchema)], "password");
  if (password.is_object()) {
    EXPECT_EQ(password.at("returned"), json::value("never"));
    EXPECT_EQ(password.at("mutability"), json::value("writeOnly"));
  }

  // Each schema by its URN.
  for (const std::string_view urn : {kUserSchema, kEnterpriseSchema, kGroupSchema}) {
    const HttpResponse one = scim(tenant_).get("/Schemas/" + std::string(urn));
    ASSERT_EQ(one.status, 200) << urn << ": " << one.describe();
    EXPECT_EQ(string_field(one.json(), "id"), urn);
    EXPECT_TRUE(field(one.json(), "attributes") != nullptr) << one.body;
  }
  EXPECT_TRUE(IsScimError(scim(tenant_).get("/Schemas/urn:example:no-such-schema"), 404));
}

TEST_F(DiscoveryTest, HealthNeedsNoToken) {
  const HttpResponse health =
      http().send(HttpRequest{.method = "GET", .target = "/healthz", .headers = {}, .body = ""});
  EXPECT_EQ(health.status, 200) << health.describe();
  // Discovery is per tenant and needs the tenant's token.
  EXPECT_TRUE(
      IsScimError(scim(tenant_).raw("GET", "/ServiceProviderConfig", "", "", {}, false), 401));
}

}  // namespace
}  // namespace scimd::itest
