#include "api/error_response.h"

#include <boost/json.hpp>

namespace scimd::api {

namespace {

struct Mapping {
  int status;
  std::string_view scim_type;
};

Mapping mapping(Errc code) {
  switch (code) {
    case Errc::invalid_syntax: return {400, "invalidSyntax"};
    case Errc::invalid_filter: return {400, "invalidFilter"};
    case Errc::invalid_path: return {400, "invalidPath"};
    case Errc::invalid_value: return {400, "invalidValue"};
    case Errc::mutability: return {400, "mutability"};
    case Errc::no_target: return {400, "noTarget"};
    case Errc::too_many: return {400, "tooMany"};
    case Errc::invalid_vers: return {400, "invalidVers"};
    case Errc::invalid_cursor: return {400, "invalidCursor"};
    case Errc::uniqueness: return {409, "uniqueness"};
    case Errc::unauthorized: return {401, ""};
    case Errc::forbidden: return {403, ""};
    case Errc::not_found: return {404, ""};
    case Errc::method_not_allowed: return {405, ""};
    case Errc::precondition_failed: return {412, ""};
    case Errc::not_modified: return {304, ""};
    case Errc::payload_too_large: return {413, ""};
    case Errc::headers_too_large: return {431, ""};
    case Errc::not_implemented: return {501, ""};
    case Errc::unavailable: return {503, ""};
    case Errc::internal: return {500, ""};
  }
  return {500, ""};
}

}  // namespace

int http_status(Errc code) { return mapping(code).status; }
std::string_view scim_type(Errc code) { return mapping(code).scim_type; }

Response error_response(const Error& error) {
  Response r;
  r.status = http_status(error.code);
  if (r.status == 304) return r;  // 304 carries no body
  boost::json::object body;
  body["schemas"] = boost::json::array{"urn:ietf:params:scim:api:messages:2.0:Error"};
  body["status"] = std::to_string(r.status);
  if (const auto type = scim_type(error.code); !type.empty()) body["scimType"] = type;
  body["detail"] = error.detail;
  r.body = boost::json::serialize(body);
  r.headers.emplace_back("Content-Type", std::string(kScimContentType));
  if (error.code == Errc::unauthorized) {
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"scimd\"");
  } else if (error.code == Errc::unavailable) {
    r.headers.emplace_back("Retry-After", "5");
  }
  return r;
}

Response method_not_allowed(std::string_view method, std::string_view allowed) {
  Response r = error_response(make_error(Errc::method_not_allowed,
                                         std::string(method) + " is not allowed here; allowed: " +
                                             std::string(allowed)));
  r.headers.emplace_back("Allow", std::string(allowed));
  return r;
}

}  // namespace scimd::api
