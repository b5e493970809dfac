// Background webhook delivery: reads each endpoint's tenant outbox after its delivered_seq and
// POSTs the events, signed (delivery/signature.h), strictly in order, one in flight per
// endpoint, on a small pool of threads of its own (never a request thread).
//
// 2xx: delivered. Anything else (other status, timeout, refused): the attempt is logged and
// retried after first_retry * 2^(n-1) (capped at max_retry, +-jitter). A failure streak older
// than `horizon` makes the endpoint "dead": it stops until store.replay_webhook() revives it.
// Nothing is dropped; the events stay in the outbox. Progress (delivered_seq) and every attempt
// go to the store through save_delivery(), batched (<= batch_events or <= batch_interval), so a
// crash re-delivers at most the last batch (at-least-once; event ids are stable).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "core/time.h"
#include "store/store.h"

namespace scimd::delivery {

struct DispatcherOptions {
  std::chrono::seconds horizon{72 * 3600};
  std::chrono::milliseconds timeout{10000};  // whole POST; connecting gets at most 5 s of it
  int threads = 4;
  std::chrono::milliseconds first_retry{1000};
  std::chrono::milliseconds max_retry{3600 * 1000};
  double jitter = 0.2;
  std::int64_t batch_events = 100;
  std::chrono::milliseconds batch_interval{50};
  std::chrono::milliseconds relist_interval{1000};
  int nice = 10;  // delivery threads' nice value (0: same priority as requests)
  std::shared_ptr<const Clock> clock;  // default: system clock
  // Where notable things are said (an endpoint going dead, store errors); default spdlog.
  std::function<void(bool warning, std::string_view msg, boost::json::object fields)> log;
};

// The wait before retry number `failures` + 1 (failures >= 1), before jitter.
std::chrono::milliseconds retry_delay(const DispatcherOptions& options, std::int64_t failures);

class WebhookDispatcher {
 public:
  WebhookDispatcher(std::shared_ptr<store::Store> store, DispatcherOptions options = {});
  ~WebhookDispatcher();  // stop()
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  void start();
  // Lets every in-flight POST finish (or time out), saves progress, joins the threads.
  void stop();

 private:
  struct Endpoint;
  void schedule_loop();
  void worker_loop();
  void sync_endpoints();
  void run_round(Endpoint& ep);
  // Saves progress and attempts; returns true if a replay had moved the endpoint (adopted).
  bool flush(Endpoint& ep);
  void say(bool warning, std::string_view msg, boost::json::object fields);
  TimePoint now() const { return clock_->now(); }

  std::shared_ptr<store::Store> store_;
  DispatcherOptions options_;
  std::shared_ptr<const Clock> clock_;

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::map<std::string, std::shared_ptr<Endpoint>> endpoints_;
  std::deque<std::shared_ptr<Endpoint>> queue_;
  bool stopping_ = false;
  bool started_ = false;
  std::thread scheduler_;
  std::vector<std::thread> workers_;
};

}  // namespace scimd::delivery
