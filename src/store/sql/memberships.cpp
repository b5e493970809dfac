#include "store/sql/memberships.h"

#include <set>
#include <utility>

namespace scimd::store::sql {

namespace {

Result<std::optional<std::string>> member_type_of(Connection& db, TenantId tenant,
                                                  std::string_view id) {
  for (const char* table : {"users", "groups"}) {
    SCIMD_ASSIGN_OR_RETURN(Statement stmt, db.prepare("SELECT 1 FROM " + std::string(table) +
                                                      " WHERE tenant_id = ? AND id = ?"));
    stmt.bind(1, tenant).bind(2, id);
    SCIMD_ASSIGN_OR_RETURN(const bool found, stmt.step());
    if (found) return std::optional<std::string>(table[0] == 'u' ? "User" : "Group");
  }
  return std::optional<std::string>();
}

// The stored display of a membership row, or nullopt when there is no row.
Result<std::optional<std::string>> member_row(Connection& db, TenantId tenant,
                                              std::string_view group_id,
                                              std::string_view member_id) {
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db.prepare("SELECT display FROM memberships WHERE tenant_id = ? AND "
                                    "group_id = ? AND member_id = ?"));
  stmt.bind(1, tenant).bind(2, group_id).bind(3, member_id);
  SCIMD_ASSIGN_OR_RETURN(const bool found, stmt.step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(stmt.column_text(0));
}

// Runs a DELETE ... RETURNING member_id, member_type, display and records the rows removed.
Result<bool> delete_returning(Statement& stmt, MemberDelta& delta) {
  bool any = false;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return any;
    delta.removed.push_back({stmt.column_text(0), stmt.column_text(2), stmt.column_text(1)});
    any = true;
  }
}

Result<bool> remove_members(Connection& db, TenantId tenant, std::string_view group_id,
                            const std::vector<scim::MemberRef>& members, MemberDelta& delta) {
  bool changed = false;
  for (const scim::MemberRef& m : members) {
    SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                           db.prepare("DELETE FROM memberships WHERE tenant_id = ? AND "
                                      "group_id = ? AND member_id = ? "
                                      "RETURNING member_id, member_type, display"));
    stmt.bind(1, tenant).bind(2, group_id).bind(3, m.value);
    SCIMD_ASSIGN_OR_RETURN(const bool removed, delete_returning(stmt, delta));
    changed = changed || removed;
  }
  return changed;
}

// Members become exactly `members`: rows not named are deleted, members already present keep
// their place, new ones are appended in the order given.
Result<bool> replace_members(Connection& db, TenantId tenant, std::string_view group_id,
                             const std::vector<scim::MemberRef>& members, MemberDelta& delta) {
  std::set<std::string, std::less<>> wanted;
  for (const auto& m : members) wanted.insert(m.value);
  SCIMD_ASSIGN_OR_RETURN(const auto current, load_members(db, tenant, group_id));
  std::vector<scim::MemberRef> dropped;
  for (const auto& m : current) {
    if (!wanted.contains(m.value)) dropped.push_back(m);
  }
  SCIMD_ASSIGN_OR_RETURN(const bool removed, remove_members(db, tenant, group_id, dropped, delta));
  SCIMD_ASSIGN_OR_RETURN(const bool added, add_members(db, tenant, group_id, members, delta));
  return removed || added;
}

}  // namespace

Result<std::vector<scim::MemberRef>> load_members(Connection& db, TenantId tenant,
                                                  std::string_view group_id) {
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db.prepare("SELECT member_id, display, member_type FROM memberships "
                                    "WHERE tenant_id = ? AND group_id = ? ORDER BY seq"));
  stmt.bind(1, tenant).bind(2, group_id);
  std::vector<scim::MemberRef> members;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return members;
    members.push_back({stmt.column_text(0), stmt.column_text(1), stmt.column_text(2)});
  }
}

Result<std::vector<scim::GroupRef>> load_groups(Connection& db, TenantId tenant,
                                                std::string_view member_id) {
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db.prepare("SELECT g.id, g.display_name FROM memberships m JOIN groups g "
                                    "ON g.tenant_id = m.tenant_id AND g.id = m.group_id "
                                    "WHERE m.tenant_id = ? AND m.member_id = ? ORDER BY m.seq"));
  stmt.bind(1, tenant).bind(2, member_id);
  std::vector<scim::GroupRef> groups;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return groups;
    groups.push_back({stmt.column_text(0), stmt.column_text(1)});
  }
}

