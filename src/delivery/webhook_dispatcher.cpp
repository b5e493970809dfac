#include "delivery/webhook_dispatcher.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <random>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "core/crypto.h"
#include "delivery/http_post.h"
#include "delivery/signature.h"

namespace scimd::delivery {

namespace json = boost::json;
using Ms = std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

namespace {

// A re-list on a signal wake-up at most this often: commits can signal hundreds of times a
// second, and the endpoint table changes rarely.
constexpr Ms kMinRelistGap{50};
// The scheduler's longest sleep: bounds how late it notices stop() and an endpoint whose round
// ended just after a signal.
constexpr Ms kTick{100};
// Under a write load the event signal fires for every commit; the scheduler passes at most
// once per this gap, so it costs a wake-up per gap instead of one per write.
constexpr Ms kMinPassGap{10};
// After a store error while taking or renewing a lease: the next try (not every tick).
constexpr Ms kLeaseErrorRetry{1000};

bool same_delivery_state(const store::Webhook& a, const store::Webhook& b) {
  return a.delivered_seq == b.delivered_seq && a.state == b.state && a.attempts == b.attempts &&
         a.failing_since == b.failing_since && a.next_attempt_at == b.next_attempt_at;
}

std::optional<TimePoint> parse_optional_time(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parse_time(*text);
}

std::string lease_name(const store::Webhook& hook) { return "webhook:" + hook.id; }

double jitter_factor(double jitter) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> dist(1.0 - jitter, 1.0 + jitter);
  return dist(rng);
}

}  // namespace

std::chrono::milliseconds retry_delay(const DispatcherOptions& options, std::int64_t failures) {
  Ms delay = options.first_retry;
  for (std::int64_t i = 1; i < failures && delay < options.max_retry; ++i) delay *= 2;
  return std::min(delay, options.max_retry);
}

// One endpoint. While `busy` (queued or in a round) only the worker running it touches the
// delivery fields; the scheduler touches them only while it is idle.
struct WebhookDispatcher::Endpoint {
  store::Webhook hook;       // the state delivery works on
  store::Webhook persisted;  // what the store holds, as far as this dispatcher knows
  std::string key;           // secret key bytes; empty: the secret is unusable
  std::unique_ptr<HttpPoster> poster;
  std::optional<TimePoint> due;  // next_attempt_at
  std::vector<store::DeliveryAttempt> pending;  // attempts not yet saved
  std::int64_t unsaved = 0;                     // events handled since the last save
  SteadyClock::time_point first_unsaved{};
  // Guarded by the dispatcher's mutex:
  bool busy = false;
  bool removed = false;
  bool caught_up = false;                // the last round ended on an empty outbox read
  std::uint64_t seen_generation = 0;     // signal generation read before that read
  std::uint64_t saves = 0;
  // The endpoint's lease, touched like the delivery fields (worker while busy, else scheduler).
  bool leased = false;
  SteadyClock::time_point lease_renewed{};   // when the last successful hold_lease started
  SteadyClock::time_point lease_retry_at{};  // no lease attempt before (not ours, or an error)

  // Delivery continues from the store's state of the endpoint (taken over, or replayed).
  void take_delivery_state(const store::Webhook& stored) {
    hook.delivered_seq = stored.delivered_seq;
    hook.state = stored.state;
    hook.attempts = stored.attempts;
    hook.failing_since = stored.failing_since;
    hook.next_attempt_at = stored.next_attempt_at;
    hook.last_error = stored.last_error;
    due = parse_optional_time(stored.next_attempt_at);
  }
};

WebhookDispatcher::WebhookDispatcher(std::shared_ptr<store::Store> store, DispatcherOptions options)
    : store_(std::move(store)), options_(std::move(options)), clock_(options_.clock) {
  if (!clock_) clock_ = std::make_shared<SystemClock>();
  options_.threads = std::max(1, options_.threads);
  if (options_.instance_id.empty()) options_.instance_id = crypto::hex(crypto::random_bytes(8));
  options_.lease_ttl = std::max(options_.lease_ttl, Ms(100));
  // Renewed often enough that a POST started just before the next renewal was due ends
  // (timeout) before the lease could expire; at least three renewals per TTL.
  renew_after_ = std::max(Ms(0), std::min(options_.lease_ttl / 3,
                                          options_.lease_ttl - options_.timeout - Ms(1000)));
  lease_retry_gap_ = std::max(Ms(50), options_.lease_ttl / 3);
}

