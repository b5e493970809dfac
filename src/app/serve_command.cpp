#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "api/error_response.h"
#include "api/json_response.h"
#include "api/service.h"
#include "app/admin_key.h"
#include "app/commands.h"
#include "app/log.h"
#include "app/mail_wiring.h"
#include "core/crypto.h"
#include "core/time.h"
#include "delivery/webhook_dispatcher.h"
#include "http/server.h"
#include "store/store.h"

namespace scimd::app {

namespace {

// "HOST:PORT" or "[v6]:PORT".
bool split_listen(const std::string& listen, std::string& host, unsigned short& port) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string p = listen.substr(colon + 1);
  unsigned int v = 0;
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  if (ec != std::errc() || end != p.data() + p.size() || v > 65535) return false;
  port = static_cast<unsigned short>(v);
  return true;
}

// What runs once the store is open: webhook delivery, invitation mail and retention, and the
// API service. Stopped in that order.
struct Running {
  std::shared_ptr<store::Store> store;
  std::unique_ptr<delivery::WebhookDispatcher> webhooks;
  std::unique_ptr<Background> background;
  std::unique_ptr<api::Service> service;

  void stop() {
    if (webhooks) webhooks->stop();  // lets in-flight POSTs finish, saves progress
    if (background) background->stop();
    service.reset();  // writes what the provisioning log still queues while logging still works
  }
};

// Builds everything on top of an open store. Errors: invalid_value (a mail flag).
Result<std::unique_ptr<Running>> start_running(const ServeConfig& config,
                                               std::shared_ptr<store::Store> store,
                                               const delivery::DispatcherOptions& webhook_options,
                                               api::ServiceOptions service_options) {
  // One instance id and lease TTL for both kinds of lease (docs/deploy.md).
  mail::MailerOptions mailer_options;
  mailer_options.instance_id = webhook_options.instance_id;
  mailer_options.lease_ttl = webhook_options.lease_ttl;
  auto running = std::make_unique<Running>();
  running->store = store;
  // Webhook delivery runs on threads of its own, from the outbox, beside the server.
  running->webhooks = std::make_unique<delivery::WebhookDispatcher>(store, webhook_options);
  running->webhooks->start();
  // Invitation mail and retention pruning, also from the store, beside the server.
  auto background = Background::start(config.mail, config.db, store, std::move(mailer_options));
  if (!background.ok()) {
    running->stop();
    return background.error();
  }
  running->background = std::move(background).value();
  log_event(LogLevel::info, "invitations", {{"transport", running->background->describe()}});
  running->service = std::make_unique<api::Service>(store, std::move(service_options));
  return running;
}

// Opens the store while the server already answers: /healthz says "starting" and every other
// request gets 503 with Retry-After until the database can be reached. Retries with backoff
// (1 s doubling to 30 s), one log line per failure, until stop().
class StoreOpener {
 public:
  using Ready = std::function<Status(std::shared_ptr<store::Store>)>;

  StoreOpener(std::string url, Ready ready) : url_(std::move(url)), ready_(std::move(ready)) {}
  ~StoreOpener() { stop(); }

  void start(std::string first_failure) {
    set_waiting(std::move(first_failure));
    thread_ = std::thread([this] { run(); });
  }
  void stop() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  std::string waiting_for() const {
    const std::lock_guard lock(mutex_);
    return waiting_;
  }

 private:
  void set_waiting(std::string detail) {
    const std::lock_guard lock(mutex_);
    waiting_ = std::move(detail);
  }
  void run() {
    std::chrono::seconds delay{1};
    while (true) {
      log_event(
          LogLevel::warn, "database unreachable; retrying",
          {{"detail", waiting_for()}, {"retry_in_s", static_cast<std::int64_t>(delay.count())}});
      {
        std::unique_lock lock(mutex_);
        if (wake_.wait_for(lock, delay, [this] { return stopping_; })) return;
      }
      delay = std::min(delay * 2, std::chrono::seconds(30));
      auto opened = store::Store::open(url_);
      if (!opened.ok()) {
        set_waiting(opened.error().detail);
        continue;
      }
      log_event(LogLevel::info, "database reachable; store open");
      if (Status s = ready_(std::shared_ptr<store::Store>(std::move(opened).value())); !s.ok()) {
        log_event(LogLevel::error, s.error().detail);
      }
      return;
    }
  }

