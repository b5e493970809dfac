#include "store/postgres/pg_executor.h"

#include <random>
#include <thread>

#include "store/postgres/pg_connection.h"

namespace scimd::store::postgres {

// One run of a job: its outcome and whether the server rolled it back in a way that makes
// running it again safe and worthwhile.
struct PgExecutor::Attempt {
  Status status;
  bool retry = false;
};

Status run_job(const sql::Executor::Job& job, PgConnection& conn) {
  Status worked = job(conn);
  // A statement that failed aborts the whole transaction, even if the job went on regardless.
  if (worked.ok() && conn.transaction_failed()) {
    worked =
        make_error(Errc::internal, "postgres: transaction aborted by an earlier error (SQLSTATE " +
                                       conn.last_sqlstate() + ")");
  }
  return worked;
}

Error commit_fate_unknown() {
  return make_error(Errc::unavailable,
                    "postgres: connection lost during COMMIT; the transaction may or may not have "
                    "been committed");
}

PgExecutor::PgExecutor(PgPool& pool, PgExecutorOptions options)
    : pool_(pool), options_(std::move(options)) {
  if (options_.max_attempts < 1) options_.max_attempts = 1;
}

PgExecutor::Attempt PgExecutor::run_once(const Job& job) {
  auto leased = pool_.acquire();
  if (!leased.ok()) return {std::move(leased).error()};
  const sql::Lease lease = std::move(leased).value();
  // The pool only ever lends PgConnections.
  auto& conn = static_cast<PgConnection&>(*lease);
  conn.clear_last_sqlstate();
  conn.drop_deferred();
  if (Status begun = conn.exec(options_.begin); !begun.ok()) return {std::move(begun)};

  Status worked = run_job(job, conn);
  if (!worked.ok()) {
    const bool retry = conn.healthy() && retryable_sqlstate(conn.last_sqlstate());
    conn.drop_deferred();
    if (conn.healthy() && conn.in_transaction()) (void)conn.exec("ROLLBACK");
    return {std::move(worked), retry};
  }

  if (Status committed = conn.commit_with_deferred(); !committed.ok()) {
    // A deferred statement that failed left the transaction open and aborted.
    if (conn.healthy() && conn.in_transaction()) (void)conn.exec("ROLLBACK");
    if (!conn.healthy()) return {commit_fate_unknown()};
    // A COMMIT that the server refused ended the transaction: nothing was written.
    return {std::move(committed), retryable_sqlstate(conn.last_sqlstate())};
  }
  return {};
}

Status PgExecutor::write(const Job& job) {
  thread_local std::minstd_rand random(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    Attempt outcome = run_once(job);
    if (outcome.status.ok() || !outcome.retry || attempt >= options_.max_attempts) {
      return std::move(outcome.status);
    }
    // Full jitter: transactions that collided once should not collide again in lockstep.
    const auto ceiling = options_.first_backoff.count() << (attempt - 1);
    std::uniform_int_distribution<long long> pick(0, ceiling * 1000);
    std::this_thread::sleep_for(std::chrono::microseconds(pick(random)));
  }
}

}  // namespace scimd::store::postgres
