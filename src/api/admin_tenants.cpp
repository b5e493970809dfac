// /admin/v1/tenants and /admin/v1/tenants/{name}/tokens: what `scimd tenant create|list|
// delete|rotate-token|revoke-token` do, over HTTP.
#include <chrono>

#include "api/admin_routes.h"
#include "api/json_response.h"
#include "api/service.h"
#include "core/crypto.h"
#include "core/ids.h"

namespace scimd::api {

namespace json = boost::json;

namespace {

constexpr std::chrono::seconds kMaxGrace = std::chrono::hours(24 * 366);

std::string url_of(const AdminCall& call, std::string_view tenant) {
  return tenant_url(call.ctx.options.public_url, tenant);
}

// A new token for the tenant, stored as its SHA-256 only: the answer is the one place it shows.
Result<json::object> issue_token(AdminCall& call, const store::Tenant& tenant) {
  const std::string token = new_secret_token();
  SCIMD_TRY(call.ctx.store.add_token(tenant.id, crypto::sha256_hex(token)));
  call.ctx.auth.invalidate();
  return json::object{{"tenant", tenant.name}, {"tenant_url", url_of(call, tenant.name)}, {"token", token}};
}

Result<std::int64_t> count_of(store::Store& store, store::TenantId tenant, scim::ResourceKind kind) {
  store::ListQuery query;
  query.count = 0;  // the total only: one indexed COUNT
  SCIMD_ASSIGN_OR_RETURN(const store::ListPage page, store.list(tenant, kind, query));
  return page.total;
}

}  // namespace

Result<Response> admin_create_tenant(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(const json::object body, admin_body(call.request));
  SCIMD_TRY(admin_known_keys(body, {"name"}));
  SCIMD_ASSIGN_OR_RETURN(const auto name, admin_string(body, "name"));
  SCIMD_ASSIGN_OR_RETURN(const store::Tenant tenant, call.ctx.store.create_tenant(name));
  SCIMD_ASSIGN_OR_RETURN(const json::object created, issue_token(call, tenant));
  Response r = json_response(201, created);
  r.headers.emplace_back("Location", call.ctx.options.public_url + std::string(kAdminPrefix) +
                                         "/tenants/" + tenant.name);
  return r;
}

Result<Response> admin_list_tenants(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(const auto tenants, call.ctx.store.list_tenants());
  json::array list;
  for (const auto& t : tenants) {
    list.emplace_back(json::object{{"tenant", t.name}, {"tenant_url", url_of(call, t.name)}, {"created", t.created}});
  }
  return json_response(200, json::object{{"tenants", std::move(list)}});
}

Result<Response> admin_get_tenant(AdminCall& call) {
  const store::Tenant& t = call.the_tenant();
  SCIMD_ASSIGN_OR_RETURN(const std::int64_t users, count_of(call.ctx.store, t.id, scim::ResourceKind::user));
  SCIMD_ASSIGN_OR_RETURN(const std::int64_t groups, count_of(call.ctx.store, t.id, scim::ResourceKind::group));
  return json_response(200, json::object{{"tenant", t.name},
                                         {"tenant_url", url_of(call, t.name)},
                                         {"created", t.created},
                                         {"settings", t.settings},
                                         {"users", users},
                                         {"groups", groups}});
}

Result<Response> admin_delete_tenant(AdminCall& call) {
  SCIMD_TRY(call.ctx.store.delete_tenant(call.the_tenant().name));
  call.ctx.auth.invalidate();
  return no_content();
}

Result<Response> admin_list_tokens(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(const auto tokens, call.ctx.store.list_tokens(call.the_tenant().id));
  const std::string now = format_time(std::chrono::system_clock::now());
  json::array list;
  for (const auto& t : tokens) {
    list.emplace_back(json::object{{"id", t.id},
                                   {"created", t.created},
                                   {"expires_at", optional_text(t.expires_at)},
                                   {"last_used", optional_text(t.last_used)},
                                   {"active", !t.expires_at || *t.expires_at > now}});
  }
  return json_response(200, json::object{{"tokens", std::move(list)}});
}

Result<Response> admin_rotate_token(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(const json::object body, admin_body(call.request, /*optional=*/true));
  SCIMD_TRY(admin_known_keys(body, {"grace"}));
  SCIMD_ASSIGN_OR_RETURN(const auto grace_text, admin_optional_string(body, "grace"));
  const std::string text = grace_text.value_or("0s");
  // Short text first: parse_duration multiplies without an overflow check.
  const auto grace = text.size() <= 12 ? parse_duration(text) : std::nullopt;
  if (!grace || *grace > kMaxGrace) {
    return make_error(Errc::invalid_value,
                      "'grace' must be a duration like 30s, 15m, 24h or 7d, at most 366d");
  }
  const TimePoint until = std::chrono::system_clock::now() + *grace;
  SCIMD_TRY(call.ctx.store.expire_tokens(call.the_tenant().id, until));
  SCIMD_ASSIGN_OR_RETURN(json::object issued, issue_token(call, call.the_tenant()));
  issued["old_tokens_expire_at"] = format_time(until);
  return json_response(201, issued);
}

Result<Response> admin_revoke_tokens(AdminCall& call) {
  SCIMD_TRY(call.ctx.store.expire_tokens(call.the_tenant().id, std::chrono::system_clock::now()));
  call.ctx.auth.invalidate();
  return no_content();
}

}  // namespace scimd::api