  const std::string url_;
  const Ready ready_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::string waiting_;
  std::thread thread_;
};

// The answer while the store is not open yet.
api::Response not_ready(const api::Request& r, const std::string& waiting_for) {
  const std::string_view path = std::string_view(r.target).substr(0, r.target.find('?'));
  if (path == "/healthz") {
    api::Response response = api::json_response(
        503, boost::json::object{{"status", "starting"},
                                 {"detail", "waiting for the database: " + waiting_for}});
    response.headers.emplace_back("Retry-After", "5");
    return response;
  }
  return api::error_response(
      make_error(Errc::unavailable, "scimd is starting: the database cannot be reached yet"));
}

}  // namespace

int serve(const ServeConfig& config) {
  http::ServerOptions options;
  if (!split_listen(config.listen, options.host, options.port)) {
    log_event(LogLevel::error, "bad --listen; expected HOST:PORT", {{"listen", config.listen}});
    return 2;
  }
  if (config.db.empty()) {
    log_event(LogLevel::error, "--db (or SCIMD_DB) is required, e.g. sqlite:scimd.db");
    return 2;
  }
  auto admin_key = admin_key_source(config.admin_key_file);
  if (!admin_key.ok()) {
    log_event(LogLevel::error, admin_key.error().detail);
    return 2;
  }
  options.max_body_bytes = config.max_body_bytes;
  options.io_threads = config.threads;
  // Reads run on the I/O threads. On PostgreSQL each one waits out a round trip on a pooled
  // connection, so by default there are enough threads to keep the whole pool busy: one per
  // core left connections idle (8 threads gave ~30 % more filter lookups/s on 2 cores).
  if (options.io_threads == 0) {
    options.io_threads = std::max(static_cast<int>(std::thread::hardware_concurrency()),
                                  store::Store::waiting_reads(config.db));
  }

  delivery::DispatcherOptions webhook_options;
  const auto horizon = parse_duration(config.webhook_horizon);
  const auto webhook_timeout = parse_duration(config.webhook_timeout);
  if (!horizon || !webhook_timeout || *webhook_timeout <= std::chrono::seconds(0)) {
    log_event(
        LogLevel::error,
        "--webhook-horizon and --webhook-timeout must be durations like 30s, 15m, 72h",
        {{"webhook_horizon", config.webhook_horizon}, {"webhook_timeout", config.webhook_timeout}});
    return 2;
  }
  webhook_options.horizon = *horizon;
  webhook_options.timeout = *webhook_timeout;
  // A lease must outlive the longest webhook POST, which runs under it.
  const auto lease_ttl = parse_duration(config.lease_ttl);
  if (!lease_ttl || *lease_ttl < std::chrono::seconds(3) ||
      *lease_ttl < *webhook_timeout + std::chrono::seconds(2)) {
    log_event(LogLevel::error,
              "--lease-ttl must be a duration of at least 3s and at least --webhook-timeout + 2s",
              {{"lease_ttl", config.lease_ttl}, {"webhook_timeout", config.webhook_timeout}});
    return 2;
  }
  webhook_options.lease_ttl = *lease_ttl;
  webhook_options.instance_id =
      config.instance_id.empty() ? crypto::hex(crypto::random_bytes(8)) : config.instance_id;
  webhook_options.log = [](bool warning, std::string_view msg, boost::json::object fields) {
    log_event(warning ? LogLevel::warn : LogLevel::info, msg, std::move(fields));
  };

  // A wrong URL, password or database name ends the start at once (exit 2); a database that
  // cannot be reached yet is waited for while the server answers 503 (StoreOpener).
  auto opened = store::Store::open(config.db);
  if (!opened.ok() && opened.error().code != Errc::unavailable) {
    log_event(LogLevel::error, "cannot open the store",
              {{"db", config.db}, {"detail", opened.error().detail}});
    return opened.error().code == Errc::invalid_value ? 2 : 1;
  }

  // Set by ready(): on this thread, or on the opener's, which is joined before `running` is
  // read again.
  std::unique_ptr<Running> running;
  std::atomic<api::Service*> service{nullptr};  // published once everything runs
  std::unique_ptr<StoreOpener> opener;
  // Waiting feed long-polls answer at once when the drain begins, so SIGTERM stays prompt.
  options.on_drain = [&service] {
    if (api::Service* s = service.load()) s->stop_waiting();
  };
  http::Server server(
      options,
      [&service, &opener](const api::Request& r) {
        if (api::Service* s = service.load(std::memory_order_acquire)) return s->handle(r);
        return not_ready(r, opener ? opener->waiting_for() : std::string());
      },
      [](const api::Request& r) { return api::Service::may_block(r); });
  if (auto r = server.listen(); !r.ok()) {
    log_event(LogLevel::error, "cannot listen",
              {{"listen", config.listen}, {"detail", r.error().detail}});
    return 1;
  }
  std::string public_url = config.public_url;
  if (public_url.empty()) {
    const bool v6 = options.host.find(':') != std::string::npos;
    public_url = "http://" + (v6 ? "[" + options.host + "]" : options.host) + ":" +
                 std::to_string(server.port());
  }
  api::ServiceOptions service_options;
  service_options.public_url = public_url;
  service_options.caps.max_page_size = config.max_page_size;
  service_options.caps.default_page_size = std::min(config.default_page_size, config.max_page_size);
  service_options.caps.max_payload_bytes = static_cast<std::int64_t>(config.max_body_bytes);
  // Feed long-polls may hold at most half the blocking pool; SCIM writes keep the rest.
  service_options.max_feed_waiters = std::max(1, options.blocking_threads / 2);
  service_options.admin_key = api::AdminKey::from_secret(admin_key->secret);  // held as a hash

  // Everything on top of the store; on a mail flag error the server stops (exit 2).
  int exit_code = 0;
  auto ready = [&](std::shared_ptr<store::Store> store) -> Status {
    auto started = start_running(config, std::move(store), webhook_options, service_options);
    if (!started.ok()) {
      exit_code = 2;
      server.stop();
      return started.error();
    }
    running = std::move(started).value();
    service.store(running->service.get(), std::memory_order_release);
    return {};
  };
  if (opened.ok()) {
    if (Status s = ready(std::shared_ptr<store::Store>(std::move(opened).value())); !s.ok()) {
      log_event(LogLevel::error, s.error().detail);
      return 2;
    }
  } else {
    opener = std::make_unique<StoreOpener>(config.db, ready);
    opener->start(opened.error().detail);
  }
  log_event(LogLevel::info, "listening",
            {{"host", options.host},
             {"port", server.port()},
             {"public_url", public_url},
             {"tenant_url", api::tenant_url(public_url, "{tenant}")},
             {"instance_id", webhook_options.instance_id},
             {"admin_api",
              admin_key->secret.empty() ? "off" : "on (key from " + admin_key->origin + ")"}});
  server.run();
  if (opener) opener->stop();  // no store may open after this point
  service.store(nullptr);
  if (running) running->stop();
  log_event(LogLevel::info, "stopped");
  // Flushes the access log. Not spdlog::shutdown(): the store and its threads are destroyed
  // after this, and a line they log then must find its logger.
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& logger) { logger->flush(); });
  return exit_code;
}

}  // namespace scimd::app
