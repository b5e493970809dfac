// libFuzzer target: any filter text must parse or fail with invalid_filter, and a parsed
// filter must validate and evaluate without a crash, a hang, an exception or UB.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json.hpp>

#include "scim/filter.h"

namespace {

namespace json = boost::json;
using scimd::scim::ResourceKind;

const json::object& sample_user() {
  static const json::object user = json::parse(R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    "id": "2819c223-7f76-453a-919d-413861904646", "externalId": "EXT-bjensen",
    "userName": "bjensen@example.com", "displayName": "Babs Jensen", "title": "",
    "name": {"givenName": "Barbara", "familyName": "O'Malley"}, "active": true,
    "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true},
               {"value": "babs@jensen.org", "type": "home"}, null, 7],
    "roles": [{"value": "Admin", "primary": "True"}],
    "groups": [{"value": "g1", "display": "Tour Guides"}],
    "x509Certificates": [{"value": "MIIDQzCC"}],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
      {"employeeNumber": "701984", "manager": {"value": "26118915"}},
    "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22.000Z",
             "lastModified": "2011-05-13T04:42:34-07:00", "version": "W/\"1\""}})")
                                       .as_object();
  return user;
}

const json::object& sample_group() {
  static const json::object group = json::parse(R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1",
    "displayName": "Tour Guides", "members": [{"value": "u1", "type": "User"}, {}],
    "meta": {"resourceType": "Group", "created": "not a time"}})")
                                        .as_object();
  return group;
}

void check(ResourceKind kind, const json::object& resource, const scimd::scim::Filter& filter) {
  // Unvalidated filters must be safe to evaluate too; the result only has to exist.
  const bool before = scimd::scim::matches(kind, filter, resource);
  (void)scimd::scim::validate_filter(kind, filter);
  // Evaluation is a pure function of its inputs.
  if (scimd::scim::matches(kind, filter, resource) != before) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto filter = scimd::scim::parse_filter(text);
  if (!filter.ok()) {
    // Every failure is an invalid_filter whose detail names the position.
    if (filter.error().code != scimd::Errc::invalid_filter) __builtin_trap();
    if (filter.error().detail.rfind("at ", 0) != 0) __builtin_trap();
    return 0;
  }
  check(ResourceKind::user, sample_user(), *filter);
  check(ResourceKind::group, sample_group(), *filter);
  return 0;
}
