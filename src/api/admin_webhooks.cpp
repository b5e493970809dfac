// /admin/v1/tenants/{name}/webhooks: endpoints (validated by delivery::parse_webhook_spec),
// their delivery state, replay and the delivery log. Secrets are shown only on creation.
#include "api/admin_routes.h"
#include "api/json_response.h"
#include "delivery/webhook_spec.h"

namespace scimd::api {

namespace json = boost::json;

namespace {

json::object attempt_json(const store::DeliveryAttempt& a) {
  return json::object{{"id", a.id},
                      {"event_seq", a.event_seq},
                      {"event_id", a.event_id},
                      {"attempt", a.attempt},
                      {"time", a.time},
                      {"status", a.status},
                      {"latency_ms", a.latency_ms},
                      {"outcome", a.outcome},
                      {"error", a.error}};
}

}  // namespace

Result<Response> admin_create_webhook(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(const json::object body, admin_body(call.request));
  SCIMD_ASSIGN_OR_RETURN(store::Webhook spec, delivery::parse_webhook_spec(body));
  SCIMD_ASSIGN_OR_RETURN(const store::Webhook created,
                         call.ctx.store.create_webhook(call.the_tenant().id, std::move(spec)));
  json::object out = delivery::webhook_json(created);
  out["secret"] = created.secret;  // shown this once, for verifying signatures
  return json_response(201, out);
}

Result<Response> admin_list_webhooks(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(const auto hooks, call.ctx.store.list_webhooks(call.the_tenant().id));
  json::array list;
  for (const auto& w : hooks) list.emplace_back(delivery::webhook_json(w));
  return json_response(200, json::object{{"webhooks", std::move(list)}});
}

Result<Response> admin_get_webhook(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(const store::Webhook w,
                         call.ctx.store.get_webhook(call.the_tenant().id, call.path_param("id")));
  return json_response(200, delivery::webhook_json(w));
}

Result<Response> admin_delete_webhook(AdminCall& call) {
  SCIMD_TRY(call.ctx.store.delete_webhook(call.the_tenant().id, call.path_param("id")));
  return no_content();
}

Result<Response> admin_replay_webhook(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(const json::object body, admin_body(call.request, /*optional=*/true));
  SCIMD_TRY(admin_known_keys(body, {"from_seq"}));
  std::optional<std::int64_t> from_seq;
  if (const json::value* v = body.if_contains("from_seq"); v != nullptr && !v->is_null()) {
    if (!v->is_int64() || v->as_int64() < 1) {
      return make_error(Errc::invalid_value, "'from_seq' must be an event seq (an integer from 1)");
    }
    from_seq = v->as_int64();
  }
  SCIMD_ASSIGN_OR_RETURN(const store::Webhook w,
                         call.ctx.store.replay_webhook(call.the_tenant().id, call.path_param("id"), from_seq));
  return json_response(200, delivery::webhook_json(w));
}

Result<Response> admin_list_deliveries(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(const bool failures_only, query_bool(call.target, "failures_only", false));
  SCIMD_ASSIGN_OR_RETURN(const std::int64_t limit, query_int(call.target, "limit", 100, 1, 1000));
  // The endpoint must be this tenant's: an id of another tenant's endpoint is a 404.
  SCIMD_TRY(call.ctx.store.get_webhook(call.the_tenant().id, call.path_param("id")));
  SCIMD_ASSIGN_OR_RETURN(const auto attempts,
                         call.ctx.store.list_deliveries(call.the_tenant().id, call.path_param("id"),
                                                        failures_only, limit));
  json::array list;
  for (const auto& a : attempts) list.emplace_back(attempt_json(a));
  return json_response(200, json::object{{"deliveries", std::move(list)}});
}

}  // namespace scimd::api