WebhookDispatcher::~WebhookDispatcher() { stop(); }

void WebhookDispatcher::start() {
  std::lock_guard lock(mutex_);
  if (started_) return;
  started_ = true;
  for (int i = 0; i < options_.threads; ++i) workers_.emplace_back([this] { worker_loop(); });
  scheduler_ = std::thread([this] { schedule_loop(); });
}

void WebhookDispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!started_ || stopping_) return;
    stopping_ = true;
  }
  work_ready_.notify_all();
  scheduler_wake_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
  if (options_.release_leases_on_stop) release_leases();
}

void WebhookDispatcher::release_leases() {
  std::vector<std::shared_ptr<Endpoint>> held;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, ep] : endpoints_) {
      if (ep->leased) held.push_back(ep);
    }
  }
  for (const auto& ep : held) {
    if (auto r = store_->release_lease(lease_name(ep->hook), options_.instance_id); !r.ok()) {
      say(true, "webhooks: cannot release a lease (it expires by itself)",
          {{"webhook", ep->hook.id}, {"detail", r.error().detail}});
    }
    ep->leased = false;
  }
}

void WebhookDispatcher::say(bool warning, std::string_view msg, json::object fields) {
  if (options_.log) {
    options_.log(warning, msg, std::move(fields));
    return;
  }
  if (warning) {
    spdlog::warn("{} {}", msg, json::serialize(fields));
  } else {
    spdlog::info("{} {}", msg, json::serialize(fields));
  }
}

void WebhookDispatcher::schedule_loop() {
  std::uint64_t listed_generation = 0;
  auto listed_at = SteadyClock::time_point{};
  bool listed_once = false;
  while (true) {
    const std::uint64_t generation = store_->event_signal().generation();
    const auto steady_now = SteadyClock::now();
    const bool signalled = generation != listed_generation;
    if (!listed_once || steady_now - listed_at >= options_.relist_interval ||
        (signalled && steady_now - listed_at >= kMinRelistGap)) {
      sync_endpoints();
      listed_at = steady_now;
      listed_generation = generation;
      listed_once = true;
    }
    auto deadline = SteadyClock::now() + kTick;
    std::size_t queued = 0;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      const TimePoint wall_now = now();
      const auto steady = SteadyClock::now();
      for (auto& [id, ep] : endpoints_) {
        if (ep->busy || ep->hook.state != "active") continue;
        if (steady < ep->lease_retry_at) continue;  // another instance's, or the store failed
        // A lease is renewed while idle too (waiting for a retry, or caught up), so it stays
        // with this instance instead of lapsing between events.
        const bool renew = ep->leased && steady - ep->lease_renewed >= renew_after_;
        if (renew) {
          ep->busy = true;
          queue_.push_back(ep);
          ++queued;
          continue;
        }
        if (ep->due && *ep->due > wall_now) {
          deadline = std::min(deadline, SteadyClock::now() + std::chrono::duration_cast<Ms>(
                                                                   *ep->due - wall_now));
          continue;
        }
        const bool news = !ep->caught_up || ep->seen_generation != generation;
        if (!news && ep->unsaved == 0 && ep->pending.empty()) continue;
        ep->busy = true;
        queue_.push_back(ep);
        ++queued;
      }
    }
    // Only when there is work: every signalled write passes here, and waking idle workers for
    // nothing cost two context switches each per write.
    for (std::size_t i = 0; i < queued; ++i) work_ready_.notify_one();
    {
      std::unique_lock lock(mutex_);
      if (scheduler_wake_.wait_until(lock, steady_now + kMinPassGap, [&] { return stopping_; })) {
        return;
      }
    }
    store_->event_signal().wait_until(generation, deadline);
  }
}

