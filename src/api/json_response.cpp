#include "api/json_response.h"

#include "api/error_response.h"
#include "scim/resource.h"

namespace scimd::api {

Response json_response(int status, const boost::json::value& body) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(body);
  r.headers.emplace_back("Content-Type", std::string(kScimContentType));
  return r;
}

Result<boost::json::value> parse_json_body(std::string_view body) {
  if (body.empty()) return make_error(Errc::invalid_syntax, "the request body is empty");
  boost::json::parse_options opts;
  opts.max_depth = scim::kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec, {}, opts);
  if (ec) return make_error(Errc::invalid_syntax, "the body is not valid JSON: " + ec.message());
  return v;
}

}  // namespace scimd::api
