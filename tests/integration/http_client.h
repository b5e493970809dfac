// A tiny HTTP/1.1 client for the integration tests (Boost.Beast, one connection per request,
// every request bounded by a deadline), and a SCIM client bound to one tenant's base URL.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scimd::itest {

namespace json = boost::json;

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // path and query, already percent-encoded
  // A header with an empty value is not sent (a Content-Type "" sends no Content-Type).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;     // 0 when no response was received (see `error`)
  std::string error;  // transport error, empty on success
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // First header with this name (any case), or empty.
  std::string header(std::string_view name) const;
  // The body parsed as JSON; null when it is not JSON (then `json_error()` says why).
  json::value json() const;
  std::string json_error() const;
  // "<status> <body>" for assertion messages.
  std::string describe() const;
};

class HttpClient {
 public:
  explicit HttpClient(unsigned short port,
                      std::chrono::milliseconds timeout = std::chrono::seconds(15))
      : port_(port), timeout_(timeout) {}

  // Never throws. Sets Host and, when a body is given and no Content-Type header is,
  // Content-Type: application/scim+json.
  HttpResponse send(const HttpRequest& request) const;
  // Sends the requests one after another on one keep-alive connection (the last with
  // "Connection: close" when `close`). Stops at the first transport error, whose response
  // (status 0) ends the returned list.
  std::vector<HttpResponse> send_on_one_connection(const std::vector<HttpRequest>& requests,
                                                   bool close = true) const;

  unsigned short port() const { return port_; }
  void set_port(unsigned short port) { port_ = port; }  // after a server restart

 private:
  unsigned short port_;
  std::chrono::milliseconds timeout_;
};

// Requests to one tenant's SCIM base (/scim/v2/{tenant}) with a bearer token. `dialect_query`
// (e.g. "aadOptscim062020") is put first in every query string, as Entra does when the admin
// appends it to the Tenant URL.
class ScimClient {
 public:
  ScimClient(const HttpClient& http, std::string tenant, std::string token,
             std::string dialect_query = "");

  // `resource` is relative to the base ("/Users", "/Users/<id>"); `query` without '?'.
  HttpResponse get(std::string_view resource, std::string_view query = "") const;
  HttpResponse post(std::string_view resource, const json::value& body) const;
  HttpResponse put(std::string_view resource, const json::value& body) const;
  HttpResponse patch(std::string_view resource, const json::value& body) const;
  HttpResponse del(std::string_view resource) const;
  // Any method, raw body, extra headers; the bearer token is added unless `with_token` is false.
  HttpResponse raw(std::string_view method, std::string_view resource, std::string_view query,
                   std::string body,
                   std::vector<std::pair<std::string, std::string>> extra_headers = {},
                   bool with_token = true) const;

  std::string target(std::string_view resource, std::string_view query = "") const;
  const std::string& token() const { return token_; }
  const std::string& tenant() const { return tenant_; }

 private:
  const HttpClient* http_;
  std::string tenant_;
  std::string token_;
  std::string dialect_query_;
};

// Percent-encodes everything except RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);
// Entra's wire form of a filter value: spaces as '+', the rest percent-encoded.
std::string form_encode(std::string_view text);

// A PatchOp message with the given operations.
json::value patch_op(json::array operations);

}  // namespace scimd::itest
