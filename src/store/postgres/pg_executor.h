// The store's transactions on PostgreSQL: each write() is one BEGIN … COMMIT on a pooled
// connection, run again when the server rolled it back for a serialization failure or a
// deadlock (safe: the job's work only counts once the commit succeeds); reads borrow a pooled
// connection in autocommit mode.
#pragma once

#include <chrono>
#include <string>

#include "store/postgres/pg_pool.h"
#include "store/sql/connection.h"

namespace scimd::store::postgres {

struct PgExecutorOptions {
  // Runs of a job in all, when PostgreSQL keeps rolling it back (40001, 40P01).
  int max_attempts = 5;
  // Backoff before run n+1 is a random time up to first_backoff * 2^(n-1).
  std::chrono::milliseconds first_backoff{4};
  // The statement that opens each write transaction (e.g. with an isolation level).
  std::string begin = "BEGIN";
};

class PgConnection;

// Runs `job` on `conn` inside an open transaction: the job's own error, or internal when a
// statement failed and aborted the transaction though the job went on regardless.
Status run_job(const sql::Executor::Job& job, PgConnection& conn);
// The answer when the connection was lost during COMMIT: the transaction's fate is unknown.
Error commit_fate_unknown();

class PgExecutor final : public sql::Executor {
 public:
  // `pool` must outlive the executor.
  explicit PgExecutor(PgPool& pool, PgExecutorOptions options = {});

  // Errors: the job's own error, unchanged (its work rolled back); unavailable when no
  // connection can be had, the connection is lost (a COMMIT whose fate is unknown is never run
  // again) or the server keeps rolling the transaction back; uniqueness or internal when the
  // COMMIT itself fails for another reason.
  Status write(const Job& job) override;
  Result<sql::Lease> read() override { return pool_.acquire(); }
  sql::Dialect dialect() const override { return sql::Dialect::postgres; }
  // The statement that opens a write transaction (PgBatchWriter opens its batches with it).
  const std::string& begin_statement() const { return options_.begin; }

 private:
  struct Attempt;
  Attempt run_once(const Job& job);

  PgPool& pool_;
  PgExecutorOptions options_;
};

}  // namespace scimd::store::postgres
