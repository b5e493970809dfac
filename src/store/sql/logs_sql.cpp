// SqliteStore: consumer cursors, the mail log and the provisioning log.
#include "store/sql/sql_store.h"

#include <span>
#include <string>

namespace scimd::store::sql {

namespace {

MailRecord read_mail(const Statement& row) {
  MailRecord m;
  m.id = row.column_int(0);
  m.tenant_id = row.column_int(1);
  m.event_id = row.column_text(2);
  m.user_id = row.column_text(3);
  m.recipient = row.column_text(4);
  m.time = row.column_text(5);
  m.attempts = row.column_int(6);
  m.outcome = row.column_text(7);
  m.error = row.column_text(8);
  return m;
}

ProvisioningEntry read_entry(const Statement& row) {
  ProvisioningEntry e;
  e.id = row.column_int(0);
  e.tenant_id = row.column_int(1);
  e.time = row.column_text(2);
  e.client = row.column_text(3);
  e.method = row.column_text(4);
  e.path = row.column_text(5);
  e.resource_id = row.column_text(6);
  e.status = static_cast<int>(row.column_int(7));
  e.scim_type = row.column_text(8);
  e.latency_ms = row.column_double(9);
  e.detail = row.column_text(10);
  e.request_id = row.column_text(11);
  return e;
}

}  // namespace

Result<std::int64_t> SqlStore::consumer_seq(TenantId tenant, std::string_view consumer) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db->prepare("SELECT seq FROM consumers WHERE tenant_id = ? AND name = ?"));
  stmt.bind(1, tenant).bind(2, consumer);
  SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
  return row ? stmt.column_int(0) : std::int64_t{0};
}

Status SqlStore::set_consumer_seq(TenantId tenant, std::string_view consumer,
                                  std::int64_t seq) {
  return exec_->write(
      [&](Connection& db) { return write_consumer_seq(db, tenant, consumer, seq); });
}

Status SqlStore::write_consumer_seq(Connection& db, TenantId tenant, std::string_view consumer,
                                    std::int64_t seq) {
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db.prepare("INSERT INTO consumers (tenant_id, name, seq) VALUES (?, ?, ?) "
                                    "ON CONFLICT (tenant_id, name) DO UPDATE SET seq = excluded.seq"));
  stmt.bind(1, tenant).bind(2, consumer).bind(3, seq);
  return stmt.run();
}

Result<std::int64_t> SqlStore::save_mail(const MailRecord& record) {
  std::int64_t id = record.id;
  SCIMD_TRY(exec_->write([&](Connection& db) -> Status {
    if (record.id == 0) {
      SCIMD_ASSIGN_OR_RETURN(
          Statement stmt,
          db.prepare("INSERT INTO mail (tenant_id, event_id, user_id, recipient, time, attempts, "
                     "outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
      stmt.bind(1, record.tenant_id).bind(2, record.event_id).bind(3, record.user_id);
      stmt.bind(4, record.recipient).bind(5, record.time).bind(6, record.attempts);
      stmt.bind(7, record.outcome).bind(8, record.error);
      SCIMD_ASSIGN_OR_RETURN(id, insert_returning_id(stmt));
      return {};
    }
    SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                           db.prepare("UPDATE mail SET recipient = ?, time = ?, attempts = ?, "
                                      "outcome = ?, error = ? WHERE id = ?"));
    stmt.bind(1, record.recipient).bind(2, record.time).bind(3, record.attempts);
    stmt.bind(4, record.outcome).bind(5, record.error).bind(6, record.id);
    SCIMD_TRY(stmt.run());
    if (db.changes() == 0) {
      return make_error(Errc::not_found, "mail record " + std::to_string(record.id) + " not found");
    }
    return {};
  }));
  return id;
}

Result<std::vector<MailRecord>> SqlStore::list_mail(TenantId tenant, std::int64_t limit) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db->prepare("SELECT id, tenant_id, event_id, user_id, recipient, time, "
                                     "attempts, outcome, error FROM mail WHERE tenant_id = ? "
                                     "ORDER BY id DESC LIMIT ?"));
  stmt.bind(1, tenant).bind(2, limit);
  std::vector<MailRecord> out;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    out.push_back(read_mail(stmt));
  }
}

