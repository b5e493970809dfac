// The store: tenants, tokens, users, groups and memberships. One interface, one contract test
// suite (tests/store/contract_test.cpp), backends behind it (SQLite now, PostgreSQL next);
// api/ never knows which one it talks to.
//
// Every write runs in one transaction; a call returns only after that transaction is durable
// (group commit may batch concurrent writes into one fsync). Reads never wait for writes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "core/result.h"
#include "core/time.h"
#include "scim/filter.h"
#include "scim/member.h"
#include "scim/resource.h"
#include "scim/schema.h"
#include "store/event_signal.h"
#include "store/records.h"

namespace scimd::store {

struct Tenant {
  TenantId id = 0;
  std::string name;
  std::string created;
  // Per-tenant settings, a JSON object the store keeps as given (api/tenant_settings.h reads
  // it: required attributes, and later role mapping, webhooks, ...). Empty by default.
  boost::json::object settings;
};

struct TokenInfo {
  std::int64_t id = 0;
  TenantId tenant_id = 0;
  std::string created;
  std::optional<std::string> expires_at;  // null: valid until revoked
  std::optional<std::string> last_used;   // recorded through note_key_use (about every 30 s)
};

// A stored resource with its server-owned fields.
struct Resource {
  std::string id;
  boost::json::object doc;  // see scim/resource.h
  std::int64_t version = 1;
  std::string created;
  std::string last_modified;
  std::vector<scim::MemberRef> members;  // Groups, when Fetch::members
  std::vector<scim::GroupRef> groups;    // Users, when Fetch::groups
  // Users: false when the product created it through /api/v1 (Source::api) and no identity
  // provider has claimed it yet (see WriteOptions::adopt_unsynced); true for anything SCIM
  // created or adopted.
  bool synced = true;
  // Users: effective roles from the tenant's group→role mapping, sorted, recomputed by the
  // store whenever memberships, mapped groups or the mapping change.
  std::vector<std::string> roles;
};

// What to load beside the document.
struct Fetch {
  bool members = false;  // Groups: the member rows (ordered by insertion)
  bool groups = false;   // Users: the groups that directly hold the user
};

enum class SortOrder { ascending, descending };

struct ListQuery {
  const scim::Filter* filter = nullptr;   // validated; nullptr = all
  std::int64_t start_index = 1;           // 1-based
  std::int64_t count = 100;               // 0: only the total
  std::optional<scim::AttrPath> sort_by;  // default order: creation order (stable across pages)
  SortOrder sort_order = SortOrder::ascending;
  Fetch fetch;
  // RFC 9865 cursor paging. Set (even to "") to page by cursor instead of start_index: ""
  // asks for the first page, otherwise a next/previous cursor from an earlier page of the
  // same filter and sort. Errors: invalid_cursor (malformed, or made for another query).
  std::optional<std::string> cursor;
};

struct ListPage {
  std::int64_t total = 0;
  std::vector<Resource> items;
  // Cursor paging only: absent on the last page (next) and on the first page (previous).
  // Cursors are opaque URL-safe text that never expires (keyset positions, not server state).
  std::optional<std::string> next_cursor;
  std::optional<std::string> previous_cursor;
};

// The outcome of a read-modify-write: the new document and membership changes.
struct Change {
  boost::json::object doc;
  std::vector<scim::MemberOp> member_ops;
};
// Runs inside the write transaction with the current state (members loaded for groups only
// if the mutation asked for them). Returning an error rolls back and changes nothing.
using Mutation = std::function<Result<Change>(const Resource& current)>;

struct Options {
  std::string path;                    // SQLite file
  int read_connections = 4;            // pool of read-only connections
  int cache_mib = 8;                   // SQLite page cache per connection (sqlite/connection.h)
  std::shared_ptr<const Clock> clock;  // defaults to the system clock
};

// Who must hold which lease for a guarded write (see Store::hold_lease).
struct LeaseClaim {
  std::string name;
  std::string owner;
};

class Store {
 public:
  virtual ~Store() = default;

  // Opens (creating and migrating as needed) the store named by a URL:
  // - "sqlite:PATH", with options after the first '?': "sqlite:PATH?read_connections=8"
  //   (read_connections: size of the read-only connection pool, 1-64, default 4). Pairs are
  //   joined by '&'.
  // - "postgres://user:pass@host:port/db" (or postgresql://), libpq's URI with its own
  //   parameters (sslmode, connect_timeout, options, ...) plus scimd's pool_size (1-256,
  //   default 8): "postgres://scimd@db/scimd?sslmode=require&pool_size=16".
  // `use`: a one-shot command (tenant create, migrate, ...) starts no background work (the
  // PostgreSQL listener and statistics check), which only a serving process needs.
  // Errors: invalid_value (unknown scheme, unknown option, bad value), unavailable (cannot
  // open or connect), internal (schema newer than this binary).
  enum class Use { serve, one_shot };
  static Result<std::unique_ptr<Store>> open(std::string_view url, Use use = Use::serve);
  // How many reads of the store at `url` can wait on it at once: a PostgreSQL pool's size
  // (each read waits out a network round trip on its connection), 0 for SQLite, whose reads
  // are work on the caller's CPU, and for a URL open() would refuse.
  static int waiting_reads(std::string_view url);

