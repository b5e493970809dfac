#include "store/retention.h"

#include <spdlog/spdlog.h>

namespace scimd::store {

Result<std::int64_t> prune_once(Store& store, const RetentionOptions& options, TimePoint now) {
  SCIMD_ASSIGN_OR_RETURN(const std::int64_t events, store.prune_events(now - options.event_retention));
  SCIMD_ASSIGN_OR_RETURN(const std::int64_t logs, store.prune_logs(now - options.log_retention));
  if (events + logs > 0) {
    spdlog::info("retention: deleted {} events and {} log rows", events, logs);
  }
  return events + logs;
}

RetentionPruner::RetentionPruner(std::shared_ptr<Store> store, RetentionOptions options)
    : store_(std::move(store)), options_(options) {}

RetentionPruner::~RetentionPruner() { stop(); }

void RetentionPruner::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      if (auto r = prune_once(*store_, options_, std::chrono::system_clock::now()); !r.ok()) {
        spdlog::warn("retention: pruning failed: {}", r.error().detail);
      }
      lock.lock();
      wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
    }
  });
}

void RetentionPruner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace scimd::store
