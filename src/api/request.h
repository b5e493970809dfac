// A request and response as api/ sees them: no sockets, no Beast. http/ converts to and from
// the wire; tests call api::Service::handle directly.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace scimd::api {

struct Request {
  std::string method;  // "GET", "POST", ... as received (upper case)
  std::string target;  // raw request target: path and query, percent-encoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string request_id;  // assigned by http/ for logs and the X-Request-Id header
  std::string remote;      // peer address, for logs

  // First header with this (lower-case) name, or empty.
  std::string_view header(std::string_view lower_name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type, Location, ETag...
  std::string body;
};

}  // namespace scimd::api
