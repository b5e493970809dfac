// Retention: a background thread that deletes old events (the outbox) and old log rows
// (provisioning log, webhook delivery attempts, mail records) once at start and then hourly.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "store/store.h"

namespace scimd::store {

struct RetentionOptions {
  std::chrono::seconds event_retention = std::chrono::hours(24 * 90);
  std::chrono::seconds log_retention = std::chrono::hours(24 * 30);
  std::chrono::seconds interval = std::chrono::hours(1);
};

// One pruning pass at `now`; returns the rows deleted (events + logs). Errors: the store's.
Result<std::int64_t> prune_once(Store& store, const RetentionOptions& options, TimePoint now);

class RetentionPruner {
 public:
  RetentionPruner(std::shared_ptr<Store> store, RetentionOptions options);
  ~RetentionPruner();  // stop()s
  RetentionPruner(const RetentionPruner&) = delete;
  RetentionPruner& operator=(const RetentionPruner&) = delete;

  void start();  // prunes now, then every `interval`
  void stop();

 private:
  std::shared_ptr<Store> store_;
  RetentionOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace scimd::store
