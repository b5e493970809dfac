// Building SCIM JSON responses and reading JSON request bodies.
#pragma once

#include <boost/json.hpp>

#include "api/request.h"
#include "core/result.h"

namespace scimd::api {

Response json_response(int status, const boost::json::value& body);

// Parses a request body as JSON whatever its Content-Type (Okta may send none).
// Errors: invalid_syntax with the parser's complaint.
Result<boost::json::value> parse_json_body(std::string_view body);

// Members of SCIM message bodies (SearchRequest, BulkRequest) by case-insensitive name, as
// attribute names are case-insensitive (RFC 7643 §2.1). nullptr / "" when absent.
const boost::json::value* find_member(const boost::json::object& o, std::string_view key);
std::string string_member(const boost::json::object& o, std::string_view key);

}  // namespace scimd::api
