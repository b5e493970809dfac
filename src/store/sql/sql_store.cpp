#include "store/sql/sql_store.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "core/ids.h"
#include "core/text.h"
#include "store/cursor.h"
#include "store/sql/filter_sql.h"
#include "store/sql/keyset_sql.h"
#include "store/sql/memberships.h"
#include "store/sql/dialect_sql.h"
#include "store/sql/outbox.h"
#include "store/roles.h"

namespace scimd::store::sql {

namespace json = boost::json;
using scim::ResourceKind;

namespace {

// --- small helpers -------------------------------------------------------------------------

std::string_view table_of(ResourceKind kind) {
  return kind == ResourceKind::user ? "users" : "groups";
}

std::string_view kind_name(ResourceKind kind) {
  return kind == ResourceKind::user ? "User" : "Group";
}

Error not_found(ResourceKind kind, std::string_view id) {
  return make_error(Errc::not_found,
                    std::string(kind_name(kind)) + " '" + std::string(id) + "' not found");
}

Error tenant_not_found(TenantId tenant) {
  return make_error(Errc::not_found, "tenant " + std::to_string(tenant) + " not found");
}

bool is_tenant_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// ^[a-z0-9][a-z0-9._-]{0,62}$
Status check_tenant_name(std::string_view name) {
  const bool valid = !name.empty() && name.size() <= 63 &&
                     std::all_of(name.begin(), name.end(), is_tenant_name_char) && name[0] != '.' &&
                     name[0] != '_' && name[0] != '-';
  if (valid) return {};
  return make_error(Errc::invalid_value,
                    "tenant name must be 1-63 characters of a-z, 0-9, '.', '_', '-', starting "
                    "with a letter or digit");
}

Result<json::object> parse_object(const std::string& text, std::string_view what) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    return make_error(Errc::internal, "stored " + std::string(what) + " is not a JSON object");
  }
  return std::move(value.as_object());
}

Result<json::object> parse_doc(const std::string& text) { return parse_object(text, "document"); }

// Columns: id, name, created, settings (kTenantColumns).
constexpr std::string_view kTenantColumns = "t.id, t.name, t.created, t.settings";

Result<Tenant> read_tenant(Statement& stmt) {
  Tenant tenant{stmt.column_int(0), stmt.column_text(1), stmt.column_text(2), {}};
  SCIMD_ASSIGN_OR_RETURN(tenant.settings, parse_object(stmt.column_text(3), "tenant settings"));
  return tenant;
}

// Columns: id, doc, version, created, last_modified, synced, roles (groups have the last two
// too, always 1 and [], so one reader serves both tables).
constexpr std::string_view kResourceColumns =
    "r.id, r.doc, r.version, r.created, r.last_modified, r.synced, r.roles";
constexpr int kResourceColumnCount = 7;  // keyed reads put the sort key and seq after them

Result<Resource> read_resource(const Statement& stmt) {
  Resource r;
  r.id = stmt.column_text(0);
  SCIMD_ASSIGN_OR_RETURN(r.doc, parse_doc(stmt.column_text(1)));
  r.version = stmt.column_int(2);
  r.created = stmt.column_text(3);
  r.last_modified = stmt.column_text(4);
  r.synced = stmt.column_int(5) != 0;
  r.roles = parse_roles(stmt.column_text(6));
  return r;
}

// --- resource rows -------------------------------------------------------------------------

// If-Match: the version the client saw must be the stored one.
Status check_version(const Resource& current, std::optional<std::int64_t> if_match) {
  if (!if_match || *if_match == current.version) return {};
  return make_error(Errc::precondition_failed, "version " + std::to_string(current.version) +
                                                   " does not match " + std::to_string(*if_match));
}

// How a write reads a row: `for_update` when it may rewrite it (see row_lock).
enum class Lock { none, for_update };

Result<std::optional<Resource>> load_row(Connection& db, TenantId tenant, ResourceKind kind,
                                         std::string_view id, Lock lock = Lock::none) {
  std::string text = "SELECT " + std::string(kResourceColumns) + " FROM " +
                     std::string(table_of(kind)) + " r WHERE r.tenant_id = ? AND r.id = ?";
  if (lock == Lock::for_update) text += row_lock(db.dialect());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt, db.prepare(text));
  stmt.bind(1, tenant).bind(2, id);
  SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return std::optional<Resource>();
  SCIMD_ASSIGN_OR_RETURN(Resource r, read_resource(stmt));
  return std::optional<Resource>(std::move(r));
}

// Whether load_fetched reads member rows (groups) or group rows (users).
bool reads_side_rows(ResourceKind kind, Fetch fetch) {
  return kind == ResourceKind::group ? fetch.members : fetch.groups;
}

// The columns of a read that shows resources: kResourceColumns, then (at kSideColumn) the side
// rows `fetch` shows (side_rows_column) or NULL, so one statement is one snapshot on both engines
// and one round trip on PostgreSQL. Keyed reads put the sort key and seq after them.
std::string shown_columns(Dialect dialect, ResourceKind kind, Fetch fetch) {
  return std::string(kResourceColumns) + ", " +
         (reads_side_rows(kind, fetch) ? side_rows_column(dialect, kind == ResourceKind::user)
                                       : std::string("NULL"));
}
constexpr int kSideColumn = kResourceColumnCount;
constexpr int kShownColumnCount = kResourceColumnCount + 1;

// Fills r.groups (users) or r.members (groups) from the side-rows column; NULL: none.
Status read_side_rows(const Statement& stmt, ResourceKind kind, Resource& r) {
  if (stmt.column_type(kSideColumn) == ColumnType::null) return {};
  boost::system::error_code ec;
  const json::value value = json::parse(stmt.column_text(kSideColumn), ec);
  const std::size_t width = kind == ResourceKind::user ? 3 : 4;
  std::vector<const json::array*> rows;
  if (!ec && value.is_array()) {
    for (const json::value& row : value.as_array()) {
      const json::array* fields = row.if_array();
      if (fields == nullptr || fields->size() != width || !fields->front().is_int64()) break;
      rows.push_back(fields);
    }
  }
  if (ec || !value.is_array() || rows.size() != value.as_array().size()) {
    return make_error(Errc::internal, "stored membership rows of '" + r.id + "' are malformed");
  }
  std::sort(rows.begin(), rows.end(), [](const json::array* a, const json::array* b) {
    return a->front().as_int64() < b->front().as_int64();
  });
  auto text = [](const json::value& v) {
    return v.is_string() ? std::string(v.get_string()) : std::string();
  };
  for (const json::array* f : rows) {
    if (kind == ResourceKind::user) {
      r.groups.push_back({text((*f)[1]), text((*f)[2])});
    } else {
      r.members.push_back({text((*f)[1]), text((*f)[2]), text((*f)[3])});
    }
  }
  return {};
}

