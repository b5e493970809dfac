#include "api/json_response.h"

#include "api/error_response.h"
#include "core/text.h"
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

const boost::json::value* find_member(const boost::json::object& o, std::string_view key) {
  for (const auto& [k, v] : o) {
    if (iequals(k, key)) return &v;
  }
  return nullptr;
}

std::string string_member(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = find_member(o, key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace scimd::api