  // --- tenants and tokens -------------------------------------------------------------
  // Errors: uniqueness (name taken), invalid_value (name not [a-z0-9][a-z0-9-_.]{0,62}).
  virtual Result<Tenant> create_tenant(std::string_view name) = 0;
  virtual Result<Tenant> find_tenant(std::string_view name) = 0;  // not_found
  virtual Result<std::vector<Tenant>> list_tenants() = 0;
  // Deletes the tenant with all its tokens, users, groups and memberships.
  virtual Status delete_tenant(std::string_view name) = 0;
  // Replaces the tenant's settings object.
  virtual Status set_tenant_settings(TenantId tenant, const boost::json::object& settings) = 0;

  // Stores a token by its SHA-256 (hex); the token itself is never stored.
  virtual Status add_token(TenantId tenant, std::string_view sha256_hex) = 0;
  // Sets expires_at = min(expires_at, until) on every token of the tenant (rotation with a
  // grace period passes now+grace; revocation passes now).
  virtual Status expire_tokens(TenantId tenant, TimePoint until) = 0;
  virtual Result<std::vector<TokenInfo>> list_tokens(TenantId tenant) = 0;
  // The tenant that owns a token hash, if the token exists and has not expired at `now`.
  virtual Result<std::optional<Tenant>> find_token_owner(std::string_view sha256_hex,
                                                         TimePoint now) = 0;

  // --- users and groups ---------------------------------------------------------------
  // Creates a resource with a new id. Groups: `members` become member rows (unknown ids are
  // dropped). The result holds what a read with Fetch{members, groups} would: a group's member
  // rows as stored, a user's groups (none, unless it adopted a pre-registered user). Errors:
  // uniqueness (userName for users, displayName for groups, per tenant, case-insensitive).
  // Every write appends its events (user.created, group.user_added, user.roles_changed, ...;
  // see store/event_builder.h) to the tenant's feed in the same transaction, and notifies
  // event_signal() after the commit.
  virtual Result<Resource> create(TenantId tenant, scim::ResourceKind kind, boost::json::object doc,
                                  const std::vector<scim::MemberRef>& members,
                                  const WriteOptions& options = {}) = 0;
  virtual Result<Resource> get(TenantId tenant, scim::ResourceKind kind, std::string_view id,
                               Fetch fetch) = 0;  // not_found
  virtual Result<ListPage> list(TenantId tenant, scim::ResourceKind kind,
                                const ListQuery& query) = 0;
  // Read-modify-write in one transaction. `if_match`: the version the client saw
  // (precondition_failed if different). The version is bumped only if something changed.
  // `fetch` says what `current` (and the returned Resource) carry.
  virtual Result<Resource> update(TenantId tenant, scim::ResourceKind kind, std::string_view id,
                                  std::optional<std::int64_t> if_match, Fetch fetch,
                                  const Mutation& mutation, const WriteOptions& options = {}) = 0;
  // Deletes a resource and every membership row that names it (as group or as member).
  virtual Status remove(TenantId tenant, scim::ResourceKind kind, std::string_view id,
                        std::optional<std::int64_t> if_match, const WriteOptions& options = {}) = 0;
  // A page of a group's members in insertion order (for /api/v1/.../members paging).
  virtual Result<std::vector<scim::MemberRef>> list_members(TenantId tenant,
                                                            std::string_view group_id,
                                                            std::int64_t offset,
                                                            std::int64_t limit) = 0;

  // --- events (the transactional outbox) --------------------------------------------------
  // Events with seq > after_seq, oldest first, at most `limit`.
  virtual Result<std::vector<Event>> list_events(TenantId tenant, std::int64_t after_seq,
                                                 std::int64_t limit) = 0;
  // The seq of the tenant's newest event (0 if none yet).
  virtual Result<std::int64_t> last_event_seq(TenantId tenant) = 0;
  // Deletes events older than `before` (retention); returns how many went.
  virtual Result<std::int64_t> prune_events(TimePoint before) = 0;
  EventSignal& event_signal() { return event_signal_; }

