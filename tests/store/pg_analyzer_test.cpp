// The statistics keeper against a real PostgreSQL 15: a connection whose cached generic plan
// was made on an empty `users` table walks the tenant's users by users_seq; once the table has
// grown past the threshold, analyze_stale_tables() analyzes it and the cached plan is replaced
// by one on users_user_name. The store's background thread does the same by itself.
#include "store/postgres/pg_analyzer.h"

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "pg_test_schema.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/postgres_store.h"
#include "store/store.h"

namespace scimd::store::postgres {
namespace {

using namespace std::chrono_literals;

std::string text_of(sql::Connection& db, const std::string& query) {
  auto stmt = db.prepare(query);
  EXPECT_TRUE(stmt.ok()) << query << ": " << stmt.error().detail;
  if (!stmt.ok()) return "<error>";
  std::string out;
  while (true) {
    auto row = stmt->step();
    EXPECT_TRUE(row.ok()) << query << ": " << row.error().detail;
    if (!row.ok() || !*row) return out;
    out += stmt->column_text(0) + "\n";
  }
}

// Tables analyzed by one check, -1 (and a failure) on error.
int analyze(sql::Connection& db) {
  auto analyzed = PgAnalyzer::analyze_stale_tables(db);
  EXPECT_TRUE(analyzed.ok()) << analyzed.error().detail;
  return analyzed.ok() ? *analyzed : -1;
}

class PgAnalyzerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgTestSchema::configured()) GTEST_SKIP() << PgTestSchema::kSkipReason;
    schema_.emplace("analyzer");
    ASSERT_TRUE(schema_->ok()) << schema_->error();
    PostgresOptions options;
    options.url = schema_->url();
    options.listen = false;
    options.analyze_interval = interval();
    auto store = PostgresStore::open(options);
    ASSERT_TRUE(store.ok()) << store.error().detail;
    store_ = std::move(*store);
    auto db = PgConnection::open(schema_->url());
    ASSERT_TRUE(db.ok()) << db.error().detail;
    db_ = std::move(*db);
    ASSERT_TRUE(db_->exec("INSERT INTO tenants (id, name, created) VALUES (1, 'a', 'now')").ok());
  }
  virtual std::chrono::milliseconds interval() const { return 0ms; }

  // Adds users `from`..`to`-1 to tenant 1 and makes the change counts visible now (PostgreSQL
  // otherwise reports a session's counts about once a second, or ten seconds after it idles).
  void add_users(int from, int to) {
    const std::string range = std::to_string(from) + ", " + std::to_string(to - 1);
    ASSERT_TRUE(db_->exec("INSERT INTO users (tenant_id, id, doc, version, created, "
                          "last_modified, user_name_lower) SELECT 1, 'id' || n, '{}', 1, 'now', "
                          "'now', 'user' || n FROM generate_series(" +
                          range + ") n")
                    .ok());
    ASSERT_TRUE(db_->exec("SELECT pg_stat_force_next_flush()").ok());
    ASSERT_TRUE(db_->exec("SELECT 1").ok());  // the flush happens at this statement's end
  }
  int analyze_count() {
    return std::stoi(text_of(*db_,
                             "SELECT analyze_count FROM pg_stat_user_tables "
                             "WHERE relid = 'users'::regclass"));
  }

  std::optional<PgTestSchema> schema_;
  std::unique_ptr<PostgresStore> store_;
  std::unique_ptr<PgConnection> db_;
};

TEST_F(PgAnalyzerTest, AnalyzingReplacesAGenericPlanMadeOnAnEmptyTable) {
  // The store's check_unique, prepared and run often enough for a generic plan to be cached.
  ASSERT_TRUE(db_->exec("PREPARE taken(bigint, text, text) AS SELECT 1 FROM users WHERE "
                        "tenant_id = $1 AND user_name_lower = $2 AND id != $3")
                  .ok());
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(db_->exec("EXECUTE taken(1, 'x', 'y')").ok());
  add_users(0, 3000);
  const std::string before = text_of(*db_, "EXPLAIN EXECUTE taken(1, 'x', 'y')");
  // What the keeper exists for; if PostgreSQL stops choosing this plan, the keeper is moot.
  std::cout << "cached plan before ANALYZE:\n" << before;

  auto analyzed = PgAnalyzer::analyze_stale_tables(*db_);
  ASSERT_TRUE(analyzed.ok()) << analyzed.error().detail;
  EXPECT_EQ(*analyzed, 1);  // users; the other tables did not change
  EXPECT_EQ(analyze_count(), 1);
  const std::string after = text_of(*db_, "EXPLAIN EXECUTE taken(1, 'x', 'y')");
  EXPECT_NE(after.find("users_user_name"), std::string::npos) << after;
  EXPECT_EQ(after.find("users_seq"), std::string::npos) << after;
}

TEST_F(PgAnalyzerTest, SmallChangesSinceTheLastAnalysisAreLeftAlone) {
  add_users(0, 1000);
  ASSERT_EQ(analyze(*db_), 1);
  add_users(1000, 1900);  // 900 < 50 + 1000: the table has not doubled
  EXPECT_EQ(text_of(*db_,
                    "SELECT n_mod_since_analyze FROM pg_stat_user_tables "
                    "WHERE relid = 'users'::regclass"),
            "900\n");
  EXPECT_EQ(analyze(*db_), 0);
  add_users(1900, 2060);  // 1060 >= 1050
  EXPECT_EQ(analyze(*db_), 1);
  EXPECT_EQ(analyze_count(), 2);
}

TEST_F(PgAnalyzerTest, AnotherInstanceAnalyzingMakesThisOneSkip) {
  add_users(0, 200);
  auto other = PgConnection::open(schema_->url());
  ASSERT_TRUE(other.ok()) << other.error().detail;
  ASSERT_TRUE(
      (*other)
          ->exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::string(kAnalyzeLockKeys) + ")")
          .ok());
  EXPECT_EQ(analyze(*db_), 0);
  ASSERT_TRUE((*other)->exec("COMMIT").ok());
  EXPECT_EQ(analyze(*db_), 1);
}

class PgAnalyzerThreadTest : public PgAnalyzerTest {
  std::chrono::milliseconds interval() const override { return 50ms; }
};

TEST_F(PgAnalyzerThreadTest, TheStoreAnalyzesAGrowingTableByItself) {
  add_users(0, 500);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (analyze_count() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(analyze_count(), 1);
}

TEST(PgAnalyzerUse, OnlyAServingStoreStartsTheCheckAndTheListener) {
  if (!PgTestSchema::configured()) GTEST_SKIP() << PgTestSchema::kSkipReason;
  PgTestSchema schema("analyzer_use");
  ASSERT_TRUE(schema.ok()) << schema.error();
  for (const Store::Use use : {Store::Use::serve, Store::Use::one_shot}) {
    auto store = Store::open(schema.url(), use);
    ASSERT_TRUE(store.ok()) << store.error().detail;
    auto& pg = static_cast<PostgresStore&>(**store);
    EXPECT_EQ(pg.analyzing(), use == Store::Use::serve);
    const auto deadline =
        std::chrono::steady_clock::now() + (use == Store::Use::serve ? 10s : 300ms);
    while (pg.listener_connects() == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(pg.listener_connects() > 0, use == Store::Use::serve);
  }
}

}  // namespace
}  // namespace scimd::store::postgres
