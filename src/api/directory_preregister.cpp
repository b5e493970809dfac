// /api/v1/{tenant}/users: POST pre-registers a user the product already has (synced = false),
// so that the identity provider can later adopt it (WriteOptions::adopt_unsynced); DELETE
// removes such a user again. Users the identity provider owns (synced) are never touched here.
#include <boost/json.hpp>

#include "api/directory_parts.h"
#include "api/error_response.h"
#include "api/json_response.h"
#include "scim/resource.h"
#include "store/event_builder.h"

namespace scimd::api::directory {

namespace json = boost::json;
using scim::ResourceKind;

namespace {

// The body as a SCIM User: `synced` may only say false, `schemas` defaults to the core schema.
Result<scim::Incoming> incoming_user(const Request& req) {
  SCIMD_ASSIGN_OR_RETURN(json::value body, parse_json_body(req.body));
  if (!body.is_object()) return make_error(Errc::invalid_syntax, "the body must be a JSON object");
  json::object& o = body.as_object();
  if (const json::value* synced = find_member(o, "synced")) {
    if (!synced->is_bool() || synced->as_bool()) {
      return make_error(Errc::invalid_value,
                        "'synced' may only be false: only the identity provider makes synced "
                        "users");
    }
  }
  // normalize_resource drops unknown attributes (synced among them).
  if (find_member(o, "schemas") == nullptr) o["schemas"] = json::array{scim::urn::kUser};
  return scim::normalize_resource(ResourceKind::user, body);
}

}  // namespace

Response preregister_user(const DirectoryContext& ctx, const store::Tenant& tenant,
                          const Request& request) {
  auto incoming = incoming_user(request);
  if (!incoming.ok()) return error_response(incoming.error());
  auto created = ctx.store.create(tenant.id, ResourceKind::user, std::move(incoming->doc), {},
                                  store::WriteOptions{store::Source::api, false});
  if (!created.ok()) return error_response(created.error());
  return json_response(201, store::resource_view(ResourceKind::user, *created));
}

Response delete_unsynced_user(const DirectoryContext& ctx, const store::Tenant& tenant,
                              std::string_view user_id) {
  // The version read makes the delete conditional: if the identity provider adopts the user
  // between the read and the delete, its version moves and nothing is deleted. A version moved
  // by anything else (roles recomputed) gets one more try.
  constexpr int kAttempts = 2;
  for (int attempt = 1;; ++attempt) {
    auto user = ctx.store.get(tenant.id, ResourceKind::user, user_id, store::Fetch{});
    if (!user.ok()) return error_response(user.error());
    if (user->synced) {
      return error_response(make_error(
          Errc::uniqueness,
          "this user is synced: the identity provider owns it; remove it there (unassign it "
          "from the application) and scimd deletes or deactivates it"));
    }
    auto removed = ctx.store.remove(tenant.id, ResourceKind::user, user->id, user->version,
                                    store::WriteOptions{store::Source::api, false});
    if (removed.ok()) break;
    if (removed.error().code != Errc::precondition_failed) return error_response(removed.error());
    if (attempt == kAttempts) {
      return error_response(make_error(Errc::uniqueness,
                                       "the user kept changing while being deleted; try again"));
    }
  }
  Response resp;
  resp.status = 204;
  return resp;
}

}  // namespace scimd::api::directory
