// Wakes whoever waits for new events (the change feed's long-poll, the webhook dispatcher,
// the mailer) after a commit appended some. A generation counter, so a waiter never misses a
// notification that came between its read and its wait.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace scimd::store {

class EventSignal {
 public:
  // The current generation; read it before reading events, then wait for a newer one.
  std::uint64_t generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
  }
  // Called by the store after a commit that appended events.
  void notify() {
    {
      std::lock_guard lock(mutex_);
      ++generation_;
    }
    changed_.notify_all();
  }
  // Waits until the generation differs from `seen` or the deadline passes; returns whether it
  // changed.
  bool wait_until(std::uint64_t seen, std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return generation_ != seen; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t generation_ = 0;
};

}  // namespace scimd::store
