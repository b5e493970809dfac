// The PostgreSQL schema against a real PostgreSQL 15: the same tables, columns, indexes and
// foreign keys as the SQLite schema (read from a SQLite database migrated in memory), applied
// once however many processes migrate at the same time, and the scimd_* SQL functions the
// filter translator calls.
#include "store/postgres/pg_migrations.h"

#include <sqlite3.h>

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/time.h"
#include "pg_test_schema.h"
#include "store/postgres/pg_connection.h"
#include "store/sqlite/migrations.h"

namespace scimd::store::postgres {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// Every row of a query on PostgreSQL with `columns` columns, as text ("NULL" for NULL).
Rows pg_rows(sql::Connection& db, int columns, std::string_view text,
             const std::vector<sql::SqlValue>& args = {}) {
  Rows out;
  auto stmt = db.prepare(text);
  EXPECT_TRUE(stmt.ok()) << text << ": " << stmt.error().detail;
  if (!stmt.ok()) return out;
  stmt->bind_all(args);
  while (true) {
    auto row = stmt->step();
    EXPECT_TRUE(row.ok()) << text << ": " << row.error().detail;
    if (!row.ok() || !*row) return out;
    std::vector<std::string> values;
    for (int c = 0; c < columns; ++c) {
      values.push_back(stmt->is_null(c) ? "NULL" : stmt->column_text(c));
    }
    out.push_back(std::move(values));
  }
}

// One text value (or nullopt for NULL) from a query on PostgreSQL.
std::optional<std::string> pg_value(sql::Connection& db, std::string_view text,
                                    const std::vector<sql::SqlValue>& args = {}) {
  auto stmt = db.prepare(text);
  EXPECT_TRUE(stmt.ok()) << text << ": " << stmt.error().detail;
  if (!stmt.ok()) return "<error>";
  stmt->bind_all(args);
  auto row = stmt->step();
  EXPECT_TRUE(row.ok()) << text << ": " << row.error().detail;
  if (!row.ok() || !*row) return "<error>";
  if (stmt->is_null(0)) return std::nullopt;
  return stmt->column_text(0);
}

// Rows of a query on SQLite, as text.
Rows sqlite_rows(sqlite3* db, const std::string& text) {
  Rows out;
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, text.c_str(), -1, &stmt, nullptr), SQLITE_OK) << text;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> values;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const auto* v = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
      values.push_back(v != nullptr ? v : "NULL");
    }
    out.push_back(std::move(values));
  }
  sqlite3_finalize(stmt);
  return out;
}

class PgMigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgTestSchema::configured()) GTEST_SKIP() << PgTestSchema::kSkipReason;
    schema_.emplace("migr");
    ASSERT_TRUE(schema_->ok()) << schema_->error();
    auto db = PgConnection::open(schema_->url());
    ASSERT_TRUE(db.ok()) << db.error().detail;
    db_ = std::move(db).value();
  }
  void TearDown() override { db_.reset(); }

  void migrated() {
    const Status status = migrate(*db_);
    ASSERT_TRUE(status.ok()) << status.error().detail;
  }

  std::optional<PgTestSchema> schema_;
  std::unique_ptr<PgConnection> db_;
};

TEST_F(PgMigrationsTest, AppliesOnceAndRecordsTheVersion) {
  auto before = schema_version(*db_);
  ASSERT_TRUE(before.ok()) << before.error().detail;
  EXPECT_EQ(*before, 0);
  migrated();
  EXPECT_EQ(*schema_version(*db_), static_cast<int>(migrations().size()));
  EXPECT_EQ(*schema_version(*db_), 2);
  migrated();  // nothing left to do
  EXPECT_FALSE(db_->in_transaction());
  EXPECT_EQ(pg_value(*db_, "SELECT count(*) FROM scimd_schema_version"), "1");
}

TEST_F(PgMigrationsTest, ADatabaseNewerThanTheBinaryIsRefused) {
  migrated();
  ASSERT_TRUE(db_->exec("UPDATE scimd_schema_version SET version = 99").ok());
  const Status status = migrate(*db_);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::internal);
  EXPECT_NE(status.error().detail.find("newer"), std::string::npos) << status.error().detail;
  EXPECT_FALSE(db_->in_transaction());
}

TEST_F(PgMigrationsTest, TenProcessesMigratingAtOnceApplyItOnce) {
  std::vector<Status> results(10);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      auto db = PgConnection::open(schema_->url());
      results[i] = db.ok() ? migrate(**db) : Status(db.error());
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.error().detail;
  EXPECT_EQ(*schema_version(*db_), 2);
}