// A resource read with shown_columns.
Result<Resource> read_shown(const Statement& stmt, ResourceKind kind) {
  SCIMD_ASSIGN_OR_RETURN(Resource r, read_resource(stmt));
  SCIMD_TRY(read_side_rows(stmt, kind, r));
  return r;
}

Status load_fetched(Connection& db, TenantId tenant, ResourceKind kind, Fetch fetch, Resource& r) {
  if (!reads_side_rows(kind, fetch)) return {};
  if (kind == ResourceKind::group) {
    SCIMD_ASSIGN_OR_RETURN(r.members, load_members(db, tenant, r.id));
  } else {
    SCIMD_ASSIGN_OR_RETURN(r.groups, load_groups(db, tenant, r.id));
  }
  return {};
}

// The indexed columns of a document, in the order of kIndexColumns.
struct IndexRow {
  std::optional<std::string> user_name_lower;
  std::optional<std::string> display_name;
  std::optional<std::string> display_name_lower;
  std::optional<std::string> external_id;
  std::optional<std::string> work_email_lower;
  std::optional<std::int64_t> active;  // null when the document has no boolean `active`
  // Users: the user_emails rows, [type_lower or null, value_lower] each, as a JSON array
  // (lowered here like every other key, so a filter's lowered literal finds them).
  std::string emails;
};

IndexRow index_row(ResourceKind kind, const json::object& doc) {
  const scim::IndexKeys keys = scim::index_keys(kind, doc);
  IndexRow row;
  if (keys.user_name) row.user_name_lower = to_lower(*keys.user_name);
  row.display_name = keys.display_name;
  if (keys.display_name) row.display_name_lower = to_lower(*keys.display_name);
  row.external_id = keys.external_id;
  if (keys.work_email) row.work_email_lower = to_lower(*keys.work_email);
  if (const json::value* active = doc.if_contains("active"); active && active->is_bool()) {
    row.active = active->as_bool() ? 1 : 0;
  }
  if (kind != ResourceKind::user) return row;  // groups have no email rows
  json::array emails;
  for (const scim::EmailKey& e : keys.emails) {
    emails.push_back(json::array{e.type ? json::value(to_lower(*e.type)) : json::value(nullptr),
                                 json::value(to_lower(e.value))});
  }
  row.emails = json::serialize(emails);
  return row;
}

// Binds the six index columns starting at `first`.
void bind_index_row(Statement& stmt, int first, const IndexRow& row) {
  stmt.bind(first, row.user_name_lower);
  stmt.bind(first + 1, row.display_name);
  stmt.bind(first + 2, row.display_name_lower);
  stmt.bind(first + 3, row.external_id);
  stmt.bind(first + 4, row.work_email_lower);
  stmt.bind(first + 5, row.active);
}

// A failed INSERT or UPDATE of a users or groups row, as the client should see it: a taken
// userName (users) or displayName (groups), which are unique per tenant case-insensitively, or
// a tenant deleted meanwhile (its foreign key). The constraints answer, not a lookup before
// the write: one round trip fewer per write on PostgreSQL.
Error write_error(const Statement& stmt, Error error, ResourceKind kind, TenantId tenant,
                  const json::object& doc) {
  if (stmt.foreign_key_violation()) return tenant_not_found(tenant);
  if (!stmt.unique_violation()) return error;
  const std::string_view attr = kind == ResourceKind::user ? "userName" : "displayName";
  const json::value* sent = doc.if_contains(attr);
  if (sent == nullptr || !sent->is_string()) {
    return make_error(Errc::uniqueness, std::string(attr) + " is already taken");
  }
  return make_error(Errc::uniqueness,
                    std::string(attr) + " '" + std::string(sent->as_string()) + "' is already taken");
}

Status check_tenant_exists(Connection& db, TenantId tenant) {
  SCIMD_ASSIGN_OR_RETURN(Statement stmt, db.prepare("SELECT 1 FROM tenants WHERE id = ?"));
  stmt.bind(1, tenant);
  SCIMD_ASSIGN_OR_RETURN(const bool found, stmt.step());
  if (!found) return tenant_not_found(tenant);
  return {};
}

// Adds the user_emails rows of `row` to the stored user `id`.
Status insert_user_emails(Connection& db, TenantId tenant, std::string_view id,
                          const IndexRow& row) {
  SCIMD_ASSIGN_OR_RETURN(Statement fill,
                         db.prepare(user_emails_insert(db.dialect(), "users u") +
                                    " WHERE u.tenant_id = ? AND u.id = ?"));
  fill.bind(1, row.emails).bind(2, tenant).bind(3, id);
  return fill.run();
}

// --- memberships ---------------------------------------------------------------------------

// "User" or "Group" for an id of the tenant, or nullopt if it names nothing.
}  // namespace

Status SqlStore::ping() {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt, db->prepare("SELECT 1"));
  return stmt.run();
}

std::string SqlStore::now() const { return format_time(clock_->now()); }

// --- tenants -------------------------------------------------------------------------------

Result<Tenant> SqlStore::create_tenant(std::string_view name) {
  SCIMD_TRY(check_tenant_name(name));
  Tenant tenant{0, std::string(name), now(), {}};
  SCIMD_TRY(exec_->write([&](Connection& db) -> Status {
    SCIMD_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare("INSERT INTO tenants (name, created) VALUES (?, ?) RETURNING id"));
    stmt.bind(1, tenant.name).bind(2, tenant.created);
    auto id = insert_returning_id(stmt);
    if (!id.ok()) {
      if (stmt.unique_violation()) {
        return make_error(Errc::uniqueness, "tenant '" + tenant.name + "' already exists");
      }
      return std::move(id).error();
    }
    tenant.id = *id;
    return {};
  }));
  return tenant;
}

