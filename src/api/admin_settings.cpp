// /admin/v1/tenants/{name}/settings: read, change some keys (PATCH), replace (PUT). Validation
// is api/tenant_settings.h's validate_settings, the same the CLI uses.
#include "api/admin_routes.h"
#include "api/json_response.h"
#include "api/tenant_settings.h"

namespace scimd::api {

namespace json = boost::json;

namespace {

Result<Response> save(AdminCall& call, const json::object& settings) {
  SCIMD_TRY(call.ctx.store.set_tenant_settings(call.the_tenant().id, settings));
  // Settings travel with the tenant through the token cache: drop it so this process applies
  // the change to the next request (other processes within kTokenCacheTtl).
  call.ctx.auth.invalidate();
  return json_response(200, settings);
}

}  // namespace

Result<Response> admin_get_settings(AdminCall& call) {
  return json_response(200, call.the_tenant().settings);
}

Result<Response> admin_patch_settings(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(const json::object patch, admin_body(call.request));
  SCIMD_ASSIGN_OR_RETURN(const json::object merged, merge_settings(call.the_tenant().settings, patch));
  return save(call, merged);
}

Result<Response> admin_put_settings(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(const json::object body, admin_body(call.request));
  SCIMD_ASSIGN_OR_RETURN(const json::object settings, validate_settings(body));
  return save(call, settings);
}

}  // namespace scimd::api