// Same tables, same columns in the same order with the mapped types and nullability, same
// defaults present, same primary keys, unique and secondary indexes, same cascading foreign
// keys as the SQLite store after all its migrations.
TEST_F(PgMigrationsTest, TheSchemaIsTheSqliteSchema) {
  migrated();
  sqlite3* lite = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &lite), SQLITE_OK);
  for (std::string_view m : sqlite::migrations()) {
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(lite, std::string(m).c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error != nullptr ? error : "");
  }
  std::set<std::string> lite_tables;
  for (const auto& r : sqlite_rows(lite,
                                   "SELECT name FROM sqlite_master WHERE type = 'table' "
                                   "AND name NOT LIKE 'sqlite_%'")) {
    lite_tables.insert(r[0]);
  }
  std::set<std::string> pg_tables;
  for (const auto& r : pg_rows(*db_, 1,
                               "SELECT table_name::text FROM information_schema.tables "
                               "WHERE table_schema = current_schema() "
                               "AND table_name <> 'scimd_schema_version'")) {
    pg_tables.insert(r[0]);
  }
  EXPECT_EQ(pg_tables, lite_tables);

  for (const std::string& table : lite_tables) {
    SCOPED_TRACE(table);
    // name, type, not null (pk columns are not null in PostgreSQL), default present, pk
    std::vector<std::string> lite_columns, pg_columns;
    for (const auto& r : sqlite_rows(lite, "PRAGMA table_info(" + table + ")")) {
      const std::string& type = r[2];
      std::string mapped = type == "INTEGER" ? "bigint"
                           : type == "REAL"  ? "double precision"
                                             : "text";
      if (r[1] == "doc") mapped = "json";
      const bool pk = r[5] != "0";
      lite_columns.push_back(r[1] + " " + mapped + (r[3] == "1" || pk ? " not null" : "") +
                             (r[4] != "NULL" ? " default" : "") + (pk ? " pk" + r[5] : ""));
    }
    for (const auto& r : pg_rows(
             *db_, 6,
             "SELECT c.column_name::text, c.data_type::text, c.is_nullable::text, "
             "c.column_default IS NOT NULL, coalesce(k.ordinal_position, 0), "
             "coalesce(c.collation_name::text, '') FROM information_schema.columns c "
             "LEFT JOIN information_schema.table_constraints t ON t.table_schema = "
             "c.table_schema AND t.table_name = c.table_name AND t.constraint_type = 'PRIMARY KEY' "
             "LEFT JOIN information_schema.key_column_usage k ON k.constraint_name = "
             "t.constraint_name AND k.table_schema = c.table_schema AND k.column_name = "
             "c.column_name WHERE c.table_schema = current_schema() AND c.table_name = ? "
             "ORDER BY c.ordinal_position",
             {table})) {
      pg_columns.push_back(r[0] + " " + r[1] + (r[2] == "NO" ? " not null" : "") +
                           (r[3] == "1" ? " default" : "") + (r[4] != "0" ? " pk" + r[4] : ""));
      if (r[1] == "text") {
        EXPECT_EQ(r[5], "C") << r[0] << " must be COLLATE \"C\"";
      }
    }
    EXPECT_EQ(pg_columns, lite_columns);

    // unique, columns, and the name for indexes made by CREATE INDEX (not by constraints)
    std::set<std::string> lite_indexes, pg_indexes;
    for (const auto& r : sqlite_rows(lite, "PRAGMA index_list(" + table + ")")) {
      if (r[3] == "pk") continue;
      std::string cols;
      for (const auto& c : sqlite_rows(lite, "PRAGMA index_info(" + r[1] + ")")) cols += c[2] + ",";
      lite_indexes.insert((r[2] == "1" ? "unique " : "") + cols + " " + (r[3] == "c" ? r[1] : ""));
    }
    for (const auto& r :
         pg_rows(*db_, 4,
                 "SELECT i.relname::text, x.indisunique, "
                 "(SELECT string_agg(a.attname, ',' ORDER BY k.n) || ',' FROM unnest(x.indkey) "
                 "WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = x.indrelid AND "
                 "a.attnum = k.attnum), EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = "
                 "x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                 "WHERE x.indrelid = ?::regclass AND NOT x.indisprimary",
                 {table})) {
      pg_indexes.insert((r[1] == "1" ? "unique " : "") + r[2] + " " + (r[3] == "1" ? "" : r[0]));
    }
    EXPECT_EQ(pg_indexes, lite_indexes);

    std::set<std::string> lite_keys, pg_keys;
    for (const auto& r : sqlite_rows(lite, "PRAGMA foreign_key_list(" + table + ")")) {
      lite_keys.insert(r[3] + " -> " + r[2] + "(" + r[4] + ") " + r[6]);
    }
    for (const auto& r :
         pg_rows(*db_, 4,
                 "SELECT a.attname::text, c.confrelid::regclass::text, f.attname::text, "
                 "CASE c.confdeltype WHEN 'c' THEN 'CASCADE' ELSE c.confdeltype::text END "
                 "FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND "
                 "a.attnum = c.conkey[1] JOIN pg_attribute f ON f.attrelid = c.confrelid AND "
                 "f.attnum = c.confkey[1] WHERE c.contype = 'f' AND c.conrelid = ?::regclass",
                 {table})) {
      pg_keys.insert(r[0] + " -> " + r[1] + "(" + r[2] + ") " + r[3]);
    }
    EXPECT_EQ(pg_keys, lite_keys);
  }
  sqlite3_close(lite);
}