Result<Tenant> SqlStore::find_tenant(std::string_view name) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt, db->prepare("SELECT " + std::string(kTenantColumns) +
                                                     " FROM tenants t WHERE t.name = ?"));
  stmt.bind(1, name);
  SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return make_error(Errc::not_found, "tenant '" + std::string(name) + "' not found");
  return read_tenant(stmt);
}

Result<std::vector<Tenant>> SqlStore::list_tenants() {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt, db->prepare("SELECT " + std::string(kTenantColumns) +
                                                     " FROM tenants t ORDER BY t.name"));
  std::vector<Tenant> tenants;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return tenants;
    SCIMD_ASSIGN_OR_RETURN(Tenant t, read_tenant(stmt));
    tenants.push_back(std::move(t));
  }
}

Status SqlStore::delete_tenant(std::string_view name) {
  return exec_->write([&](Connection& db) -> Status {
    // Tokens, users, groups and memberships go with it (ON DELETE CASCADE).
    SCIMD_ASSIGN_OR_RETURN(Statement stmt, db.prepare("DELETE FROM tenants WHERE name = ?"));
    stmt.bind(1, name);
    SCIMD_TRY(stmt.run());
    if (db.changes() == 0) {
      return make_error(Errc::not_found, "tenant '" + std::string(name) + "' not found");
    }
    return {};
  });
}

// --- tokens --------------------------------------------------------------------------------

Status SqlStore::add_token(TenantId tenant, std::string_view sha256_hex) {
  const std::string created = now();
  return exec_->write([&](Connection& db) -> Status {
    SCIMD_TRY(check_tenant_exists(db, tenant));
    SCIMD_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare("INSERT INTO tokens (tenant_id, sha256, created) VALUES (?, ?, ?)"));
    stmt.bind(1, tenant).bind(2, sha256_hex).bind(3, created);
    if (Status s = stmt.run(); !s.ok()) {
      if (stmt.unique_violation()) {
        return make_error(Errc::uniqueness, "token already registered");
      }
      return s;
    }
    return {};
  });
}

Status SqlStore::expire_tokens(TenantId tenant, TimePoint until) {
  const std::string until_text = format_time(until);
  return exec_->write([&](Connection& db) -> Status {
    SCIMD_TRY(check_tenant_exists(db, tenant));
    // Canonical time text sorts as time, so min() over text is min over time.
    SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                           db.prepare("UPDATE tokens SET expires_at = ? WHERE tenant_id = ? AND "
                                      "(expires_at IS NULL OR expires_at > ?)"));
    stmt.bind(1, until_text).bind(2, tenant).bind(3, until_text);
    return stmt.run();
  });
}

Result<std::vector<TokenInfo>> SqlStore::list_tokens(TenantId tenant) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db->prepare("SELECT id, tenant_id, created, expires_at, last_used FROM tokens "
                                     "WHERE tenant_id = ? ORDER BY id"));
  stmt.bind(1, tenant);
  std::vector<TokenInfo> tokens;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return tokens;
    TokenInfo info;
    info.id = stmt.column_int(0);
    info.tenant_id = stmt.column_int(1);
    info.created = stmt.column_text(2);
    if (!stmt.is_null(3)) info.expires_at = stmt.column_text(3);
    if (!stmt.is_null(4)) info.last_used = stmt.column_text(4);
    tokens.push_back(std::move(info));
  }
}

Result<std::optional<Tenant>> SqlStore::find_token_owner(std::string_view sha256_hex,
                                                            TimePoint now) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db->prepare("SELECT " + std::string(kTenantColumns) +
                                     " FROM tokens k JOIN tenants t ON t.id = k.tenant_id "
                                     "WHERE k.sha256 = ? AND "
                                     "(k.expires_at IS NULL OR k.expires_at > ?)"));
  stmt.bind(1, sha256_hex).bind(2, format_time(now));
  SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return std::optional<Tenant>();
  SCIMD_ASSIGN_OR_RETURN(Tenant t, read_tenant(stmt));
  return std::optional<Tenant>(std::move(t));
}

// --- what a write tells the outside world: events and effective roles -----------------------

