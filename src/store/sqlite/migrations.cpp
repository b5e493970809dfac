#include "store/sqlite/migrations.h"

#include <string>

#include "store/sql/dialect_sql.h"

namespace scimd::store::sqlite {

namespace {

// Users and groups share one layout (a table each, so their unique keys differ). `seq` is the
// rowid: creation order for stable paging. Memberships are rows, never a JSON array, so one
// member add/remove is O(log n); `seq` there is insertion order for reading members back.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE tenants (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created TEXT NOT NULL
);
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  sha256 TEXT NOT NULL UNIQUE,
  created TEXT NOT NULL,
  expires_at TEXT
);
CREATE INDEX tokens_tenant ON tokens(tenant_id);

CREATE TABLE users (
  seq INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  doc TEXT NOT NULL,
  version INTEGER NOT NULL,
  created TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  user_name_lower TEXT,
  display_name TEXT,
  display_name_lower TEXT,
  external_id TEXT,
  work_email_lower TEXT,
  active INTEGER
);
CREATE UNIQUE INDEX users_id ON users(tenant_id, id);
CREATE UNIQUE INDEX users_user_name ON users(tenant_id, user_name_lower);
CREATE INDEX users_display_name ON users(tenant_id, display_name_lower);
CREATE INDEX users_external_id ON users(tenant_id, external_id);
CREATE INDEX users_work_email ON users(tenant_id, work_email_lower);
CREATE INDEX users_seq ON users(tenant_id, seq);

CREATE TABLE groups (
  seq INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  doc TEXT NOT NULL,
  version INTEGER NOT NULL,
  created TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  user_name_lower TEXT,
  display_name TEXT,
  display_name_lower TEXT,
  external_id TEXT,
  work_email_lower TEXT,
  active INTEGER
);
CREATE UNIQUE INDEX groups_id ON groups(tenant_id, id);
CREATE UNIQUE INDEX groups_display_name ON groups(tenant_id, display_name_lower);
CREATE INDEX groups_external_id ON groups(tenant_id, external_id);
CREATE INDEX groups_seq ON groups(tenant_id, seq);

CREATE TABLE memberships (
  seq INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  group_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  member_type TEXT NOT NULL,
  display TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX memberships_key ON memberships(tenant_id, group_id, member_id);
CREATE INDEX memberships_member ON memberships(tenant_id, member_id);
)sql";

// Per-tenant settings: a JSON object kept as given (see Tenant::settings).
constexpr std::string_view kV2 = R"sql(
ALTER TABLE tenants ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
)sql";

// One row per email of a user (objects with a text `value`), so `emails.value eq` and Entra's
// `emails[type eq "work"].value eq` find every email by index, not only the first work email
// that users.work_email_lower holds (whose index goes). Rows come from the same json_each the
// filter's exact check reads (sql::user_emails_fill); deleting a user deletes them.
// memberships_member gains group_id so `members[value eq X]` reads the member's groups from
// the index alone.
constexpr std::string_view kV3 = R"sql(
CREATE TABLE user_emails (
  user_seq INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
  tenant_id INTEGER NOT NULL,
  type_lower TEXT,
  value_lower TEXT NOT NULL
);
CREATE INDEX user_emails_user ON user_emails(user_seq);
CREATE INDEX user_emails_value ON user_emails(tenant_id, value_lower);
DROP INDEX users_work_email;
DROP INDEX memberships_member;
CREATE INDEX memberships_member ON memberships(tenant_id, member_id, group_id);
)sql";

// The product side (issue 5): the event outbox with a per-tenant sequence, synced users and
// their effective roles, webhook endpoints with their delivery state and log, app keys, the
// mailer's cursor and log, and the provisioning log.
constexpr std::string_view kV4 = R"sql(
ALTER TABLE tenants ADD COLUMN event_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN synced INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN roles TEXT NOT NULL DEFAULT '[]';
ALTER TABLE groups ADD COLUMN synced INTEGER NOT NULL DEFAULT 1;
ALTER TABLE groups ADD COLUMN roles TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tokens ADD COLUMN last_used TEXT;

CREATE TABLE events (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  time TEXT NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (tenant_id, seq)
) WITHOUT ROWID;
CREATE INDEX events_time ON events(time);

CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL DEFAULT '[]',
  created TEXT NOT NULL,
  delivered_seq INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'active',
  attempts INTEGER NOT NULL DEFAULT 0,
  failing_since TEXT,
  next_attempt_at TEXT,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhooks_tenant ON webhooks(tenant_id);

CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_seq INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  time TEXT NOT NULL,
  status INTEGER NOT NULL,
  latency_ms REAL NOT NULL,
  outcome TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, id);
CREATE INDEX webhook_deliveries_time ON webhook_deliveries(time);

CREATE TABLE app_keys (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  sha256 TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created TEXT NOT NULL,
  last_used TEXT,
  revoked TEXT
);
CREATE INDEX app_keys_tenant ON app_keys(tenant_id);

CREATE TABLE consumers (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, name)
) WITHOUT ROWID;

CREATE TABLE mail (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  time TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_tenant ON mail(tenant_id, id);
CREATE INDEX mail_time ON mail(time);

CREATE TABLE provisioning_log (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  time TEXT NOT NULL,
  client TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  resource_id TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL,
  scim_type TEXT NOT NULL DEFAULT '',
  latency_ms REAL NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX provisioning_log_tenant ON provisioning_log(tenant_id, id);
CREATE INDEX provisioning_log_resource ON provisioning_log(tenant_id, resource_id, id);
CREATE INDEX provisioning_log_time ON provisioning_log(time);
)sql";

// Several instances on one database (PostgreSQL; the same table here keeps one schema): a
// named lease says which instance delivers an endpoint's webhooks or a tenant's invitations,
// until expires_at (format_time text, so text order is time order).
constexpr std::string_view kV5 = R"sql(
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at TEXT NOT NULL
) WITHOUT ROWID;
)sql";

}  // namespace

const std::vector<std::string_view>& migrations() {
  // v3 ends by filling user_emails for the users already stored.
  static const std::string v3 = std::string(kV3) + std::string(sql::user_emails_fill(sql::Dialect::sqlite)) + " 1;";
  static const std::vector<std::string_view> all = {kV1, kV2, v3, kV4, kV5};
  return all;
}

Status migrate(Connection& writer) {
  std::int64_t applied = 0;
  {
    SCIMD_ASSIGN_OR_RETURN(Statement version, writer.prepare("PRAGMA user_version"));
    SCIMD_ASSIGN_OR_RETURN(const bool row, version.step());
    if (row) applied = version.column_int(0);
  }
  const auto& all = migrations();
  if (applied > static_cast<std::int64_t>(all.size())) {
    return make_error(Errc::internal, "database schema version " + std::to_string(applied) +
                                          " is newer than this scimd (" +
                                          std::to_string(all.size()) + ")");
  }
  for (std::size_t i = static_cast<std::size_t>(applied); i < all.size(); ++i) {
    SCIMD_TRY(writer.exec("BEGIN IMMEDIATE"));
    // PRAGMA takes no parameters; the number comes from our own counter.
    Status status =
        writer.exec(std::string(all[i]) + "\nPRAGMA user_version = " + std::to_string(i + 1) + ";");
    if (status.ok()) status = writer.exec("COMMIT");
    if (!status.ok()) {
      if (writer.in_transaction()) (void)writer.exec("ROLLBACK");
      Error error = std::move(status).error();
      error.detail = "migration " + std::to_string(i + 1) + ": " + error.detail;
      return error;
    }
  }
  return {};
}

}  // namespace scimd::store::sqlite
