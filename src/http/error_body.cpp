#include "http/error_body.h"

#include <boost/json.hpp>

namespace scimd::http {

std::string error_body(int status, std::string_view scim_type, std::string_view detail) {
  namespace json = boost::json;
  json::object body;
  body["schemas"] = json::array{"urn:ietf:params:scim:api:messages:2.0:Error"};
  // RFC 7644 gives status as a string.
  body["status"] = std::to_string(status);
  if (!scim_type.empty()) body["scimType"] = scim_type;
  body["detail"] = detail;
  return json::serialize(body);
}

}  // namespace scimd::http
