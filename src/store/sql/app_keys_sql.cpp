// SqliteStore: app keys for the directory API, and last-used times of tokens and keys.
#include <boost/json.hpp>

#include "store/sql/sql_store.h"

namespace scimd::store::sql {

namespace json = boost::json;

namespace {

constexpr std::string_view kKeyColumns = "id, tenant_id, name, created, last_used, revoked";

AppKey read_key(const Statement& stmt) {
  AppKey key;
  key.id = stmt.column_int(0);
  key.tenant_id = stmt.column_int(1);
  key.name = stmt.column_text(2);
  key.created = stmt.column_text(3);
  if (!stmt.is_null(4)) key.last_used = stmt.column_text(4);
  if (!stmt.is_null(5)) key.revoked = stmt.column_text(5);
  return key;
}

Error key_not_found(std::int64_t id) {
  return make_error(Errc::not_found, "app key " + std::to_string(id) + " not found");
}

}  // namespace

Result<AppKey> SqlStore::add_app_key(TenantId tenant, std::string_view name,
                                        std::string_view sha256_hex) {
  AppKey key;
  key.tenant_id = tenant;
  key.name = std::string(name);
  key.created = now();
  SCIMD_TRY(exec_->write([&](Connection& db) -> Status {
    SCIMD_ASSIGN_OR_RETURN(Statement exists, db.prepare("SELECT 1 FROM tenants WHERE id = ?"));
    exists.bind(1, tenant);
    SCIMD_ASSIGN_OR_RETURN(const bool found, exists.step());
    if (!found) return make_error(Errc::not_found, "tenant " + std::to_string(tenant) + " not found");
    SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                           db.prepare("INSERT INTO app_keys (tenant_id, sha256, name, created) "
                                      "VALUES (?, ?, ?, ?) RETURNING id"));
    stmt.bind(1, tenant).bind(2, sha256_hex).bind(3, key.name).bind(4, key.created);
    auto id = insert_returning_id(stmt);
    if (!id.ok()) {
      if (stmt.unique_violation()) return make_error(Errc::uniqueness, "app key already registered");
      return std::move(id).error();
    }
    key.id = *id;
    return {};
  }));
  return key;
}

Result<std::vector<AppKey>> SqlStore::list_app_keys(TenantId tenant) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db->prepare("SELECT " + std::string(kKeyColumns) +
                                     " FROM app_keys WHERE tenant_id = ? ORDER BY id"));
  stmt.bind(1, tenant);
  std::vector<AppKey> keys;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return keys;
    keys.push_back(read_key(stmt));
  }
}

Status SqlStore::revoke_app_key(TenantId tenant, std::int64_t id) {
  const std::string when = now();
  return exec_->write([&](Connection& db) -> Status {
    // Revoking twice keeps the first time; the tenant_id condition keeps tenants apart.
    SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                           db.prepare("UPDATE app_keys SET revoked = coalesce(revoked, ?) "
                                      "WHERE tenant_id = ? AND id = ?"));
    stmt.bind(1, when).bind(2, tenant).bind(3, id);
    SCIMD_TRY(stmt.run());
    if (db.changes() == 0) return key_not_found(id);
    return {};
  });
}

Result<std::optional<Tenant>> SqlStore::find_app_key_owner(std::string_view sha256_hex) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db->prepare("SELECT t.id, t.name, t.created, t.settings FROM app_keys k "
                                     "JOIN tenants t ON t.id = k.tenant_id "
                                     "WHERE k.sha256 = ? AND k.revoked IS NULL"));
  stmt.bind(1, sha256_hex);
  SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return std::optional<Tenant>();
  Tenant tenant{stmt.column_int(0), stmt.column_text(1), stmt.column_text(2), {}};
  boost::system::error_code ec;
  json::value settings = json::parse(stmt.column_text(3), ec);
  if (ec || !settings.is_object()) {
    return make_error(Errc::internal, "stored tenant settings are not a JSON object");
  }
  tenant.settings = std::move(settings.as_object());
  return std::optional<Tenant>(std::move(tenant));
}

Status SqlStore::note_key_use(const std::vector<std::pair<std::string, TimePoint>>& uses) {
  if (uses.empty()) return {};
  std::vector<std::pair<std::string, std::string>> rows;
  rows.reserve(uses.size());
  for (const auto& [hash, when] : uses) rows.emplace_back(hash, format_time(when));
  // One write for the whole batch: a hash is a token's or an app key's, so both tables are
  // tried; a later time never goes back (text order is time order).
  return exec_->write([&](Connection& db) -> Status {
    for (std::string_view table : {"tokens", "app_keys"}) {
      for (const auto& [hash, when] : rows) {
        SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                               db.prepare("UPDATE " + std::string(table) +
                                          " SET last_used = ? WHERE sha256 = ? AND "
                                          "(last_used IS NULL OR last_used < ?)"));
        stmt.bind(1, when).bind(2, hash).bind(3, when);
        SCIMD_TRY(stmt.run());
      }
    }
    return {};
  });
}

}  // namespace scimd::store::sql
