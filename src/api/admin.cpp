// /admin/v1: the route table and the dispatcher (admin key, path matching, 404/405, the
// tenant of per-tenant routes). The handlers live in admin_*.cpp.
#include "api/admin.h"

#include "api/admin_routes.h"
#include "api/error_response.h"
#include "api/service.h"

namespace scimd::api {

namespace {

const std::vector<QueryParam> kLimit = {
    {"limit", "integer", "Most entries to return (1-1000, default 100)."}};

}  // namespace

const std::vector<AdminRoute>& admin_routes() {
  static const std::vector<AdminRoute> routes = {
      {.method = "GET", .pattern = "/openapi.json", .handler = admin_get_openapi,
       .operation_id = "getOpenApi", .summary = "This document (no admin key needed)",
       .response_schema = "OpenApiDocument", .public_route = true},

      {.method = "POST", .pattern = "/tenants", .handler = admin_create_tenant,
       .operation_id = "createTenant",
       .summary = "Create a tenant; returns its Tenant URL and Secret Token (shown only once)",
       .request_schema = "TenantCreate", .body_required = true, .success_status = 201,
       .response_schema = "TenantCreated", .errors = {400, 409}},
      {.method = "GET", .pattern = "/tenants", .handler = admin_list_tenants,
       .operation_id = "listTenants", .summary = "List tenants", .response_schema = "TenantList"},
      {.method = "GET", .pattern = "/tenants/{name}", .handler = admin_get_tenant,
       .operation_id = "getTenant", .summary = "A tenant with its settings and counts",
       .response_schema = "TenantDetail"},
      {.method = "DELETE", .pattern = "/tenants/{name}", .handler = admin_delete_tenant,
       .operation_id = "deleteTenant",
       .summary = "Delete a tenant with all its users, groups, tokens, keys and webhooks",
       .success_status = 204},

      {.method = "GET", .pattern = "/tenants/{name}/tokens", .handler = admin_list_tokens,
       .operation_id = "listTokens", .summary = "The tenant's SCIM tokens (never the secrets)",
       .response_schema = "TokenList"},
      {.method = "POST", .pattern = "/tenants/{name}/tokens", .handler = admin_rotate_token,
       .operation_id = "rotateToken",
       .summary = "Issue a new token; the old ones expire after the grace period (default 0: now)",
       .request_schema = "TokenRotate", .success_status = 201, .response_schema = "TokenIssued",
       .errors = {400}},
      {.method = "DELETE", .pattern = "/tenants/{name}/tokens", .handler = admin_revoke_tokens,
       .operation_id = "revokeTokens", .summary = "Revoke every token of the tenant now",
       .success_status = 204},

      {.method = "POST", .pattern = "/tenants/{name}/app-keys", .handler = admin_create_app_key,
       .operation_id = "createAppKey",
       .summary = "Create a key for the directory API /api/v1/{name} (shown only once)",
       .request_schema = "AppKeyCreate", .body_required = true, .success_status = 201,
       .response_schema = "AppKeyCreated", .errors = {400}},
      {.method = "GET", .pattern = "/tenants/{name}/app-keys", .handler = admin_list_app_keys,
       .operation_id = "listAppKeys", .summary = "The tenant's app keys (never the secrets)",
       .response_schema = "AppKeyList"},
      {.method = "DELETE", .pattern = "/tenants/{name}/app-keys/{id}",
       .handler = admin_revoke_app_key, .operation_id = "revokeAppKey",
       .summary = "Revoke an app key", .success_status = 204},

      {.method = "GET", .pattern = "/tenants/{name}/settings", .handler = admin_get_settings,
       .operation_id = "getSettings", .summary = "The tenant's settings",
       .response_schema = "Settings"},
      {.method = "PATCH", .pattern = "/tenants/{name}/settings", .handler = admin_patch_settings,
       .operation_id = "patchSettings",
       .summary = "Change some settings (a key set to null is removed); returns all of them",
       .request_schema = "SettingsPatch", .body_required = true, .response_schema = "Settings",
       .errors = {400}},
      {.method = "PUT", .pattern = "/tenants/{name}/settings", .handler = admin_put_settings,
       .operation_id = "replaceSettings", .summary = "Replace the settings",
       .request_schema = "Settings", .body_required = true, .response_schema = "Settings",
       .errors = {400}},

      {.method = "POST", .pattern = "/tenants/{name}/webhooks", .handler = admin_create_webhook,
       .operation_id = "createWebhook",
       .summary = "Add a webhook endpoint; returns its signing secret (shown only once)",
       .request_schema = "WebhookCreate", .body_required = true, .success_status = 201,
       .response_schema = "WebhookCreated", .errors = {400}},
      {.method = "GET", .pattern = "/tenants/{name}/webhooks", .handler = admin_list_webhooks,
       .operation_id = "listWebhooks", .summary = "The tenant's endpoints and their delivery state",
       .response_schema = "WebhookList"},
      {.method = "GET", .pattern = "/tenants/{name}/webhooks/{id}", .handler = admin_get_webhook,
       .operation_id = "getWebhook", .summary = "One endpoint and its delivery state",
       .response_schema = "Webhook"},
      {.method = "DELETE", .pattern = "/tenants/{name}/webhooks/{id}",
       .handler = admin_delete_webhook, .operation_id = "deleteWebhook",
       .summary = "Remove an endpoint", .success_status = 204},
      {.method = "POST", .pattern = "/tenants/{name}/webhooks/{id}/replay",
       .handler = admin_replay_webhook, .operation_id = "replayWebhook",
       .summary = "Revive an endpoint; with from_seq, re-deliver from that event on",
       .request_schema = "WebhookReplay", .response_schema = "Webhook", .errors = {400}},
      {.method = "GET", .pattern = "/tenants/{name}/webhooks/{id}/deliveries",
       .handler = admin_list_deliveries, .operation_id = "listDeliveries",
       .summary = "Delivery attempts, newest first", .response_schema = "DeliveryList",
       .errors = {400},
       .query = {{"failures_only", "boolean", "Leave out delivered attempts."},
                 {"limit", "integer", "Most attempts to return (1-1000, default 100)."}}},

      {.method = "GET", .pattern = "/tenants/{name}/provisioning-log",
       .handler = admin_provisioning_log, .operation_id = "listProvisioningLog",
       .summary = "The SCIM requests the identity provider made, newest first",
       .response_schema = "ProvisioningLog", .errors = {400},
       .query = {{"errors_only", "boolean", "Only requests answered with status 400 or more."},
                 {"resource_id", "string", "Only requests about this user or group."},
                 {"since", "string", "RFC 3339 time: entries at or after it."},
                 {"until", "string", "RFC 3339 time: entries before it."},
                 {"before_id", "integer",
                  "Paging: entries older than this id (next_before_id of the previous page)."},
                 {"limit", "integer", "Most entries to return (1-1000, default 100)."}}},
      {.method = "GET", .pattern = "/tenants/{name}/provisioning-log/summary",
       .handler = admin_provisioning_summary, .operation_id = "summarizeProvisioningLog",
       .summary = "Requests per status since a time (default: the last 40 minutes, one Entra cycle)",
       .response_schema = "ProvisioningSummary", .errors = {400},
       .query = {{"since", "string", "RFC 3339 time (default: 40 minutes ago)."}}},
      {.method = "GET", .pattern = "/tenants/{name}/mail", .handler = admin_list_mail,
       .operation_id = "listMail", .summary = "Invitation emails, newest first",
       .response_schema = "MailList", .errors = {400}, .query = kLimit},
  };
  return routes;
}

std::string_view AdminCall::path_param(std::string_view name) const {
  for (const auto& [k, v] : path_params) {
    if (k == name) return v;
  }
  return {};
}

namespace {

// Matches request segments (after "admin", "v1") against a pattern; fills `params`.
bool match(std::string_view pattern, const std::vector<std::string>& segments, std::size_t first,
           std::vector<std::pair<std::string, std::string>>& params) {
  params.clear();
  std::size_t i = first;
  while (!pattern.empty()) {
    pattern.remove_prefix(1);  // '/'
    const std::size_t slash = pattern.find('/');
    const std::string_view part = pattern.substr(0, slash);
    pattern = slash == std::string_view::npos ? std::string_view() : pattern.substr(slash);
    if (i >= segments.size()) return false;
    if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
      params.emplace_back(std::string(part.substr(1, part.size() - 2)), segments[i]);
    } else if (part != segments[i]) {
      return false;
    }
    ++i;
  }
  return i == segments.size();
}

}  // namespace