void WebhookDispatcher::sync_endpoints() {
  std::map<std::string, std::uint64_t> saves_before;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, ep] : endpoints_) saves_before[id] = ep->saves;
  }
  auto listed = store_->list_webhooks(std::nullopt);
  if (!listed.ok()) {
    say(true, "webhooks: cannot list endpoints", {{"detail", listed.error().detail}});
    return;
  }
  std::lock_guard lock(mutex_);
  std::map<std::string, std::shared_ptr<Endpoint>> next;
  for (store::Webhook& row : *listed) {
    auto found = endpoints_.find(row.id);
    std::shared_ptr<Endpoint> ep;
    if (found == endpoints_.end()) {
      ep = std::make_shared<Endpoint>();
      PostOptions post;
      post.total_timeout = options_.timeout;
      post.connect_timeout = std::min(options_.timeout, Ms(5000));
      ep->poster = std::make_unique<HttpPoster>(post);
      ep->hook = row;
      ep->persisted = row;
      ep->due = parse_optional_time(row.next_attempt_at);
    } else {
      ep = found->second;
      // Someone else changed the delivery state (replay): only trust the row if no save of
      // ours could have landed between the snapshot and the read.
      const auto before = saves_before.find(row.id);
      const bool quiet = !ep->busy && before != saves_before.end() && before->second == ep->saves;
      if (quiet) {
        if (!same_delivery_state(row, ep->persisted)) {
          ep->hook = row;
          ep->persisted = row;
          ep->due = parse_optional_time(row.next_attempt_at);
          ep->caught_up = false;
        } else {
          ep->hook.url = row.url;
          ep->hook.secret = row.secret;
          ep->hook.events = row.events;
        }
      }
    }
    if (!ep->busy) {
      auto key = webhook_key(ep->hook.secret);
      ep->key = key.ok() ? *key : std::string();
    }
    next.emplace(row.id, std::move(ep));
  }
  for (auto& [id, ep] : endpoints_) {
    if (next.find(id) == next.end()) ep->removed = true;  // a running round sees it and stops
  }
  endpoints_ = std::move(next);
}

void WebhookDispatcher::worker_loop() {
  // Delivery is background work: under CPU contention SCIM requests go first (on Linux a
  // thread's nice value is its own). Events wait in the outbox meanwhile; none is lost.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), options_.nice);
  while (true) {
    std::shared_ptr<Endpoint> ep;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      ep = queue_.front();
      queue_.pop_front();
    }
    run_round(*ep);
    std::lock_guard lock(mutex_);
    ep->busy = false;
  }
}

