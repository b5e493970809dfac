// GET /admin/v1/openapi.json stays true: every operation it lists is routed by the Service,
// every route the admin handler serves is in it, and every $ref resolves.
#include <set>

#include <gmock/gmock.h>

#include "admin_fixture.h"
#include "api/admin_routes.h"

namespace scimd::api::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class AdminOpenApiTest : public AdminTest {
 protected:
  json::object document() {
    const Response r = admin("GET", "/openapi.json", "", "");  // no admin key needed
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "Content-Type"), "application/json");
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    EXPECT_FALSE(ec) << r.body;
    return ec || !v.is_object() ? json::object{} : v.as_object();
  }

  static std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  }

  // The path under /admin/v1 with {name} an existing tenant and {id} some id.
  static std::string concrete(std::string path) {
    path.erase(0, std::string("/admin/v1").size());
    for (auto [from, to] : {std::pair<std::string, std::string>{"{name}", "acme"}, {"{id}", "1"}}) {
      if (auto at = path.find(from); at != std::string::npos) path.replace(at, from.size(), to);
    }
    return path;
  }

  static void collect_refs(const json::value& v, std::vector<std::string>& out) {
    if (v.is_object()) {
      for (const auto& [k, child] : v.as_object()) {
        if (k == "$ref" && child.is_string()) out.emplace_back(child.as_string());
        collect_refs(child, out);
      }
    } else if (v.is_array()) {
      for (const auto& child : v.as_array()) collect_refs(child, out);
    }
  }
};

const std::set<std::string> kMethods = {"get", "post", "put", "patch", "delete"};

TEST_F(AdminOpenApiTest, TheDocumentIsOpenApi3WithBearerSecurity) {
  const json::object doc = document();
  EXPECT_THAT(std::string(doc.at("openapi").as_string()), StartsWith("3.0."));
  EXPECT_EQ(doc.at("info").at("title"), "scimd admin API");
  EXPECT_EQ(doc.at("servers").at(0).at("url"), "https://scim.example.com");
  const json::object& scheme = doc.at("components").at("securitySchemes").at("adminKey").as_object();
  EXPECT_EQ(scheme.at("type"), "http");
  EXPECT_EQ(scheme.at("scheme"), "bearer");
  EXPECT_EQ(doc.at("security").at(0).as_object().count("adminKey"), 1u);
  EXPECT_TRUE(doc.at("paths").at("/admin/v1/openapi.json").at("get").at("security").as_array().empty());
  // The event types a webhook may name come from the store's list.
  const json::array& types = doc.at("components").at("schemas").at("EventType").at("enum").as_array();
  EXPECT_EQ(types.size(), store::event_types().size());
}

TEST_F(AdminOpenApiTest, EveryDocumentedOperationIsRouted) {
  const json::object doc = document();
  int operations = 0;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    ASSERT_THAT(std::string(path), StartsWith("/admin/v1/"));
    for (const auto& [method, op] : item.as_object()) {
      ASSERT_TRUE(kMethods.count(std::string(method))) << path << " " << method;
      const Response r = admin(upper(method), concrete(std::string(path)), "{}");
      EXPECT_NE(r.status, 405) << upper(method) << " " << path << ": " << r.body;
      if (r.status == 404) {
        EXPECT_THAT(detail(r), ::testing::Not(HasSubstr("no route"))) << path;
      }
      EXPECT_TRUE(op.as_object().contains("responses")) << path;
      ++operations;
    }
  }
  EXPECT_GE(operations, 23);
}

TEST_F(AdminOpenApiTest, EveryServedRouteIsDocumentedAndNothingElse) {
  const json::object doc = document();
  const json::object& paths = doc.at("paths").as_object();
  std::size_t documented = 0;
  for (const auto& [path, item] : paths) documented += item.as_object().size();
  EXPECT_EQ(documented, admin_routes().size());
  std::set<std::string> operation_ids;
  for (const AdminRoute& route : admin_routes()) {
    const std::string path = "/admin/v1" + std::string(route.pattern);
    ASSERT_TRUE(paths.contains(path)) << path;
    std::string method(route.method);
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(paths.at(path).as_object().contains(method)) << route.method << " " << path;
    const json::object& op = paths.at(path).at(method).as_object();
    EXPECT_TRUE(operation_ids.insert(std::string(op.at("operationId").as_string())).second)
        << "duplicate operationId " << op.at("operationId");
    const json::object& responses = op.at("responses").as_object();
    EXPECT_TRUE(responses.contains(std::to_string(route.success_status))) << path;
    if (!route.public_route) {
      EXPECT_TRUE(responses.contains("401")) << path;
    }
    if (route.pattern.find("{name}") != std::string_view::npos) {
      EXPECT_TRUE(responses.contains("404")) << path;
    }
    // Every {param} of the path is declared as a path parameter.
    std::size_t declared = 0;
    if (op.contains("parameters")) {
      for (const auto& p : op.at("parameters").as_array()) {
        if (p.at("in") != "path") continue;
        ++declared;
        EXPECT_NE(path.find("{" + std::string(p.at("name").as_string()) + "}"), std::string::npos) << path;
      }
    }
    EXPECT_EQ(declared, static_cast<std::size_t>(std::count(path.begin(), path.end(), '{'))) << path;
  }
}

TEST_F(AdminOpenApiTest, EveryReferenceResolves) {
  const json::object doc = document();
  std::vector<std::string> refs;
  collect_refs(doc, refs);
  EXPECT_GT(refs.size(), 30u);
  const json::object& schemas = doc.at("components").at("schemas").as_object();
  std::set<std::string> used;
  for (const std::string& ref : refs) {
    ASSERT_THAT(ref, StartsWith("#/components/schemas/"));
    const std::string name = ref.substr(std::string("#/components/schemas/").size());
    EXPECT_TRUE(schemas.contains(name)) << ref;
    used.insert(name);
  }
  // And no schema is left unused (a leftover usually means a route lost its body).
  for (const auto& [name, schema] : schemas) EXPECT_TRUE(used.count(std::string(name))) << name;
}

TEST_F(AdminOpenApiTest, DocumentedResponseFieldsAreWhatTheServiceSends) {
  // Spot check: the required fields of TenantCreated are in a real answer.
  const json::object doc = document();
  const Response r = admin("POST", "/tenants", R"({"name":"initech"})");
  ASSERT_EQ(r.status, 201);
  const json::object body = json_of(r);
  for (const auto& field : doc.at("components").at("schemas").at("TenantCreated").at("required").as_array()) {
    EXPECT_TRUE(body.contains(field.as_string())) << field;
  }
  const json::object tokens = json_of(admin("GET", "/tenants/acme/tokens"));
  for (const auto& field : doc.at("components").at("schemas").at("Token").at("required").as_array()) {
    EXPECT_TRUE(tokens.at("tokens").at(0).as_object().contains(field.as_string())) << field;
  }
  const json::object detail = json_of(admin("GET", "/tenants/acme"));
  for (const auto& field : doc.at("components").at("schemas").at("TenantDetail").at("required").as_array()) {
    EXPECT_TRUE(detail.contains(field.as_string())) << field;
  }
}

}  // namespace
}  // namespace scimd::api::testing
