// /admin/v1/tenants/{name}/app-keys: the keys a product uses for its /api/v1/{name} calls.
#include <charconv>

#include "api/admin_routes.h"
#include "api/json_response.h"
#include "core/crypto.h"
#include "core/ids.h"

namespace scimd::api {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxKeyName = 100;
constexpr std::string_view kAppKeyPrefix = "sak_";  // tells an app key from a SCIM token at a glance

json::object key_json(const store::AppKey& key) {
  return json::object{{"id", key.id},
                      {"name", key.name},
                      {"created", key.created},
                      {"last_used", optional_text(key.last_used)},
                      {"revoked", optional_text(key.revoked)}};
}

}  // namespace

Result<Response> admin_create_app_key(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(const json::object body, admin_body(call.request));
  SCIMD_TRY(admin_known_keys(body, {"name"}));
  SCIMD_ASSIGN_OR_RETURN(const auto name, admin_string(body, "name"));
  if (name.size() > kMaxKeyName) {
    return make_error(Errc::invalid_value, "'name' must be at most " + std::to_string(kMaxKeyName) + " characters");
  }
  const std::string secret = std::string(kAppKeyPrefix) + new_secret_token();
  SCIMD_ASSIGN_OR_RETURN(const store::AppKey key,
                         call.ctx.store.add_app_key(call.the_tenant().id, name, crypto::sha256_hex(secret)));
  json::object created = key_json(key);
  created["key"] = secret;  // shown this once; the store keeps only its SHA-256
  return json_response(201, created);
}

Result<Response> admin_list_app_keys(AdminCall& call) {
  SCIMD_ASSIGN_OR_RETURN(const auto keys, call.ctx.store.list_app_keys(call.the_tenant().id));
  json::array list;
  for (const auto& key : keys) list.emplace_back(key_json(key));
  return json_response(200, json::object{{"app_keys", std::move(list)}});
}

Result<Response> admin_revoke_app_key(AdminCall& call) {
  const std::string_view text = call.path_param("id");
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return make_error(Errc::not_found, "app key '" + std::string(text) + "' not found");
  }
  SCIMD_TRY(call.ctx.store.revoke_app_key(call.the_tenant().id, id));
  call.ctx.auth.invalidate();  // the directory API caches app keys like tokens
  return no_content();
}

}  // namespace scimd::api