Result<bool> add_members(Connection& db, TenantId tenant, std::string_view group_id,
                         const std::vector<scim::MemberRef>& members, MemberDelta& delta) {
  bool changed = false;
  for (const scim::MemberRef& m : members) {
    if (m.value == group_id) continue;
    SCIMD_ASSIGN_OR_RETURN(const std::optional<std::string> type,
                           member_type_of(db, tenant, m.value));
    if (!type) continue;  // Entra and Microsoft's Postman tests add ids that do not exist
    SCIMD_ASSIGN_OR_RETURN(const std::optional<std::string> display,
                           member_row(db, tenant, group_id, m.value));
    if (display && (m.display.empty() || *display == m.display)) continue;
    SCIMD_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare(display ? "UPDATE memberships SET display = ? WHERE tenant_id = ? AND "
                             "group_id = ? AND member_id = ?"
                           : "INSERT INTO memberships (display, tenant_id, group_id, member_id, "
                             "member_type) VALUES (?, ?, ?, ?, ?)"));
    stmt.bind(1, m.display).bind(2, tenant).bind(3, group_id).bind(4, m.value);
    if (!display) stmt.bind(5, *type);
    SCIMD_TRY(stmt.run());
    if (!display) delta.added.push_back({m.value, m.display, *type});
    changed = true;
  }
  return changed;
}

Result<bool> apply_member_ops(Connection& db, TenantId tenant, std::string_view group_id,
                              const std::vector<scim::MemberOp>& ops, MemberDelta& delta) {
  bool changed = false;
  for (const scim::MemberOp& op : ops) {
    Result<bool> step = false;
    switch (op.kind) {
      case scim::MemberOp::Kind::add:
        step = add_members(db, tenant, group_id, op.members, delta);
        break;
      case scim::MemberOp::Kind::remove:
        step = remove_members(db, tenant, group_id, op.members, delta);
        break;
      case scim::MemberOp::Kind::remove_all: {
        const std::size_t before = delta.removed.size();
        if (Status s = remove_all_members(db, tenant, group_id, delta); !s.ok()) {
          step = std::move(s).error();
        } else {
          step = delta.removed.size() > before;
        }
        break;
      }
      case scim::MemberOp::Kind::replace_all:
        step = replace_members(db, tenant, group_id, op.members, delta);
        break;
    }
    if (!step.ok()) return std::move(step).error();
    changed = changed || *step;
  }
  return changed;
}

Status remove_all_members(Connection& db, TenantId tenant, std::string_view group_id,
                          MemberDelta& delta) {
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db.prepare("DELETE FROM memberships WHERE tenant_id = ? AND group_id = ? "
                                    "RETURNING member_id, member_type, display"));
  stmt.bind(1, tenant).bind(2, group_id);
  SCIMD_ASSIGN_OR_RETURN(const bool any, delete_returning(stmt, delta));
  (void)any;
  return {};
}

Result<std::vector<std::pair<std::string, std::string>>> remove_from_all_groups(Connection& db, TenantId tenant,
                                                        std::string_view member_id,
                                                        const std::string& now) {
  // A membership change is a change of the group: new version, new lastModified.
  SCIMD_ASSIGN_OR_RETURN(
      Statement touch, db.prepare("UPDATE groups SET version = version + 1, last_modified = ? "
                                  "WHERE tenant_id = ? AND id IN (SELECT group_id FROM "
                                  "memberships WHERE tenant_id = ? AND member_id = ?)"));
  touch.bind(1, now).bind(2, tenant).bind(3, tenant).bind(4, member_id);
  SCIMD_TRY(touch.run());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db.prepare("DELETE FROM memberships WHERE tenant_id = ? AND "
                                    "member_id = ? RETURNING group_id, display"));
  stmt.bind(1, tenant).bind(2, member_id);
  std::vector<std::pair<std::string, std::string>> groups;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return groups;
    groups.emplace_back(stmt.column_text(0), stmt.column_text(1));
  }
}

}  // namespace scimd::store::sql
