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

Result<bool> SqlStore::save_delivery(const LeaseClaim& claim, const Webhook& expected,
                                     const Webhook& state,
                                     const std::vector<DeliveryAttempt>& attempts) {
  bool saved = false;
  SCIMD_TRY(exec_->write([&](Connection& db) -> Status {
    saved = false;
    SCIMD_TRY(check_claim(db, claim));
    SCIMD_ASSIGN_OR_RETURN(const bool unchanged, delivery_state_is(db, expected));
    if (!unchanged) return {};  // replayed meanwhile: the caller takes the stored state
    SCIMD_TRY(write_delivery(db, state, attempts));
    saved = true;
    return {};
  }));
  return saved;
}

Status SqlStore::set_consumer_seq(const LeaseClaim& claim, TenantId tenant,
                                  std::string_view consumer, std::int64_t seq) {
  return exec_->write([&](Connection& db) -> Status {
    SCIMD_TRY(check_claim(db, claim));
    return write_consumer_seq(db, tenant, consumer, seq);
  });
}

}  // namespace scimd::store::sql
