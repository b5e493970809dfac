// SqlStore: named leases (which instance does which background work) and the writes that only
// the lease's holder may make.
#include "store/sql/dialect_sql.h"
#include "store/sql/sql_store.h"

namespace scimd::store::sql {

namespace {

Error lease_lost(const LeaseClaim& claim) {
  return make_error(Errc::precondition_failed,
                    "lease '" + claim.name + "' is no longer held by " + claim.owner);
}

// Inside a write transaction: locks the lease row until commit (PostgreSQL; SQLite has one
// writer) and fails unless `claim.owner` holds it. A take-over (hold_lease's upsert) waits
// for the lock, so it either comes first and this fails, or comes after this commit and
// its owner then reads what this transaction saved.
Status check_claim(Connection& db, const LeaseClaim& claim) {
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db.prepare(std::string("SELECT owner FROM leases WHERE name = ?") +
                                    std::string(row_lock(db.dialect()))));
  stmt.bind(1, claim.name);
  SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row || stmt.column_text(0) != claim.owner) return lease_lost(claim);
  return {};
}

}  // namespace

Result<bool> SqlStore::hold_lease(std::string_view name, std::string_view owner, TimePoint now,
                                  std::chrono::milliseconds ttl) {
  bool held = false;
  SCIMD_TRY(exec_->write([&](Connection& db) -> Status {
    held = false;
    // One statement: PostgreSQL locks a conflicting row and evaluates the WHERE on its newest
    // version, so of two instances racing for an expired lease the second sees the first's
    // fresh expiry and gets no row back (atomic under READ COMMITTED).
    SCIMD_ASSIGN_OR_RETURN(
        Statement stmt, db.prepare("INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?) "
                                   "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "
                                   "expires_at = excluded.expires_at "
                                   "WHERE leases.owner = excluded.owner OR leases.expires_at <= ? "
                                   "RETURNING owner"));
    stmt.bind(1, name).bind(2, owner).bind(3, format_time(now + ttl)).bind(4, format_time(now));
    while (true) {
      SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
      if (!row) return {};
      held = true;
    }
  }));
  return held;
}

Status SqlStore::release_lease(std::string_view name, std::string_view owner) {
  return exec_->write([&](Connection& db) -> Status {
    SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                           db.prepare("DELETE FROM leases WHERE name = ? AND owner = ?"));
    stmt.bind(1, name).bind(2, owner);
    return stmt.run();
  });
}

Status SqlStore::save_delivery(const LeaseClaim& claim, const Webhook& state,
                               const std::vector<DeliveryAttempt>& attempts) {
  return exec_->write([&](Connection& db) -> Status {
    SCIMD_TRY(check_claim(db, claim));
    SCIMD_ASSIGN_OR_RETURN(Statement update,
                           db.prepare("UPDATE webhooks SET delivered_seq = ?, state = ?, "
                                      "attempts = ?, failing_since = ?, next_attempt_at = ?, "
                                      "last_error = ? WHERE id = ?"));
    update.bind(1, state.delivered_seq).bind(2, state.state).bind(3, state.attempts);
    if (state.failing_since) {
      update.bind(4, *state.failing_since);
    } else {
      update.bind(4, nullptr);
    }
    if (state.next_attempt_at) {
      update.bind(5, *state.next_attempt_at);
    } else {
      update.bind(5, nullptr);
    }
    update.bind(6, state.last_error).bind(7, state.id);
    SCIMD_TRY(update.run());
    if (db.changes() == 0) {
      return make_error(Errc::not_found, "webhook '" + state.id + "' not found");
    }
    for (const DeliveryAttempt& a : attempts) {
      SCIMD_ASSIGN_OR_RETURN(
          Statement insert,
          db.prepare(
              "INSERT INTO webhook_deliveries (webhook_id, event_seq, event_id, attempt, "
              "time, status, latency_ms, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      insert.bind(1, state.id).bind(2, a.event_seq).bind(3, a.event_id).bind(4, a.attempt);
      insert.bind(5, a.time.empty() ? now() : a.time).bind(6, a.status).bind(7, a.latency_ms);
      insert.bind(8, a.outcome).bind(9, a.error);
      SCIMD_TRY(insert.run());
    }
    return {};
  });
}

Status SqlStore::set_consumer_seq(const LeaseClaim& claim, TenantId tenant,
                                  std::string_view consumer, std::int64_t seq) {
  return exec_->write([&](Connection& db) -> Status {
    SCIMD_TRY(check_claim(db, claim));
    SCIMD_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare("INSERT INTO consumers (tenant_id, name, seq) VALUES (?, ?, ?) "
                   "ON CONFLICT (tenant_id, name) DO UPDATE SET seq = excluded.seq"));
    stmt.bind(1, tenant).bind(2, consumer).bind(3, seq);
    return stmt.run();
  });
}

}  // namespace scimd::store::sql
