// /Users and /Groups: create, read, list, replace, patch, delete for one tenant.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/discovery.h"
#include "api/request.h"
#include "api/route.h"
#include "scim/schema.h"
#include "store/store.h"

namespace scimd::api {

struct ResourceContext {
  store::Store& store;
  const store::Tenant& tenant;
  std::string base_url;  // {public_url}/scim/v2/{tenant}
  const Capabilities& caps;
};

Response handle_resource(const ResourceContext& ctx, scim::ResourceKind kind,
                         std::optional<std::string_view> id, const Request& request,
                         const Target& target);

// POST /.search at the root or per resource type (RFC 7644 §3.4.3).
Response handle_search(const ResourceContext& ctx, std::optional<scim::ResourceKind> kind,
                       const Request& request, const Target& target);

}  // namespace scimd::api
