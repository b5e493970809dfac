// The SCIM Error body (RFC 7644 §3.12) that http/ itself answers with when a request never
// reaches the handler (too large, malformed, handler threw).
#pragma once

#include <string>
#include <string_view>

namespace scimd::http {

inline constexpr std::string_view kScimContentType = "application/scim+json";

// {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"413",...}; scimType is
// left out when scim_type is empty.
std::string error_body(int status, std::string_view scim_type, std::string_view detail);

}  // namespace scimd::http
