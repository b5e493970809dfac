// PgConnection against a real PostgreSQL 15 (the test command starts a throwaway cluster and
// passes its URL in SCIMD_TEST_PG_URL; each test works in a schema of its own).
#include "store/postgres/pg_connection.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include <gtest/gtest.h>

#include "pg_test_schema.h"

namespace scimd::store::postgres {
namespace {

using sql::ColumnType;
using sql::Statement;

TEST(NumberPlaceholders, NumbersQuestionMarksInOrder) {
  int count = 0;
  EXPECT_EQ(number_placeholders("SELECT a FROM t WHERE x = ? AND y = ? LIMIT ? OFFSET ?", &count),
            "SELECT a FROM t WHERE x = $1 AND y = $2 LIMIT $3 OFFSET $4");
  EXPECT_EQ(count, 4);
  EXPECT_EQ(number_placeholders("SELECT 1", &count), "SELECT 1");
  EXPECT_EQ(count, 0);
}

TEST(NumberPlaceholders, LeavesQuotedTextAndCommentsAlone) {
  int count = 0;
  EXPECT_EQ(number_placeholders("SELECT '?', 'it''s ?', \"a?\" FROM t WHERE x = ?", &count),
            "SELECT '?', 'it''s ?', \"a?\" FROM t WHERE x = $1");
  EXPECT_EQ(count, 1);
  EXPECT_EQ(number_placeholders("SELECT ? -- why?\n, ? /* what? /* nested? */ ? */, ?", &count),
            "SELECT $1 -- why?\n, $2 /* what? /* nested? */ ? */, $3");
  EXPECT_EQ(count, 3);
  EXPECT_EQ(number_placeholders("SELECT E'\\'?', ?", &count), "SELECT E'\\'?', $1");
  EXPECT_EQ(number_placeholders("SELECT $$ ? $$, $q$ ? $q$, ?", &count),
            "SELECT $$ ? $$, $q$ ? $q$, $1");
  EXPECT_EQ(count, 1);
  // An unterminated literal is the server's error to report, not ours to number.
  EXPECT_EQ(number_placeholders("SELECT '?", &count), "SELECT '?");
}

TEST(NumberPlaceholders, TakesSqliteNumberedParameters) {
  int count = 0;
  EXPECT_EQ(number_placeholders("SELECT ?1, ?2 WHERE id = ?1", &count),
            "SELECT $1, $2 WHERE id = $1");
  EXPECT_EQ(count, 2);
  EXPECT_EQ(number_placeholders("SELECT ?3, ?", &count), "SELECT $3, $4");
  EXPECT_EQ(count, 4);
}

class PgConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgTestSchema::configured()) GTEST_SKIP() << PgTestSchema::kSkipReason;
    schema_.emplace("conn");
    ASSERT_TRUE(schema_->ok()) << schema_->error();
    auto opened = PgConnection::open(schema_->url());
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    db_ = std::move(opened).value();
    ASSERT_TRUE(db_->exec("CREATE TABLE kv (k text PRIMARY KEY, v text, n bigint, r double "
                          "precision)")
                    .ok());
  }
  void TearDown() override {
    db_.reset();  // before the schema goes
  }

  void insert(std::string_view k, std::int64_t n) {
    auto stmt = db_->prepare("INSERT INTO kv (k, n) VALUES (?, ?)");
    ASSERT_TRUE(stmt.ok()) << stmt.error().detail;
    const Status run = stmt->bind(1, k).bind(2, n).run();
    ASSERT_TRUE(run.ok()) << run.error().detail;
  }

  std::optional<PgTestSchema> schema_;
  std::unique_ptr<PgConnection> db_;
};

TEST_F(PgConnectionTest, WorksInItsOwnSchema) {
  auto stmt = db_->prepare("SELECT current_schema(), current_setting('application_name')");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*stmt->step());
  EXPECT_EQ(stmt->column_text(0), schema_->name());
  EXPECT_EQ(stmt->column_text(1), "scimd");  // unless the URL names another
  EXPECT_EQ(db_->dialect(), sql::Dialect::postgres);
}

