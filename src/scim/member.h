// Group membership as the store keeps it: one row per (group, member), never a JSON array.
#pragma once

#include <string>
#include <vector>

namespace scimd::scim {

struct MemberRef {
  std::string value;    // the member's SCIM id
  std::string display;  // as the client sent it ("display" or Entra's "displayName"), may be empty
  std::string type;     // "User" or "Group"; filled by the store from what the id names
  bool operator==(const MemberRef&) const = default;
};

// One membership change from a PATCH or PUT, applied by the store in order.
struct MemberOp {
  enum class Kind {
    add,          // add `members` (already-present ids are left as they are)
    remove,       // remove exactly `members` (by value); absent ids are ignored
    remove_all,   // remove every member
    replace_all,  // the group's members become exactly `members`
  };
  Kind kind = Kind::add;
  std::vector<MemberRef> members;
};

}  // namespace scimd::scim
