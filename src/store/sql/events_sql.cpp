// SqliteStore: the event outbox (append inside writes, read for the feed and the dispatcher,
// prune for retention) and member paging.
#include "store/sql/outbox.h"
#include "store/sql/sql_store.h"

#include <algorithm>
#include <limits>

namespace scimd::store::sql {

namespace {

// PostgreSQL: the tenant's row lock orders all its events, from the bump of event_seq until the
// COMMIT, so concurrent writes of one tenant queue on it. The events of every job of a
// transaction are kept as rows for the COMMIT (Connection::exec_rows_with_commit) and go in
// with it: one statement bumps the counter once, numbers the rows, writes the tenant into each
// payload and inserts, so the lock is held for that one round trip and the statement is
// planned once per transaction. Past kEventsPerStatement (a PATCH of a 100k-member group) the
// rest follow in more statements of the same round trip, numbered from the counter already
// bumped. (Should the tenant be gone, nothing is inserted; the job's own statements have
// failed before.)
constexpr std::size_t kEventsPerStatement = 1000;

// The statements that insert a tenant's kept event rows: `id, type, time, before_seq,
// before_tenant, rest` as literals, numbered here in order.
std::string render_event_rows(TenantId tenant, const std::vector<std::string>& rows) {
  const std::string total = std::to_string(rows.size());
  const std::string tenant_id = std::to_string(tenant);
  std::string sql;
  for (std::size_t first = 0; first < rows.size(); first += kEventsPerStatement) {
    const std::size_t end = std::min(rows.size(), first + kEventsPerStatement);
    std::string values;
    for (std::size_t i = first; i < end; ++i) {
      values += (i == first ? "(" : ", (") + std::to_string(i + 1) + ", " + rows[i] + ")";
    }
    const std::string counter = first == 0 ? "UPDATE tenants SET event_seq = event_seq + " + total +
                                                 " WHERE id = " + tenant_id +
                                                 " RETURNING event_seq - " + total
                                           : "SELECT event_seq - " + total;
    if (!sql.empty()) sql += ';';
    sql += "WITH b AS (" + counter + " AS base, to_json(name)::text AS name" +
           (first == 0 ? "" : " FROM tenants WHERE id = " + tenant_id) +
           ") INSERT INTO events (tenant_id, seq, id, type, time, payload) SELECT " + tenant_id +
           ", b.base + e.n, e.id, e.type, e.time, "
           "e.before_seq || (b.base + e.n) || e.before_tenant || b.name || e.rest FROM b, "
           "(VALUES " + values + ") AS e(n, id, type, time, before_seq, before_tenant, rest)";
  }
  return sql;
}

Status append_events_with_commit(Connection& db, TenantId tenant,
                                 const std::vector<NewEvent>& events, const std::string& when) {
  std::vector<std::string> rows;
  rows.reserve(events.size());
  for (const NewEvent& event : events) {
    const std::string id = new_event_id();
    const EventJsonParts parts = event_json_parts(id, event.type, when, event.data);
    rows.push_back(db.literal(id) + ", " + db.literal(event.type) + ", " + db.literal(when) +
                   ", " + db.literal(parts.before_seq) + ", " + db.literal(parts.before_tenant) +
                   ", " + db.literal(parts.rest));
  }
  // Batched writes lock the tenants' counter rows in tenant order.
  return db.exec_rows_with_commit(
      "events " + std::to_string(tenant), tenant, std::move(rows),
      [tenant](const std::vector<std::string>& kept) { return render_event_rows(tenant, kept); });
}

}  // namespace

Status append_events(Connection& db, TenantId tenant, std::vector<NewEvent>& events,
                     const std::string& when) {
  if (events.empty()) return {};
  if (db.dialect() == Dialect::postgres) {
    // Other instances on the database wake at once: PostgreSQL delivers it at commit, and only
    // if the transaction commits, one per transaction however many writes. Kept for the COMMIT
    // (no round trip of its own) and first there, ahead of the tenants' counter rows.
    SCIMD_TRY(db.exec_with_commit("NOTIFY scimd_events", std::numeric_limits<std::int64_t>::min()));
    return append_events_with_commit(db, tenant, events, when);
  }
  // SQLite has one writer, so nothing waits on the bump; the store notifies its own waiters.
  std::int64_t seq = 0;
  std::string tenant_name;
  {
    SCIMD_ASSIGN_OR_RETURN(Statement bump,
                           db.prepare("UPDATE tenants SET event_seq = event_seq + ? WHERE id = ? "
                                      "RETURNING event_seq, name"));
    bump.bind(1, static_cast<std::int64_t>(events.size())).bind(2, tenant);
    SCIMD_ASSIGN_OR_RETURN(const bool row, bump.step());
    if (!row) return make_error(Errc::not_found, "tenant " + std::to_string(tenant) + " not found");
    seq = bump.column_int(0) - static_cast<std::int64_t>(events.size());
    tenant_name = bump.column_text(1);
    SCIMD_ASSIGN_OR_RETURN(const bool more, bump.step());  // completes the statement
    (void)more;
  }
  for (NewEvent& event : events) {
    ++seq;
    const std::string id = new_event_id();
    SCIMD_ASSIGN_OR_RETURN(Statement insert,
                           db.prepare("INSERT INTO events (tenant_id, seq, id, type, time, "
                                      "payload) VALUES (?, ?, ?, ?, ?, ?)"));
    insert.bind(1, tenant).bind(2, seq).bind(3, id).bind(4, event.type).bind(5, when);
    insert.bind(6, event_json(id, seq, event.type, when, tenant_name, event.data));
    SCIMD_TRY(insert.run());
  }
  return {};
}

Result<std::vector<Event>> SqlStore::list_events(TenantId tenant, std::int64_t after_seq,
                                                 std::int64_t limit) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db->prepare("SELECT seq, id, type, time, payload FROM events "
                                     "WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?"));
  stmt.bind(1, tenant).bind(2, after_seq).bind(3, limit);
  std::vector<Event> events;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return events;
    events.push_back(Event{tenant, stmt.column_int(0), stmt.column_text(1), stmt.column_text(2),
                           stmt.column_text(3), stmt.column_text(4)});
  }
}

