// /admin/v1 through api::Service: tenants, tokens, app keys, settings, webhooks and logs, the
// admin key, per-tenant isolation, and the errors of bad requests.
#include <chrono>
#include <map>

#include <gmock/gmock.h>

#include "admin_fixture.h"
#include "api/admin_routes.h"
#include "api/token_auth.h"
#include "core/time.h"

namespace scimd::api::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A concrete path for a route pattern: {name} -> tenant, {id} -> id.
std::string path_for(std::string_view pattern, const std::string& tenant, const std::string& id = "1") {
  std::string out(pattern);
  for (auto [from, to] : {std::pair<std::string, std::string>{"{name}", tenant}, {"{id}", id}}) {
    if (auto at = out.find(from); at != std::string::npos) out.replace(at, from.size(), to);
  }
  return out;
}

// --- the admin key ---------------------------------------------------------------------------

TEST_F(AdminTest, EveryRouteButTheDocumentNeedsTheAdminKey) {
  for (const AdminRoute& route : admin_routes()) {
    const std::string path = path_for(route.pattern, "acme");
    for (std::string_view key : {std::string_view(), std::string_view("wrong-key")}) {
      const Response r = admin(std::string(route.method), path, "{}", key);
      if (route.public_route) {
        EXPECT_EQ(r.status, 200) << route.method << " " << path;
      } else {
        EXPECT_EQ(r.status, 401) << route.method << " " << path << " key '" << key << "': " << r.body;
        EXPECT_EQ(header(r, "WWW-Authenticate"), "Bearer realm=\"scimd\"");
      }
    }
  }
  // A SCIM token is not an admin key.
  EXPECT_EQ(admin("GET", "/tenants", "", token_a_).status, 401);
  // Unknown admin paths answer 401 too without the key: nothing is revealed before auth.
  EXPECT_EQ(admin("GET", "/nothing", "", "").status, 401);
}

TEST_F(AdminTest, WithoutAConfiguredKeyTheAdminApiIsOff) {
  ServiceOptions off;  // no admin key
  off.public_url = "https://x";
  service_ = std::make_unique<Service>(store_, off);
  const Response r = admin("GET", "/tenants");
  EXPECT_EQ(r.status, 401);
  EXPECT_THAT(detail(r), HasSubstr("SCIMD_ADMIN_KEY"));
  EXPECT_EQ(admin("GET", "/openapi.json", "", "").status, 200);
}

// --- routing ---------------------------------------------------------------------------------

