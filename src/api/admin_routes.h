// The admin API's route table and what its handlers share. One table drives both the routing
// (admin.cpp) and the OpenAPI document (admin_openapi.cpp), so the document cannot list a
// route that is not served, nor miss one that is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "api/admin.h"
#include "core/result.h"

namespace scimd::api {

// One admin request after routing: the path parameters, and the tenant of per-tenant routes.
struct AdminCall {
  const AdminContext& ctx;
  const Request& request;
  const Target& target;
  std::vector<std::pair<std::string, std::string>> path_params;  // {"name", "acme"}, {"id", ...}
  std::optional<store::Tenant> tenant;                           // routes under /tenants/{name}

  std::string_view path_param(std::string_view name) const;
  const store::Tenant& the_tenant() const { return *tenant; }
};

using AdminHandler = Result<Response> (*)(AdminCall& call);

// A query parameter as the document describes it.
struct QueryParam {
  std::string_view name;
  std::string_view type;  // "string" | "integer" | "boolean"
  std::string_view description;
};

struct AdminRoute {
  std::string_view method = {};   // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string_view pattern = {};  // relative to /admin/v1, e.g. "/tenants/{name}/webhooks/{id}"
  AdminHandler handler = nullptr;
  // --- for the OpenAPI document ---
  std::string_view operation_id = {};
  std::string_view summary = {};
  std::string_view request_schema = {};   // components/schemas name; empty: no body
  bool body_required = false;
  int success_status = 200;
  std::string_view response_schema = {};  // components/schemas name; empty: no body (204)
  std::vector<int> errors = {};           // error statuses besides 401 (and 404 of {name} routes)
  std::vector<QueryParam> query = {};
  bool public_route = false;         // no admin key needed (the document itself)
};

inline constexpr std::string_view kAdminPrefix = "/admin/v1";

// Every route, in the order the document lists them.
const std::vector<AdminRoute>& admin_routes();

// The OpenAPI 3.0 document of admin_routes(), with `public_url` as its server.
boost::json::object admin_openapi(std::string_view public_url);

// --- handlers (admin_tenants.cpp, admin_keys.cpp, admin_settings.cpp, admin_webhooks.cpp,
// admin_logs.cpp, admin_openapi.cpp) ---
Result<Response> admin_create_tenant(AdminCall& call);
Result<Response> admin_list_tenants(AdminCall& call);
Result<Response> admin_get_tenant(AdminCall& call);
Result<Response> admin_delete_tenant(AdminCall& call);
Result<Response> admin_list_tokens(AdminCall& call);
Result<Response> admin_rotate_token(AdminCall& call);
Result<Response> admin_revoke_tokens(AdminCall& call);
Result<Response> admin_create_app_key(AdminCall& call);
Result<Response> admin_list_app_keys(AdminCall& call);
Result<Response> admin_revoke_app_key(AdminCall& call);
Result<Response> admin_get_settings(AdminCall& call);
Result<Response> admin_patch_settings(AdminCall& call);
Result<Response> admin_put_settings(AdminCall& call);
Result<Response> admin_create_webhook(AdminCall& call);
Result<Response> admin_list_webhooks(AdminCall& call);
Result<Response> admin_get_webhook(AdminCall& call);
Result<Response> admin_delete_webhook(AdminCall& call);
Result<Response> admin_replay_webhook(AdminCall& call);
Result<Response> admin_list_deliveries(AdminCall& call);
Result<Response> admin_provisioning_log(AdminCall& call);
Result<Response> admin_provisioning_summary(AdminCall& call);
Result<Response> admin_list_mail(AdminCall& call);
Result<Response> admin_get_openapi(AdminCall& call);

// --- helpers shared by the handlers (admin_json.cpp) ---

// The body as a JSON object. Errors: invalid_syntax (not JSON), invalid_value (not an
// object). With `optional`, an empty body is an empty object.
Result<boost::json::object> admin_body(const Request& request, bool optional = false);
// Errors: invalid_value naming the first key of `body` not in `known`.
Status admin_known_keys(const boost::json::object& body, std::vector<std::string_view> known);
// A member that must be a non-empty string. Errors: invalid_value (missing, wrong type).
Result<std::string> admin_string(const boost::json::object& body, std::string_view key);
// The same for a member that may be absent or null (then nullopt).
Result<std::optional<std::string>> admin_optional_string(const boost::json::object& body,
                                                         std::string_view key);

// Query parameters. Errors: invalid_value naming the parameter and what it must be.
Result<bool> query_bool(const Target& target, std::string_view name, bool fallback);
Result<std::int64_t> query_int(const Target& target, std::string_view name, std::int64_t fallback,
                               std::int64_t min, std::int64_t max);
// A time parameter, returned in canonical form (RFC 3339 accepted in any offset).
Result<std::optional<std::string>> query_time(const Target& target, std::string_view name);

Response no_content();
boost::json::value optional_text(const std::optional<std::string>& text);

}  // namespace scimd::api
