// The one place where an Error becomes an HTTP status, a SCIM scimType and an Error body.
#pragma once

#include "api/request.h"
#include "core/error.h"

namespace scimd::api {

int http_status(Errc code);
// The RFC 7644 §3.12 scimType for a code, or empty when the status has none.
std::string_view scim_type(Errc code);
Response error_response(const Error& error);
// 405 with the Allow header listing what the route accepts.
Response method_not_allowed(std::string_view method, std::string_view allowed);

inline constexpr std::string_view kScimContentType = "application/scim+json";

}  // namespace scimd::api
