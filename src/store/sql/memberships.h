// Membership rows of the SQLite store: reading them, and applying a write's member operations
// while recording which members really came and went (for group.user_added/_removed events and
// role recomputation).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "scim/member.h"
#include "scim/resource.h"
#include "store/records.h"
#include "store/sql/connection.h"

namespace scimd::store::sql {

// Members that were really added (new rows) or removed (rows deleted) by one write, with
// their type.
struct MemberDelta {
  std::vector<scim::MemberRef> added;
  std::vector<scim::MemberRef> removed;
  bool empty() const { return added.empty() && removed.empty(); }
};

// A group's members in insertion order.
Result<std::vector<scim::MemberRef>> load_members(Connection& db, TenantId tenant,
                                                  std::string_view group_id);
// The groups that directly hold a member, in membership order.
Result<std::vector<scim::GroupRef>> load_groups(Connection& db, TenantId tenant,
                                                std::string_view member_id);

// Adds members (unknown ids and the group itself are dropped; an existing member keeps its
// row and place, taking a new non-empty display). Returns whether any row changed.
Result<bool> add_members(Connection& db, TenantId tenant, std::string_view group_id,
                         const std::vector<scim::MemberRef>& members, MemberDelta& delta);
// Applies PATCH/PUT member operations in order. Returns whether any row changed.
Result<bool> apply_member_ops(Connection& db, TenantId tenant, std::string_view group_id,
                              const std::vector<scim::MemberOp>& ops, MemberDelta& delta);
// Deletes every member row of a group.
Status remove_all_members(Connection& db, TenantId tenant, std::string_view group_id,
                          MemberDelta& delta);
// Deletes the rows that name `member_id` as a member (touching those groups' version); returns
// (group id, membership display) of each group that held it.
Result<std::vector<std::pair<std::string, std::string>>> remove_from_all_groups(Connection& db, TenantId tenant,
                                                        std::string_view member_id,
                                                        const std::string& now);

}  // namespace scimd::store::sql