void WebhookDispatcher::run_round(Endpoint& ep) {
  const auto should_stop = [&] {
    std::lock_guard lock(mutex_);
    return stopping_ || ep.removed;
  };
  store::Webhook& hook = ep.hook;
  const auto subscribed = [&](const std::string& type) {
    return hook.events.empty() ||
           std::find(hook.events.begin(), hook.events.end(), type) != hook.events.end();
  };
  const auto note_progress = [&] {
    if (ep.unsaved++ == 0) ep.first_unsaved = SteadyClock::now();
  };
  // Saves when the batch is full or old enough; true if a replay moved the endpoint meanwhile
  // (the events in hand are then stale).
  const auto flush_if_due = [&] {
    if (ep.unsaved >= options_.batch_events ||
        (ep.unsaved > 0 && SteadyClock::now() - ep.first_unsaved >= options_.batch_interval)) {
      return flush(ep);
    }
    return false;
  };

  {
    std::lock_guard lock(mutex_);
    ep.caught_up = false;  // until a read finds the outbox empty (a failed round is not)
  }
  if (!keep_lease(ep)) return;
  bool done = false;
  while (!done && !should_stop() && hook.state == "active" && !(ep.due && *ep.due > now())) {
    if (!keep_lease(ep)) break;
    const std::uint64_t generation = store_->event_signal().generation();
    auto events = store_->list_events(hook.tenant_id, hook.delivered_seq, options_.batch_events);
    if (!events.ok()) {
      say(true, "webhooks: cannot read events", {{"webhook", hook.id}, {"detail", events.error().detail}});
      break;
    }
    if (events->empty()) {
      std::lock_guard lock(mutex_);
      ep.caught_up = true;
      ep.seen_generation = generation;
      break;
    }
    for (const store::Event& event : *events) {
      if (should_stop()) {
        done = true;
        break;
      }
      if (!subscribed(event.type)) {
        hook.delivered_seq = event.seq;
        note_progress();
        if (flush_if_due()) break;
        continue;
      }
      if (!keep_lease(ep)) {  // lost: the new holder delivers this event
        done = true;
        break;
      }
      const TimePoint started = now();
      store::DeliveryAttempt attempt;
      attempt.webhook_id = hook.id;
      attempt.event_seq = event.seq;
      attempt.event_id = event.id;
      attempt.attempt = hook.attempts + 1;
      attempt.time = format_time(started);
      PostResult result;
      if (ep.key.empty()) {
        result.error = "the endpoint's secret is not whsec_ followed by base64";
      } else {
        const auto unix_seconds =
            std::chrono::duration_cast<std::chrono::seconds>(started.time_since_epoch()).count();
        const SignedHeaders signed_headers_ = signed_headers(ep.key, event.id, unix_seconds, event.json);
        result = ep.poster->post(hook.url,
                                 {{"webhook-id", signed_headers_.id},
                                  {"webhook-timestamp", signed_headers_.timestamp},
                                  {"webhook-signature", signed_headers_.signature}},
                                 event.json);
      }
      attempt.status = result.status;
      attempt.latency_ms = result.latency_ms;
      if (result.error.empty() && result.status >= 200 && result.status < 300) {
        attempt.outcome = "delivered";
        hook.delivered_seq = event.seq;
        hook.attempts = 0;
        hook.failing_since.reset();
        hook.next_attempt_at.reset();
        hook.last_error.clear();
        ep.due.reset();
        ep.pending.push_back(std::move(attempt));
        note_progress();
        if (flush_if_due()) break;
        continue;
      }
      // A failure: record it, schedule the retry (or give up past the horizon), stop the round.
      attempt.error = result.error.empty() ? "HTTP " + std::to_string(result.status) : result.error;
      const TimePoint failed_at = now();
      hook.attempts = attempt.attempt;
      hook.last_error = attempt.error;
      if (!hook.failing_since) hook.failing_since = format_time(started);
      const TimePoint streak_start = parse_time(*hook.failing_since).value_or(started);
      if (failed_at - streak_start >= options_.horizon) {
        hook.state = "dead";
        hook.next_attempt_at.reset();
        ep.due.reset();
        attempt.outcome = "dead";
        say(true, "webhook endpoint is dead: retry horizon passed; replay it to resume",
            {{"webhook", hook.id}, {"tenant", hook.tenant}, {"url", hook.url},
             {"failing_since", *hook.failing_since}, {"event_seq", event.seq},
             {"attempts", hook.attempts}, {"last_error", hook.last_error}});
      } else {
        const auto delay = Ms(static_cast<std::int64_t>(
            static_cast<double>(retry_delay(options_, hook.attempts).count()) *
            jitter_factor(options_.jitter)));
        ep.due = failed_at + delay;
        hook.next_attempt_at = format_time(*ep.due);
        attempt.outcome = "retrying";
      }
      ep.pending.push_back(std::move(attempt));
      flush(ep);  // a failure is saved at once (its retry time must survive a restart)
      done = true;
      break;
    }
    (void)flush_if_due();
  }
  if (ep.leased && (ep.unsaved > 0 || !ep.pending.empty())) (void)flush(ep);
}