namespace {

// The resource without its member/group lists (which can be 100k long): all events need.
Resource header_of(const Resource& r) {
  Resource copy;
  copy.id = r.id;
  copy.doc = r.doc;
  copy.version = r.version;
  copy.created = r.created;
  copy.last_modified = r.last_modified;
  copy.synced = r.synced;
  copy.roles = r.roles;
  return copy;
}

Result<std::vector<RoleRule>> load_role_rules(Connection& db, TenantId tenant) {
  SCIMD_ASSIGN_OR_RETURN(Statement stmt, db.prepare("SELECT settings FROM tenants WHERE id = ?"));
  stmt.bind(1, tenant);
  SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return tenant_not_found(tenant);
  SCIMD_ASSIGN_OR_RETURN(const json::object settings,
                         parse_object(stmt.column_text(0), "tenant settings"));
  return role_rules(settings);
}

GroupKey group_key(const json::object& doc) {
  GroupKey key;
  if (const json::value* v = doc.if_contains("externalId"); v && v->is_string()) {
    key.external_id = std::string(v->as_string());
  }
  if (const json::value* v = doc.if_contains("displayName"); v && v->is_string()) {
    key.display_name = std::string(v->as_string());
  }
  return key;
}

// Recomputes the effective roles of the given users (other ids are skipped) and appends
// user.roles_changed for each whose roles changed.
Status recompute_roles(Connection& db, TenantId tenant, const std::vector<RoleRule>& rules,
                       const std::vector<std::string>& ids, Source source,
                       std::vector<NewEvent>& events) {
  std::set<std::string, std::less<>> done;
  for (const std::string& id : ids) {
    if (!done.insert(id).second) continue;
    SCIMD_ASSIGN_OR_RETURN(std::optional<Resource> user,
                           load_row(db, tenant, ResourceKind::user, id, Lock::for_update));
    if (!user) continue;  // a group member of a group
    SCIMD_ASSIGN_OR_RETURN(
        Statement keys, db.prepare("SELECT g.external_id, g.display_name FROM memberships m "
                                   "JOIN groups g ON g.tenant_id = m.tenant_id AND "
                                   "g.id = m.group_id WHERE m.tenant_id = ? AND m.member_id = ?"));
    keys.bind(1, tenant).bind(2, id);
    std::vector<GroupKey> groups;
    while (true) {
      SCIMD_ASSIGN_OR_RETURN(const bool row, keys.step());
      if (!row) break;
      groups.push_back({keys.is_null(0) ? "" : keys.column_text(0),
                        keys.is_null(1) ? "" : keys.column_text(1)});
    }
    std::vector<std::string> roles = roles_for(rules, groups);
    if (roles == user->roles) continue;
    SCIMD_ASSIGN_OR_RETURN(Statement update,
                           db.prepare("UPDATE users SET roles = ? WHERE tenant_id = ? AND id = ?"));
    update.bind(1, roles_json(roles)).bind(2, tenant).bind(3, id);
    SCIMD_TRY(update.run());
    std::vector<std::string> old_roles = std::move(user->roles);
    user->roles = std::move(roles);
    events.push_back(roles_event(*user, old_roles, source));
  }
  return {};
}

void append_member_events(bool added, const Resource& group,
                          const std::vector<scim::MemberRef>& members, Source source,
                          std::vector<NewEvent>& events) {
  for (const scim::MemberRef& m : members) events.push_back(member_event(added, group, m, source));
}

// After a group write: its member events, and the roles of the users it concerns when the
// group is (or was) named by a role rule — all its members when its name or externalId
// changed, else those who came or went.
Status group_effects(Connection& db, TenantId tenant, const Resource* before,
                     const Resource* after, const MemberDelta& delta, bool member_events,
                     Source source, std::vector<NewEvent>& events) {
  const Resource& group = after != nullptr ? *after : *before;
  if (member_events) {
    append_member_events(true, group, delta.added, source, events);
    append_member_events(false, group, delta.removed, source, events);
  }
  std::optional<GroupKey> old_key, new_key;
  if (before != nullptr) old_key = group_key(before->doc);
  if (after != nullptr) new_key = group_key(after->doc);
  const bool renamed = old_key && new_key &&
                       (old_key->external_id != new_key->external_id ||
                        old_key->display_name != new_key->display_name);
  if (delta.empty() && !renamed) return {};
  SCIMD_ASSIGN_OR_RETURN(const std::vector<RoleRule> rules, load_role_rules(db, tenant));
  if (rules.empty()) return {};
  const bool mapped = (old_key && any_rule_matches(rules, *old_key)) ||
                      (new_key && any_rule_matches(rules, *new_key));
  if (!mapped) return {};
  std::vector<std::string> ids;
  for (const auto& m : delta.added) ids.push_back(m.value);
  for (const auto& m : delta.removed) ids.push_back(m.value);
  if (renamed) {
    SCIMD_ASSIGN_OR_RETURN(const auto members, load_members(db, tenant, group.id));
    for (const auto& m : members) ids.push_back(m.value);
  }
  return recompute_roles(db, tenant, rules, ids, source, events);
}

// --- users and groups ----------------------------------------------------------------------

Resource new_resource(json::object doc, const std::string& when, Source source) {
  Resource created;
  created.id = new_resource_id();
  created.created = when;
  created.last_modified = when;
  created.version = 1;
  created.doc = std::move(doc);
  created.synced = source == Source::scim;
  return created;
}

// Inserts a new resource with its side rows: user_emails for users, member rows for groups
// (created.members then holds them); appends its events.
Status insert_resource(Connection& db, TenantId tenant, ResourceKind kind, Resource& created,
                       const std::vector<scim::MemberRef>& members, Source source,
                       std::vector<NewEvent>& events) {
  const IndexRow row = index_row(kind, created.doc);
  // On PostgreSQL a user's emails go in with its row, in one statement (one round trip).
  const bool emails_along = kind == ResourceKind::user && db.dialect() == Dialect::postgres;
  std::string sql = "INSERT INTO " + std::string(table_of(kind)) +
                    " (tenant_id, id, doc, version, created, last_modified, user_name_lower, "
                    "display_name, display_name_lower, external_id, work_email_lower, active, "
                    "synced) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  if (emails_along) {
    sql = "WITH u AS (" + sql + " RETURNING seq, tenant_id) " +
          user_emails_insert(Dialect::postgres, "u");
  }
  SCIMD_ASSIGN_OR_RETURN(Statement stmt, db.prepare(sql));
  stmt.bind(1, tenant).bind(2, created.id).bind(3, json::serialize(created.doc));
  stmt.bind(4, created.created).bind(5, created.last_modified);
  bind_index_row(stmt, 6, row);
  stmt.bind(12, created.synced ? 1 : 0);
  if (emails_along) stmt.bind(13, row.emails);
  if (Status s = stmt.run(); !s.ok()) {
    return write_error(stmt, std::move(s).error(), kind, tenant, created.doc);
  }
  for (NewEvent& e : resource_events(kind, nullptr, &created, source)) events.push_back(std::move(e));
  if (kind == ResourceKind::user && !emails_along && row.emails != "[]") {
    SCIMD_TRY(insert_user_emails(db, tenant, created.id, row));
  }
  if (kind == ResourceKind::group) {
    MemberDelta delta;
    SCIMD_TRY(add_members(db, tenant, created.id, members, delta));
    SCIMD_ASSIGN_OR_RETURN(created.members, load_members(db, tenant, created.id));
    SCIMD_TRY(group_effects(db, tenant, nullptr, &created, delta, true, source, events));
  }
  return {};
}

// Rewrites a stored row from a new document (index columns and emails too); bumps the version.
Status rewrite_row(Connection& db, TenantId tenant, ResourceKind kind, std::string_view id,
                   const json::object& doc, const std::string& when, bool doc_changed) {
  const IndexRow row = index_row(kind, doc);
  const bool new_emails = kind == ResourceKind::user && doc_changed;
  // On PostgreSQL the emails are replaced in the same statement (one round trip); its parts
  // all see the snapshot before it, so the DELETE removes only the old rows.
  const bool emails_along = new_emails && db.dialect() == Dialect::postgres;
  std::string sql = "UPDATE " + std::string(table_of(kind)) +
                    " SET doc = ?, version = version + 1, last_modified = ?, "
                    "user_name_lower = ?, display_name = ?, display_name_lower = ?, "
                    "external_id = ?, work_email_lower = ?, active = ? "
                    "WHERE tenant_id = ? AND id = ?";
  if (emails_along) {
    sql = "WITH u AS (" + sql + " RETURNING seq, tenant_id), old AS (DELETE FROM user_emails "
          "WHERE user_seq IN (SELECT seq FROM u)) " + user_emails_insert(Dialect::postgres, "u");
  }
  SCIMD_ASSIGN_OR_RETURN(Statement stmt, db.prepare(sql));
  stmt.bind(1, json::serialize(doc)).bind(2, when);
  bind_index_row(stmt, 3, row);
  stmt.bind(9, tenant).bind(10, id);
  if (emails_along) stmt.bind(11, row.emails);
  if (Status s = stmt.run(); !s.ok()) return write_error(stmt, std::move(s).error(), kind, tenant, doc);
  if (new_emails && !emails_along) {
    SCIMD_ASSIGN_OR_RETURN(Statement clear,
                           db.prepare("DELETE FROM user_emails WHERE user_seq = "
                                      "(SELECT seq FROM users WHERE tenant_id = ? AND id = ?)"));
    clear.bind(1, tenant).bind(2, id);
    SCIMD_TRY(clear.run());
    if (row.emails != "[]") SCIMD_TRY(insert_user_emails(db, tenant, id, row));
  }
  return {};
}

