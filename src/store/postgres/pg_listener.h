// Cross-instance wake-up: a thread with its own libpq connection that LISTENs on a channel
// and calls back on every NOTIFY (the store's writes that append events send one at commit),
// so the waiters of this process hear of commits made by any instance on the database.
//
// If the server goes away the listener reconnects with backoff (100 ms doubling to 5 s) and
// calls back once it listens again, since notifications sent meanwhile are lost. Callers keep
// polling as well; the listener only makes waking fast.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace scimd::store::postgres {

inline constexpr std::string_view kEventsChannel = "scimd_events";

class PgListener {
 public:
  // Starts the thread; it connects to `url` (libpq URI) and LISTENs on `channel` (an SQL
  // identifier, not input). `on_notify` runs on the listener's thread and must not block.
  PgListener(std::string url, std::string channel, std::function<void()> on_notify);
  ~PgListener();  // stops the thread (interrupting a wait or a backoff) and joins it
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;

  // Whether LISTEN is in effect right now (for tests and health output).
  bool listening() const { return listening_.load(); }
  // Connections made so far (1 after the first; more after the server went away).
  int connects() const { return connects_.load(); }

 private:
  void run();
  // Waits on the stop fd for `duration`; false once stopping.
  bool pause(std::chrono::milliseconds duration);

  std::string url_;
  std::string channel_;
  std::function<void()> on_notify_;
  int stop_fd_ = -1;  // an eventfd the destructor writes to
  std::atomic<bool> stopping_{false};
  std::atomic<bool> listening_{false};
  std::atomic<int> connects_{0};
  std::thread thread_;
};

}  // namespace scimd::store::postgres
