// POST /Bulk (RFC 7644 §3.7): many operations in one request, each run as its own request
// (its own transaction), with bulkId references between them and failOnErrors.
#pragma once

#include "api/request.h"
#include "api/resource_handler.h"

namespace scimd::api {

Response handle_bulk(const ResourceContext& ctx, const Request& request);

}  // namespace scimd::api