  // --- webhook endpoints and deliveries ---------------------------------------------------
  // Stores a new endpoint (id, created filled here); it receives events committed after now.
  virtual Result<Webhook> create_webhook(TenantId tenant, Webhook spec) = 0;
  // One tenant's endpoints, or every tenant's (for the dispatcher) with nullopt.
  virtual Result<std::vector<Webhook>> list_webhooks(std::optional<TenantId> tenant) = 0;
  virtual Result<Webhook> get_webhook(TenantId tenant, std::string_view id) = 0;  // not_found
  virtual Status delete_webhook(TenantId tenant, std::string_view id) = 0;        // not_found
  // Saves the delivery state fields of `state` (delivered_seq .. last_error) and appends the
  // attempts, in one transaction.
  virtual Status save_delivery(const Webhook& state,
                               const std::vector<DeliveryAttempt>& attempts) = 0;
  // Revives an endpoint (state active, attempts 0); with from_seq, delivery restarts at that
  // event (re-sending what was already delivered). Errors: not_found.
  virtual Result<Webhook> replay_webhook(TenantId tenant, std::string_view id,
                                         std::optional<std::int64_t> from_seq) = 0;
  // Newest first; failures_only leaves out delivered attempts.
  virtual Result<std::vector<DeliveryAttempt>> list_deliveries(TenantId tenant,
                                                               std::string_view webhook_id,
                                                               bool failures_only,
                                                               std::int64_t limit) = 0;

  // --- app keys (directory API) -----------------------------------------------------------
  virtual Result<AppKey> add_app_key(TenantId tenant, std::string_view name,
                                     std::string_view sha256_hex) = 0;
  virtual Result<std::vector<AppKey>> list_app_keys(TenantId tenant) = 0;
  virtual Status revoke_app_key(TenantId tenant, std::int64_t id) = 0;  // not_found
  // The tenant owning an unrevoked app key.
  virtual Result<std::optional<Tenant>> find_app_key_owner(std::string_view sha256_hex) = 0;
  // Records when tokens and app keys (by hash) were last used; unknown hashes are ignored.
  virtual Status note_key_use(const std::vector<std::pair<std::string, TimePoint>>& uses) = 0;

  // --- invitation mail --------------------------------------------------------------------
  // A consumer's progress through a tenant's events (the mailer's cursor); 0 if never set.
  virtual Result<std::int64_t> consumer_seq(TenantId tenant, std::string_view consumer) = 0;
  virtual Status set_consumer_seq(TenantId tenant, std::string_view consumer, std::int64_t seq) = 0;
  // Inserts (id 0) or updates (by id) a mail record; returns its id.
  virtual Result<std::int64_t> save_mail(const MailRecord& record) = 0;
  virtual Result<std::vector<MailRecord>> list_mail(TenantId tenant, std::int64_t limit) = 0;

  // --- leases (one instance at a time for background work) -------------------------------
  // Several instances on one database agree through named leases who delivers an endpoint's
  // webhooks ("webhook:<id>") or a tenant's invitations ("mail:<tenant id>"). `owner` is an
  // instance's random id; times are the caller's clock (instances keep theirs in sync).
  //
  // Takes the lease when it is free, expired at `now`, or already `owner`'s, and (re)sets its
  // expiry to now + ttl, in one atomic statement; false: another owner holds it.
  virtual Result<bool> hold_lease(std::string_view name, std::string_view owner, TimePoint now,
                                  std::chrono::milliseconds ttl) = 0;
  // Gives the lease up if `owner` holds it (a clean stop: another instance may take it at once).
  virtual Status release_lease(std::string_view name, std::string_view owner) = 0;
  // save_delivery and set_consumer_seq, only while `claim.owner` still holds `claim.name`,
  // checked in the same transaction (the lease row is locked until commit, so a take-over
  // waits for this save or sees it). Errors: precondition_failed when `owner` no longer holds
  // it (another instance took it over): the caller drops its unsaved progress and stops.
  // save_delivery also writes only if the endpoint's stored delivery state (delivered_seq,
  // state, attempts, failing_since, next_attempt_at) still equals `expected`, what the caller
  // last saved or read, checked under the row's lock: false, with nothing written, when it
  // moved meanwhile (a replay), so the caller takes the stored state and saves again.
  virtual Result<bool> save_delivery(const LeaseClaim& claim, const Webhook& expected,
                                     const Webhook& state,
                                     const std::vector<DeliveryAttempt>& attempts) = 0;
  virtual Status set_consumer_seq(const LeaseClaim& claim, TenantId tenant,
                                  std::string_view consumer, std::int64_t seq) = 0;

  // --- provisioning log -------------------------------------------------------------------
  virtual Status append_provisioning(const std::vector<ProvisioningEntry>& entries) = 0;
  virtual Result<std::vector<ProvisioningEntry>> list_provisioning(const ProvisioningQuery& q) = 0;
  // Requests per status since `since`.
  virtual Result<std::vector<StatusCount>> summarize_provisioning(TenantId tenant,
                                                                  std::string_view since) = 0;
  // Deletes provisioning entries, delivery attempts and mail records older than `before`, and
  // lease rows that expired before it (their endpoint, tenant or instance is long gone).
  virtual Result<std::int64_t> prune_logs(TimePoint before) = 0;

  // --- health -----------------------------------------------------------------------------
  // Whether the database answers now (a connection and a trivial query), for /healthz.
  // Errors: unavailable.
  virtual Status ping() = 0;

 protected:
  EventSignal event_signal_;
};

}  // namespace scimd::store