// A SCIM create whose userName or email matches a user the product pre-registered (synced =
// 0) takes that record over: same id and created, the identity provider's document, synced.
Result<std::optional<Resource>> adopt_user(Connection& db, TenantId tenant, json::object& doc,
                                           const std::string& when,
                                           std::vector<NewEvent>& events) {
  const IndexRow row = index_row(ResourceKind::user, doc);
  SCIMD_ASSIGN_OR_RETURN(
      Statement find,
      // Two lookups, each on its index (an OR of the two made PostgreSQL scan every user of
      // the tenant on every create).
      db.prepare("SELECT u.id, u.seq FROM users u WHERE u.tenant_id = ? AND u.synced = 0 AND "
                 "u.user_name_lower = ? "
                 "UNION ALL SELECT u.id, u.seq FROM user_emails e JOIN users u ON u.seq = e.user_seq "
                 "WHERE e.tenant_id = ? AND e.value_lower = ? AND u.synced = 0 "
                 "ORDER BY 2 LIMIT 1"));
  find.bind(1, tenant).bind(3, tenant);
  find.bind(2, row.user_name_lower);
  find.bind(4, row.work_email_lower);
  SCIMD_ASSIGN_OR_RETURN(const bool found, find.step());
  if (!found) return std::optional<Resource>();
  const std::string id = find.column_text(0);
  SCIMD_ASSIGN_OR_RETURN(std::optional<Resource> current,
                         load_row(db, tenant, ResourceKind::user, id, Lock::for_update));
  if (!current) return std::optional<Resource>();
  SCIMD_TRY(rewrite_row(db, tenant, ResourceKind::user, id, doc, when, true));
  SCIMD_ASSIGN_OR_RETURN(Statement claim,
                         db.prepare("UPDATE users SET synced = 1 WHERE tenant_id = ? AND id = ?"));
  claim.bind(1, tenant).bind(2, id);
  SCIMD_TRY(claim.run());
  Resource adopted = header_of(*current);
  adopted.doc = std::move(doc);
  adopted.version += 1;
  adopted.last_modified = when;
  adopted.synced = true;
  for (NewEvent& e : resource_events(ResourceKind::user, &*current, &adopted, Source::scim)) {
    events.push_back(std::move(e));
  }
  return std::optional<Resource>(std::move(adopted));
}

}  // namespace

Result<Resource> SqlStore::create(TenantId tenant, ResourceKind kind, json::object doc,
                                     const std::vector<scim::MemberRef>& members,
                                     const WriteOptions& options) {
  const std::string when = now();
  Resource created = new_resource(std::move(doc), when, options.source);
  std::vector<NewEvent> events;
  SCIMD_TRY(exec_->write([&](Connection& db) -> Status {
    events.clear();
    if (kind == ResourceKind::user && options.adopt_unsynced && options.source == Source::scim) {
      SCIMD_ASSIGN_OR_RETURN(std::optional<Resource> adopted,
                             adopt_user(db, tenant, created.doc, when, events));
      if (adopted) {
        created = std::move(*adopted);
        SCIMD_ASSIGN_OR_RETURN(created.groups, load_groups(db, tenant, created.id));
        return append_events(db, tenant, events, when);
      }
    }
    SCIMD_TRY(insert_resource(db, tenant, kind, created, members, options.source, events));
    return append_events(db, tenant, events, when);
  }));
  if (!events.empty()) event_signal_.notify();
  return created;
}

Result<std::vector<std::string>> SqlStore::create_batch(TenantId tenant, ResourceKind kind,
                                                           std::vector<NewResource> resources) {
  const std::string when = now();
  std::vector<std::string> ids;
  ids.reserve(resources.size());
  std::vector<NewEvent> events;
  SCIMD_TRY(exec_->write([&](Connection& db) -> Status {
    events.clear();
    ids.clear();
    for (NewResource& resource : resources) {
      Resource created = new_resource(resource.doc, when, Source::scim);
      SCIMD_TRY(insert_resource(db, tenant, kind, created, resource.members, Source::scim, events));
      ids.push_back(std::move(created.id));
    }
    return append_events(db, tenant, events, when);
  }));
  if (!events.empty()) event_signal_.notify();
  return ids;
}

// Changing the role mapping recomputes the roles of every user it may concern: those in a
// group and those holding roles now.
Status SqlStore::set_tenant_settings(TenantId tenant, const json::object& settings) {
  const std::string text = json::serialize(settings);
  const std::vector<RoleRule> new_rules = role_rules(settings);
  const std::string when = now();
  std::vector<NewEvent> events;
  SCIMD_TRY(exec_->write([&](Connection& db) -> Status {
    events.clear();
    SCIMD_ASSIGN_OR_RETURN(const std::vector<RoleRule> old_rules, load_role_rules(db, tenant));
    SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                           db.prepare("UPDATE tenants SET settings = ? WHERE id = ?"));
    stmt.bind(1, text).bind(2, tenant);
    SCIMD_TRY(stmt.run());
    if (db.changes() == 0) return tenant_not_found(tenant);
    const auto same = [](const RoleRule& a, const RoleRule& b) {
      return a.group == b.group && a.role == b.role;
    };
    if (std::equal(old_rules.begin(), old_rules.end(), new_rules.begin(), new_rules.end(), same)) {
      return {};
    }
    SCIMD_ASSIGN_OR_RETURN(
        Statement users,
        db.prepare("SELECT id FROM users WHERE tenant_id = ? AND (roles != '[]' OR id IN "
                   "(SELECT member_id FROM memberships WHERE tenant_id = ?)) ORDER BY seq"));
    users.bind(1, tenant).bind(2, tenant);
    std::vector<std::string> ids;
    while (true) {
      SCIMD_ASSIGN_OR_RETURN(const bool row, users.step());
      if (!row) break;
      ids.push_back(users.column_text(0));
    }
    SCIMD_TRY(recompute_roles(db, tenant, new_rules, ids, Source::api, events));
    return append_events(db, tenant, events, when);
  }));
  if (!events.empty()) event_signal_.notify();
  return {};
}