Response handle_admin(const AdminContext& ctx, const Request& request, const Target& target) {
  constexpr std::size_t kFirst = 2;  // after "admin", "v1"
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  const AdminRoute* found = nullptr;
  bool path_known = false;
  bool public_path = false;
  std::string allowed;
  std::vector<std::pair<std::string, std::string>> params;
  for (const AdminRoute& route : admin_routes()) {
    if (!match(route.pattern, target.segments, kFirst, params)) continue;
    path_known = true;
    public_path = public_path || route.public_route;
    allowed += (allowed.empty() ? "" : ", ") + std::string(route.method);
    if (route.method == method && found == nullptr) found = &route;
  }
  if (!public_path) {
    if (Status auth = ctx.options.admin_key.check(request.header("authorization")); !auth.ok()) {
      return error_response(auth.error());
    }
  }
  const std::string path(request.target.substr(0, request.target.find('?')));
  if (!path_known) return error_response(make_error(Errc::not_found, "no route for " + request.method + " " + path));
  if (found == nullptr) return method_not_allowed(request.method, allowed);

  (void)match(found->pattern, target.segments, kFirst, params);
  AdminCall call{ctx, request, target, std::move(params), std::nullopt};
  if (const std::string_view name = call.path_param("name"); !name.empty()) {
    auto tenant = ctx.store.find_tenant(name);
    if (!tenant.ok()) return error_response(tenant.error());
    call.tenant = std::move(tenant).value();
  }
  auto response = found->handler(call);
  if (!response.ok()) return error_response(response.error());
  return std::move(response).value();
}

}  // namespace scimd::api