namespace {

// The INSERT of `rows` provisioning-log entries in one statement, each row led by its place in
// the batch: rows get their ids in batch order even when the engine joins them to `tenants` in
// another order. The first row's casts type the VALUES columns (PostgreSQL would take untyped
// parameters there for text). A tenant deleted since the request was answered takes its
// entries with it, instead of failing the whole batch on the foreign key.
std::string insert_log_rows(std::size_t rows) {
  std::string sql =
      "INSERT INTO provisioning_log (tenant_id, time, client, method, path, resource_id, status, "
      "scim_type, latency_ms, detail, request_id) SELECT column2, column3, column4, column5, "
      "column6, column7, column8, column9, column10, column11, column12 FROM (VALUES "
      "(CAST(? AS BIGINT), CAST(? AS BIGINT), ?, ?, ?, ?, ?, CAST(? AS BIGINT), ?, "
      "CAST(? AS DOUBLE PRECISION), ?, ?)";
  for (std::size_t i = 1; i < rows; ++i) sql += ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  return sql + ") v WHERE EXISTS (SELECT 1 FROM tenants t WHERE t.id = v.column2) ORDER BY column1";
}

}  // namespace

Status SqlStore::append_provisioning(const std::vector<ProvisioningEntry>& entries) {
  if (entries.empty()) return {};
  // One job, so one savepoint and one commit for the whole batch; statements of 64, 32, … 1
  // rows, so a batch is a few statements and the statement caches see seven texts at most.
  constexpr std::size_t kMaxRows = 64;
  return exec_->write([&](Connection& db) -> Status {
    std::size_t done = 0;
    while (done < entries.size()) {
      std::size_t rows = kMaxRows;
      while (rows > entries.size() - done) rows /= 2;
      SCIMD_ASSIGN_OR_RETURN(Statement stmt, db.prepare(insert_log_rows(rows)));
      int at = 0;  // parameters before this row's
      std::int64_t place = 0;
      for (const ProvisioningEntry& e : std::span(entries).subspan(done, rows)) {
        stmt.bind(at + 1, place++).bind(at + 2, e.tenant_id).bind(at + 3, e.time);
        stmt.bind(at + 4, e.client).bind(at + 5, e.method).bind(at + 6, e.path);
        stmt.bind(at + 7, e.resource_id).bind(at + 8, e.status).bind(at + 9, e.scim_type);
        stmt.bind(at + 10, e.latency_ms).bind(at + 11, e.detail).bind(at + 12, e.request_id);
        at += 12;
      }
      SCIMD_TRY(stmt.run());
      done += rows;
    }
    return {};
  });
}

Result<std::vector<ProvisioningEntry>> SqlStore::list_provisioning(const ProvisioningQuery& q) {
  // Conditions are fixed text (values are bound), so the statement cache sees few shapes.
  std::string sql =
      "SELECT id, tenant_id, time, client, method, path, resource_id, status, scim_type, "
      "latency_ms, detail, request_id FROM provisioning_log WHERE tenant_id = ?";
  std::vector<SqlValue> values{q.tenant_id};
  if (q.errors_only) sql += " AND status >= 400";
  if (q.resource_id) {
    sql += " AND resource_id = ?";
    values.emplace_back(*q.resource_id);
  }
  if (q.since) {
    sql += " AND time >= ?";
    values.emplace_back(*q.since);
  }
  if (q.until) {
    sql += " AND time < ?";
    values.emplace_back(*q.until);
  }
  if (q.before_id) {
    sql += " AND id < ?";
    values.emplace_back(*q.before_id);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  values.emplace_back(q.limit);
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt, db->prepare(sql));
  stmt.bind_all(values);
  std::vector<ProvisioningEntry> out;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    out.push_back(read_entry(stmt));
  }
}

Result<std::vector<StatusCount>> SqlStore::summarize_provisioning(TenantId tenant,
                                                                     std::string_view since) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db->prepare("SELECT status, COUNT(*) FROM provisioning_log "
                                     "WHERE tenant_id = ? AND time >= ? GROUP BY status "
                                     "ORDER BY status"));
  stmt.bind(1, tenant).bind(2, since);
  std::vector<StatusCount> out;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    out.push_back(StatusCount{static_cast<int>(stmt.column_int(0)), stmt.column_int(1)});
  }
}

Result<std::int64_t> SqlStore::prune_logs(TimePoint before) {
  const std::string cutoff = format_time(before);
  std::int64_t pruned = 0;
  SCIMD_TRY(exec_->write([&](Connection& db) -> Status {
    pruned = 0;  // a retried job starts over
    for (const char* sql : {"DELETE FROM provisioning_log WHERE time < ?",
                            "DELETE FROM webhook_deliveries WHERE time < ?",
                            "DELETE FROM mail WHERE time < ?",
                            // Leases of deleted endpoints and tenants, and of dead instances.
                            "DELETE FROM leases WHERE expires_at < ?"}) {
      SCIMD_ASSIGN_OR_RETURN(Statement stmt, db.prepare(sql));
      stmt.bind(1, cutoff);
      SCIMD_TRY(stmt.run());
      pruned += db.changes();
    }
    return {};
  }));
  return pruned;
}

}  // namespace scimd::store::sql