TEST_F(PgMigrationsTest, UniqueIndexesCascadesCollationAndDocuments) {
  migrated();
  ASSERT_TRUE(db_->exec("INSERT INTO tenants (name, created) VALUES ('acme', 't')").ok());
  const std::string tenant = *pg_value(*db_, "SELECT id FROM tenants WHERE name = ?", {"acme"});
  const std::int64_t tenant_id = std::stoll(tenant);
  const std::string doc = R"({"b": 1,   "a": [true, null], "c": "\u00e9"})";
  auto user = db_->prepare(
      "INSERT INTO users (tenant_id, id, doc, version, created, last_modified, user_name_lower) "
      "VALUES (?, ?, ?, 1, 't', 't', ?) RETURNING seq");
  ASSERT_TRUE(user.ok()) << user.error().detail;
  user->bind(1, tenant_id).bind(2, "u1").bind(3, doc).bind(4, "bjensen");
  ASSERT_TRUE(*user->step());
  const std::int64_t seq = user->column_int(0);
  EXPECT_GT(seq, 0);
  // The document comes back exactly as written.
  EXPECT_EQ(pg_value(*db_, "SELECT doc FROM users WHERE seq = ?", {seq}), doc);
  // A second user with the same userName in the tenant: the unique index refuses it.
  auto again = db_->prepare(
      "INSERT INTO users (tenant_id, id, doc, version, created, last_modified, user_name_lower) "
      "VALUES (?, 'u2', '{}', 1, 't', 't', 'bjensen')");
  ASSERT_TRUE(again.ok());
  auto refused = again->bind(1, tenant_id).step();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::uniqueness);
  // Cascades: the tenant takes its users, the user its emails.
  ASSERT_TRUE(db_->exec("INSERT INTO user_emails (user_seq, tenant_id, value_lower) VALUES (" +
                        std::to_string(seq) + ", " + tenant + ", 'b@x')")
                  .ok());
  ASSERT_TRUE(db_->exec("INSERT INTO events (tenant_id, seq, id, type, time, payload) VALUES (" +
                        tenant + ", 1, 'e', 'user.created', 't', '{}')")
                  .ok());
  EXPECT_EQ(pg_value(*db_, "SELECT type || time FROM events"), "user.createdt");
  ASSERT_TRUE(db_->exec("DELETE FROM tenants").ok());
  EXPECT_EQ(pg_value(*db_,
                     "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM "
                     "user_emails) + (SELECT count(*) FROM events)"),
            "0");
  // Text orders and lower-cases by bytes, as in SQLite.
  ASSERT_TRUE(db_->exec("INSERT INTO tenants (name, created) VALUES ('b', ''), ('B', ''), "
                        "('_', ''), ('a', ''), ('É', '')")
                  .ok());
  EXPECT_EQ(pg_value(*db_, "SELECT string_agg(name, ' ' ORDER BY name) FROM tenants"), "B _ a b É");
  EXPECT_EQ(pg_value(*db_, "SELECT lower(name) FROM tenants WHERE name = 'É'"), "É");
}

TEST_F(PgMigrationsTest, JsonTypeNamesAreSqlites) {
  migrated();
  const std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
      {R"({"a": 1})", "object"}, {"[1, 2]", "array"},  {R"("s")", "text"}, {"12", "integer"},
      {"-7", "integer"},         {"1.5", "real"},      {"1e3", "real"},    {"2E-2", "real"},
      {"true", "true"},          {" false ", "false"}, {"null", "null"},
  };
  for (const auto& [json, type] : cases) {
    EXPECT_EQ(pg_value(*db_, "SELECT scimd_json_type(?::json)", {json}), type) << json;
  }
  EXPECT_EQ(pg_value(*db_, "SELECT scimd_json_type(NULL)"), std::nullopt);
  // As the translator calls it: on a member of a document.
  EXPECT_EQ(pg_value(*db_, "SELECT scimd_json_type(?::json -> 'active')", {R"({"active": true})"}),
            "true");
  EXPECT_EQ(pg_value(*db_, "SELECT scimd_json_type(?::json -> 'missing')", {"{}"}), std::nullopt);
}

