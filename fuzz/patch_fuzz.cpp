// libFuzzer target: PATCH bodies and paths from hostile clients must give a result or an
// error, never a crash, a hang or an exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json.hpp>

#include "scim/patch.h"
#include "scim/patch_path.h"

namespace {

namespace json = boost::json;

const json::object& stored_user() {
  static const json::object doc = json::parse(R"({
    "userName": "bjensen@example.com", "active": true,
    "name": {"givenName": "Barbara", "familyName": "Jensen"},
    "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true},
               {"value": "babs@jensen.org", "type": "home"}],
    "roles": [{"value": "Reader", "primary": true}],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
      {"employeeNumber": "701984", "manager": {"value": "26118915"}}})")
                                      .as_object();
  return doc;
}

const json::object& stored_group() {
  static const json::object doc = json::parse(R"({"displayName": "Tour Guides"})").as_object();
  return doc;
}

void check(scimd::scim::ResourceKind kind, const json::object& doc, const json::value& body) {
  const auto result = scimd::scim::apply_patch(kind, doc, body);
  // doc_changed must tell the store the truth, or it skips (or makes) a version bump.
  if (result.ok() && result->doc_changed != (result->doc != doc)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)scimd::scim::parse_patch_path(text);

  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 32;  // what the HTTP layer allows
  const json::value body = json::parse(text, ec, {}, options);
  if (ec) return 0;
  check(scimd::scim::ResourceKind::user, stored_user(), body);
  check(scimd::scim::ResourceKind::group, stored_group(), body);
  return 0;
}