Result<Resource> SqlStore::get(TenantId tenant, ResourceKind kind, std::string_view id,
                                  Fetch fetch) {
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         db->prepare("SELECT " + shown_columns(db->dialect(), kind, fetch) +
                                     " FROM " + std::string(table_of(kind)) +
                                     " r WHERE r.tenant_id = ? AND r.id = ?"));
  stmt.bind(1, tenant).bind(2, id);
  SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return not_found(kind, id);
  return read_shown(stmt, kind);
}

namespace {

// SELECT ... FROM <table> r WHERE r.tenant_id = ? [AND (filter)]: the shared part of list().
struct ListSql {
  std::string where;
  std::vector<SqlValue> params;  // after the tenant id
  SortSpec sort;
};

Result<ListSql> list_sql(Dialect dialect, TenantId tenant, ResourceKind kind,
                         const ListQuery& query) {
  ListSql out;
  out.where = " FROM " + std::string(table_of(kind)) + " r WHERE r.tenant_id = ?";
  if (query.filter != nullptr) {
    SCIMD_ASSIGN_OR_RETURN(SqlFragment cond, filter_to_sql(dialect, kind, *query.filter, tenant));
    out.where += " AND (" + cond.sql + ")";
    out.params = std::move(cond.params);
  }
  if (query.sort_by) {
    SCIMD_ASSIGN_OR_RETURN(out.sort.key, sort_key_sql(dialect, kind, *query.sort_by));
    out.sort.descending = query.sort_order == SortOrder::descending;
  }
  return out;
}

// A prepared statement over list_sql's WHERE, with `side` (a keyset condition) ANDed on.
// `explain`: the engine's plan of the statement instead.
Result<Statement> prepare_list(Connection& db, TenantId tenant, const ListSql& sql,
                               std::string_view select, const SqlFragment* side,
                               std::string_view tail, bool explain = false) {
  const bool sqlite = db.dialect() == Dialect::sqlite;
  std::string text = std::string(!explain ? "" : sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") +
                     "SELECT " + std::string(select) + sql.where;
  if (side != nullptr) text += " AND " + side->sql;
  text += tail;
  SCIMD_ASSIGN_OR_RETURN(Statement stmt, db.prepare(text));
  stmt.bind(1, tenant);
  stmt.bind_all(sql.params, 2);
  if (side != nullptr) stmt.bind_all(side->params, 2 + static_cast<int>(sql.params.size()));
  return stmt;
}

// The number of rows list_sql selects.
Result<std::int64_t> count_rows(Connection& db, TenantId tenant, const ListSql& sql) {
  SCIMD_ASSIGN_OR_RETURN(Statement count, prepare_list(db, tenant, sql, "COUNT(*)", nullptr, ""));
  SCIMD_ASSIGN_OR_RETURN(const bool row, count.step());
  return row ? count.column_int(0) : 0;
}

// --- cursor paging -------------------------------------------------------------------------

// A listed row with its position in the list order.
struct KeyedRow {
  Resource resource;
  CursorPosition::Key key;
  std::int64_t seq = 0;
};

CursorPosition::Key read_key(const Statement& stmt, int column, bool sorted) {
  if (!sorted) return std::monostate();
  switch (stmt.column_type(column)) {
    case ColumnType::null:
      return nullptr;
    case ColumnType::integer:
      return stmt.column_int(column);
    case ColumnType::real:
      return stmt.column_double(column);
    case ColumnType::text:
      break;
  }
  return stmt.column_text(column);
}

// The statement reading up to `limit` rows on `side` of a boundary (all rows when null), in
// the list order or its reverse, with the side rows `fetch` shows.
Result<Statement> prepare_keyed(Connection& db, TenantId tenant, ResourceKind kind,
                                const ListSql& sql, Fetch fetch, const SqlFragment* side,
                                bool reversed, std::int64_t limit, bool explain = false) {
  const std::string columns = shown_columns(db.dialect(), kind, fetch) + ", " +
                              (sql.sort.key ? *sql.sort.key : std::string("NULL")) + ", r.seq";
  return prepare_list(
      db, tenant, sql, columns, side,
      " ORDER BY " + order_by(sql.sort, reversed) + " LIMIT " + std::to_string(limit), explain);
}

Result<std::vector<KeyedRow>> select_keyed(Connection& db, TenantId tenant, ResourceKind kind,
                                           const ListSql& sql, Fetch fetch,
                                           const SqlFragment* side, bool reversed,
                                           std::int64_t limit) {
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         prepare_keyed(db, tenant, kind, sql, fetch, side, reversed, limit));
  std::vector<KeyedRow> rows;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return rows;
    SCIMD_ASSIGN_OR_RETURN(Resource r, read_shown(stmt, kind));
    rows.push_back({std::move(r), read_key(stmt, kShownColumnCount, sql.sort.key.has_value()),
                    stmt.column_int(kShownColumnCount + 1)});
  }
}

Result<bool> any_row(Connection& db, TenantId tenant, const ListSql& sql, const SqlFragment& side) {
  SCIMD_ASSIGN_OR_RETURN(Statement stmt, prepare_list(db, tenant, sql, "1", &side, " LIMIT 1"));
  return stmt.step();
}

