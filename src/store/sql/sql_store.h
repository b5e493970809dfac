// The store's logic in SQL, once for every engine: resources with their index columns, member
// rows, the event outbox, webhooks, app keys and logs, filters translated to SQL
// (filter_sql.h). An engine supplies an Executor (store/sql/connection.h): SQLite's single
// writer with group commit (store/sqlite), or PostgreSQL's connection pool (store/postgres).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/sql/connection.h"
#include "store/store.h"

namespace scimd::store::sql {

class SqlStore : public Store {
 public:
  ~SqlStore() override = default;

  Result<Tenant> create_tenant(std::string_view name) override;
  Result<Tenant> find_tenant(std::string_view name) override;
  Result<std::vector<Tenant>> list_tenants() override;
  Status delete_tenant(std::string_view name) override;
  Status set_tenant_settings(TenantId tenant, const boost::json::object& settings) override;

  Status add_token(TenantId tenant, std::string_view sha256_hex) override;
  Status expire_tokens(TenantId tenant, TimePoint until) override;
  Result<std::vector<TokenInfo>> list_tokens(TenantId tenant) override;
  Result<std::optional<Tenant>> find_token_owner(std::string_view sha256_hex,
                                                 TimePoint now) override;

  Result<Resource> create(TenantId tenant, scim::ResourceKind kind, boost::json::object doc,
                          const std::vector<scim::MemberRef>& members,
                          const WriteOptions& options = {}) override;
  Result<Resource> get(TenantId tenant, scim::ResourceKind kind, std::string_view id,
                       Fetch fetch) override;
  Result<ListPage> list(TenantId tenant, scim::ResourceKind kind, const ListQuery& query) override;
  Result<Resource> update(TenantId tenant, scim::ResourceKind kind, std::string_view id,
                          std::optional<std::int64_t> if_match, Fetch fetch,
                          const Mutation& mutation, const WriteOptions& options = {}) override;
  Status remove(TenantId tenant, scim::ResourceKind kind, std::string_view id,
                std::optional<std::int64_t> if_match, const WriteOptions& options = {}) override;
  Result<std::vector<scim::MemberRef>> list_members(TenantId tenant, std::string_view group_id,
                                                    std::int64_t offset, std::int64_t limit) override;

  // events_sql.cpp
  Result<std::vector<Event>> list_events(TenantId tenant, std::int64_t after_seq,
                                         std::int64_t limit) override;
  Result<std::int64_t> last_event_seq(TenantId tenant) override;
  Result<std::int64_t> prune_events(TimePoint before) override;

  // webhooks_sql.cpp
  Result<Webhook> create_webhook(TenantId tenant, Webhook spec) override;
  Result<std::vector<Webhook>> list_webhooks(std::optional<TenantId> tenant) override;
  Result<Webhook> get_webhook(TenantId tenant, std::string_view id) override;
  Status delete_webhook(TenantId tenant, std::string_view id) override;
  Status save_delivery(const Webhook& state, const std::vector<DeliveryAttempt>& attempts) override;
  Result<Webhook> replay_webhook(TenantId tenant, std::string_view id,
                                 std::optional<std::int64_t> from_seq) override;
  Result<std::vector<DeliveryAttempt>> list_deliveries(TenantId tenant, std::string_view webhook_id,
                                                       bool failures_only,
                                                       std::int64_t limit) override;

  // app_keys_sql.cpp
  Result<AppKey> add_app_key(TenantId tenant, std::string_view name,
                             std::string_view sha256_hex) override;
  Result<std::vector<AppKey>> list_app_keys(TenantId tenant) override;
  Status revoke_app_key(TenantId tenant, std::int64_t id) override;
  Result<std::optional<Tenant>> find_app_key_owner(std::string_view sha256_hex) override;
  Status note_key_use(const std::vector<std::pair<std::string, TimePoint>>& uses) override;

  // logs_sql.cpp
  Result<std::int64_t> consumer_seq(TenantId tenant, std::string_view consumer) override;
  Status set_consumer_seq(TenantId tenant, std::string_view consumer, std::int64_t seq) override;
  Result<std::int64_t> save_mail(const MailRecord& record) override;
  Result<std::vector<MailRecord>> list_mail(TenantId tenant, std::int64_t limit) override;
  Status append_provisioning(const std::vector<ProvisioningEntry>& entries) override;
  Result<std::vector<ProvisioningEntry>> list_provisioning(const ProvisioningQuery& q) override;
  Result<std::vector<StatusCount>> summarize_provisioning(TenantId tenant,
                                                          std::string_view since) override;
  Result<std::int64_t> prune_logs(TimePoint before) override;

  Status ping() override;

  // leases_sql.cpp
  Result<bool> hold_lease(std::string_view name, std::string_view owner, TimePoint now,
                          std::chrono::milliseconds ttl) override;
  Status release_lease(std::string_view name, std::string_view owner) override;
  Result<bool> save_delivery(const LeaseClaim& claim, const Webhook& expected,
                             const Webhook& state,
                             const std::vector<DeliveryAttempt>& attempts) override;
  Status set_consumer_seq(const LeaseClaim& claim, TenantId tenant, std::string_view consumer,
                          std::int64_t seq) override;

  // Creates many resources in one write transaction, exactly as create() would one by one;
  // all or nothing. For imports and for tests that need a large tenant quickly. Returns the
  // new ids in order.
  struct NewResource {
    boost::json::object doc;
    std::vector<scim::MemberRef> members;  // groups
  };
  Result<std::vector<std::string>> create_batch(TenantId tenant, scim::ResourceKind kind,
                                                std::vector<NewResource> resources);

  // The plan the engine chooses for the list() query (SQLite: EXPLAIN QUERY PLAN details,
  // PostgreSQL: EXPLAIN lines; one per line), so tests can check that lookups use an index.
  Result<std::string> explain_list(TenantId tenant, scim::ResourceKind kind,
                                   const ListQuery& query);

 protected:
  SqlStore(std::unique_ptr<Executor> executor, std::shared_ptr<const Clock> clock)
      : exec_(std::move(executor)), clock_(std::move(clock)) {}
  Executor& executor() const { return *exec_; }

 private:
  std::string now() const;
  // The writes behind save_delivery and set_consumer_seq, with or without a lease check.
  Status write_delivery(Connection& db, const Webhook& state,
                        const std::vector<DeliveryAttempt>& attempts);
  // Whether the endpoint's stored delivery state equals `expected` (row locked where the
  // engine needs it). Errors: not_found.
  static Result<bool> delivery_state_is(Connection& db, const Webhook& expected);
  static Status write_consumer_seq(Connection& db, TenantId tenant, std::string_view consumer,
                                   std::int64_t seq);

  std::unique_ptr<Executor> exec_;
  std::shared_ptr<const Clock> clock_;
};

}  // namespace scimd::store::sql
