// What a provisioning client believes the server holds, and a precise check of the server
// against it: every attribute of every user and group, members as sets, users' `groups`.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "integration/http_client.h"

namespace scimd::itest {

struct ExpectedUser {
  // As the client set them: everything but id, meta, schemas and the read-only groups. The
  // enterprise manager is kept as {"value": id}.
  json::object attributes;
};

struct ExpectedGroup {
  json::object attributes;  // displayName, externalId, ...: everything but id/meta/schemas/members
  std::set<std::string> members;
};

class DirectoryModel {
 public:
  std::map<std::string, ExpectedUser> users;    // by id
  std::map<std::string, ExpectedGroup> groups;  // by id
  std::set<std::string> deleted_users;
  std::set<std::string> deleted_groups;

  // The attributes a client expects back from a POST/PUT body: the body without
  // schemas, meta, id, groups and password.
  static json::object expected_from_body(json::object body);

  // GETs every user and group (and every deleted id) and adds a test failure for each
  // difference. `tenant` names the base for the expected meta.location.
  void verify(const ScimClient& scim) const;

  // Checks one user/group reply body (from GET, POST, PUT or a 200 PATCH).
  void check_user(const ScimClient& scim, const std::string& id, const json::value& body) const;
  void check_group(const ScimClient& scim, const std::string& id, const json::value& body) const;
};

// `object` without null members and empty arrays, recursively: RFC 7643 §2.5 treats
// unassigned and empty the same, so a server may drop either.
json::value without_empty(const json::value& value);

}  // namespace scimd::itest