bool WebhookDispatcher::keep_lease(Endpoint& ep) {
  const auto steady = SteadyClock::now();
  if (ep.leased && steady - ep.lease_renewed < renew_after_) return true;
  // Not ours until now, or ours so long ago that another instance may have held it meanwhile:
  // the store's delivery state is then the truth, not ours.
  const bool fresh = !ep.leased || steady - ep.lease_renewed >= options_.lease_ttl;
  auto held = store_->hold_lease(lease_name(ep.hook), options_.instance_id, now(),
                                 options_.lease_ttl);
  if (!held.ok()) {
    say(true, "webhooks: cannot take or renew a lease",
        {{"webhook", ep.hook.id}, {"detail", held.error().detail}});
    ep.lease_retry_at = steady + kLeaseErrorRetry;
    if (ep.leased && steady - ep.lease_renewed >= options_.lease_ttl) drop_lease(ep);
    return false;
  }
  if (!*held) {
    if (ep.leased) {
      say(false, "webhooks: another instance took over an endpoint",
          {{"webhook", ep.hook.id}, {"instance", options_.instance_id}});
    }
    drop_lease(ep);
    ep.lease_retry_at = steady + lease_retry_gap_;
    return false;
  }
  if (fresh) {
    auto current = store_->get_webhook(ep.hook.tenant_id, ep.hook.id);
    if (!current.ok()) {  // not delivering on state we could not read; the lease stays ours
      ep.lease_retry_at = steady + kLeaseErrorRetry;
      if (current.error().code == Errc::not_found) {
        std::lock_guard lock(mutex_);
        ep.removed = true;
      }
      return false;
    }
    ep.take_delivery_state(*current);
    std::lock_guard lock(mutex_);
    ep.persisted = ep.hook;
  }
  ep.leased = true;
  ep.lease_renewed = steady;  // the time before the call: errs on the early side
  return true;
}

void WebhookDispatcher::drop_lease(Endpoint& ep) {
  ep.leased = false;
  ep.pending.clear();
  ep.unsaved = 0;
}

bool WebhookDispatcher::flush(Endpoint& ep) {
  // A replay (admin API or CLI, maybe another process) while this round ran wins: the store
  // saves only if the stored state is still what this dispatcher last saved (checked under the
  // row's lock, so a replay cannot slip in between), else delivery takes the stored state and
  // saves the round's attempts on top of it.
  constexpr int kMaxTries = 3;  // a replay per try would be an operator racing the dispatcher
  bool replayed = false;
  const store::LeaseClaim claim{lease_name(ep.hook), options_.instance_id};
  for (int tries = 1;; ++tries) {
    auto saved = store_->save_delivery(claim, ep.persisted, ep.hook, ep.pending);
    if (!saved.ok()) {
      if (saved.error().code == Errc::precondition_failed) {  // another instance holds it now
        say(false, "webhooks: lease lost before saving; the new holder re-delivers",
            {{"webhook", ep.hook.id}, {"instance", options_.instance_id}});
        drop_lease(ep);
        ep.lease_retry_at = SteadyClock::now() + lease_retry_gap_;
        return true;
      }
      if (saved.error().code == Errc::not_found) {  // deleted meanwhile: nothing to keep
        std::lock_guard lock(mutex_);
        ep.removed = true;
        ep.pending.clear();
        ep.unsaved = 0;
        return false;
      }
      say(true, "webhooks: cannot save delivery progress",
          {{"webhook", ep.hook.id}, {"detail", saved.error().detail}});
      return replayed;  // kept in memory; the next flush tries again
    }
    if (*saved) break;
    auto current = store_->get_webhook(ep.hook.tenant_id, ep.hook.id);
    if (!current.ok()) return replayed;  // kept in memory; the next flush tries again
    ep.take_delivery_state(*current);
    {
      std::lock_guard lock(mutex_);
      ep.persisted = *current;
    }
    replayed = true;
    if (tries == kMaxTries) return replayed;
  }
  ep.pending.clear();
  ep.unsaved = 0;
  std::lock_guard lock(mutex_);
  ep.persisted = ep.hook;
  ++ep.saves;
  return replayed;
}

}  // namespace scimd::delivery
