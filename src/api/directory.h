// /api/v1/{tenant}: the product's view of a tenant's directory — users (with `synced` and
// effective `roles`), groups, memberships both ways, pre-registration of existing users for
// adoption, and the change feed (/events, with long-poll). Accepts the tenant's app keys and
// the admin key. docs/directory-api.md describes every route.
#pragma once

#include <atomic>

#include "api/request.h"
#include "api/route.h"
#include "api/token_auth.h"
#include "store/store.h"

namespace scimd::api {

struct ServiceOptions;

// Counts the feed's long-polls in progress: beyond `max` a poll answers at once instead of
// waiting, so waiting clients never hold the blocking pool that SCIM writes need.
class FeedWaiters {
 public:
  explicit FeedWaiters(int max) : max_(max) {}
  // Takes a place if one is free (none once stopping); every successful call needs one leave().
  bool try_enter() {
    int now = waiting_.load();
    while (now < max_ && !stopping()) {
      if (waiting_.compare_exchange_weak(now, now + 1)) return true;
    }
    return false;
  }
  void leave() { waiting_.fetch_sub(1); }
  int waiting() const { return waiting_.load(); }

  // Shutdown: polls waiting now answer at once (woken through `signal`), and later ones do not
  // wait, so a graceful stop is not held up by clients that long-poll.
  void stop(store::EventSignal& signal) {
    stopping_.store(true);
    signal.notify();
  }
  bool stopping() const { return stopping_.load(); }

 private:
  const int max_;
  std::atomic<int> waiting_{0};
  std::atomic<bool> stopping_{false};
};

struct DirectoryContext {
  store::Store& store;
  const ServiceOptions& options;
  TokenAuth& auth;  // app keys, cached like SCIM tokens
  FeedWaiters& waiters;
};

// `target.segments` starts with "api", "v1", tenant.
Response handle_directory(const DirectoryContext& ctx, const Request& request,
                          const Target& target);

// Whether the request may wait (the feed's long-poll, GET .../events with wait > 0), so http/
// runs it off the I/O threads.
bool directory_may_wait(const Request& request);

}  // namespace scimd::api
