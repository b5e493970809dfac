// The single writer: one connection, one thread, and a queue of jobs committed in batches
// (group commit). Callers block until their job's transaction is durable or has failed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "core/result.h"
#include "store/sqlite/connection.h"

namespace scimd::store::sqlite {

class WriteQueue {
 public:
  // Runs inside the batch transaction, in its own savepoint: an error rolls back only this job.
  // A job passes any result out through what it captured; it must not act outside the
  // database, since its work only counts once submit() returns ok.
  using Job = sql::Executor::Job;

  static constexpr std::size_t kDefaultMaxBatch = 256;

  WriteQueue(std::unique_ptr<Connection> writer, std::size_t max_batch = kDefaultMaxBatch);
  // Runs every job still queued, then joins the writer thread.
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Queues a job and waits for it: ok once the batch holding it has committed; the job's own
  // error; or unavailable/internal if the batch could not commit.
  Status submit(Job job);

  // Batches committed so far (one COMMIT, so one WAL sync, each).
  std::uint64_t commit_count() const { return commits_.load(); }
  // Jobs waiting for the writer (not counting a batch being run), for tests.
  std::size_t queued() const;

 private:
  struct Pending;
  void run();
  void run_batch(std::deque<std::shared_ptr<Pending>>& batch);

  std::unique_ptr<Connection> writer_;
  const std::size_t max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Pending>> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> commits_{0};
  std::thread thread_;  // last: starts after everything it uses exists
};

}  // namespace scimd::store::sqlite
