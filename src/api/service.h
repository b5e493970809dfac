// The API: every route of scimd, from a Request to a Response, independent of sockets.
#pragma once

#include <memory>
#include <string>

#include "api/bearer.h"
#include "api/discovery.h"
#include "api/request.h"
#include "store/store.h"

namespace scimd::api {

struct ServiceOptions {
  std::string public_url;  // e.g. "https://scim.example.com" (no trailing slash)
  Capabilities caps;
  AdminKey admin_key;  // guards /admin/v1 and may read /api/v1 of every tenant
  // Most /api/v1 feed long-polls waiting at once; more answer at once. Keep it at most half of
  // http::ServerOptions::blocking_threads so waiting clients never starve SCIM writes.
  int max_feed_waiters = 16;
};

class Service {
 public:
  Service(std::shared_ptr<store::Store> store, ServiceOptions options);
  ~Service();

  // Never throws; every failure becomes a SCIM error response.
  Response handle(const Request& request);

  // Whether handling may block on a write (commit), so http/ runs it off the I/O threads.
  static bool may_block(const Request& request);

  // Ends the change feed's long-polls at once and makes later ones answer without waiting.
  // Call when a graceful shutdown begins, so waiting clients do not hold up the drain.
  void stop_waiting();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The SCIM base URL of a tenant: {public_url}/scim/v2/{tenant}.
std::string tenant_url(std::string_view public_url, std::string_view tenant);

}  // namespace scimd::api