// Fills page.items and the cursors for the page at `from` (nullopt: the first page).
Status cursor_page(Connection& db, TenantId tenant, ResourceKind kind, const ListSql& sql,
                   const ListQuery& query, const std::optional<CursorPosition>& from,
                   const std::string& shape, ListPage& page) {
  const std::int64_t count = query.count;
  using Direction = CursorPosition::Direction;
  const bool forward = !from || from->direction == Direction::next;
  std::optional<SqlFragment> side;
  if (from) {
    side = keyset_condition(sql.sort, from->key, from->seq, forward, from->include_boundary);
  }
  // One row more than asked says whether rows follow in the reading direction.
  SCIMD_ASSIGN_OR_RETURN(
      std::vector<KeyedRow> rows,
      select_keyed(db, tenant, kind, sql, query.fetch, side ? &*side : nullptr, !forward,
                   count + 1));
  const bool more_in_direction = static_cast<std::int64_t>(rows.size()) > count;
  if (more_in_direction) rows.pop_back();
  if (!forward) std::reverse(rows.begin(), rows.end());

  auto cursor = [&](Direction direction, const CursorPosition::Key& key, std::int64_t seq,
                    bool include_boundary) {
    return encode_cursor(CursorPosition{direction, include_boundary, shape, key, seq});
  };
  // Whether any row lies on a side of a boundary (exact even after inserts and deletes).
  auto any_beside = [&](const CursorPosition::Key& key, std::int64_t seq, bool after,
                        bool include_boundary) {
    return any_row(db, tenant, sql, keyset_condition(sql.sort, key, seq, after, include_boundary));
  };

  if (!rows.empty()) {
    const KeyedRow& first = rows.front();
    const KeyedRow& last = rows.back();
    bool has_next = more_in_direction;
    bool has_previous = more_in_direction;
    if (forward) {
      has_previous = false;
      if (from) {
        SCIMD_ASSIGN_OR_RETURN(has_previous, any_beside(first.key, first.seq, false, false));
      }
    } else {
      SCIMD_ASSIGN_OR_RETURN(has_next, any_beside(last.key, last.seq, true, false));
    }
    if (has_next) page.next_cursor = cursor(Direction::next, last.key, last.seq, false);
    if (has_previous) {
      page.previous_cursor = cursor(Direction::previous, first.key, first.seq, false);
    }
  } else if (from) {
    // Nothing is left past the cursor (its rows were deleted): the other side of the same
    // boundary, with the boundary row on that side, is where the client can go back to.
    const bool include = !from->include_boundary;
    SCIMD_ASSIGN_OR_RETURN(const bool other_side,
                           any_beside(from->key, from->seq, !forward, include));
    if (other_side) {
      (forward ? page.previous_cursor : page.next_cursor) =
          cursor(forward ? Direction::previous : Direction::next, from->key, from->seq, include);
    }
  }
  for (KeyedRow& row : rows) page.items.push_back(std::move(row.resource));
  return {};
}

// --- index paging ----------------------------------------------------------------------------

// The statement reading the startIndex page: `count` rows from `start_index` in the list order,
// with the side rows `fetch` shows, and in the last column (kShownColumnCount) the count of all
// rows, from an uncorrelated subquery that both engines run once. One statement is one snapshot, so
// the total and the page agree without a transaction (two round trips fewer on PostgreSQL).
Result<Statement> prepare_index_page(Connection& db, TenantId tenant, ResourceKind kind,
                                     const ListSql& sql, const ListQuery& query,
                                     bool explain = false) {
  const std::int64_t limit = query.count;
  const std::int64_t offset = std::max<std::int64_t>(query.start_index, 1) - 1;
  const std::string columns =
      shown_columns(db.dialect(), kind, query.fetch) + ", (SELECT COUNT(*)" + sql.where + ")";
  // The first page (every lookup) has its LIMIT in the text: with LIMIT and OFFSET as
  // parameters PostgreSQL rates the generic plan dearer than a custom one and so plans the
  // statement again at every use, which costs it more than running it.
  const bool first_page = offset == 0;
  const std::string tail = " ORDER BY " + order_by(sql.sort, false) +
                           (first_page ? " LIMIT " + std::to_string(limit) : " LIMIT ? OFFSET ?");
  SCIMD_ASSIGN_OR_RETURN(Statement stmt,
                         prepare_list(db, tenant, sql, columns, nullptr, tail, explain));
  // The subquery's placeholders come first: the tenant and the filter's values, then the
  // outer query's (bound by prepare_list after them), then LIMIT and OFFSET.
  const int n = 1 + static_cast<int>(sql.params.size());
  stmt.bind(1, tenant);
  stmt.bind_all(sql.params, 2);
  stmt.bind(n + 1, tenant);
  stmt.bind_all(sql.params, n + 2);
  if (!first_page) stmt.bind(2 * n + 1, limit).bind(2 * n + 2, offset);
  return stmt;
}

Status index_page(Connection& db, TenantId tenant, ResourceKind kind, const ListSql& sql,
                  const ListQuery& query, ListPage& page) {
  if (query.count > 0) {
    SCIMD_ASSIGN_OR_RETURN(Statement select, prepare_index_page(db, tenant, kind, sql, query));
    while (true) {
      SCIMD_ASSIGN_OR_RETURN(const bool row, select.step());
      if (!row) break;
      SCIMD_ASSIGN_OR_RETURN(Resource r, read_shown(select, kind));
      page.total = select.column_int(kShownColumnCount);
      page.items.push_back(std::move(r));
    }
    if (!page.items.empty()) return {};
  }
  // No rows to carry the total (count 0, or a startIndex past the end): the count alone.
  SCIMD_ASSIGN_OR_RETURN(page.total, count_rows(db, tenant, sql));
  return {};
}

// The decoded cursor of a query (nullopt for "", the first page). Errors: invalid_cursor.
Result<std::optional<CursorPosition>> read_cursor(const std::string& text, const ListSql& sql,
                                                  const std::string& shape) {
  if (text.empty()) return std::optional<CursorPosition>();
  SCIMD_ASSIGN_OR_RETURN(CursorPosition position, decode_cursor(text));
  if (position.shape != shape) {
    return make_error(Errc::invalid_cursor,
                      "cursor was made for another query (filter, sortBy or sortOrder differ)");
  }
  if (std::holds_alternative<std::monostate>(position.key) == sql.sort.key.has_value()) {
    return make_error(Errc::invalid_cursor, "cursor does not fit the query's order");
  }
  return std::optional<CursorPosition>(std::move(position));
}

}  // namespace