TEST_F(PgConnectionTest, UntypedParametersWorkWhereTheStoreUsesThem) {
  for (int i = 0; i < 5; ++i) insert("key" + std::to_string(i), i * 10);
  // x = ?, LIMIT ? OFFSET ?
  auto page = db_->prepare("SELECT k FROM kv WHERE n >= ? ORDER BY k LIMIT ? OFFSET ?");
  ASSERT_TRUE(page.ok()) << page.error().detail;
  page->bind(1, 10).bind(2, 2).bind(3, 1);
  ASSERT_TRUE(*page->step());
  EXPECT_EQ(page->column_text(0), "key2");
  ASSERT_TRUE(*page->step());
  EXPECT_EQ(page->column_text(0), "key3");
  EXPECT_FALSE(*page->step());
  // substr(x, 1, ?), n + ?, and a '?' that is text.
  auto expr = db_->prepare("SELECT substr(k, 1, ?), n + ?, '?' FROM kv WHERE k = ?");
  ASSERT_TRUE(expr.ok()) << expr.error().detail;
  expr->bind(1, 2).bind(2, std::int64_t{5}).bind(3, "key4");
  auto row = expr->step();
  ASSERT_TRUE(row.ok()) << row.error().detail;
  ASSERT_TRUE(*row);
  EXPECT_EQ(expr->column_text(0), "ke");
  EXPECT_EQ(expr->column_int(1), 45);
  EXPECT_EQ(expr->column_text(2), "?");
  // UPDATE … SET n = n + ? (the event_seq pattern), RETURNING, a text column compared to an int.
  auto bump = db_->prepare("UPDATE kv SET n = n + ?, v = ? WHERE k = ? RETURNING n, v");
  ASSERT_TRUE(bump.ok()) << bump.error().detail;
  bump->bind(1, 3).bind(2, 7).bind(3, "key1");
  ASSERT_TRUE(*bump->step());
  EXPECT_EQ(bump->column_int(0), 13);
  EXPECT_EQ(bump->column_text(1), "7");
  // INSERT … SELECT ?1, ?2 WHERE … ?1 (the provisioning log's pattern).
  auto copy = db_->prepare(
      "INSERT INTO kv (k, n) SELECT ?1, ?2 WHERE NOT EXISTS "
      "(SELECT 1 FROM kv WHERE k = ?1)");
  ASSERT_TRUE(copy.ok()) << copy.error().detail;
  ASSERT_TRUE(copy->bind(1, "new").bind(2, 9).run().ok());
  EXPECT_EQ(db_->changes(), 1);
  // A parameter is data, never SQL; unbound parameters are NULL.
  auto tricky = db_->prepare("SELECT ?::text, ?::text");
  ASSERT_TRUE(tricky.ok());
  tricky->bind(1, "'; DROP TABLE kv; --");
  ASSERT_TRUE(*tricky->step());
  EXPECT_EQ(tricky->column_text(0), "'; DROP TABLE kv; --");
  EXPECT_TRUE(tricky->is_null(1));
}

TEST_F(PgConnectionTest, PreparesEachTextOnceUpToTheCap) {
  EXPECT_EQ(db_->cached_statements(), 0u);
  for (int i = 0; i < 3; ++i) {
    auto stmt = db_->prepare("SELECT count(*) FROM kv WHERE n > ?");
    ASSERT_TRUE(stmt.ok());
    stmt->bind(1, i);
    ASSERT_TRUE(*stmt->step());
    EXPECT_EQ(stmt->column_int(0), 0);
  }
  EXPECT_EQ(db_->cached_statements(), 1u);
  // Past the cap statements still run (sent with their text each time), and nothing grows.
  const std::size_t cap = PgConnection::max_cached_statements();
  for (std::size_t i = 0; i < cap + 10; ++i) {
    auto stmt = db_->prepare("SELECT ? + " + std::to_string(i));
    ASSERT_TRUE(stmt.ok()) << stmt.error().detail;
    stmt->bind(1, 1);
    ASSERT_TRUE(*stmt->step());
    ASSERT_EQ(stmt->column_int(0), static_cast<std::int64_t>(i) + 1);
  }
  EXPECT_EQ(db_->cached_statements(), cap);
  auto count = db_->prepare("SELECT count(*) FROM pg_prepared_statements");
  ASSERT_TRUE(count.ok());
  ASSERT_TRUE(*count->step());
  // Uncached statements run unnamed and leave nothing behind.
  EXPECT_EQ(count->column_int(0), static_cast<std::int64_t>(cap));
  // Past the cap a syntax error shows when the statement runs.
  auto bad = db_->prepare("SELEKT 1");
  EXPECT_FALSE(bad.ok() && bad->run().ok());
}

TEST_F(PgConnectionTest, ACachedStatementSurvivesItsTableChanging) {
  insert("a", 1);
  auto read_all = [&]() -> Result<std::string> {
    SCIMD_ASSIGN_OR_RETURN(Statement stmt, db_->prepare("SELECT * FROM kv"));
    SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return std::string("no row");
    return stmt.column_text(0);
  };
  ASSERT_TRUE(read_all().ok());
  // Another process migrates: the cached plan's result type is no longer valid.
  auto other = PgConnection::open(schema_->url());
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->exec("ALTER TABLE kv ADD COLUMN extra text").ok());
  auto after = read_all();  // in autocommit: prepared afresh, transparently
  ASSERT_TRUE(after.ok()) << after.error().detail;
  EXPECT_EQ(*after, "a");
  ASSERT_TRUE(read_all().ok());  // cached again
  ASSERT_TRUE((*other)->exec("ALTER TABLE kv DROP COLUMN extra").ok());
  // Inside a transaction the statement fails once (the transaction is aborted), then works.
  ASSERT_TRUE(db_->exec("BEGIN").ok());
  EXPECT_FALSE(read_all().ok());
  ASSERT_TRUE(db_->exec("ROLLBACK").ok());
  auto again = read_all();
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(*again, "a");
}

