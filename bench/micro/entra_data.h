// Entra-shaped request bodies and stored documents for the micro-benchmarks: what Entra ID's
// provisioning service sends with its default attribute mappings (see
// tests/integration/entra_cycle.cpp for the same shapes in the integration tests).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "scim/resource.h"

namespace scimd::bench {

inline constexpr std::string_view kUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr std::string_view kEnterpriseSchema =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr std::string_view kPatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

// A SCIM id as scimd makes them (a UUID), distinct per n.
inline std::string id_of(int n) {
  std::string digits = std::to_string(n);
  return "6b2f1a9e-0000-4000-8000-" + std::string(12 - digits.size(), '0') + digits;
}

// Entra's POST /Users body for user n.
inline boost::json::object entra_user_body(int n) {
  const std::string s = std::to_string(n);
  const std::string mail = "user" + s + "@contoso.example";
  return boost::json::object{
      {"schemas", boost::json::array{kUserSchema, kEnterpriseSchema}},
      {"externalId", "0a21f0f2-8d2a-4f8e-bf98-" + s},
      {"userName", mail},
      {"active", true},
      {"displayName", "Given" + s + " Family" + s},
      {"title", "Senior Engineer"},
      {"emails", boost::json::array{boost::json::object{
                     {"primary", true}, {"type", "work"}, {"value", mail}}}},
      {"meta", boost::json::object{{"resourceType", "User"}}},
      {"name", boost::json::object{{"formatted", "Given" + s + " Family" + s},
                                   {"familyName", "Family" + s},
                                   {"givenName", "Given" + s}}},
      {kEnterpriseSchema,
       boost::json::object{{"department", "Engineering"}, {"manager", id_of(n + 1)}}},
  };
}

// The stored document of that user (what the store keeps after normalisation).
inline boost::json::object entra_user_doc(int n) {
  auto incoming = scim::normalize_resource(scim::ResourceKind::user, entra_user_body(n));
  return incoming.ok() ? incoming->doc : boost::json::object{};
}

// Entra's PATCH of a changed user: several replaces and the enterprise manager.
inline boost::json::value entra_user_patch() {
  auto op = [](std::string_view name, std::string_view path, boost::json::value value) {
    return boost::json::object{{"op", name}, {"path", path}, {"value", std::move(value)}};
  };
  const std::string manager = std::string(kEnterpriseSchema) + ":manager";
  const std::string department = std::string(kEnterpriseSchema) + ":department";
  return boost::json::object{
      {"schemas", boost::json::array{kPatchOpSchema}},
      {"Operations",
       boost::json::array{op("Replace", "displayName", "Renamed Person"),
                          op("Replace", "title", "Principal Engineer"),
                          op("Replace", "emails[type eq \"work\"].value", "renamed@contoso.example"),
                          op("Replace", "name.givenName", "Renamed"),
                          op("Replace", "name.familyName", "Person"),
                          op("Replace", "active", "False"),
                          op("Add", department, "Research"),
                          op("Add", manager, boost::json::string(id_of(999999)))}}};
}

// Entra's PATCH adding members to a group (its batches are 25 members at most).
inline boost::json::value member_add_patch(const std::vector<std::string>& ids) {
  boost::json::array values;
  for (const std::string& id : ids) values.push_back(boost::json::object{{"value", id}});
  return boost::json::object{
      {"schemas", boost::json::array{kPatchOpSchema}},
      {"Operations", boost::json::array{boost::json::object{
                         {"op", "Add"}, {"path", "members"}, {"value", std::move(values)}}}}};
}

}  // namespace scimd::bench