Result<ListPage> SqlStore::list(TenantId tenant, ResourceKind kind, const ListQuery& query) {
  SCIMD_ASSIGN_OR_RETURN(const ListSql sql, list_sql(exec_->dialect(), tenant, kind, query));
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  ListPage page;
  if (!query.cursor) {
    SCIMD_TRY(index_page(*db, tenant, kind, sql, query, page));
    return page;
  }
  const std::string shape = query_shape(tenant, kind, query);
  SCIMD_ASSIGN_OR_RETURN(const std::optional<CursorPosition> from,
                         read_cursor(*query.cursor, sql, shape));
  // Cursor paging reads the total, the page and its neighbours in several statements.
  ReadSnapshot txn(*db);
  SCIMD_TRY(txn.begin());
  SCIMD_ASSIGN_OR_RETURN(page.total, count_rows(*db, tenant, sql));
  if (query.count <= 0) return page;
  SCIMD_TRY(cursor_page(*db, tenant, kind, sql, query, from, shape, page));
  return page;
}

Result<std::string> SqlStore::explain_list(TenantId tenant, ResourceKind kind,
                                              const ListQuery& query) {
  SCIMD_ASSIGN_OR_RETURN(const ListSql sql, list_sql(exec_->dialect(), tenant, kind, query));
  SCIMD_ASSIGN_OR_RETURN(auto db, exec_->read());
  auto prepare = [&]() -> Result<Statement> {
    if (!query.cursor) {
      return prepare_index_page(*db, tenant, kind, sql, query, /*explain=*/true);
    }
    // The page read of cursor paging (what list() runs after the count).
    const std::string shape = query_shape(tenant, kind, query);
    SCIMD_ASSIGN_OR_RETURN(const std::optional<CursorPosition> from,
                           read_cursor(*query.cursor, sql, shape));
    const bool forward = !from || from->direction == CursorPosition::Direction::next;
    std::optional<SqlFragment> side;
    if (from) {
      side = keyset_condition(sql.sort, from->key, from->seq, forward, from->include_boundary);
    }
    return prepare_keyed(*db, tenant, kind, sql, query.fetch, side ? &*side : nullptr, !forward,
                         query.count + 1, /*explain=*/true);
  };
  SCIMD_ASSIGN_OR_RETURN(Statement plan, prepare());
  std::string out;
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, plan.step());
    if (!row) return out;
    // SQLite's EXPLAIN QUERY PLAN has the detail in its fourth column; PostgreSQL's one.
    out += plan.column_text(exec_->dialect() == Dialect::sqlite ? 3 : 0);
    out += '\n';
  }
}

Result<Resource> SqlStore::update(TenantId tenant, ResourceKind kind, std::string_view id,
                                     std::optional<std::int64_t> if_match, Fetch fetch,
                                     const Mutation& mutation, const WriteOptions& options) {
  const std::string when = now();
  Resource result;
  std::vector<NewEvent> events;
  SCIMD_TRY(exec_->write([&](Connection& db) -> Status {
    events.clear();
    SCIMD_ASSIGN_OR_RETURN(std::optional<Resource> current,
                           load_row(db, tenant, kind, id, Lock::for_update));
    if (!current) return not_found(kind, id);
    SCIMD_TRY(check_version(*current, if_match));
    SCIMD_TRY(load_fetched(db, tenant, kind, fetch, *current));
    SCIMD_ASSIGN_OR_RETURN(Change change, mutation(*current));
    const Resource before = header_of(*current);

    bool members_changed = false;
    MemberDelta delta;
    if (kind == ResourceKind::group && !change.member_ops.empty()) {
      SCIMD_ASSIGN_OR_RETURN(members_changed,
                             apply_member_ops(db, tenant, current->id, change.member_ops, delta));
    }
    const bool doc_changed = change.doc != current->doc;
    if (doc_changed || members_changed) {
      SCIMD_TRY(rewrite_row(db, tenant, kind, current->id, change.doc, when, doc_changed));
      current->doc = std::move(change.doc);
      current->version += 1;
      current->last_modified = when;
    }
    for (NewEvent& e : resource_events(kind, &before, &*current, options.source)) {
      events.push_back(std::move(e));
    }
    if (kind == ResourceKind::group) {
      SCIMD_TRY(group_effects(db, tenant, &before, &*current, delta, true, options.source, events));
    }
    SCIMD_TRY(append_events(db, tenant, events, when));
    current->members.clear();
    current->groups.clear();
    SCIMD_TRY(load_fetched(db, tenant, kind, fetch, *current));
    result = std::move(*current);
    return {};
  }));
  if (!events.empty()) event_signal_.notify();
  return result;
}

Status SqlStore::remove(TenantId tenant, ResourceKind kind, std::string_view id,
                           std::optional<std::int64_t> if_match, const WriteOptions& options) {
  const std::string when = now();
  std::vector<NewEvent> events;
  SCIMD_TRY(exec_->write([&](Connection& db) -> Status {
    events.clear();
    SCIMD_ASSIGN_OR_RETURN(std::optional<Resource> current,
                           load_row(db, tenant, kind, id, Lock::for_update));
    if (!current) return not_found(kind, id);
    SCIMD_TRY(check_version(*current, if_match));
    // Groups that held it change: they lose a member.
    SCIMD_ASSIGN_OR_RETURN(const auto held_by, remove_from_all_groups(db, tenant, id, when));
    MemberDelta delta;
    if (kind == ResourceKind::group) SCIMD_TRY(remove_all_members(db, tenant, id, delta));
    SCIMD_ASSIGN_OR_RETURN(Statement stmt, db.prepare("DELETE FROM " + std::string(table_of(kind)) +
                                                      " WHERE tenant_id = ? AND id = ?"));
    stmt.bind(1, tenant).bind(2, id);
    SCIMD_TRY(stmt.run());
    for (NewEvent& e : resource_events(kind, &*current, nullptr, options.source)) {
      events.push_back(std::move(e));
    }
    for (const auto& [group_id, display] : held_by) {
      SCIMD_ASSIGN_OR_RETURN(std::optional<Resource> group,
                             load_row(db, tenant, ResourceKind::group, group_id));
      if (!group) continue;
      const scim::MemberRef member{current->id, display, std::string(kind_name(kind))};
      events.push_back(member_event(false, *group, member, options.source));
    }
    if (kind == ResourceKind::group) {
      // The group's own member rows went with it: group.deleted says so; only roles follow.
      SCIMD_TRY(group_effects(db, tenant, &*current, nullptr, delta, false, options.source, events));
    }
    return append_events(db, tenant, events, when);
  }));
  if (!events.empty()) event_signal_.notify();
  return {};
}

}  // namespace scimd::store::sql
