// The id that ties a request's access-log line, the X-Request-Id response header and the
// handler's own logs together.
#pragma once

#include <string>
#include <string_view>

namespace scimd::http {

// 16 lower-case hex characters from a per-thread random generator.
std::string new_request_id();

// Whether an id the client sent in X-Request-Id may be reused: 1..64 characters of
// [A-Za-z0-9._:-], so it cannot inject anything into logs or headers.
bool is_acceptable_client_request_id(std::string_view id);

// The client's id when acceptable, otherwise a new one.
std::string request_id_for(std::string_view client_request_id);

}  // namespace scimd::http
