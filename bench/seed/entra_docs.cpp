#include "entra_docs.h"

#include <array>
#include <string_view>

#include <boost/json.hpp>

namespace scimd::bench {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 10> kTitles = {
    "Engineer",        "Sales Manager", "Accountant", "Designer", "Support Agent",
    "Product Manager", "Sales Rep",     "Recruiter",  "Analyst",  "Legal Counsel"};
constexpr std::string_view kEnterprise =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

}  // namespace

std::string entra_user_name(const std::string& prefix, std::int64_t i) {
  return prefix + std::to_string(i) + (i % 4 == 3 ? "@example.org" : "@example.com");
}

Result<scim::Incoming> entra_user(const std::string& prefix, std::int64_t i) {
  const std::string user = prefix + std::to_string(i);
  const std::string mail = entra_user_name(prefix, i);
  const json::value body = {
      {"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User", kEnterprise}},
      {"externalId", "ext-" + user},
      {"userName", mail},
      {"active", i % 20 != 7},
      {"displayName", "User " + user},
      {"name",
       {{"formatted", "User " + user},
        {"familyName", "Family" + std::to_string(i)},
        {"givenName", "User"}}},
      {"emails", json::array{json::object{{"primary", true}, {"type", "work"}, {"value", mail}}}},
      {"title", kTitles[static_cast<std::size_t>(i) % kTitles.size()]},
      {kEnterprise, {{"department", "Dept" + std::to_string(i % 50)}}}};
  return scim::normalize_resource(scim::ResourceKind::user, body);
}

Result<scim::Incoming> entra_group(const std::string& display_name) {
  const json::value body = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:Group"}},
                            {"externalId", "ext-" + display_name},
                            {"displayName", display_name}};
  return scim::normalize_resource(scim::ResourceKind::group, body);
}

}  // namespace scimd::bench
