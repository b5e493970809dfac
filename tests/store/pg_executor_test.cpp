// PgExecutor against a real PostgreSQL 15: commit, rollback with the job's own error, and the
// transactions the server rolls back (serialization failure, deadlock) run again.
#include "store/postgres/pg_executor.h"

#include <atomic>
#include <latch>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "pg_counters_fixture.h"
#include "store/postgres/pg_connection.h"

namespace scimd::store::postgres {
namespace {

using sql::Connection;

class PgExecutorTest : public PgCountersTest {
 protected:
  PgExecutorTest() : PgCountersTest("exec") {}
};

TEST_F(PgExecutorTest, CommitsTheJob) {
  PgExecutor exec(*pool_);
  EXPECT_EQ(exec.dialect(), sql::Dialect::postgres);
  const Status done = exec.write([](Connection& db) -> Status {
    EXPECT_TRUE(db.in_transaction());
    return run(db, "UPDATE counters SET n = n + ? WHERE k = 'a'", 5);
  });
  ASSERT_TRUE(done.ok()) << done.error().detail;
  EXPECT_EQ(counter("a"), 5);
  auto lease = exec.read();
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE((*lease)->in_transaction());  // reads are autocommit
}

TEST_F(PgExecutorTest, TheJobsErrorRollsBackAndComesBackUnchanged) {
  PgExecutor exec(*pool_);
  int runs = 0;
  const Status failed = exec.write([&](Connection& db) -> Status {
    ++runs;
    SCIMD_TRY(run(db, "UPDATE counters SET n = 99 WHERE k = 'a'"));
    return make_error(Errc::precondition_failed, "version mismatch");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, Errc::precondition_failed);
  EXPECT_EQ(failed.error().detail, "version mismatch");
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(counter("a"), 0);
  // A failed statement's uniqueness error comes back as such, not retried.
  const Status dup = exec.write([&](Connection& db) -> Status {
    ++runs;
    return run(db, "INSERT INTO counters VALUES ('a', 1)");
  });
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::uniqueness);
  EXPECT_EQ(runs, 2);
}

TEST_F(PgExecutorTest, AJobThatIgnoresAFailedStatementDoesNotCommit) {
  PgExecutor exec(*pool_);
  const Status status = exec.write([](Connection& db) -> Status {
    SCIMD_TRY(run(db, "UPDATE counters SET n = 7 WHERE k = 'a'"));
    (void)run(db, "SELECT 1 / 0");
    return {};
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::internal);
  EXPECT_NE(status.error().detail.find("22012"), std::string::npos) << status.error().detail;
  EXPECT_EQ(counter("a"), 0);
}

TEST_F(PgExecutorTest, AStatementKeptForTheCommitRunsLastAndCommitsWithTheJob) {
  PgExecutor exec(*pool_);
  const Status done = exec.write([](Connection& db) -> Status {
    SCIMD_TRY(db.exec_with_commit("UPDATE counters SET n = n * 10 WHERE k = 'a'"));
    SCIMD_TRY(db.exec_with_commit("UPDATE counters SET n = n + 1 WHERE k = " + db.literal("b")));
    return run(db, "UPDATE counters SET n = n + ? WHERE k = 'a'", 4);  // runs before them
  });
  ASSERT_TRUE(done.ok()) << done.error().detail;
  EXPECT_EQ(counter("a"), 40);
  EXPECT_EQ(counter("b"), 1);
}

// Kept statements run in ascending lock order, in the order kept among equals: a batch of jobs
// of several tenants bumps their counter rows in tenant order, so two batches cannot deadlock.
TEST_F(PgExecutorTest, KeptStatementsRunInLockOrder) {
  PgExecutor exec(*pool_);
  const Status done = exec.write([](Connection& db) -> Status {
    SCIMD_TRY(db.exec_with_commit("UPDATE counters SET n = n * 10 WHERE k = 'a'", 2));
    SCIMD_TRY(db.exec_with_commit("UPDATE counters SET n = n + 1 WHERE k = 'a'", 1));
    SCIMD_TRY(db.exec_with_commit("UPDATE counters SET n = n + 3 WHERE k = 'a'", 2));
    return db.exec_with_commit("UPDATE counters SET n = n * 2 WHERE k = 'a'", 1);
  });
  ASSERT_TRUE(done.ok()) << done.error().detail;
  EXPECT_EQ(counter("a"), ((0 + 1) * 2) * 10 + 3);
}

// Rows kept under one key become one statement at the COMMIT, rendered once, rows in order.
TEST_F(PgExecutorTest, RowsKeptUnderOneKeyGoInAsOneStatement) {
  PgExecutor exec(*pool_);
  int renders = 0;
  const Connection::RenderRows digits = [&renders](const std::vector<std::string>& rows) {
    ++renders;
    std::string n;
    for (const std::string& row : rows) n += row;
    return "UPDATE counters SET n = " + n + " WHERE k = 'a'";
  };
  const Status done = exec.write([&](Connection& db) -> Status {
    SCIMD_TRY(db.exec_rows_with_commit("digits", 1, {"1", "2"}, digits));
    SCIMD_TRY(db.exec_with_commit("UPDATE counters SET n = n + 1 WHERE k = 'b'", 1));
    return db.exec_rows_with_commit("digits", 1, {"3"}, digits);
  });
  ASSERT_TRUE(done.ok()) << done.error().detail;
  EXPECT_EQ(renders, 1);
  EXPECT_EQ(counter("a"), 123);
  EXPECT_EQ(counter("b"), 1);
}

TEST_F(PgExecutorTest, AStatementKeptForTheCommitThatFailsRollsTheJobBack) {
  PgExecutor exec(*pool_);
  const Status status = exec.write([](Connection& db) -> Status {
    SCIMD_TRY(run(db, "UPDATE counters SET n = 7 WHERE k = 'a'"));
    return db.exec_with_commit("INSERT INTO counters VALUES ('b', 1)");  // duplicate key
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::uniqueness) << status.error().detail;
  EXPECT_EQ(counter("a"), 0);
  // The connection went back to the pool clean: the next job neither inherits the statement
  // nor finds a transaction left open.
  const Status next = exec.write([](Connection& db) -> Status {
    return run(db, "UPDATE counters SET n = n + ? WHERE k = 'a'", 2);
  });
  ASSERT_TRUE(next.ok()) << next.error().detail;
  EXPECT_EQ(counter("a"), 2);
}

TEST_F(PgExecutorTest, AJobThatFailsDropsWhatItKeptForTheCommit) {
  PgExecutor exec(*pool_, {.max_attempts = 1});
  const Status failed = exec.write([](Connection& db) -> Status {
    SCIMD_TRY(db.exec_with_commit("UPDATE counters SET n = 50 WHERE k = 'a'"));
    return make_error(Errc::precondition_failed, "version mismatch");
  });
  ASSERT_FALSE(failed.ok());
  ASSERT_TRUE(exec.write([](Connection&) -> Status { return {}; }).ok());
  EXPECT_EQ(counter("a"), 0);
}

TEST_F(PgExecutorTest, LiteralsSurviveQuotesAndBackslashes) {
  const std::string nasty = "it's a \\ \"quoted\" 'value' \\'";
  auto stmt = admin_->prepare("SELECT " + admin_->literal(nasty));
  ASSERT_TRUE(stmt.ok()) << stmt.error().detail;
  auto row = stmt->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(stmt->column_text(0), nasty);
}

TEST_F(PgExecutorTest, ASerializationFailureRunsTheJobAgain) {
  PgExecutor exec(*pool_, {.begin = "BEGIN ISOLATION LEVEL REPEATABLE READ"});
  int runs = 0;
  const Status done = exec.write([&](Connection& db) -> Status {
    ++runs;
    SCIMD_TRY(run(db, "SELECT n FROM counters WHERE k = 'a'"));  // takes the snapshot
    if (runs == 1) {
      // Another transaction changes the row after our snapshot: our UPDATE fails with 40001.
      EXPECT_TRUE(run(*admin_, "UPDATE counters SET n = n + 100 WHERE k = 'a'").ok());
    }
    return run(db, "UPDATE counters SET n = n + ? WHERE k = 'a'", 1);
  });
  ASSERT_TRUE(done.ok()) << done.error().detail;
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(counter("a"), 101);
}

TEST_F(PgExecutorTest, GivesUpAfterMaxAttemptsAsUnavailable) {
  PgExecutor exec(*pool_, {.max_attempts = 3, .begin = "BEGIN ISOLATION LEVEL REPEATABLE READ"});
  int runs = 0;
  const Status status = exec.write([&](Connection& db) -> Status {
    ++runs;
    SCIMD_TRY(run(db, "SELECT n FROM counters WHERE k = 'a'"));
    EXPECT_TRUE(run(*admin_, "UPDATE counters SET n = n + 100 WHERE k = 'a'").ok());
    return run(db, "UPDATE counters SET n = n + 1 WHERE k = 'a'");
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::unavailable);
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(counter("a"), 300);
}

TEST_F(PgExecutorTest, ADeadlockVictimRunsAgain) {
  PgExecutor exec(*pool_);
  std::latch both_hold_their_first_row(2);
  std::atomic<int> runs{0};
  auto job = [&](std::string_view first, std::string_view second) {
    return [&, first, second, first_run = true](Connection& db) mutable -> Status {
      ++runs;
      SCIMD_TRY(run(db, "UPDATE counters SET n = n + 1 WHERE k = '" + std::string(first) + "'"));
      if (first_run) {
        first_run = false;
        both_hold_their_first_row.arrive_and_wait();
      }
      return run(db, "UPDATE counters SET n = n + 1 WHERE k = '" + std::string(second) + "'");
    };
  };
  Status a_then_b, b_then_a;
  std::thread one([&] { a_then_b = exec.write(job("a", "b")); });
  std::thread two([&] { b_then_a = exec.write(job("b", "a")); });
  one.join();
  two.join();
  EXPECT_TRUE(a_then_b.ok()) << a_then_b.error().detail;
  EXPECT_TRUE(b_then_a.ok()) << b_then_a.error().detail;
  // The victim ran again; its rerun may even beat the winner to the row it just released and
  // deadlock once more (runs 4, 5…), which is why it is rerun more than once.
  EXPECT_GE(runs.load(), 3);
  EXPECT_EQ(counter("a"), 2);
  EXPECT_EQ(counter("b"), 2);
}

TEST_F(PgExecutorTest, ACommitTheServerRefusesIsNotRetried) {
  ASSERT_TRUE(admin_
                  ->exec("CREATE TABLE names (k text, CONSTRAINT names_k UNIQUE (k) "
                         "DEFERRABLE INITIALLY DEFERRED)")
                  .ok());
  PgExecutor exec(*pool_);
  int runs = 0;
  const Status status = exec.write([&](Connection& db) -> Status {
    ++runs;
    return run(db, "INSERT INTO names VALUES ('x'), ('x')");  // checked at COMMIT
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::uniqueness) << status.error().detail;
  EXPECT_EQ(runs, 1);
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE((*lease)->in_transaction());
}

TEST_F(PgExecutorTest, ALostConnectionIsUnavailableAndNotRetried) {
  PgExecutor exec(*pool_);
  int runs = 0;
  const Status status = exec.write([&](Connection& db) -> Status {
    ++runs;
    auto pid = db.prepare("SELECT pg_backend_pid()");
    EXPECT_TRUE(pid.ok() && *pid->step());
    EXPECT_TRUE(run(*admin_, "SELECT pg_terminate_backend(?::int)", pid->column_int(0)).ok());
    return run(db, "UPDATE counters SET n = 1 WHERE k = 'a'");
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::unavailable) << status.error().detail;
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(counter("a"), 0);
  // The broken connection was dropped; the next write works.
  EXPECT_TRUE(
      exec.write([](Connection& db) { return run(db, "UPDATE counters SET n = 2 WHERE k = 'a'"); })
          .ok());
  EXPECT_EQ(counter("a"), 2);
}

TEST(PgExecutorDown, AnUnreachableServerIsUnavailable) {
  PgPool pool("postgres://scimd@127.0.0.1:1/scimd?connect_timeout=2");
  PgExecutor exec(pool);
  int runs = 0;
  const Status status = exec.write([&](Connection&) -> Status {
    ++runs;
    return {};
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::unavailable);
  EXPECT_EQ(runs, 0);
  EXPECT_FALSE(exec.read().ok());
}

}  // namespace
}  // namespace scimd::store::postgres
