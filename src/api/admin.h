// /admin/v1: what a product's settings page (or an operator's script) calls to manage tenants,
// tokens, app keys, settings, webhook endpoints, and to read the delivery, mail and
// provisioning logs. Guarded by the admin key. Described by /admin/v1/openapi.json.
#pragma once

#include "api/request.h"
#include "api/route.h"
#include "api/token_auth.h"
#include "store/store.h"

namespace scimd::api {

struct ServiceOptions;

struct AdminContext {
  store::Store& store;
  const ServiceOptions& options;
  TokenAuth& auth;  // invalidated after token changes, so they take effect at once here
};

// `target.segments` starts with "admin", "v1".
Response handle_admin(const AdminContext& ctx, const Request& request, const Target& target);

}  // namespace scimd::api
