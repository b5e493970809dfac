// scimd webhook add|list|remove|replay|deliveries: a tenant's webhook endpoints from the CLI
// (the admin API offers the same over HTTP).
#include <iostream>

#include <boost/json.hpp>

#include "app/commands.h"
#include "delivery/webhook_spec.h"
#include "store/store.h"

namespace scimd::app {

namespace {

namespace json = boost::json;

int fail(const Error& e) {
  std::cerr << "scimd: " << e.detail << "\n";
  return e.code == Errc::invalid_value ? 2 : 1;
}

struct Opened {
  std::unique_ptr<store::Store> store;
  store::Tenant tenant;
};

Result<Opened> open_tenant(const WebhookConfig& config) {
  if (config.db.empty()) {
    return make_error(Errc::invalid_value, "--db (or SCIMD_DB) is required, e.g. sqlite:scimd.db");
  }
  SCIMD_ASSIGN_OR_RETURN(auto s, store::Store::open(config.db, store::Store::Use::one_shot));
  SCIMD_ASSIGN_OR_RETURN(store::Tenant tenant, s->find_tenant(config.tenant));
  return Opened{std::move(s), std::move(tenant)};
}


}  // namespace

int webhook_add(const WebhookConfig& config) {
  json::object body{{"url", config.url}};
  if (!config.events.empty()) {
    json::array events;
    for (const auto& e : config.events) events.emplace_back(e);
    body["events"] = std::move(events);
  }
  auto spec = delivery::parse_webhook_spec(body);
  if (!spec.ok()) return fail(spec.error());
  auto opened = open_tenant(config);
  if (!opened.ok()) return fail(opened.error());
  auto created = opened->store->create_webhook(opened->tenant.id, *spec);
  if (!created.ok()) return fail(created.error());
  if (config.json) {
    json::object o = delivery::webhook_json(*created);
    o["secret"] = created->secret;
    std::cout << json::serialize(o) << std::endl;
  } else {
    std::cout << "Webhook: " << created->id << "\n"
              << "URL:     " << created->url << "\n"
              << "Secret:  " << created->secret << "\n"
              << "(Verify each POST's webhook-signature with this secret; see docs/webhooks.md.)"
              << std::endl;
  }
  return 0;
}

int webhook_list(const WebhookConfig& config) {
  auto opened = open_tenant(config);
  if (!opened.ok()) return fail(opened.error());
  auto hooks = opened->store->list_webhooks(opened->tenant.id);
  if (!hooks.ok()) return fail(hooks.error());
  if (config.json) {
    json::array arr;
    for (const auto& w : *hooks) arr.emplace_back(delivery::webhook_json(w));
    std::cout << json::serialize(arr) << std::endl;
    return 0;
  }
  for (const auto& w : *hooks) {
    std::cout << w.id << "\t" << w.state << "\t" << w.delivered_seq << "\t" << w.url
              << (w.last_error.empty() ? "" : "\t" + w.last_error) << "\n";
  }
  return 0;
}

int webhook_remove(const WebhookConfig& config) {
  auto opened = open_tenant(config);
  if (!opened.ok()) return fail(opened.error());
  if (auto r = opened->store->delete_webhook(opened->tenant.id, config.id); !r.ok()) {
    return fail(r.error());
  }
  return 0;
}

int webhook_replay(const WebhookConfig& config) {
  auto opened = open_tenant(config);
  if (!opened.ok()) return fail(opened.error());
  std::optional<std::int64_t> from;
  if (config.from_seq > 0) from = config.from_seq;
  auto revived = opened->store->replay_webhook(opened->tenant.id, config.id, from);
  if (!revived.ok()) return fail(revived.error());
  std::cout << json::serialize(delivery::webhook_json(*revived)) << std::endl;
  return 0;
}

int webhook_deliveries(const WebhookConfig& config) {
  auto opened = open_tenant(config);
  if (!opened.ok()) return fail(opened.error());
  auto log = opened->store->list_deliveries(opened->tenant.id, config.id, config.failures_only,
                                            config.limit);
  if (!log.ok()) return fail(log.error());
  json::array arr;
  for (const auto& a : *log) {
    if (!config.json) {
      std::cout << a.time << "\tseq " << a.event_seq << "\t#" << a.attempt << "\t" << a.outcome
                << "\t" << a.status << "\t" << a.latency_ms << " ms"
                << (a.error.empty() ? "" : "\t" + a.error) << "\n";
      continue;
    }
    arr.emplace_back(json::object{{"time", a.time}, {"event_seq", a.event_seq},
                                  {"event_id", a.event_id}, {"attempt", a.attempt},
                                  {"status", a.status}, {"latency_ms", a.latency_ms},
                                  {"outcome", a.outcome}, {"error", a.error}});
  }
  if (config.json) std::cout << json::serialize(arr) << std::endl;
  return 0;
}

}  // namespace scimd::app
