#include "workload.h"

#include <cctype>

#include <boost/json.hpp>

namespace scimd::replay {
namespace json = boost::json;

namespace {

constexpr std::string_view kUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
constexpr std::string_view kGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
constexpr std::string_view kEnterpriseSchema =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr std::string_view kEntraGroupSchema =
    "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";

}  // namespace

Workload::Workload(WorkloadSize size) : size_(size), members_(size.groups) {
  // Membership j puts user (j mod users) in group (user + j div users) mod groups: each round
  // of `users` memberships gives every user one more, distinct group (distinct while the
  // round number stays below `groups`), and the groups stay evenly sized.
  for (std::size_t j = 0; j < size.memberships; ++j) {
    const std::size_t user = j % size.users;
    const std::size_t round = j / size.users;
    members_[(user + round) % size.groups].push_back(user);
  }
}

std::size_t Workload::patch_count() const {
  std::size_t count = 0;
  for (const auto& members : members_) count += (members.size() + kMemberBatch - 1) / kMemberBatch;
  return count;
}

std::string Workload::user_name(std::size_t user) {
  return "replay.user" + std::to_string(user) + "@contoso.example";
}

std::string Workload::group_name(std::size_t group) {
  return "Replay Group " + std::to_string(group);
}

std::string Workload::user_lookup_target(std::size_t user) {
  return "/Users?filter=" + url_encode("userName eq \"" + user_name(user) + "\"");
}

std::string Workload::group_lookup_target(std::size_t group) {
  return "/Groups?excludedAttributes=members&filter=" +
         url_encode("displayName eq \"" + group_name(group) + "\"");
}

// The body Entra POSTs for a user with the default attribute mappings (as in
// tests/integration/entra_cycle.cpp).
std::string Workload::user_body(std::size_t user) {
  const std::string n = std::to_string(user);
  const std::string name = user_name(user);
  const std::string given = "Given" + n;
  const std::string family = "Family" + n;
  const json::object body{
      {"schemas", json::array{kUserSchema, kEnterpriseSchema}},
      {"externalId", "nick" + n},
      {"userName", name},
      {"active", true},
      {"displayName", given + " " + family},
      {"title", "Engineer " + std::to_string(user % 10)},
      {"emails", json::array{json::object{{"primary", true}, {"type", "work"}, {"value", name}}}},
      {"meta", json::object{{"resourceType", "User"}}},
      {"name",
       json::object{
           {"formatted", given + " " + family}, {"familyName", family}, {"givenName", given}}},
      {"phoneNumbers",
       json::array{json::object{{"type", "work"}, {"value", "+1 425 555 " + n}},
                   json::object{{"type", "mobile"}, {"value", "+1 (206) 555-" + n}}}},
      {"addresses",
       json::array{json::object{
           {"type", "work"}, {"streetAddress", n + " Microsoft Way"}, {"postalCode", "98052"}}}},
      {kEnterpriseSchema, json::object{{"employeeNumber", "E" + n},
                                       {"department", "Dept " + std::to_string(user % 20)}}},
      {"roles", json::array{}},
  };
  return json::serialize(body);
}

// Entra creates a group with no members and adds them by PATCH afterwards.
std::string Workload::group_body(std::size_t group) {
  const json::object body{
      {"externalId", "object-id-" + std::to_string(group)},
      {"displayName", group_name(group)},
      {"meta", json::object{{"resourceType", "Group"}}},
      {"schemas", json::array{kGroupSchema, kEntraGroupSchema}},
      {"members", json::array{}},
  };
  return json::serialize(body);
}

std::string Workload::add_members_body(const std::vector<std::string_view>& member_ids) {
  json::array values;
  values.reserve(member_ids.size());
  for (const std::string_view id : member_ids) {
    values.push_back(json::object{{"value", id}});
  }
  const json::object body{
      {"schemas", json::array{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
      {"Operations",
       json::array{json::object{{"op", "add"}, {"path", "members"}, {"value", std::move(values)}}}},
  };
  return json::serialize(body);
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  return out;
}

}  // namespace scimd::replay
