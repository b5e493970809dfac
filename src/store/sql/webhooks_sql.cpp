// SqliteStore: webhook endpoints, their delivery state and the delivery log.
#include <boost/json.hpp>

#include "core/crypto.h"
#include "store/sql/dialect_sql.h"
#include "store/sql/sql_store.h"

namespace scimd::store::sql {

namespace json = boost::json;

namespace {

Error webhook_not_found(std::string_view id) {
  return make_error(Errc::not_found, "webhook '" + std::string(id) + "' not found");
}

std::string events_text(const std::vector<std::string>& events) {
  json::array arr;
  for (const auto& e : events) arr.emplace_back(e);
  return json::serialize(arr);
}

std::vector<std::string> parse_events(const std::string& text) {
  std::vector<std::string> events;
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return events;
  for (const auto& e : v.as_array()) {
    if (e.is_string()) events.emplace_back(e.as_string());
  }
  return events;
}

std::optional<std::string> optional_text(const Statement& stmt, int column) {
  if (stmt.is_null(column)) return std::nullopt;
  return stmt.column_text(column);
}

constexpr std::string_view kWebhookSelect =
    "SELECT w.id, w.tenant_id, t.name, w.url, w.secret, w.events, w.created, w.delivered_seq, "
    "w.state, w.attempts, w.failing_since, w.next_attempt_at, w.last_error "
    "FROM webhooks w JOIN tenants t ON t.id = w.tenant_id ";

Webhook read_webhook(const Statement& stmt) {
  Webhook w;
  w.id = stmt.column_text(0);
  w.tenant_id = stmt.column_int(1);
  w.tenant = stmt.column_text(2);
  w.url = stmt.column_text(3);
  w.secret = stmt.column_text(4);
  w.events = parse_events(stmt.column_text(5));
  w.created = stmt.column_text(6);
  w.delivered_seq = stmt.column_int(7);
  w.state = stmt.column_text(8);
  w.attempts = stmt.column_int(9);
  w.failing_since = optional_text(stmt, 10);
  w.next_attempt_at = optional_text(stmt, 11);
  w.last_error = stmt.column_text(12);
  return w;
}

Result<std::optional<Webhook>> load_webhook(Connection& db, TenantId tenant, std::string_view id) {
  SCIMD_ASSIGN_OR_RETURN(Statement stmt, db.prepare(std::string(kWebhookSelect) +
                                                    "WHERE w.tenant_id = ? AND w.id = ?"));
  stmt.bind(1, tenant).bind(2, id);
  SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return std::optional<Webhook>();
  return std::optional<Webhook>(read_webhook(stmt));
}

}  // namespace

Result<Webhook> SqlStore::create_webhook(TenantId tenant, Webhook spec) {
  spec.id = "wh_" + crypto::hex(crypto::random_bytes(12));
  spec.tenant_id = tenant;
  spec.created = now();
  spec.state = "active";
  spec.attempts = 0;
  spec.failing_since.reset();
  spec.next_attempt_at.reset();
  spec.last_error.clear();
  SCIMD_TRY(exec_->write([&](Connection& db) -> Status {
    // Starts after the tenant's newest event, read in the same transaction that inserts, so
    // an endpoint receives exactly the events committed after it.
    SCIMD_ASSIGN_OR_RETURN(Statement seq,
                           db.prepare("SELECT event_seq, name FROM tenants WHERE id = ?"));
    seq.bind(1, tenant);
    SCIMD_ASSIGN_OR_RETURN(const bool row, seq.step());
    if (!row) return make_error(Errc::not_found, "tenant " + std::to_string(tenant) + " not found");
    spec.delivered_seq = seq.column_int(0);
    spec.tenant = seq.column_text(1);
    SCIMD_ASSIGN_OR_RETURN(Statement insert,
                           db.prepare("INSERT INTO webhooks (id, tenant_id, url, secret, events, "
                                      "created, delivered_seq) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert.bind(1, spec.id).bind(2, tenant).bind(3, spec.url).bind(4, spec.secret);
    insert.bind(5, events_text(spec.events)).bind(6, spec.created).bind(7, spec.delivered_seq);
    return insert.run();
  }));
  return spec;
}

Result<std::vector<Webhook>> SqlStore::list_webhooks(std::optional<TenantId> tenant) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(
      Statement stmt,
      db->prepare(std::string(kWebhookSelect) + (tenant ? "WHERE w.tenant_id = ? " : "") +
                  "ORDER BY w.created, w.id"));
  if (tenant) stmt.bind(1, *tenant);
  std::vector<Webhook> hooks;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return hooks;
    hooks.push_back(read_webhook(stmt));
  }
}

Result<Webhook> SqlStore::get_webhook(TenantId tenant, std::string_view id) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(std::optional<Webhook> hook, load_webhook(*db, tenant, id));
  if (!hook) return webhook_not_found(id);
  return std::move(*hook);
}

Status SqlStore::delete_webhook(TenantId tenant, std::string_view id) {
  return exec_->write([&](Connection& db) -> Status {
    SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                           db.prepare("DELETE FROM webhooks WHERE tenant_id = ? AND id = ?"));
    stmt.bind(1, tenant).bind(2, id);
    SCIMD_TRY(stmt.run());
    if (db.changes() == 0) return webhook_not_found(id);
    return {};
  });
}

