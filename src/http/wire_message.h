// Conversion between Beast messages and api::Request/Response; the only place that knows both.
#pragma once

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/request.h"

namespace scimd::http {

using WireRequest = boost::beast::http::request<boost::beast::http::string_body>;
using WireResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Moves method, target, headers (names lower-cased) and body of `message` into `out`, reusing
// out's storage. request_id and remote are left for the caller.
void fill_api_request(WireRequest&& message, api::Request& out);

// How the response is framed on this connection.
struct ResponseFraming {
  unsigned version = 11;      // 10 or 11, as the request
  bool keep_alive = true;     // false: "Connection: close" (1.1) / no keep-alive (1.0)
  bool head_request = false;  // HEAD: Content-Length of the body, but no body
};

// Builds the wire response: the handler's status, headers and body, plus X-Request-Id,
// Content-Length and the connection header. Framing headers the handler set are ignored.
void fill_wire_response(api::Response&& response, std::string_view request_id,
                        const ResponseFraming& framing, WireResponse& out);

}  // namespace scimd::http
