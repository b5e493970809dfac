#include "api/tenant_settings.h"

#include "service_fixture.h"

namespace scimd::api::testing {
namespace {

namespace json = boost::json;
using scim::ResourceKind;

TEST(TenantSettings, ShorthandExpandsToTheWorkEmailPath) {
  auto r = parse_requirement(ResourceKind::user, "emails.work");
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->path, "emails[type eq \"work\"].value");
  EXPECT_EQ(parse_requirement(ResourceKind::user, "name.givenName")->path, "name.givenName");
  EXPECT_EQ(parse_requirement(ResourceKind::user, "phoneNumbers.mobile")->path,
            "phoneNumbers[type eq \"mobile\"].value");
  EXPECT_EQ(parse_requirement(ResourceKind::user,
                              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department")
                ->path,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department");
}

TEST(TenantSettings, UnknownAttributesCannotBeRequired) {
  const auto r = parse_requirement(ResourceKind::user, "shoeSize");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_value);
  EXPECT_FALSE(parse_requirement(ResourceKind::user, "emails[type eq").ok());
}

TEST(TenantSettings, SetAndClearKeepOtherSettings) {
  json::object settings{{"other", 1}};
  set_required_attributes(settings, ResourceKind::user,
                          {*parse_requirement(ResourceKind::user, "emails.work")});
  EXPECT_EQ(required_attributes(settings, ResourceKind::user).size(), 1u);
  EXPECT_TRUE(required_attributes(settings, ResourceKind::group).empty());
  set_required_attributes(settings, ResourceKind::user, {});
  EXPECT_EQ(settings, (json::object{{"other", 1}}));
}

class RequiredAttributesTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    auto tenant = store_->find_tenant("acme");
    ASSERT_TRUE(tenant.ok());
    json::object settings;
    set_required_attributes(settings, ResourceKind::user,
                            {*parse_requirement(ResourceKind::user, "emails.work")});
    ASSERT_TRUE(store_->set_tenant_settings(tenant->id, settings).ok());
    // A fresh service: the token cache holds the tenant as it was.
    ServiceOptions o;
    o.public_url = "https://scim.example.com";
    service_ = std::make_unique<Service>(store_, o);
  }
  static constexpr const char* kWithEmail =
      R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"m","emails":[{"type":"work","value":"m@x.com"}]})";
};

TEST_F(RequiredAttributesTest, CreateWithoutWorkEmailIs400NamingIt) {
  const Response r = call("POST", "/Users",
                          R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"m","emails":[{"type":"home","value":"m@x.com"}]})");
  ASSERT_EQ(r.status, 400);
  const auto body = json_of(r);
  EXPECT_EQ(body.at("scimType"), "invalidValue");
  EXPECT_NE(body.at("detail").as_string().find("emails[type eq \"work\"].value"), std::string::npos);
  EXPECT_EQ(json_of(call("GET", "/Users")).at("totalResults"), 0);
  EXPECT_EQ(call("POST", "/Users", kWithEmail).status, 201);
}

TEST_F(RequiredAttributesTest, PatchAndPutCannotDropIt) {
  const Response created = call("POST", "/Users", kWithEmail);
  ASSERT_EQ(created.status, 201);
  const std::string id(json_of(created).at("id").as_string());
  const Response patch = call("PATCH", "/Users/" + id,
                              R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"emails[type eq \"work\"]"}]})");
  EXPECT_EQ(patch.status, 400);
  EXPECT_EQ(json_of(patch).at("scimType"), "invalidValue");
  const Response put = call("PUT", "/Users/" + id,
                            R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"m"})");
  EXPECT_EQ(put.status, 400);
  // Nothing changed.
  const auto user = json_of(call("GET", "/Users/" + id));
  EXPECT_EQ(user.at("emails").as_array().size(), 1u);
  EXPECT_EQ(user.at("meta").at("version"), "W/\"1\"");
}

TEST_F(RequiredAttributesTest, OtherTenantsAreUnaffected) {
  EXPECT_EQ(call("POST", "/Users", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"m"})",
                 token_b_, "globex")
                .status,
            201);
}

}  // namespace
}  // namespace scimd::api::testing
