// Turning what clients send into what scimd stores, and back.
//
// A stored document holds the client's attributes under their canonical names (schema
// spelling), extension attributes under their URN key, and nothing server-owned: no id, no
// meta, no members (memberships live in their own table), no groups. Values are kept exactly
// as sent, except where SCIM types demand a coercion clients rely on ("True" -> true for
// booleans, Entra's plain-string manager -> {"value": ...}).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/result.h"
#include "scim/member.h"
#include "scim/schema.h"

namespace scimd::scim {

// Bounds on what a client may send in one resource.
inline constexpr std::size_t kMaxJsonDepth = 32;
inline constexpr std::size_t kMaxStringBytes = 64 * 1024;

// Coerces one value for an attribute: case-insensitive "true"/"false" strings to booleans,
// canonical sub-attribute names, unknown sub-attributes dropped, a single value for a
// multi-valued attribute wrapped in an array, a string manager wrapped as {"value": s}.
// `null` stays null (the caller treats it as "clear"). Errors: invalid_value naming `where`.
Result<boost::json::value> coerce_value(const AttributeDef& def, const boost::json::value& value,
                                        std::string_view where);

struct Incoming {
  boost::json::object doc;         // the stored document
  std::vector<MemberRef> members;  // Groups: members sent in the body
  bool members_present = false;    // whether the body had a "members" attribute at all
};

// Normalises a POST or PUT body: checks `schemas` (must name the resource type's core
// schema; extension URNs must be known; Entra's extra group URI is tolerated), drops readOnly
// and unknown attributes (never a 400 for those), coerces values, and checks required
// attributes. Errors: invalid_syntax (schemas), invalid_value (types, required).
Result<Incoming> normalize_resource(ResourceKind kind, const boost::json::value& body);

// Checks a stored document after PATCH: required attributes present, types right.
Status check_document(ResourceKind kind, const boost::json::object& doc);

// One element of a user's `emails` that the store indexes (user_emails): an object whose
// `value` is a string; `type` only when it is a string too.
struct EmailKey {
  std::optional<std::string> type;
  std::string value;
};

// Columns the store indexes. userName/displayName are unique per tenant, case-insensitively.
struct IndexKeys {
  std::optional<std::string> user_name;     // Users
  std::optional<std::string> display_name;  // Users and Groups
  std::optional<std::string> external_id;
  std::optional<std::string> work_email;    // Users: emails[type eq "work"].value, else primary
  bool active = true;                       // Users
  std::vector<EmailKey> emails;             // Users, in document order
};
IndexKeys index_keys(ResourceKind kind, const boost::json::object& doc);

// Server-owned parts of a representation, filled in by the API layer from the store record.
struct Meta {
  std::string id;
  std::string created;
  std::string last_modified;
  std::string location;
  std::int64_t version = 1;
};
// The weak ETag for a version: W/"<version>".
std::string etag(std::int64_t version);

// The full representation: schemas, id, externalId, the document, meta, and for groups the
// members (when `members` is set) or for users the read-only groups (when `groups` is set).
struct GroupRef {
  std::string value;    // group id
  std::string display;  // group displayName
};
boost::json::object to_representation(ResourceKind kind, const boost::json::object& doc,
                                      const Meta& meta, const std::vector<MemberRef>* members,
                                      const std::vector<GroupRef>* groups,
                                      std::string_view base_url);

}  // namespace scimd::scim
