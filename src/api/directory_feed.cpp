// GET /api/v1/{tenant}/events?after=CURSOR&limit=N&wait=SECONDS: the tenant's change feed.
//
// Events come out in seq order, each exactly as the store wrote it (the object text is copied
// into the answer, never re-serialised, so a feed event and a webhook body are the same bytes).
// The cursor is the seq of the last event returned, as decimal text; clients treat it as
// opaque. Seqs have no gaps at commit, so a first event later than after+1 (or none while the
// feed has moved past `after`) means retention pruned events the client never saw: the answer
// then says "gap": true and the product resyncs from the directory.
#include <chrono>
#include <string>

#include "api/directory_parts.h"
#include "api/error_response.h"

namespace scimd::api::directory {

namespace {

struct FeedPage {
  std::vector<store::Event> events;
  std::int64_t next = 0;
  bool gap = false;
};

Result<FeedPage> read_feed(store::Store& store, store::TenantId tenant, std::int64_t after,
                           std::int64_t limit) {
  // Read before the events: every seq up to `last` was committed before the listing began, so
  // a missing one was pruned (not merely not yet visible).
  SCIMD_ASSIGN_OR_RETURN(const std::int64_t last, store.last_event_seq(tenant));
  SCIMD_ASSIGN_OR_RETURN(std::vector<store::Event> events, store.list_events(tenant, after, limit));
  FeedPage page;
  page.next = after;
  if (!events.empty()) {
    page.next = events.back().seq;
    page.gap = events.front().seq > after + 1;
  } else if (last != after) {
    // last > after: everything after the cursor was pruned. last < after: a cursor this feed
    // never issued (e.g. the tenant was deleted and made again). Either way: resync from `last`.
    page.gap = true;
    page.next = last;
  }
  page.events = std::move(events);
  return page;
}

// Leaves the waiters' count when the poll ends, however it ends.
class WaiterSlot {
 public:
  explicit WaiterSlot(FeedWaiters& waiters) : waiters_(waiters), held_(waiters.try_enter()) {}
  ~WaiterSlot() {
    if (held_) waiters_.leave();
  }
  WaiterSlot(const WaiterSlot&) = delete;
  WaiterSlot& operator=(const WaiterSlot&) = delete;
  bool held() const { return held_; }

 private:
  FeedWaiters& waiters_;
  const bool held_;
};

Response feed_response(const FeedPage& page, bool refused_wait) {
  std::string body = "{\"events\":[";
  std::size_t size = 64;
  for (const auto& e : page.events) size += e.json.size() + 1;
  body.reserve(size);
  for (std::size_t i = 0; i < page.events.size(); ++i) {
    if (i > 0) body += ',';
    body += page.events[i].json;
  }
  body += "],\"next\":\"" + std::to_string(page.next) + "\"";
  if (page.gap) body += ",\"gap\":true";
  body += '}';
  Response r;
  r.status = 200;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", std::string(kScimContentType));
  // Every long-poll place was taken, so this answer came early: poll again after a pause.
  if (refused_wait) r.headers.emplace_back("Retry-After", "1");
  return r;
}

}  // namespace

Response events(const DirectoryContext& ctx, const store::Tenant& tenant, const Target& target) {
  auto after = bounded_param(target, "after", 0, 0, INT64_MAX);
  if (!after.ok()) {
    return error_response(
        make_error(Errc::invalid_value, "'after' must be the 'next' cursor of an earlier answer"));
  }
  auto limit = bounded_param(target, "limit", kDefaultLimit, 1, kMaxLimit);
  if (!limit.ok()) return error_response(limit.error());
  auto wait = bounded_param(target, "wait", 0, 0, kMaxWaitSeconds);
  if (!wait.ok()) return error_response(wait.error());

  store::EventSignal& signal = ctx.store.event_signal();
  // The generation is read before listing, so a commit between the listing and the wait still
  // ends the wait.
  std::uint64_t generation = signal.generation();
  auto page = read_feed(ctx.store, tenant.id, *after, *limit);
  if (!page.ok()) return error_response(page.error());
  const auto nothing_yet = [&] { return page->events.empty() && !page->gap; };
  if (*wait == 0 || !nothing_yet()) return feed_response(*page, false);

  WaiterSlot slot(ctx.waiters);
  if (!slot.held()) return feed_response(*page, true);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(*wait);
  // The signal is shared by every tenant: a wake-up may bring nothing for this one.
  while (nothing_yet() && !ctx.waiters.stopping() && signal.wait_until(generation, deadline)) {
    generation = signal.generation();
    page = read_feed(ctx.store, tenant.id, *after, *limit);
    if (!page.ok()) return error_response(page.error());
  }
  return feed_response(*page, false);
}

}  // namespace scimd::api::directory