Status SqlStore::save_delivery(const Webhook& state, const std::vector<DeliveryAttempt>& attempts) {
  return exec_->write([&](Connection& db) { return write_delivery(db, state, attempts); });
}

Result<bool> SqlStore::delivery_state_is(Connection& db, const Webhook& expected) {
  SCIMD_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare(std::string("SELECT delivered_seq, state, attempts, failing_since, "
                             "next_attempt_at FROM webhooks WHERE id = ?") +
                 std::string(row_lock(db.dialect()))));
  stmt.bind(1, expected.id);
  SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return webhook_not_found(expected.id);
  return stmt.column_int(0) == expected.delivered_seq && stmt.column_text(1) == expected.state &&
         stmt.column_int(2) == expected.attempts &&
         optional_text(stmt, 3) == expected.failing_since &&
         optional_text(stmt, 4) == expected.next_attempt_at;
}

Status SqlStore::write_delivery(Connection& db, const Webhook& state,
                                const std::vector<DeliveryAttempt>& attempts) {
  SCIMD_ASSIGN_OR_RETURN(Statement update,
                         db.prepare("UPDATE webhooks SET delivered_seq = ?, state = ?, "
                                    "attempts = ?, failing_since = ?, next_attempt_at = ?, "
                                    "last_error = ? WHERE id = ?"));
  update.bind(1, state.delivered_seq).bind(2, state.state).bind(3, state.attempts);
  update.bind(4, state.failing_since);
  update.bind(5, state.next_attempt_at);
  update.bind(6, state.last_error).bind(7, state.id);
  SCIMD_TRY(update.run());
  // A webhook deleted while its delivery was in flight: nothing to record against.
  if (db.changes() == 0) return webhook_not_found(state.id);
  for (const DeliveryAttempt& a : attempts) {
    SCIMD_ASSIGN_OR_RETURN(
        Statement insert,
        db.prepare("INSERT INTO webhook_deliveries (webhook_id, event_seq, event_id, attempt, "
                   "time, status, latency_ms, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert.bind(1, state.id).bind(2, a.event_seq).bind(3, a.event_id).bind(4, a.attempt);
    insert.bind(5, a.time.empty() ? now() : a.time).bind(6, a.status).bind(7, a.latency_ms);
    insert.bind(8, a.outcome).bind(9, a.error);
    SCIMD_TRY(insert.run());
  }
  return {};
}

Result<Webhook> SqlStore::replay_webhook(TenantId tenant, std::string_view id,
                                            std::optional<std::int64_t> from_seq) {
  if (from_seq && *from_seq < 1) {
    return make_error(Errc::invalid_value, "from_seq must be 1 or more");
  }
  SCIMD_TRY(exec_->write([&](Connection& db) -> Status {
    SCIMD_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare("UPDATE webhooks SET state = 'active', attempts = 0, failing_since = NULL, "
                   "next_attempt_at = NULL, last_error = '', "
                   "delivered_seq = COALESCE(?, delivered_seq) WHERE tenant_id = ? AND id = ?"));
    stmt.bind(1, from_seq ? std::optional<std::int64_t>(*from_seq - 1) : std::nullopt);
    stmt.bind(2, tenant).bind(3, id);
    SCIMD_TRY(stmt.run());
    if (db.changes() == 0) return webhook_not_found(id);
    return {};
  }));
  event_signal_.notify();  // wakes the dispatcher, which may be idle on a dead endpoint
  return get_webhook(tenant, id);
}

Result<std::vector<DeliveryAttempt>> SqlStore::list_deliveries(TenantId tenant,
                                                                  std::string_view webhook_id,
                                                                  bool failures_only,
                                                                  std::int64_t limit) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(std::optional<Webhook> hook, load_webhook(*db, tenant, webhook_id));
  if (!hook) return webhook_not_found(webhook_id);
  SCIMD_ASSIGN_OR_RETURN(
      Statement stmt,
      db->prepare(std::string("SELECT id, webhook_id, event_seq, event_id, attempt, time, status, "
                              "latency_ms, outcome, error FROM webhook_deliveries "
                              "WHERE webhook_id = ? ") +
                  (failures_only ? "AND outcome != 'delivered' " : "") + "ORDER BY id DESC LIMIT ?"));
  stmt.bind(1, webhook_id).bind(2, limit);
  std::vector<DeliveryAttempt> out;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    DeliveryAttempt a;
    a.id = stmt.column_int(0);
    a.webhook_id = stmt.column_text(1);
    a.event_seq = stmt.column_int(2);
    a.event_id = stmt.column_text(3);
    a.attempt = stmt.column_int(4);
    a.time = stmt.column_text(5);
    a.status = static_cast<int>(stmt.column_int(6));
    a.latency_ms = stmt.column_double(7);
    a.outcome = stmt.column_text(8);
    a.error = stmt.column_text(9);
    out.push_back(std::move(a));
  }
}

}  // namespace scimd::store::sql
