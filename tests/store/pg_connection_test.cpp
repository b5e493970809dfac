// The libpq connection against a real PostgreSQL 15: the test command starts a throwaway
// cluster (scripts/pg-test-cluster.sh) and passes its URL in SCIMD_TEST_PG_URL.
#include "store/postgres/pg_connection.h"

#include <unistd.h>

#include <cstdlib>

#include <gtest/gtest.h>

namespace scimd::store::postgres {
namespace {

class PgConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("SCIMD_TEST_PG_URL");
    if (url == nullptr || *url == '\0') {
      GTEST_SKIP() << "SCIMD_TEST_PG_URL is not set (scripts/test.sh sets it)";
    }
    url_ = url;
    auto opened = PgConnection::open(url_);
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    db_ = std::move(opened).value();
    // ctest runs tests as parallel processes on one cluster: a table per process.
    table_ = "pg_conn_test_" + std::to_string(getpid());
    ASSERT_TRUE(db_->exec("DROP TABLE IF EXISTS " + table_ + "; CREATE TABLE " + table_ +
                          " (k TEXT PRIMARY KEY, v TEXT)")
                    .ok());
  }
  void TearDown() override {
    if (db_ && db_->healthy()) (void)db_->exec("DROP TABLE IF EXISTS " + table_);
  }
  std::string url_;
  std::string table_;
  std::unique_ptr<PgConnection> db_;
};

TEST_F(PgConnectionTest, BindsTextParametersAndReadsNulls) {
  auto inserted = db_->query("INSERT INTO " + table_ + " (k, v) VALUES ($1, $2), ($3, $4)",
                             {"a", "1", "b", std::nullopt});
  ASSERT_TRUE(inserted.ok()) << inserted.error().detail;
  EXPECT_EQ(inserted->affected, 2);
  auto rows = db_->query("SELECT k, v FROM " + table_ + " ORDER BY k");
  ASSERT_TRUE(rows.ok()) << rows.error().detail;
  ASSERT_EQ(rows->rows.size(), 2u);
  EXPECT_EQ(rows->rows[0][1], PgValue("1"));
  EXPECT_EQ(rows->rows[1][1], std::nullopt);
  // A parameter is data, never SQL.
  auto tricky = db_->query("SELECT $1::text", {"'; DROP TABLE pg_conn_test; --"});
  ASSERT_TRUE(tricky.ok());
  EXPECT_EQ(tricky->rows[0][0], PgValue("'; DROP TABLE pg_conn_test; --"));
  EXPECT_TRUE(db_->query("SELECT count(*) FROM " + table_).ok());
}

TEST_F(PgConnectionTest, UniqueViolationIsUniqueness) {
  ASSERT_TRUE(db_->query("INSERT INTO " + table_ + " (k) VALUES ($1)", {"a"}).ok());
  auto again = db_->query("INSERT INTO " + table_ + " (k) VALUES ($1)", {"a"});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::uniqueness);
  auto bad = db_->query("SELEKT 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::internal);
  EXPECT_NE(bad.error().detail.find("syntax"), std::string::npos) << bad.error().detail;
  EXPECT_TRUE(db_->healthy());
}

TEST_F(PgConnectionTest, ABackendKilledUnderItIsUnavailable) {
  auto pid = db_->query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  auto other = PgConnection::open(url_);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->query("SELECT pg_terminate_backend($1::int)", {pid->rows[0][0]}).ok());
  auto lost = db_->query("SELECT 1");
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code, Errc::unavailable) << lost.error().detail;
  EXPECT_FALSE(db_->healthy());
}

TEST(PgConnectionOpen, RefusesWhatIsNotAPostgresUrl) {
  auto wrong = PgConnection::open("sqlite:/tmp/x.db");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, Errc::invalid_value);
}

TEST(PgConnectionOpen, NothingListeningIsUnavailableWithTheReason) {
  // Port 1 on loopback: nothing listens there.
  auto down = PgConnection::open("postgres://scimd@127.0.0.1:1/scimd?connect_timeout=2");
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, Errc::unavailable);
  EXPECT_NE(down.error().detail.find("127.0.0.1"), std::string::npos) << down.error().detail;
}

TEST(PgErrorMap, SqlStatesBecomeScimdErrors) {
  EXPECT_EQ(pg_error("23505", "dup").code, Errc::uniqueness);
  EXPECT_EQ(pg_error("08006", "gone").code, Errc::unavailable);
  EXPECT_EQ(pg_error("57P01", "admin shutdown").code, Errc::unavailable);
  EXPECT_EQ(pg_error("40001", "serialization").code, Errc::unavailable);
  EXPECT_EQ(pg_error("42601", "syntax").code, Errc::internal);
}

}  // namespace
}  // namespace scimd::store::postgres