Result<std::int64_t> SqlStore::last_event_seq(TenantId tenant) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt, db->prepare("SELECT event_seq FROM tenants WHERE id = ?"));
  stmt.bind(1, tenant);
  SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return make_error(Errc::not_found, "tenant " + std::to_string(tenant) + " not found");
  return stmt.column_int(0);
}

Result<std::int64_t> SqlStore::prune_events(TimePoint before) {
  const std::string cutoff = format_time(before);
  std::int64_t pruned = 0;
  SCIMD_TRY(exec_->write([&](Connection& db) -> Status {
    SCIMD_ASSIGN_OR_RETURN(Statement stmt, db.prepare("DELETE FROM events WHERE time < ?"));
    stmt.bind(1, cutoff);
    SCIMD_TRY(stmt.run());
    pruned = db.changes();
    return {};
  }));
  return pruned;
}

Result<std::vector<scim::MemberRef>> SqlStore::list_members(TenantId tenant,
                                                            std::string_view group_id,
                                                            std::int64_t offset,
                                                            std::int64_t limit) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db->prepare("SELECT member_id, display, member_type FROM memberships "
                                     "WHERE tenant_id = ? AND group_id = ? ORDER BY seq "
                                     "LIMIT ? OFFSET ?"));
  stmt.bind(1, tenant).bind(2, group_id).bind(3, limit).bind(4, offset);
  std::vector<scim::MemberRef> members;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return members;
    members.push_back({stmt.column_text(0), stmt.column_text(1), stmt.column_text(2)});
  }
}

}  // namespace scimd::store::sql
