#include <charconv>

#include <spdlog/spdlog.h>

#include "api/service.h"
#include "app/admin_key.h"
#include "app/commands.h"
#include "app/log.h"
#include "app/mail_wiring.h"
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
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string p = listen.substr(colon + 1);
  unsigned int v = 0;
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  if (ec != std::errc() || end != p.data() + p.size() || v > 65535) return false;
  port = static_cast<unsigned short>(v);
  return true;
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
  auto opened = store::Store::open(config.db);
  if (!opened.ok()) {
    log_event(LogLevel::error, "cannot open the store", {{"db", config.db}, {"detail", opened.error().detail}});
    return 1;
  }
  std::shared_ptr<store::Store> store = std::move(opened).value();

  // Webhook delivery runs on threads of its own, from the outbox, beside the server.
  delivery::DispatcherOptions webhook_options;
  const auto horizon = parse_duration(config.webhook_horizon);
  const auto webhook_timeout = parse_duration(config.webhook_timeout);
  if (!horizon || !webhook_timeout || *webhook_timeout <= std::chrono::seconds(0)) {
    log_event(LogLevel::error, "--webhook-horizon and --webhook-timeout must be durations like 30s, 15m, 72h",
              {{"webhook_horizon", config.webhook_horizon}, {"webhook_timeout", config.webhook_timeout}});
    return 2;
  }
  webhook_options.horizon = *horizon;
  webhook_options.timeout = *webhook_timeout;
  webhook_options.log = [](bool warning, std::string_view msg, boost::json::object fields) {
    log_event(warning ? LogLevel::warn : LogLevel::info, msg, std::move(fields));
  };
  delivery::WebhookDispatcher webhooks(store, webhook_options);
  webhooks.start();
  // Invitation mail and retention pruning, also from the store, beside the server.
  auto background = Background::start(config.mail, config.db, store);
  if (!background.ok()) {
    log_event(LogLevel::error, background.error().detail);
    return 2;
  }
  log_event(LogLevel::info, "invitations", {{"transport", (*background)->describe()}});

  // Made after listen(): the default public URL needs the bound port. No request is handled
  // before run(), so the handler may refer to it.
  std::unique_ptr<api::Service> service;
  // Waiting feed long-polls answer at once when the drain begins, so SIGTERM stays prompt.
  options.on_drain = [&service] {
    if (service) service->stop_waiting();
  };
  http::Server server(
      options, [&service](const api::Request& r) { return service->handle(r); },
      [](const api::Request& r) { return api::Service::may_block(r); });
  if (auto r = server.listen(); !r.ok()) {
    log_event(LogLevel::error, "cannot listen", {{"listen", config.listen}, {"detail", r.error().detail}});
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
  service = std::make_unique<api::Service>(store, service_options);
  log_event(LogLevel::info, "listening",
            {{"host", options.host}, {"port", server.port()}, {"public_url", public_url},
             {"tenant_url", api::tenant_url(public_url, "{tenant}")},
             {"admin_api", admin_key->secret.empty() ? "off" : "on (key from " + admin_key->origin + ")"}});
  server.run();
  webhooks.stop();  // lets in-flight POSTs finish (bounded by --webhook-timeout), saves progress
  (*background)->stop();
  service.reset();  // writes what the provisioning log still queues while logging still works
  log_event(LogLevel::info, "stopped");
  spdlog::shutdown();  // flushes the asynchronous access log
  return 0;
}

}  // namespace scimd::app
