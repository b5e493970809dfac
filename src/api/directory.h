// /api/v1/{tenant}: the product's view of a tenant's directory — users (with `synced` and
// effective `roles`), groups, memberships both ways, pre-registration of existing users for
// adoption, and the change feed (/events, with long-poll). Accepts the tenant's app keys and
// the admin key.
#pragma once

#include "api/request.h"
#include "api/route.h"
#include "store/store.h"

namespace scimd::api {

struct ServiceOptions;

struct DirectoryContext {
  store::Store& store;
  const ServiceOptions& options;
};

// `target.segments` starts with "api", "v1", tenant.
Response handle_directory(const DirectoryContext& ctx, const Request& request,
                          const Target& target);

// Whether the request may wait (the feed's long-poll), so http/ runs it off the I/O threads.
bool directory_may_wait(const Request& request);

}  // namespace scimd::api