TEST_F(PgConnectionTest, ColumnTypesFollowTheValues) {
  auto stmt = db_->prepare(
      "SELECT 1::int2, 2::int4, 3::int8, 1.5::float4, 2.5::float8, 3.25::numeric, 'x', NULL, "
      "true, '{\"a\": 1}'::json, ?, ?, ?, false");
  ASSERT_TRUE(stmt.ok()) << stmt.error().detail;
  const double third = 1.0 / 3.0;
  stmt->bind(1, std::numeric_limits<std::int64_t>::min()).bind(2, third).bind(3, nullptr);
  ASSERT_TRUE(*stmt->step());
  const ColumnType expected[] = {ColumnType::integer, ColumnType::integer, ColumnType::integer,
                                 ColumnType::real,    ColumnType::real,    ColumnType::real,
                                 ColumnType::text,    ColumnType::null,    ColumnType::integer,
                                 ColumnType::text,    ColumnType::text,    ColumnType::text,
                                 ColumnType::null,    ColumnType::integer};
  for (int c = 0; c < 14; ++c) EXPECT_EQ(stmt->column_type(c), expected[c]) << "column " << c;
  EXPECT_EQ(stmt->column_int(2), 3);
  EXPECT_EQ(stmt->column_double(4), 2.5);
  EXPECT_EQ(stmt->column_double(5), 3.25);
  EXPECT_EQ(stmt->column_int(4), 2);  // reals truncate, as in SQLite
  EXPECT_EQ(stmt->column_int(5), 3);
  EXPECT_EQ(stmt->column_int(8), 1);
  EXPECT_EQ(stmt->column_text(8), "1");
  EXPECT_EQ(stmt->column_int(13), 0);
  EXPECT_EQ(stmt->column_text(9), "{\"a\": 1}");
  EXPECT_TRUE(stmt->is_null(7));
  EXPECT_EQ(stmt->column_text(7), "");
  // Untyped parameters come back as the text they were sent as.
  EXPECT_EQ(stmt->column_int(10), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(stmt->column_double(11), third);
  EXPECT_FALSE(*stmt->step());

  // Doubles go to a float8 column and back without losing a bit.
  const double values[] = {0.1 + 0.2, 1e-300, -123456.789012345678, 5e307};
  for (int i = 0; i < 4; ++i) {
    auto p = db_->prepare("INSERT INTO kv (k, r) VALUES (?, ?)");
    ASSERT_TRUE(p->bind(1, "d" + std::to_string(i)).bind(2, values[i]).run().ok());
  }
  auto get = db_->prepare("SELECT r FROM kv WHERE k LIKE 'd%' ORDER BY k");
  ASSERT_TRUE(get.ok());
  for (double v : values) {
    ASSERT_TRUE(*get->step());
    EXPECT_EQ(get->column_type(0), ColumnType::real);
    EXPECT_EQ(get->column_double(0), v);
  }
}

TEST_F(PgConnectionTest, UniqueViolationIsUniqueness) {
  insert("a", 1);
  auto again = db_->prepare("INSERT INTO kv (k) VALUES (?)");
  ASSERT_TRUE(again.ok());
  auto failed = again->bind(1, "a").step();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, Errc::uniqueness);
  EXPECT_TRUE(again->unique_violation());
  EXPECT_EQ(db_->last_sqlstate(), "23505");

  auto bad = db_->prepare("SELECT 1 / ?");
  ASSERT_TRUE(bad.ok());
  auto divided = bad->bind(1, 0).step();
  ASSERT_FALSE(divided.ok());
  EXPECT_EQ(divided.error().code, Errc::internal);
  EXPECT_FALSE(bad->unique_violation());
  EXPECT_NE(divided.error().detail.find("division by zero"), std::string::npos)
      << divided.error().detail;
  EXPECT_EQ(db_->last_sqlstate(), "22012");
  EXPECT_TRUE(db_->healthy());
}

