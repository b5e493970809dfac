#include "api/service.h"

#include <chrono>
#include <optional>

#include "api/admin.h"
#include "api/bulk.h"
#include "api/directory.h"
#include "api/error_response.h"
#include "api/json_response.h"
#include "api/provisioning_log.h"
#include "api/resource_handler.h"
#include "api/route.h"
#include "api/token_auth.h"
#include "core/text.h"

namespace scimd::api {

struct Service::Impl {
  std::shared_ptr<store::Store> store;
  ServiceOptions options;
  TokenAuth auth;
  FeedWaiters feed_waiters{options.max_feed_waiters};  // after `options`: built from it
  ProvisioningLog provisioning_log{store};  // last: destroyed (and flushed) first

  Impl(std::shared_ptr<store::Store> s, ServiceOptions o)
      : store(s), options(std::move(o)), auth(std::move(s)) {}

  Response route(const Request& req);
  // `tenant_id` is set once authentication names the tenant (for the provisioning log).
  Response scim(const Request& req, const Target& target, store::TenantId* tenant_id);
};

namespace {

Response not_found(std::string_view what) {
  return error_response(make_error(Errc::not_found, std::string(what)));
}

std::optional<scim::ResourceKind> resource_kind(std::string_view segment) {
  if (iequals(segment, "Users")) return scim::ResourceKind::user;
  if (iequals(segment, "Groups")) return scim::ResourceKind::group;
  return std::nullopt;
}

// The discovery endpoints are read-only (Okta's spec test expects 405 for a POST).
std::optional<Response> reject_unless_get(const Request& req) {
  if (req.method == "GET" || req.method == "HEAD") return std::nullopt;
  return method_not_allowed(req.method, "GET");
}

}  // namespace

std::string tenant_url(std::string_view public_url, std::string_view tenant) {
  return std::string(public_url) + "/scim/v2/" + std::string(tenant);
}

Service::Service(std::shared_ptr<store::Store> store, ServiceOptions options)
    : impl_(std::make_unique<Impl>(std::move(store), std::move(options))) {}

Service::~Service() = default;

bool Service::may_block(const Request& request) {
  return (request.method != "GET" && request.method != "HEAD") || directory_may_wait(request);
}

void Service::stop_waiting() { impl_->feed_waiters.stop(impl_->store->event_signal()); }

Response Service::handle(const Request& request) {
  try {
    Response r = impl_->route(request);
    if (request.method == "HEAD") r.body.clear();
    return r;
  } catch (const std::exception& e) {
    // Nothing below should throw; if something does, the client still gets a SCIM error.
    return error_response(make_error(Errc::internal, std::string("internal error: ") + e.what()));
  }
}

Response Service::Impl::route(const Request& req) {
  auto target = parse_target(req.target);
  if (!target.ok()) return error_response(target.error());
  const auto& seg = target->segments;
  if (seg.size() == 1 && seg[0] == "healthz") {
    // Load balancers take an instance out while its database cannot be reached.
    if (Status s = store->ping(); !s.ok()) {
      Response r = json_response(503, boost::json::object{{"status", "unavailable"},
                                                          {"detail", s.error().detail}});
      r.headers.emplace_back("Retry-After", "5");
      return r;
    }
    return json_response(200, boost::json::object{{"status", "ok"}});
  }
  if (seg.size() >= 3 && seg[0] == "scim" && iequals(seg[1], "v2")) {
    const auto started = std::chrono::steady_clock::now();
    store::TenantId tenant_id = 0;
    Response response = scim(req, *target, &tenant_id);
    provisioning_log.record(req, response, tenant_id, seg[2], started);
    return response;
  }
  if (seg.size() >= 2 && seg[0] == "admin" && seg[1] == "v1") {
    return handle_admin(AdminContext{*store, options, auth}, req, *target);
  }
  if (seg.size() >= 3 && seg[0] == "api" && seg[1] == "v1") {
    return handle_directory(DirectoryContext{*store, options, auth, feed_waiters}, req, *target);
  }
  return not_found("no route for " + req.method + " " + std::string(req.target.substr(0, req.target.find('?'))));
}

Response Service::Impl::scim(const Request& req, const Target& target,
                             store::TenantId* tenant_id) {
  const auto& seg = target.segments;
  const std::string& tenant_name = seg[2];
  auto tenant = auth.authenticate(req.header("authorization"), tenant_name);
  if (!tenant.ok()) return error_response(tenant.error());
  *tenant_id = tenant->id;
  ResourceContext ctx{*store, *tenant, tenant_url(options.public_url, tenant->name), options.caps};
  if (seg.size() == 3) {
    return not_found("the tenant base URL has no resource; use /Users or /Groups");
  }
  const std::string_view resource = seg[3];
  const std::size_t rest = seg.size() - 4;  // segments after the resource type
  if (auto kind = resource_kind(resource)) {
    if (rest == 0) return handle_resource(ctx, *kind, std::nullopt, req, target);
    if (rest == 1 && seg[4] == ".search") return handle_search(ctx, kind, req, target);
    if (rest == 1) return handle_resource(ctx, *kind, seg[4], req, target);
    return not_found("no such resource path");
  }
  if (resource == ".search" && rest == 0) return handle_search(ctx, std::nullopt, req, target);
  // Microsoft's collection reads the configuration at /serviceConfiguration.
  if ((iequals(resource, "ServiceProviderConfig") || iequals(resource, "serviceConfiguration")) &&
      rest == 0) {
    if (auto rejected = reject_unless_get(req)) return *rejected;
    return service_provider_config(ctx.base_url, options.caps);
  }
  if (iequals(resource, "ResourceTypes") && rest <= 1) {
    if (auto rejected = reject_unless_get(req)) return *rejected;
    return resource_types(ctx.base_url, rest == 1 ? std::optional<std::string_view>(seg[4]) : std::nullopt);
  }
  if (iequals(resource, "Schemas") && rest <= 1) {
    if (auto rejected = reject_unless_get(req)) return *rejected;
    return schemas(ctx.base_url, rest == 1 ? std::optional<std::string_view>(seg[4]) : std::nullopt);
  }
  if (iequals(resource, "Bulk") && rest == 0) return handle_bulk(ctx, req);
  if (iequals(resource, "Me")) {
    return error_response(make_error(Errc::not_implemented, "/" + std::string(resource) + " is not supported"));
  }
  return not_found("no resource type '" + std::string(resource) + "'");
}

}  // namespace scimd::api
