#include "api/directory.h"

#include <charconv>
#include <functional>
#include <optional>
#include <string>

#include "api/directory_parts.h"
#include "api/error_response.h"
#include "api/service.h"

namespace scimd::api {

namespace {

using scim::ResourceKind;

// The admin key reads every tenant; an app key only its own (another tenant's: 401).
Result<store::Tenant> authenticate(const DirectoryContext& ctx, const Request& req,
                                   std::string_view tenant_name) {
  const std::string_view authorization = req.header("authorization");
  if (ctx.options.admin_key.configured() && ctx.options.admin_key.check(authorization).ok()) {
    auto tenant = ctx.store.find_tenant(tenant_name);
    if (!tenant.ok() && tenant.error().code == Errc::not_found) {
      return make_error(Errc::not_found, "no tenant '" + std::string(tenant_name) + "'");
    }
    return tenant;
  }
  return ctx.auth.authenticate_app_key(authorization, tenant_name);
}

bool is_read(const Request& req) { return req.method == "GET" || req.method == "HEAD"; }

Response only_get(const Request& req, const std::function<Response()>& handler) {
  return is_read(req) ? handler() : method_not_allowed(req.method, "GET");
}

Response no_route(const Target& target) {
  std::string path;
  for (const auto& s : target.segments) path += "/" + s;
  return error_response(make_error(Errc::not_found, "no directory API route " + path));
}

// Routes the segments after /api/v1/{tenant}.
Response route(const DirectoryContext& ctx, const store::Tenant& tenant, const Request& req,
               const Target& target) {
  const auto& seg = target.segments;
  const std::size_t n = seg.size() - 3;
  if (n == 0) return no_route(target);
  const std::string& area = seg[3];
  if (area == "events" && n == 1) {
    return only_get(req, [&] { return directory::events(ctx, tenant, target); });
  }
  if (area == "users") {
    if (n == 1) {
      if (is_read(req)) return directory::list_resources(ctx, tenant, ResourceKind::user, target);
      if (req.method == "POST") return directory::preregister_user(ctx, tenant, req);
      return method_not_allowed(req.method, "GET, POST");
    }
    if (n == 2) {
      if (is_read(req)) return directory::get_resource(ctx, tenant, ResourceKind::user, seg[4]);
      if (req.method == "DELETE") return directory::delete_unsynced_user(ctx, tenant, seg[4]);
      return method_not_allowed(req.method, "GET, DELETE");
    }
    if (n == 3 && seg[5] == "groups") {
      return only_get(req, [&] { return directory::groups_of_user(ctx, tenant, seg[4]); });
    }
  }
  if (area == "groups") {
    if (n == 1) {
      return only_get(
          req, [&] { return directory::list_resources(ctx, tenant, ResourceKind::group, target); });
    }
    if (n == 2) {
      return only_get(
          req, [&] { return directory::get_resource(ctx, tenant, ResourceKind::group, seg[4]); });
    }
    if (n == 3 && seg[5] == "members") {
      return only_get(req,
                      [&] { return directory::members_of_group(ctx, tenant, seg[4], target); });
    }
  }
  return no_route(target);
}

}  // namespace

namespace directory {

Result<std::int64_t> bounded_param(const Target& target, std::string_view name,
                                   std::int64_t fallback, std::int64_t min, std::int64_t max) {
  const auto text = target.param(name);
  if (!text || text->empty()) return fallback;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < min || v > max) {
    std::string range = "an integer from " + std::to_string(min);
    range += max == INT64_MAX ? " up" : " to " + std::to_string(max);
    return make_error(Errc::invalid_value, "'" + std::string(name) + "' must be " + range);
  }
  return v;
}

}  // namespace directory

Response handle_directory(const DirectoryContext& ctx, const Request& request,
                          const Target& target) {
  // Authentication comes first, so an unauthenticated caller learns nothing about routes.
  auto tenant = authenticate(ctx, request, target.segments[2]);
  if (!tenant.ok()) return error_response(tenant.error());
  return route(ctx, *tenant, request, target);
}

bool directory_may_wait(const Request& request) {
  // Mirrors the routing exactly (decoded segments, parameter names in any case): a long-poll
  // the predicate missed would block an I/O thread.
  if (!is_read(request)) return false;
  // Most GETs (SCIM reads) leave here without parsing: the route needs a literal "events"
  // segment, unless the path is percent-encoded. Only the path counts: a SCIM filter in the
  // query is nearly always percent-encoded.
  const std::string_view raw = request.target;
  const std::string_view path = raw.substr(0, raw.find('?'));
  if (path.find("events") == std::string_view::npos && path.find('%') == std::string_view::npos) {
    return false;
  }
  auto target = parse_target(request.target);
  if (!target.ok()) return false;
  const auto& seg = target->segments;
  if (seg.size() != 4 || seg[0] != "api" || seg[1] != "v1" || seg[3] != "events") return false;
  auto wait = directory::bounded_param(*target, "wait", 0, 0, directory::kMaxWaitSeconds);
  return wait.ok() && *wait > 0;
}

}  // namespace scimd::api