TEST_F(PgConnectionTest, ChangesCountsTheLastWrite) {
  insert("a", 1);
  insert("b", 1);
  EXPECT_EQ(db_->changes(), 1);
  auto update = db_->prepare("UPDATE kv SET v = ? WHERE n = ?");
  ASSERT_TRUE(update->bind(1, "x").bind(2, 1).run().ok());
  EXPECT_EQ(db_->changes(), 2);
  auto read = db_->prepare("SELECT * FROM kv");
  ASSERT_TRUE(read->run().ok());
  EXPECT_EQ(db_->changes(), 2);  // a SELECT leaves it
  auto none = db_->prepare("DELETE FROM kv WHERE k = ?");
  ASSERT_TRUE(none->bind(1, "zzz").run().ok());
  EXPECT_EQ(db_->changes(), 0);
  ASSERT_TRUE(db_->exec("DELETE FROM kv").ok());
  EXPECT_EQ(db_->changes(), 2);
}

TEST_F(PgConnectionTest, TransactionStateAndTheErrorThatAbortedIt) {
  EXPECT_FALSE(db_->in_transaction());
  ASSERT_TRUE(db_->exec("BEGIN").ok());
  EXPECT_TRUE(db_->in_transaction());
  EXPECT_FALSE(db_->transaction_failed());
  insert("a", 1);
  auto dup = db_->prepare("INSERT INTO kv (k) VALUES ('a')");
  EXPECT_FALSE(dup.ok() && dup->run().ok());
  EXPECT_TRUE(db_->in_transaction());
  EXPECT_TRUE(db_->transaction_failed());
  // What follows fails with 25P02; the cause stays reachable.
  EXPECT_FALSE(db_->exec("SELECT 1").ok());
  EXPECT_EQ(db_->last_sqlstate(), "23505");
  ASSERT_TRUE(db_->exec("ROLLBACK").ok());
  EXPECT_FALSE(db_->in_transaction());
  db_->clear_last_sqlstate();
  EXPECT_EQ(db_->last_sqlstate(), "");
}

TEST_F(PgConnectionTest, ABackendKilledUnderItIsUnavailable) {
  auto pid = db_->prepare("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok() && *pid->step());
  auto other = PgConnection::open(schema_->url());
  ASSERT_TRUE(other.ok());
  auto kill = (*other)->prepare("SELECT pg_terminate_backend(?::int)");
  ASSERT_TRUE(kill.ok());
  ASSERT_TRUE(kill->bind(1, pid->column_int(0)).run().ok());
  auto lost = db_->prepare("SELECT 1");
  Status status = lost.ok() ? lost->run() : Status(lost.error());
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::unavailable) << status.error().detail;
  EXPECT_FALSE(db_->healthy());
  EXPECT_FALSE(db_->still_connected());
  EXPECT_FALSE(db_->exec("SELECT 1").ok());
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

TEST(PgConnectionOpen, AMalformedUrlIsAConfigurationError) {
  for (const char* url : {"postgres://scimd@127.0.0.1:notaport/scimd",
                          "postgres://scimd@127.0.0.1:5432/scimd?no_such_parameter=1"}) {
    auto bad = PgConnection::open(url);
    ASSERT_FALSE(bad.ok()) << url;
    EXPECT_EQ(bad.error().code, Errc::invalid_value) << bad.error().detail;
  }
}

TEST(PgConnectionOpen, ARefusalByTheServerIsAConfigurationErrorNotAnOutage) {
  const char* base = std::getenv("SCIMD_TEST_PG_URL");
  if (base == nullptr || *base == '\0') GTEST_SKIP() << "SCIMD_TEST_PG_URL is not set";
  // The same server, a database that does not exist: retrying would never help.
  std::string url = base;
  const std::size_t slash = url.rfind('/');
  ASSERT_NE(slash, std::string::npos);
  url = url.substr(0, slash) + "/no_such_database_here";
  auto refused = PgConnection::open(url);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::invalid_value) << refused.error().detail;
  EXPECT_NE(refused.error().detail.find("does not exist"), std::string::npos)
      << refused.error().detail;
}

TEST(PgErrorMap, SqlStatesBecomeScimdErrors) {
  EXPECT_EQ(pg_error("23505", "dup").code, Errc::uniqueness);
  EXPECT_EQ(pg_error("08006", "gone").code, Errc::unavailable);
  EXPECT_EQ(pg_error("57P01", "admin shutdown").code, Errc::unavailable);
  EXPECT_EQ(pg_error("53300", "too many connections").code, Errc::unavailable);
  EXPECT_EQ(pg_error("40001", "serialization").code, Errc::unavailable);
  EXPECT_EQ(pg_error("40P01", "deadlock").code, Errc::unavailable);
  EXPECT_EQ(pg_error("42601", "syntax").code, Errc::internal);
  EXPECT_TRUE(retryable_sqlstate("40001"));
  EXPECT_TRUE(retryable_sqlstate("40P01"));
  EXPECT_FALSE(retryable_sqlstate("23505"));
}

}  // namespace
}  // namespace scimd::store::postgres
