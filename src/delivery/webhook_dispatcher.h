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
//
// Several instances on one database: an endpoint is delivered only by the instance holding
// its lease "webhook:<id>" (Store::hold_lease), renewed while it works and idles; progress is
// saved only while the lease is still ours (compare-and-set in the save's transaction). An
// instance that dies without releasing is replaced once its lease expires (lease_ttl), by
// whichever instance tries first (every lease_ttl / 3). See docs/webhooks.md.
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
  // This instance's lease owner id; default: random. Unique per running instance.
  std::string instance_id;
  // How long a lease lasts without renewal: an endpoint whose instance died is taken over
  // within about lease_ttl * 4/3 + relist_interval. Must be well above `timeout`.
  std::chrono::milliseconds lease_ttl{15000};
  // stop() gives the leases up so another instance takes over at once. false: a test
  // simulating a crash (the leases must expire).
  bool release_leases_on_stop = true;
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
  // Saves progress and attempts; returns true if the events in hand are stale: a replay had
  // moved the endpoint (adopted), or the lease was lost (progress dropped).
  bool flush(Endpoint& ep);
  // Takes or renews ep's lease when due; false if another instance holds it (or the store
  // cannot say): the round must not deliver.
  bool keep_lease(Endpoint& ep);
  // After losing the lease: forgets unsaved progress; the next holder redoes it.
  void drop_lease(Endpoint& ep);
  void release_leases();
  void say(bool warning, std::string_view msg, boost::json::object fields);
  TimePoint now() const { return clock_->now(); }

  std::shared_ptr<store::Store> store_;
  DispatcherOptions options_;
  std::shared_ptr<const Clock> clock_;
  std::chrono::milliseconds renew_after_{0};     // a held lease is renewed once this old
  std::chrono::milliseconds lease_retry_gap_{0};  // between tries for another's lease

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable scheduler_wake_;  // stop() interrupts the gap between passes
  std::map<std::string, std::shared_ptr<Endpoint>> endpoints_;
  std::deque<std::shared_ptr<Endpoint>> queue_;
  bool stopping_ = false;
  bool started_ = false;
  std::thread scheduler_;
  std::vector<std::thread> workers_;
};

}  // namespace scimd::delivery
