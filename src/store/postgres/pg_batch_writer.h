// Group commit on PostgreSQL: writes queue, and a writer thread (one of `lanes`) runs what has
// queued (up to max_batch jobs) in one transaction on a pooled connection, so a burst of writes
// pays one COMMIT (one WAL flush, one hold of each tenant's event-counter row) instead of one
// each. The SQLite writer does the same (sqlite/write_queue.h).
//
// Jobs run back to back, with no savepoints: most writes succeed, and a savepoint costs a round
// trip per job. When a job fails, the transaction is rolled back and the batch runs again with
// each job in its own savepoint, as do the next `guarded_after_failure` batches (a client whose
// writes keep failing costs one wasted batch per that many). A job's error then rolls back to
// its savepoint only. Results are handed out after the COMMIT. When
// the COMMIT is refused (a kept statement failed, a deadlock with another instance), every job of
// the batch runs again in a transaction of its own (PgExecutor), which finds the one at fault;
// when the connection is lost at COMMIT, every job of the batch is unavailable (fate unknown).
// A job the server rolled back for a serialization failure or deadlock runs again on its own.
// One job alone runs exactly as PgExecutor runs it (no savepoint).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/postgres/pg_executor.h"

namespace scimd::store::postgres {

class PgConnection;

struct PgBatchWriterOptions {
  std::size_t max_batch = 64;  // jobs per transaction at most
  // Writer threads, each running its own batches on its own connection. Two keep PostgreSQL
  // busy while the other batch waits on its round trips; batches that lock the same rows in
  // opposite orders can deadlock, and the server's victim job then runs again on its own.
  std::size_t lanes = 2;
  // Batches run with a savepoint per job after one had a failing job.
  std::size_t guarded_after_failure = 64;
};

class PgBatchWriter {
 public:
  // `executor` (and its pool) must outlive the writer; it runs lone jobs and reruns.
  explicit PgBatchWriter(PgExecutor& executor, PgPool& pool, PgBatchWriterOptions options = {});
  // Runs every job still queued, then joins the writer threads.
  ~PgBatchWriter();
  PgBatchWriter(const PgBatchWriter&) = delete;
  PgBatchWriter& operator=(const PgBatchWriter&) = delete;

  // As sql::Executor::write: ok once the transaction holding the job has committed.
  Status write(const sql::Executor::Job& job);

  // Transactions committed with more than one job, and the jobs in them (tests, diagnosis).
  std::uint64_t batches() const;
  std::uint64_t batched_jobs() const;
  // Batch transactions run with a savepoint per job (committed or not), for tests.
  std::uint64_t guarded_batches() const;
  // Jobs waiting for a writer thread (not counting batches being run), for tests.
  std::size_t queued() const;

 private:
  struct Pending;
  using Batch = std::vector<std::shared_ptr<Pending>>;
  void run();
  void run_batch(Batch& batch);
  // Runs each job alone, in a transaction of its own, and hands out the results.
  void run_alone(const Batch& jobs);
  // committed; not_committed (nothing of it was); lost: the connection went away at COMMIT;
  // job_failed: a job failed in a batch without savepoints, which was rolled back.
  enum class Outcome { committed, not_committed, lost, job_failed };
  // The batch's transaction, with or without a savepoint per job.
  Outcome try_batch(PgConnection& conn, Batch& batch, bool guarded);

  PgExecutor& executor_;
  PgPool& pool_;
  const PgBatchWriterOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Pending>> queue_;
  bool stopping_ = false;
  std::uint64_t batches_ = 0;
  std::uint64_t batched_jobs_ = 0;
  std::uint64_t guarded_batches_ = 0;
  std::size_t guarded_left_ = 0;  // batches still to run with savepoints
  std::vector<std::thread> lanes_;  // last: they start after everything they use exists
};

}  // namespace scimd::store::postgres
