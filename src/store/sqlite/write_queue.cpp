#include "store/sqlite/write_queue.h"

#include <exception>
#include <future>
#include <string>
#include <utility>

namespace scimd::store::sqlite {

struct WriteQueue::Pending {
  Job job;
  Status outcome;  // the job's own result, before the commit
  std::promise<Status> done;
};

WriteQueue::WriteQueue(std::unique_ptr<Connection> writer, std::size_t max_batch)
    : writer_(std::move(writer)), max_batch_(max_batch == 0 ? 1 : max_batch) {
  thread_ = std::thread([this] { run(); });
}

WriteQueue::~WriteQueue() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

Status WriteQueue::submit(Job job) {
  auto pending = std::make_shared<Pending>();
  pending->job = std::move(job);
  std::future<Status> result = pending->done.get_future();
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) return make_error(Errc::unavailable, "store is shutting down");
    queue_.push_back(pending);
  }
  wake_.notify_one();
  return result.get();
}

std::size_t WriteQueue::queued() const {
  const std::lock_guard lock(mutex_);
  return queue_.size();
}

void WriteQueue::run() {
  std::deque<std::shared_ptr<Pending>> batch;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(batch);
    batch.clear();
  }
}

void WriteQueue::run_batch(std::deque<std::shared_ptr<Pending>>& batch) {
  Connection& db = *writer_;
  const auto fail_all = [&](const Error& error) {
    for (auto& p : batch) p->done.set_value(error);
  };
  if (Status begun = db.exec("BEGIN IMMEDIATE"); !begun.ok()) {
    fail_all(begun.error());
    return;
  }
  for (auto& p : batch) {
    if (Status s = db.exec("SAVEPOINT job"); !s.ok()) {
      p->outcome = std::move(s);
      continue;
    }
    try {
      p->outcome = p->job(db);
    } catch (const std::exception& e) {
      // A throwing job must not take the writer thread (and every later write) down with it.
      p->outcome = make_error(Errc::internal, std::string("write job failed: ") + e.what());
    }
    if (!db.in_transaction()) {
      // SQLite rolled the whole transaction back itself (I/O error, disk full): every job
      // before this one is lost with it.
      fail_all(make_error(Errc::unavailable, "write transaction aborted by SQLite: " +
                                                 std::string(sqlite3_errmsg(db.handle()))));
      return;
    }
    if (p->outcome.ok()) {
      p->outcome = db.exec("RELEASE job");
    } else {
      (void)db.exec("ROLLBACK TO job");
      (void)db.exec("RELEASE job");
    }
  }
  if (Status committed = db.exec("COMMIT"); !committed.ok()) {
    if (db.in_transaction()) (void)db.exec("ROLLBACK");
    Error error = std::move(committed).error();
    error.detail = "commit failed: " + error.detail;
    fail_all(error);
    return;
  }
  commits_.fetch_add(1);
  for (auto& p : batch) p->done.set_value(std::move(p->outcome));
}

}  // namespace scimd::store::sqlite
