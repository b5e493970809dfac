#include "store/sql/memberships.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <boost/json.hpp>

#include "store/sql/dialect_sql.h"

namespace scimd::store::sql {

namespace json = boost::json;

namespace {

// Members added by one statement at most (a group created with 100k members takes several).
constexpr std::size_t kMembersPerStatement = 1000;

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
  // One entry per id, at its first place; the last non-empty display named wins (as applying
  // the repeats one after the other would leave it).
  std::vector<scim::MemberRef> wanted;
  std::map<std::string, std::size_t, std::less<>> place;
  for (const scim::MemberRef& m : members) {
    if (m.value == group_id) continue;
    const auto [at, fresh] = place.emplace(m.value, wanted.size());
    if (fresh) {
      wanted.push_back(m);
    } else if (!m.display.empty()) {
      wanted[at->second].display = m.display;
    }
  }
  bool changed = false;
  const Dialect dialect = db.dialect();
  for (std::size_t first = 0; first < wanted.size(); first += kMembersPerStatement) {
    const std::size_t end = std::min(wanted.size(), first + kMembersPerStatement);
    json::array rows;
    for (std::size_t i = first; i < end; ++i) {
      rows.push_back(json::array{json::string(wanted[i].value), json::string(wanted[i].display)});
    }
    // The ids that name a user or group of the tenant (Entra and Microsoft's Postman tests add
    // ids that do not exist: skipped) and are not members yet, appended in the order given.
    SCIMD_ASSIGN_OR_RETURN(
        Statement insert,
        db.prepare("WITH v AS (SELECT " + json_row_item(dialect, 0) + " AS id, " +
                   json_row_item(dialect, 1) + " AS display, " +
                   std::string(json_row_position(dialect)) + " AS n FROM " +
                   std::string(json_rows_from(dialect)) +
                   // Scalar subqueries, not EXISTS: PostgreSQL may hash an EXISTS over the
                   // whole users table; a scalar subquery is an index probe per id.
                   "), t AS (SELECT v.id, v.display, v.n, COALESCE("
                   "(SELECT 'User' FROM users u WHERE u.tenant_id = ? AND u.id = v.id), "
                   "(SELECT 'Group' FROM groups g WHERE g.tenant_id = ? AND g.id = v.id)) AS type, "
                   "(SELECT 1 FROM memberships m WHERE m.tenant_id = ? AND m.group_id = ? AND "
                   "m.member_id = v.id) AS present FROM v) "
                   "INSERT INTO memberships (display, tenant_id, group_id, member_id, member_type) "
                   "SELECT t.display, ?, ?, t.id, t.type FROM t WHERE t.type IS NOT NULL AND "
                   "t.present IS NULL ORDER BY t.n RETURNING member_id, member_type"));
    insert.bind(1, json::serialize(rows)).bind(2, tenant).bind(3, tenant);
    insert.bind(4, tenant).bind(5, group_id).bind(6, tenant).bind(7, group_id);
    std::vector<std::pair<std::size_t, std::string>> added;  // place, type
    while (true) {
      SCIMD_ASSIGN_OR_RETURN(const bool row, insert.step());
      if (!row) break;
      added.emplace_back(place.find(insert.column_text(0))->second, insert.column_text(1));
    }
    std::sort(added.begin(), added.end());  // RETURNING promises no order
    std::vector<bool> inserted(end - first, false);
    for (const auto& [at, type] : added) {
      delta.added.push_back({wanted[at].value, wanted[at].display, type});
      inserted[at - first] = true;
    }
    changed = changed || !added.empty();
    // Members already there take a display that is named and differs (Okta names them).
    for (std::size_t i = first; i < end; ++i) {
      if (wanted[i].display.empty() || inserted[i - first]) continue;
      SCIMD_ASSIGN_OR_RETURN(Statement update,
                             db.prepare("UPDATE memberships SET display = ? WHERE tenant_id = ? "
                                        "AND group_id = ? AND member_id = ? AND display != ?"));
      update.bind(1, wanted[i].display).bind(2, tenant).bind(3, group_id);
      update.bind(4, wanted[i].value).bind(5, wanted[i].display);
      SCIMD_TRY(update.run());
      changed = changed || db.changes() > 0;
    }
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
