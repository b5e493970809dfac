// The one error vocabulary of scimd. Every failure on the request path is an Error value;
// api/error_response.cpp maps each code to its HTTP status and SCIM scimType in one table.
#pragma once

#include <string>
#include <string_view>

namespace scimd {

enum class Errc {
  // 400s with a SCIM scimType (RFC 7644 §3.12)
  invalid_syntax,   // body or query is not what the protocol allows
  invalid_filter,   // filter syntax, unknown attribute or operator
  invalid_path,     // PATCH path does not parse or names no attribute
  invalid_value,    // wrong type, missing required attribute, bad value
  mutability,       // write to a readOnly/immutable attribute
  no_target,        // PATCH path/filter matched nothing where a target is required
  too_many,         // result set larger than the server will return
  invalid_vers,     // malformed version (ETag)
  invalid_cursor,   // RFC 9865
  uniqueness,       // 409
  // other statuses
  unauthorized,         // 401
  forbidden,            // 403
  not_found,            // 404
  method_not_allowed,   // 405
  precondition_failed,  // 412 If-Match mismatch
  not_modified,         // 304 If-None-Match matched
  payload_too_large,    // 413
  headers_too_large,    // 431
  not_implemented,      // 501
  unavailable,          // 503 (store down, shutting down)
  internal,             // 500
};

struct Error {
  Errc code = Errc::internal;
  std::string detail;
};

inline Error make_error(Errc code, std::string detail) { return Error{code, std::move(detail)}; }

// Stable lower-case name of a code, for logs and tests.
std::string_view errc_name(Errc code);

}  // namespace scimd
