// /admin/v1/tenants/{name}/provisioning-log (and its summary) and /mail: what the identity
// provider sent and how scimd answered, and the invitation emails, for a settings page.
#include <chrono>

#include "api/admin_routes.h"
#include "api/json_response.h"

namespace scimd::api {

namespace json = boost::json;

namespace {

// Entra provisions in cycles of about 40 minutes: the default window shows the last one.
constexpr std::chrono::minutes kDefaultSummaryWindow{40};

json::object entry_json(const store::ProvisioningEntry& e) {
  return json::object{{"id", e.id},
                      {"time", e.time},
                      {"client", e.client},
                      {"method", e.method},
                      {"path", e.path},
                      {"resource_id", e.resource_id},
                      {"status", e.status},
                      {"scim_type", e.scim_type},
                      {"latency_ms", e.latency_ms},
                      {"detail", e.detail},
                      {"request_id", e.request_id}};
}

json::object mail_json(const store::MailRecord& m) {
  return json::object{{"id", m.id},
                      {"event_id", m.event_id},
                      {"user_id", m.user_id},
                      {"recipient", m.recipient},
                      {"time", m.time},
                      {"attempts", m.attempts},
                      {"outcome", m.outcome},
                      {"error", m.error}};
}

}  // namespace

Result<Response> admin_provisioning_log(AdminCall& call) {
  store::ProvisioningQuery q;
  q.tenant_id = call.the_tenant().id;
  SCIMD_ASSIGN_OR_RETURN(q.errors_only, query_bool(call.target, "errors_only", false));
  if (auto id = call.target.param("resource_id"); id && !id->empty()) q.resource_id = std::string(*id);
  SCIMD_ASSIGN_OR_RETURN(q.since, query_time(call.target, "since"));
  SCIMD_ASSIGN_OR_RETURN(q.until, query_time(call.target, "until"));
  if (call.target.param("before_id")) {
    SCIMD_ASSIGN_OR_RETURN(q.before_id, query_int(call.target, "before_id", 0, 1, INT64_MAX));
  }
  SCIMD_ASSIGN_OR_RETURN(q.limit, query_int(call.target, "limit", 100, 1, 1000));
  SCIMD_ASSIGN_OR_RETURN(const auto entries, call.ctx.store.list_provisioning(q));
  json::array list;
  for (const auto& e : entries) list.emplace_back(entry_json(e));
  // A full page may have more behind it: the next page starts below its oldest entry.
  json::value next = nullptr;
  if (!entries.empty() && static_cast<std::int64_t>(entries.size()) == q.limit) next = entries.back().id;
  return json_response(200, json::object{{"entries", std::move(list)}, {"next_before_id", next}});
}

Result<Response> admin_provisioning_summary(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(auto since, query_time(call.target, "since"));
  if (!since) since = format_time(std::chrono::system_clock::now() - kDefaultSummaryWindow);
  SCIMD_ASSIGN_OR_RETURN(const auto counts,
                         call.ctx.store.summarize_provisioning(call.the_tenant().id, *since));
  json::array list;
  std::int64_t total = 0;
  std::int64_t errors = 0;
  for (const auto& c : counts) {
    list.emplace_back(json::object{{"status", c.status}, {"count", c.count}});
    total += c.count;
    if (c.status >= 400) errors += c.count;
  }
  return json_response(200, json::object{{"since", *since}, {"counts", std::move(list)},
                                         {"total", total}, {"errors", errors}});
}

Result<Response> admin_list_mail(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(const std::int64_t limit, query_int(call.target, "limit", 100, 1, 1000));
  SCIMD_ASSIGN_OR_RETURN(const auto mail, call.ctx.store.list_mail(call.the_tenant().id, limit));
  json::array list;
  for (const auto& m : mail) list.emplace_back(mail_json(m));
  return json_response(200, json::object{{"mail", std::move(list)}});
}

}  // namespace scimd::api
