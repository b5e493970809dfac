// The fixture of the PostgreSQL transaction tests (PgExecutor, PgBatchWriter): a fresh schema
// with a `counters` table of two rows ('a' and 'b', both 0), a pool on it, and an admin
// connection outside the pool to read the counters and terminate backends.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "pg_test_schema.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_pool.h"

namespace scimd::store::postgres {

// Runs `text`, binding `value` to its one `?` if it has one.
inline Status run(sql::Connection& db, std::string_view text, std::int64_t value = 0) {
  SCIMD_ASSIGN_OR_RETURN(sql::Statement stmt, db.prepare(text));
  if (text.find('?') != std::string_view::npos) stmt.bind(1, value);
  return stmt.run();
}

class PgCountersTest : public ::testing::Test {
 protected:
  explicit PgCountersTest(std::string label) : label_(std::move(label)) {}

  void SetUp() override {
    if (!PgTestSchema::configured()) GTEST_SKIP() << PgTestSchema::kSkipReason;
    schema_.emplace(label_);
    ASSERT_TRUE(schema_->ok()) << schema_->error();
    auto admin = PgConnection::open(schema_->url());
    ASSERT_TRUE(admin.ok()) << admin.error().detail;
    admin_ = std::move(admin).value();
    ASSERT_TRUE(admin_
                    ->exec("CREATE TABLE counters (k text PRIMARY KEY, n bigint NOT NULL);"
                           "INSERT INTO counters VALUES ('a', 0), ('b', 0)")
                    .ok());
    pool_.emplace(schema_->url(), PgPoolOptions{.size = 4});
  }
  void TearDown() override {
    pool_.reset();
    admin_.reset();
  }

  std::int64_t counter(std::string_view k) {
    auto stmt = admin_->prepare("SELECT n FROM counters WHERE k = ?");
    if (!stmt.ok()) return -1;
    stmt->bind(1, k);
    auto row = stmt->step();
    return row.ok() && *row ? stmt->column_int(0) : -1;
  }

  std::string label_;
  std::optional<PgTestSchema> schema_;
  std::unique_ptr<PgConnection> admin_;
  std::optional<PgPool> pool_;
};

}  // namespace scimd::store::postgres
