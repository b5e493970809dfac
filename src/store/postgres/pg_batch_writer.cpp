#include "store/postgres/pg_batch_writer.h"

#include <algorithm>
#include <future>
#include <utility>

#include "store/postgres/pg_connection.h"

namespace scimd::store::postgres {

struct PgBatchWriter::Pending {
  const sql::Executor::Job* job = nullptr;  // the caller's, alive until `done` is set
  Status status;                            // the job's own error, once the batch committed
  bool again = false;  // rolled back by the server (serialization failure, deadlock): run alone
  std::promise<Status> done;
};

PgBatchWriter::PgBatchWriter(PgExecutor& executor, PgPool& pool, PgBatchWriterOptions options)
    : executor_(executor),
      pool_(pool),
      options_{std::max<std::size_t>(options.max_batch, 1),
               std::max<std::size_t>(options.lanes, 1), options.guarded_after_failure} {
  for (std::size_t i = 0; i < options_.lanes; ++i) lanes_.emplace_back([this] { run(); });
}

PgBatchWriter::~PgBatchWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& lane : lanes_) lane.join();
}

Status PgBatchWriter::write(const sql::Executor::Job& job) {
  auto pending = std::make_shared<Pending>();
  pending->job = &job;
  std::future<Status> done = pending->done.get_future();
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(pending);
  }
  wake_.notify_one();
  return done.get();
}

std::uint64_t PgBatchWriter::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

std::uint64_t PgBatchWriter::batched_jobs() const {
  std::lock_guard lock(mutex_);
  return batched_jobs_;
}

std::uint64_t PgBatchWriter::guarded_batches() const {
  std::lock_guard lock(mutex_);
  return guarded_batches_;
}

std::size_t PgBatchWriter::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void PgBatchWriter::run() {
  while (true) {
    Batch batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every queued job has run
      const std::size_t n = std::min(queue_.size(), options_.max_batch);
      batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    if (batch.size() == 1) {
      run_alone(batch);  // no savepoint round trip for a write that came alone
    } else {
      run_batch(batch);
    }
  }
}

void PgBatchWriter::run_alone(const Batch& jobs) {
  for (const auto& p : jobs) p->done.set_value(executor_.write(*p->job));
}

void PgBatchWriter::run_batch(Batch& batch) {
  Outcome outcome;
  {
    auto leased = pool_.acquire();
    if (!leased.ok()) {
      for (const auto& p : batch) p->done.set_value(leased.error());
      return;
    }
    const sql::Lease lease = std::move(leased).value();
    // The pool only ever lends PgConnections.
    auto& conn = static_cast<PgConnection&>(*lease);
    bool guarded = false;
    {
      std::lock_guard lock(mutex_);
      guarded = guarded_left_ > 0;
      if (guarded) --guarded_left_;
    }
    outcome = try_batch(conn, batch, guarded);
    if (outcome == Outcome::job_failed) {
      {
        std::lock_guard lock(mutex_);
        guarded_left_ = options_.guarded_after_failure;
      }
      outcome = try_batch(conn, batch, true);
    }
  }  // the connection goes back before any job runs again
  if (outcome == Outcome::lost) {
    for (const auto& p : batch) p->done.set_value(commit_fate_unknown());
    return;
  }
  if (outcome == Outcome::not_committed) {
    run_alone(batch);  // finds the job at fault, if any; the others commit on their own
    return;
  }
  Batch again;
  for (const auto& p : batch) {
    if (p->again) {
      again.push_back(p);
    } else {
      p->done.set_value(std::move(p->status));
    }
  }
  {
    std::lock_guard lock(mutex_);
    ++batches_;
    batched_jobs_ += batch.size() - again.size();
  }
  run_alone(again);
}

PgBatchWriter::Outcome PgBatchWriter::try_batch(PgConnection& conn, Batch& batch, bool guarded) {
  conn.clear_last_sqlstate();
  conn.drop_deferred();
  auto give_up = [&] {
    conn.drop_deferred();
    if (conn.healthy() && conn.in_transaction()) (void)conn.exec("ROLLBACK");
    return Outcome::not_committed;
  };
  if (guarded) {
    std::lock_guard lock(mutex_);
    ++guarded_batches_;
  }
  // Guarded, each job runs in savepoint `job`; between two jobs one round trip ends one and
  // opens the next.
  if (!conn.exec(executor_.begin_statement() + (guarded ? "; SAVEPOINT job" : "")).ok()) {
    return give_up();
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Pending& p = *batch[i];
    if (guarded && i > 0 && !conn.exec("RELEASE SAVEPOINT job; SAVEPOINT job").ok()) {
      return give_up();
    }
    const std::size_t mark = conn.deferred_mark();
    Status worked = run_job(*p.job, conn);
    if (worked.ok()) continue;
    if (!conn.healthy()) return give_up();  // nothing was committed: all run again, alone
    if (!guarded) {
      give_up();
      return Outcome::job_failed;
    }
    conn.drop_deferred_after(mark);
    p.again = retryable_sqlstate(conn.last_sqlstate());
    if (!conn.exec("ROLLBACK TO SAVEPOINT job").ok()) return give_up();
    conn.clear_last_sqlstate();
    if (!p.again) p.status = std::move(worked);
  }
  if (!conn.commit_with_deferred().ok()) {
    const Outcome outcome = conn.healthy() ? Outcome::not_committed : Outcome::lost;
    give_up();
    return outcome;
  }
  return Outcome::committed;
}

}  // namespace scimd::store::postgres
