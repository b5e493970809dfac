#include "api/key_use.h"

#include <utility>
#include <vector>

namespace scimd::api {

KeyUseRecorder::KeyUseRecorder(std::shared_ptr<store::Store> store,
                               std::chrono::milliseconds interval)
    : store_(std::move(store)), interval_(interval), thread_([this] { run(); }) {}

KeyUseRecorder::~KeyUseRecorder() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  (void)flush();  // nothing to report to at shutdown; see flush()
}

void KeyUseRecorder::note(std::string sha256_hex, TimePoint when) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(sha256_hex);
  if (it != pending_.end()) {
    if (it->second < when) it->second = when;
  } else if (pending_.size() < kKeyUseMaxPending) {
    pending_.emplace(std::move(sha256_hex), when);
  }
}

Status KeyUseRecorder::flush() {
  std::unordered_map<std::string, TimePoint> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return {};
  // The store never moves last_used back, so batches may land in any order.
  return store_->note_key_use(std::vector<std::pair<std::string, TimePoint>>(batch.begin(), batch.end()));
}

std::size_t KeyUseRecorder::pending() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

void KeyUseRecorder::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) break;
    lock.unlock();
    (void)flush();  // best effort: see flush()
    lock.lock();
  }
}

}  // namespace scimd::api
