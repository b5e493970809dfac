// The product-side records the store keeps beside the directory: events (the transactional
// outbox), webhook endpoints and their delivery log, app keys, invitation mail and the
// provisioning log. Plain data; the Store interface (store.h) reads and writes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace scimd::store {

using TenantId = std::int64_t;

// Who made a change: the identity provider through SCIM, or the product through /api/v1.
enum class Source { scim, api };

// Options of one write (create, update, remove).
struct WriteOptions {
  Source source = Source::scim;
  // Users, create only: when the userName or a work email matches a user the product
  // pre-registered (synced = false), take that record over (it becomes synced, keeps its id)
  // instead of failing with uniqueness. The tenant's adoption policy decides (api/).
  bool adopt_unsynced = false;
};

// One event of a tenant's change feed. `json` is the whole object exactly as the feed returns
// it and a webhook POST carries it: {"id","seq","type","time","tenant","data"}.
struct Event {
  TenantId tenant_id = 0;
  std::int64_t seq = 0;  // per tenant: 1, 2, 3, ... with no gaps at commit
  std::string id;        // "evt_..." stable across retries and replays
  std::string type;      // e.g. "user.created"
  std::string time;      // canonical RFC 3339 UTC
  std::string json;
};

// The event types scimd emits, in the order the docs list them.
const std::vector<std::string>& event_types();
bool is_event_type(std::string_view type);

// A webhook endpoint and where its delivery stands.
struct Webhook {
  std::string id;  // "wh_..."
  TenantId tenant_id = 0;
  std::string tenant;  // name, filled on reads
  std::string url;
  std::string secret;               // "whsec_" + base64 of the key bytes
  std::vector<std::string> events;  // types to send; empty: all
  std::string created;
  // --- delivery state (the dispatcher owns it) ---
  std::int64_t delivered_seq = 0;  // last event seq handled (delivered, or not subscribed)
  std::string state = "active";    // "active" | "dead" (retry horizon passed; replay revives)
  std::int64_t attempts = 0;       // failed attempts at the event after delivered_seq
  std::optional<std::string> failing_since;    // first failure of the current streak
  std::optional<std::string> next_attempt_at;  // when to try again (null: now)
  std::string last_error;
};

// One attempt to deliver one event to one endpoint.
struct DeliveryAttempt {
  std::int64_t id = 0;  // filled on reads
  std::string webhook_id;
  std::int64_t event_seq = 0;
  std::string event_id;
  std::int64_t attempt = 1;  // 1 for the first try of this event
  std::string time;
  int status = 0;  // HTTP status; 0: no response (refused, timed out, ...)
  double latency_ms = 0;
  std::string outcome;  // "delivered" | "retrying" | "dead"
  std::string error;    // empty when delivered
};

// A key the product uses for /api/v1/{tenant}; stored only as its SHA-256.
struct AppKey {
  std::int64_t id = 0;
  TenantId tenant_id = 0;
  std::string name;
  std::string created;
  std::optional<std::string> last_used;
  std::optional<std::string> revoked;
};

// One invitation email: queued when a user is created or reactivated through SCIM.
struct MailRecord {
  std::int64_t id = 0;
  TenantId tenant_id = 0;
  std::string event_id;
  std::string user_id;
  std::string recipient;
  std::string time;     // of the latest attempt
  std::int64_t attempts = 0;
  std::string outcome;  // "sent" | "written" (.eml) | "retrying" | "failed" | "skipped"
  std::string error;
};

// One SCIM request as the provisioning log keeps it.
struct ProvisioningEntry {
  std::int64_t id = 0;  // filled on reads; increasing
  TenantId tenant_id = 0;
  std::string time;
  std::string client;  // "entra" | "okta" | "other"
  std::string method;
  std::string path;         // without the query
  std::string resource_id;  // the user or group concerned, if any
  int status = 0;
  std::string scim_type;
  double latency_ms = 0;
  std::string detail;  // the error detail, empty on success
  std::string request_id;
};

struct ProvisioningQuery {
  TenantId tenant_id = 0;
  bool errors_only = false;                // status >= 400
  std::optional<std::string> resource_id;  // one user or group
  std::optional<std::string> since;        // time >= since
  std::optional<std::string> until;        // time < until
  std::optional<std::int64_t> before_id;   // paging: entries with id < before_id
  std::int64_t limit = 100;                // newest first
};

struct StatusCount {
  int status = 0;
  std::int64_t count = 0;
};

}  // namespace scimd::store