TEST_F(AdminTest, UnknownPathsAre404AndOtherMethods405) {
  Response r = admin("GET", "/tenantz");
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(detail(r), HasSubstr("no route"));
  EXPECT_EQ(admin("GET", "/tenants/acme/tokens/extra").status, 404);

  r = admin("PUT", "/tenants");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(header(r, "Allow"), "POST, GET");
  r = admin("POST", "/tenants/acme/settings", "{}");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(header(r, "Allow"), "GET, PATCH, PUT");
  EXPECT_EQ(admin("POST", "/openapi.json", "{}", "").status, 405);
  // HEAD is GET without a body.
  r = admin("HEAD", "/tenants");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(AdminTest, EveryPerTenantRouteAnswers404ForAnUnknownTenant) {
  int checked = 0;
  for (const AdminRoute& route : admin_routes()) {
    if (route.pattern.find("{name}") == std::string_view::npos) continue;
    const Response r = admin(std::string(route.method), path_for(route.pattern, "nosuch"), "{}");
    EXPECT_EQ(r.status, 404) << route.method << " " << route.pattern << ": " << r.body;
    EXPECT_THAT(detail(r), HasSubstr("tenant 'nosuch' not found")) << route.pattern;
    ++checked;
  }
  EXPECT_GT(checked, 15);
}

// --- tenants ---------------------------------------------------------------------------------

TEST_F(AdminTest, CreatingATenantReturnsItsUrlAndAWorkingToken) {
  const Response r = admin("POST", "/tenants", R"({"name":"initech"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const json::object o = json_of(r);
  EXPECT_EQ(o.at("tenant"), "initech");
  EXPECT_EQ(o.at("tenant_url"), "https://scim.example.com/scim/v2/initech");
  const std::string token(o.at("token").as_string());
  EXPECT_GE(token.size(), 43u);
  EXPECT_EQ(header(r, "Location"), "https://scim.example.com/admin/v1/tenants/initech");

  EXPECT_EQ(call("GET", "/Users", "", token, "initech").status, 200);
  EXPECT_EQ(call("GET", "/Users", "", token, "acme").status, 401);
  // Shown once: listing never returns it.
  const Response tokens = admin("GET", "/tenants/initech/tokens");
  ASSERT_EQ(tokens.status, 200);
  EXPECT_EQ(tokens.body.find(token), std::string::npos);
  EXPECT_EQ(json_of(tokens).at("tokens").as_array().size(), 1u);
}

TEST_F(AdminTest, BadTenantBodiesAreRefusedClearly) {
  Response r = admin("POST", "/tenants", R"({"name":"Bad Name"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(scim_type(r), "invalidValue");
  r = admin("POST", "/tenants", R"({"name":"acme"})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(scim_type(r), "uniqueness");
  r = admin("POST", "/tenants", R"({"name":)");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(scim_type(r), "invalidSyntax");
  r = admin("POST", "/tenants", "");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(scim_type(r), "invalidSyntax");
  r = admin("POST", "/tenants", R"({"name":5})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(scim_type(r), "invalidValue");
  EXPECT_THAT(detail(r), HasSubstr("'name' must be a non-empty string"));
  r = admin("POST", "/tenants", R"(["acme"])");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(detail(r), HasSubstr("JSON object"));
  r = admin("POST", "/tenants", R"({"name":"x","plan":"gold"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(detail(r), HasSubstr("unknown key 'plan'"));
  r = admin("POST", "/tenants", R"({})");
  EXPECT_THAT(detail(r), HasSubstr("'name' is required"));
  EXPECT_EQ(store_->list_tenants()->size(), 2u);  // nothing was created
}

TEST_F(AdminTest, TenantsAreListedAndShownWithSettingsAndCounts) {
  Response r = admin("GET", "/tenants");
  ASSERT_EQ(r.status, 200);
  const json::array list = json_of(r).at("tenants").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("tenant"), "acme");
  EXPECT_EQ(list[0].at("tenant_url"), "https://scim.example.com/scim/v2/acme");
  EXPECT_FALSE(list[0].at("created").as_string().empty());
  EXPECT_EQ(list[1].at("tenant"), "globex");

  create_user("alice");
  create_user("bob");
  create_group("Sales");
  r = admin("GET", "/tenants/acme");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::object o = json_of(r);
  EXPECT_EQ(o.at("tenant"), "acme");
  EXPECT_EQ(o.at("users"), 2);
  EXPECT_EQ(o.at("groups"), 1);
  EXPECT_EQ(o.at("settings"), json::object{});
  EXPECT_EQ(json_of(admin("GET", "/tenants/globex")).at("users"), 0);
}

TEST_F(AdminTest, DeletingATenantRemovesItAndItsTokens) {
  create_user("alice");
  EXPECT_EQ(admin("DELETE", "/tenants/acme").status, 204);
  EXPECT_EQ(admin("GET", "/tenants/acme").status, 404);
  EXPECT_EQ(call("GET", "/Users").status, 401);
  EXPECT_EQ(admin("DELETE", "/tenants/acme").status, 404);
  EXPECT_EQ(call("GET", "/Users", "", token_b_, "globex").status, 200);
}

// --- tokens ----------------------------------------------------------------------------------

TEST_F(AdminTest, RotationWithGraceKeepsTheOldTokenWorking) {
  const Response r = admin("POST", "/tenants/acme/tokens", R"({"grace":"1h"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const json::object o = json_of(r);
  const std::string fresh(o.at("token").as_string());
  EXPECT_EQ(o.at("tenant_url"), "https://scim.example.com/scim/v2/acme");
  EXPECT_FALSE(o.at("old_tokens_expire_at").as_string().empty());
  EXPECT_EQ(call("GET", "/Users", "", fresh).status, 200);
  EXPECT_EQ(call("GET", "/Users", "", token_a_).status, 200);

  const json::array tokens = json_of(admin("GET", "/tenants/acme/tokens")).at("tokens").as_array();
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].at("expires_at"), o.at("old_tokens_expire_at"));
  EXPECT_EQ(tokens[0].at("active"), true);
  EXPECT_TRUE(tokens[1].at("expires_at").is_null());
  EXPECT_TRUE(tokens[0].as_object().contains("last_used"));
  EXPECT_TRUE(tokens[0].as_object().contains("id"));
}

TEST_F(AdminTest, RotationWithoutGraceEndsTheOldTokenAtOnce) {
  ASSERT_EQ(call("GET", "/Users").status, 200);  // cached as valid
  const Response r = admin("POST", "/tenants/acme/tokens");  // no body: grace 0
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(call("GET", "/Users").status, 401);  // the cache was dropped
  EXPECT_EQ(call("GET", "/Users", "", std::string(json_of(r).at("token").as_string())).status, 200);
  const json::array tokens = json_of(admin("GET", "/tenants/acme/tokens")).at("tokens").as_array();
  EXPECT_EQ(tokens[0].at("active"), false);
}

TEST_F(AdminTest, RevokingEndsEveryToken) {
  ASSERT_EQ(call("GET", "/Users").status, 200);
  EXPECT_EQ(admin("DELETE", "/tenants/acme/tokens").status, 204);
  EXPECT_EQ(call("GET", "/Users").status, 401);
  EXPECT_EQ(call("GET", "/Users", "", token_b_, "globex").status, 200);
}

TEST_F(AdminTest, BadGraceIsRefused) {
  for (const char* body : {R"({"grace":"soon"})", R"({"grace":5})", R"({"grace":"400d"})",
                           R"({"grace":"99999999999999999d"})", R"({"graze":"1h"})"}) {
    const Response r = admin("POST", "/tenants/acme/tokens", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(scim_type(r), "invalidValue") << body;
  }
  EXPECT_EQ(store_->list_tokens(store_->find_tenant("acme")->id)->size(), 1u);
  EXPECT_EQ(call("GET", "/Users").status, 200);
}

TEST_F(AdminTest, TokenUseIsRecordedWithoutAWritePerRequest) {
  ASSERT_EQ(call("GET", "/Users").status, 200);
  ASSERT_EQ(call("GET", "/Users").status, 200);
  const auto acme = store_->find_tenant("acme")->id;
  EXPECT_FALSE((*store_->list_tokens(acme))[0].last_used.has_value());  // not written yet
  restart_service();  // the old service writes what it recorded as it stops
  const auto tokens = *store_->list_tokens(acme);
  ASSERT_TRUE(tokens[0].last_used.has_value());
  const json::array listed = json_of(admin("GET", "/tenants/acme/tokens")).at("tokens").as_array();
  EXPECT_EQ(listed[0].at("last_used").as_string(), *tokens[0].last_used);
  EXPECT_FALSE((*store_->list_tokens(store_->find_tenant("globex")->id))[0].last_used.has_value());
}

// --- app keys --------------------------------------------------------------------------------

TEST_F(AdminTest, AppKeysAreShownOnceAndStoredAsHashes) {
  const Response r = admin("POST", "/tenants/acme/app-keys", R"({"name":"backend"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const json::object o = json_of(r);
  const std::string key(o.at("key").as_string());
  EXPECT_THAT(key, StartsWith("sak_"));
  EXPECT_EQ(o.at("name"), "backend");
  ASSERT_TRUE(o.at("id").is_int64());
  auto owner = store_->find_app_key_owner(crypto::sha256_hex(key));
  ASSERT_TRUE(owner.ok() && owner->has_value());
  EXPECT_EQ((*owner)->name, "acme");

  const Response list = admin("GET", "/tenants/acme/app-keys");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(key), std::string::npos);
  const json::array keys = json_of(list).at("app_keys").as_array();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].at("name"), "backend");
  EXPECT_TRUE(keys[0].at("revoked").is_null());
  EXPECT_TRUE(keys[0].at("last_used").is_null());

  const std::string id = std::to_string(o.at("id").as_int64());
  EXPECT_EQ(admin("DELETE", "/tenants/acme/app-keys/" + id).status, 204);
  EXPECT_FALSE(store_->find_app_key_owner(crypto::sha256_hex(key))->has_value());
  EXPECT_FALSE(json_of(admin("GET", "/tenants/acme/app-keys")).at("app_keys").at(0).at("revoked").is_null());
  EXPECT_EQ(admin("DELETE", "/tenants/acme/app-keys/999").status, 404);
  EXPECT_EQ(admin("DELETE", "/tenants/acme/app-keys/abc").status, 404);
}

TEST_F(AdminTest, AppKeysOfOneTenantAreInvisibleToAnother) {
  const Response r = admin("POST", "/tenants/acme/app-keys", R"({"name":"backend"})");
  ASSERT_EQ(r.status, 201);
  const std::string key(json_of(r).at("key").as_string());
  const std::string id = std::to_string(json_of(r).at("id").as_int64());
  EXPECT_TRUE(json_of(admin("GET", "/tenants/globex/app-keys")).at("app_keys").as_array().empty());
  EXPECT_EQ(admin("DELETE", "/tenants/globex/app-keys/" + id).status, 404);
  EXPECT_TRUE(store_->find_app_key_owner(crypto::sha256_hex(key))->has_value());
}

TEST_F(AdminTest, AppKeyUsesNotedThroughTheServiceReachTheStore) {
  const Response r = admin("POST", "/tenants/acme/app-keys", R"({"name":"backend"})");
  ASSERT_EQ(r.status, 201);
  const std::string key(json_of(r).at("key").as_string());
  // What the directory API does after authenticating an app key: TokenAuth::note_use.
  TokenAuth auth(store_);
  auth.note_use(crypto::sha256_hex(key));
  ASSERT_TRUE(auth.flush_uses().ok());
  EXPECT_FALSE(json_of(admin("GET", "/tenants/acme/app-keys")).at("app_keys").at(0).at("last_used").is_null());
}

TEST_F(AdminTest, BadAppKeyBodiesAreRefused) {
  for (const std::string& body : std::vector<std::string>{R"({})", R"({"name":""})", R"({"name":7})", R"({"name":"a","x":1})",
                                 "{\"name\":\"" + std::string(101, 'k') + "\"}", std::string("nope")}) {
    const Response r = admin("POST", "/tenants/acme/app-keys", body);
    EXPECT_EQ(r.status, 400) << body;
  }
  EXPECT_TRUE(store_->list_app_keys(store_->find_tenant("acme")->id)->empty());
}

// --- settings --------------------------------------------------------------------------------

TEST_F(AdminTest, SettingsPatchMergesValidatesAndApplies) {
  Response r = admin("GET", "/tenants/acme/settings");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json_of(r), json::object{});

  r = admin("PATCH", "/tenants/acme/settings", R"({"required_attributes":{"User":["emails.work"]}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r).at("required_attributes").at("User").at(0), "emails[type eq \"work\"].value");
  // Applied at once to SCIM writes of this tenant, not of the other.
  EXPECT_EQ(call("POST", "/Users", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a"})").status, 400);
  EXPECT_EQ(call("POST", "/Users", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a"})",
                 token_b_, "globex").status, 201);

  r = admin("PATCH", "/tenants/acme/settings",
            R"({"adoption_policy":"adopt","role_mapping":[{"group":"Admins","role":"admin"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  json::object s = json_of(r);
  EXPECT_EQ(s.at("adoption_policy"), "adopt");
  EXPECT_TRUE(s.contains("required_attributes"));  // kept
  EXPECT_EQ(s.at("role_mapping").at(0).at("role"), "admin");

  r = admin("PATCH", "/tenants/acme/settings", R"({"required_attributes":null})");
  ASSERT_EQ(r.status, 200);
  s = json_of(r);
  EXPECT_FALSE(s.contains("required_attributes"));
  EXPECT_EQ(s.at("adoption_policy"), "adopt");
  EXPECT_EQ(store_->find_tenant("acme")->settings, s);
  EXPECT_EQ(json_of(admin("GET", "/tenants/acme/settings")), s);
  EXPECT_EQ(call("POST", "/Users", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a"})").status, 201);
}

TEST_F(AdminTest, SettingsPutReplacesEverything) {
  ASSERT_EQ(admin("PATCH", "/tenants/acme/settings", R"({"adoption_policy":"adopt"})").status, 200);
  const Response r = admin("PUT", "/tenants/acme/settings", R"({"required_attributes":{"Group":["externalId"]}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r), (json::object{{"required_attributes", json::object{{"Group", json::array{"externalId"}}}}}));
  EXPECT_EQ(admin("PUT", "/tenants/acme/settings", "{}").status, 200);
  EXPECT_EQ(store_->find_tenant("acme")->settings, json::object{});
}

TEST_F(AdminTest, BadSettingsAreRefusedAndChangeNothing) {
  ASSERT_EQ(admin("PATCH", "/tenants/acme/settings", R"({"adoption_policy":"adopt"})").status, 200);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"colour":"blue"})", "unknown key 'colour'"},
      {R"({"adoption_policy":"merge"})", "adoption_policy"},
      {R"({"adoption_policy":true})", "adoption_policy"},
      {R"({"required_attributes":{"User":["shoeSize"]}})", "shoeSize"},
      {R"({"required_attributes":{"Users":["emails.work"]}})", "Users"},
      {R"({"required_attributes":["emails.work"]})", "required_attributes"},
      {R"({"required_attributes":{"User":"emails.work"}})", "required_attributes"},
      {R"({"role_mapping":[{"group":"Admins"}]})", "role_mapping"},
      {R"({"role_mapping":{"group":"Admins","role":"x"}})", "role_mapping"},
      {R"({"invitations":5})", ""},
  };
  for (const auto& [body, mention] : cases) {
    for (const char* method : {"PATCH", "PUT"}) {
      const Response r = admin(method, "/tenants/acme/settings", body);
      EXPECT_EQ(r.status, 400) << method << " " << body << ": " << r.body;
      EXPECT_EQ(scim_type(r), "invalidValue") << body;
      EXPECT_THAT(detail(r), HasSubstr(mention)) << body;
    }
  }
  EXPECT_EQ(admin("PATCH", "/tenants/acme/settings", "[1]").status, 400);
  EXPECT_EQ(scim_type(admin("PATCH", "/tenants/acme/settings", "{")), "invalidSyntax");
  EXPECT_EQ(store_->find_tenant("acme")->settings, (json::object{{"adoption_policy", "adopt"}}));
}

// --- webhooks --------------------------------------------------------------------------------

TEST_F(AdminTest, WebhooksAreCreatedListedReplayedAndDeleted) {
  Response r = admin("POST", "/tenants/acme/webhooks",
                     R"({"url":"https://app.example.com/hooks","events":["user.created"]})");
  ASSERT_EQ(r.status, 201) << r.body;
  const json::object created = json_of(r);
  const std::string id(created.at("id").as_string());
  const std::string secret(created.at("secret").as_string());
  EXPECT_THAT(secret, StartsWith("whsec_"));
  EXPECT_EQ(created.at("url"), "https://app.example.com/hooks");
  EXPECT_EQ(created.at("events"), json::array{"user.created"});

  r = admin("GET", "/tenants/acme/webhooks");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find(secret), std::string::npos);
  const json::array hooks = json_of(r).at("webhooks").as_array();
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(hooks[0].at("id").as_string(), id);
  EXPECT_EQ(hooks[0].at("state"), "active");
  for (const char* field : {"delivered_seq", "attempts", "failing_since", "last_error"}) {
    EXPECT_TRUE(hooks[0].as_object().contains(field)) << field;
  }

  r = admin("GET", "/tenants/acme/webhooks/" + id);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find(secret), std::string::npos);
  EXPECT_EQ(json_of(r).at("url"), "https://app.example.com/hooks");

  r = admin("GET", "/tenants/acme/webhooks/" + id + "/deliveries?failures_only=true&limit=5");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json_of(r).at("deliveries").as_array().empty());

  r = admin("POST", "/tenants/acme/webhooks/" + id + "/replay", R"({"from_seq":1})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r).at("state"), "active");
  EXPECT_EQ(admin("POST", "/tenants/acme/webhooks/" + id + "/replay").status, 200);

  EXPECT_EQ(admin("DELETE", "/tenants/acme/webhooks/" + id).status, 204);
  EXPECT_EQ(admin("GET", "/tenants/acme/webhooks/" + id).status, 404);
  EXPECT_EQ(admin("DELETE", "/tenants/acme/webhooks/" + id).status, 404);
}

TEST_F(AdminTest, WebhooksOfOneTenantAreInvisibleToAnother) {
  const Response r = admin("POST", "/tenants/acme/webhooks", R"({"url":"https://a.example.com/h"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id(json_of(r).at("id").as_string());
  EXPECT_TRUE(json_of(admin("GET", "/tenants/globex/webhooks")).at("webhooks").as_array().empty());
  EXPECT_EQ(admin("GET", "/tenants/globex/webhooks/" + id).status, 404);
  EXPECT_EQ(admin("GET", "/tenants/globex/webhooks/" + id + "/deliveries").status, 404);
  EXPECT_EQ(admin("POST", "/tenants/globex/webhooks/" + id + "/replay").status, 404);
  EXPECT_EQ(admin("DELETE", "/tenants/globex/webhooks/" + id).status, 404);
  EXPECT_EQ(admin("GET", "/tenants/acme/webhooks/" + id).status, 200);
}

TEST_F(AdminTest, BadWebhookRequestsAreRefused) {
  for (const char* body : {R"({"url":"not a url"})", R"({"events":["user.created"]})",
                           R"({"url":"https://a.example.com","events":["user.exploded"]})",
                           R"({"url":"https://a.example.com","colour":1})", "[]"}) {
    const Response r = admin("POST", "/tenants/acme/webhooks", body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_EQ(scim_type(r), "invalidValue") << body;
  }
  EXPECT_EQ(scim_type(admin("POST", "/tenants/acme/webhooks", "{")), "invalidSyntax");
  const Response r = admin("POST", "/tenants/acme/webhooks", R"({"url":"https://a.example.com/h"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id(json_of(r).at("id").as_string());
  for (const char* body : {R"({"from_seq":0})", R"({"from_seq":"1"})", R"({"seq":1})"}) {
    EXPECT_EQ(admin("POST", "/tenants/acme/webhooks/" + id + "/replay", body).status, 400) << body;
  }
  for (const char* query : {"?limit=0", "?limit=x", "?failures_only=maybe"}) {
    EXPECT_EQ(admin("GET", "/tenants/acme/webhooks/" + id + "/deliveries" + query).status, 400) << query;
  }
}

// --- logs ------------------------------------------------------------------------------------

class AdminLogsTest : public AdminTest {
 protected:
  store::ProvisioningEntry entry(const std::string& tenant, const std::string& time, int status,
                                 const std::string& resource = "") {
    store::ProvisioningEntry e;
    e.tenant_id = store_->find_tenant(tenant)->id;
    e.time = time;
    e.client = "entra";
    e.method = "POST";
    e.path = "/scim/v2/" + tenant + "/Users";
    e.resource_id = resource;
    e.status = status;
    if (status >= 400) e.scim_type = "invalidValue";
    e.latency_ms = 1.5;
    e.request_id = "req-" + time;
    return e;
  }
};

TEST_F(AdminLogsTest, TheProvisioningLogIsPerTenantFilteredAndPaged) {
  ASSERT_TRUE(store_->append_provisioning({entry("acme", "2026-12-01T10:00:00.000Z", 201, "u1"),
                                           entry("acme", "2026-12-01T10:01:00.000Z", 400, "u2"),
                                           entry("acme", "2026-12-01T10:02:00.000Z", 200, "u1"),
                                           entry("globex", "2026-12-01T10:03:00.000Z", 500)})
                  .ok());
  Response r = admin("GET", "/tenants/acme/provisioning-log");
  ASSERT_EQ(r.status, 200) << r.body;
  json::object o = json_of(r);
  json::array entries = o.at("entries").as_array();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].at("time"), "2026-12-01T10:02:00.000Z");  // newest first
  EXPECT_EQ(entries[0].at("client"), "entra");
  EXPECT_TRUE(o.at("next_before_id").is_null());

  o = json_of(admin("GET", "/tenants/acme/provisioning-log?errors_only=true"));
  ASSERT_EQ(o.at("entries").as_array().size(), 1u);
  EXPECT_EQ(o.at("entries").at(0).at("status"), 400);

  o = json_of(admin("GET", "/tenants/acme/provisioning-log?resource_id=u1"));
  EXPECT_EQ(o.at("entries").as_array().size(), 2u);
  o = json_of(admin("GET", "/tenants/acme/provisioning-log?since=2026-12-01T10:01:00Z&until=2026-12-01T11:02:00%2B01:00"));
  EXPECT_EQ(o.at("entries").as_array().size(), 1u);

  o = json_of(admin("GET", "/tenants/acme/provisioning-log?limit=2"));
  ASSERT_EQ(o.at("entries").as_array().size(), 2u);
  ASSERT_TRUE(o.at("next_before_id").is_int64());
  o = json_of(admin("GET", "/tenants/acme/provisioning-log?limit=2&before_id=" +
                               std::to_string(o.at("next_before_id").as_int64())));
  ASSERT_EQ(o.at("entries").as_array().size(), 1u);
  EXPECT_EQ(o.at("entries").at(0).at("time"), "2026-12-01T10:00:00.000Z");

  o = json_of(admin("GET", "/tenants/globex/provisioning-log"));
  ASSERT_EQ(o.at("entries").as_array().size(), 1u);
  EXPECT_EQ(o.at("entries").at(0).at("status"), 500);
}

TEST_F(AdminLogsTest, TheSummaryCountsStatusesSinceATime) {
  ASSERT_TRUE(store_->append_provisioning({entry("acme", "2026-12-01T10:00:00.000Z", 201),
                                           entry("acme", "2026-12-01T10:01:00.000Z", 400),
                                           entry("acme", "2026-12-01T10:02:00.000Z", 400),
                                           entry("acme", "2026-12-01T10:03:00.000Z", 200),
                                           entry("globex", "2026-12-01T10:03:00.000Z", 500)})
                  .ok());
  Response r = admin("GET", "/tenants/acme/provisioning-log/summary?since=2026-12-01T10:00:30Z");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::object o = json_of(r);
  EXPECT_EQ(o.at("since"), "2026-12-01T10:00:30.000Z");
  EXPECT_EQ(o.at("total"), 3);
  EXPECT_EQ(o.at("errors"), 2);
  std::map<std::int64_t, std::int64_t> counts;
  for (const auto& c : o.at("counts").as_array()) counts[c.at("status").as_int64()] = c.at("count").as_int64();
  EXPECT_EQ(counts, (std::map<std::int64_t, std::int64_t>{{200, 1}, {400, 2}}));

  // Default window: the last 40 minutes (these entries are older).
  r = admin("GET", "/tenants/acme/provisioning-log/summary");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json_of(r).at("total"), 0);
  const auto since = parse_time(json_of(r).at("since").as_string());
  ASSERT_TRUE(since.has_value());
  const auto age = std::chrono::system_clock::now() - *since;
  EXPECT_GT(age, std::chrono::minutes(39));
  EXPECT_LT(age, std::chrono::minutes(41));
}

TEST_F(AdminLogsTest, BadLogParametersAreRefused) {
  for (const char* query : {"?limit=0", "?limit=1001", "?limit=ten", "?errors_only=yes",
                            "?since=yesterday", "?until=2026-13-01", "?before_id=0", "?before_id=-3"}) {
    const Response r = admin("GET", std::string("/tenants/acme/provisioning-log") + query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(scim_type(r), "invalidValue") << query;
  }
  EXPECT_EQ(admin("GET", "/tenants/acme/provisioning-log/summary?since=x").status, 400);
  EXPECT_EQ(admin("GET", "/tenants/acme/mail?limit=-1").status, 400);
}

TEST_F(AdminLogsTest, MailIsListed) {
  const Response r = admin("GET", "/tenants/acme/mail?limit=10");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json_of(r).at("mail").is_array());
}

}  // namespace
}  // namespace scimd::api::testing