TEST_F(PgMigrationsTest, JsonNumbersAreNumericAndNothingElseIs) {
  migrated();
  EXPECT_EQ(pg_value(*db_, "SELECT scimd_json_number(?::json)", {"12"}), "12");
  EXPECT_EQ(pg_value(*db_, "SELECT scimd_json_number(?::json) = 1.5", {"1.50"}), "1");
  EXPECT_EQ(pg_value(*db_, "SELECT scimd_json_number(?::json) > 999", {"1e3"}), "1");
  EXPECT_EQ(pg_value(*db_, "SELECT scimd_json_number(?::json) < 0", {"-0.25"}), "1");
  for (const char* other : {R"("12")", "true", "null", "[1]", R"({"a":1})"}) {
    EXPECT_EQ(pg_value(*db_, "SELECT scimd_json_number(?::json)", {other}), std::nullopt) << other;
  }
  EXPECT_EQ(pg_value(*db_, "SELECT scimd_json_number(NULL)"), std::nullopt);
  // Beyond numeric's range: NULL, not an error that fails the query.
  EXPECT_EQ(pg_value(*db_, "SELECT scimd_json_number(?::json)", {"1e99999"}), std::nullopt);
  EXPECT_EQ(pg_value(*db_, "SELECT scimd_json_number(?::json) > 0", {"1e400"}), "1");
}

TEST_F(PgMigrationsTest, ScimdTimeIsFormatTimeOfParseTime) {
  migrated();
  const std::vector<std::string> times = {
      "2026-11-24T15:08:18.123Z",
      "2026-11-24T15:08:18Z",
      "2026-11-24T15:08:18.123456789Z",
      "2026-11-24t15:08:18.9999z",
      "2026-11-24 15:08:18.5+02:00",
      "2026-11-24T01:30:00-05:30",
      "2026-11-24T15:08:18",   // no offset: UTC, as SQLite and parse_time read it
      "2026-02-30T00:00:00Z",  // rolls into March, as SQLite and parse_time do
      "2026-12-31T23:59:60Z",  // a leap second rolls into the next year
      "2024-02-29T23:00:00-14:00",
      "1970-01-01T00:00:00Z",
      "2000-01-01T00:00:00.001+00:00",
      "1999-12-31T23:59:59.999-00:01",
      "2261-12-31T23:59:59.999Z",
  };
  for (const std::string& t : times) {
    const auto parsed = parse_time(t);
    ASSERT_TRUE(parsed.has_value()) << t;
    EXPECT_EQ(pg_value(*db_, "SELECT scimd_time(?)", {t}), format_time(*parsed)) << t;
  }
  // Beyond system_clock's years (1678..2261) format_time saturates; scimd_time does not.
  EXPECT_EQ(pg_value(*db_, "SELECT scimd_time(?)", {"0001-01-01T00:00:00+00:00"}),
            "0001-01-01T00:00:00.000Z");
  EXPECT_EQ(pg_value(*db_, "SELECT scimd_time(?)", {"9999-12-31T23:59:59.999Z"}),
            "9999-12-31T23:59:59.999Z");
  // Instants the C++ side formats read back unchanged.
  using namespace std::chrono;
  for (const std::int64_t ms : {0LL, 1764500000123LL, 951782400000LL, -86400001LL}) {
    const std::string formatted = format_time(TimePoint(milliseconds(ms)));
    EXPECT_EQ(pg_value(*db_, "SELECT scimd_time(?)", {formatted}), formatted);
  }
  const std::vector<std::string> not_times = {
      "",
      "yesterday",
      "2026-11-24",
      "2026-13-01T00:00:00Z",
      "2026-11-24T24:00:00Z",
      "2026-11-24T15:08:18.Z",
      "2026-11-24T15:08:18+0200",
      "2026-11-24T15:08:18Z junk",
      "2026-00-10T00:00:00Z",
      "2026-11-32T00:00:00Z",
      "26-11-24T15:08:18Z",
  };
  for (const std::string& t : not_times) {
    EXPECT_FALSE(parse_time(t).has_value()) << t;
    EXPECT_EQ(pg_value(*db_, "SELECT scimd_time(?)", {t}), std::nullopt) << t;
  }
  EXPECT_EQ(pg_value(*db_, "SELECT scimd_time(NULL)"), std::nullopt);
  // Immutable: usable in an index expression.
  EXPECT_TRUE(db_->exec("CREATE INDEX events_instant ON events (scimd_time(time))").ok());
}

}  // namespace
}  // namespace scimd::store::postgres
