// PgBatchWriter against a real PostgreSQL 15: writes that queue meanwhile commit together, and
// a job that fails (its own error, a failed statement, a kept statement refused at COMMIT, its
// connection gone) costs its neighbours nothing but, at most, a run of their own.
#include "store/postgres/pg_batch_writer.h"

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "pg_counters_fixture.h"
#include "store/postgres/pg_connection.h"

namespace scimd::store::postgres {
namespace {

using sql::Connection;

class PgBatchWriterTest : public PgCountersTest {
 protected:
  PgBatchWriterTest() : PgCountersTest("batch") {}
  void SetUp() override {
    PgCountersTest::SetUp();
    if (!IsSkipped() && !HasFatalFailure()) executor_.emplace(*pool_);
  }
  void TearDown() override {
    executor_.reset();
    PgCountersTest::TearDown();
  }

  // A write that holds the lane (its job running) until `release` is set; `holding` says it is.
  static std::thread hold_the_lane(PgBatchWriter& writer, std::promise<void>& release,
                                   std::promise<void>& holding) {
    return std::thread([&] {
      std::future<void> released = release.get_future();
      EXPECT_TRUE(writer.write([&](Connection&) -> Status {
                          holding.set_value();
                          released.wait();
                          return {};
                        }).ok());
    });
  }

  // Runs `jobs` as one batch on a one-lane writer: a first write holds the lane until all of
  // them have queued behind it. Returns each job's status, in order.
  std::vector<Status> run_as_one_batch(PgBatchWriter& writer,
                                       const std::vector<sql::Executor::Job>& jobs) {
    std::promise<void> release;
    std::promise<void> holding;
    std::thread holder = hold_the_lane(writer, release, holding);
    holding.get_future().wait();
    std::vector<Status> statuses(jobs.size());
    std::vector<std::thread> writers;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      writers.emplace_back([&, i] { statuses[i] = writer.write(jobs[i]); });
      // Queued in order, so the batch runs them in this order.
      while (writer.queued() != i + 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    release.set_value();
    holder.join();
    for (std::thread& t : writers) t.join();
    return statuses;
  }

  std::optional<PgExecutor> executor_;
};

sql::Executor::Job add(std::string_view k, std::int64_t n) {
  return [k = std::string(k), n](Connection& db) {
    return run(db, "UPDATE counters SET n = n + ? WHERE k = '" + k + "'", n);
  };
}

TEST_F(PgBatchWriterTest, WritesQueuedMeanwhileCommitTogether) {
  PgBatchWriter writer(*executor_, *pool_, {.max_batch = 64, .lanes = 1});
  std::vector<sql::Executor::Job> jobs;
  for (int i = 0; i < 10; ++i) jobs.push_back(add("a", 1));
  for (const Status& s : run_as_one_batch(writer, jobs)) EXPECT_TRUE(s.ok()) << s.error().detail;
  EXPECT_EQ(counter("a"), 10);
  EXPECT_EQ(writer.batches(), 1u);
  EXPECT_EQ(writer.batched_jobs(), 10u);
}

TEST_F(PgBatchWriterTest, ABatchHoldsAtMostMaxBatchJobs) {
  PgBatchWriter writer(*executor_, *pool_, {.max_batch = 4, .lanes = 1});
  std::vector<sql::Executor::Job> jobs(10, add("a", 1));
  for (const Status& s : run_as_one_batch(writer, jobs)) EXPECT_TRUE(s.ok());
  EXPECT_EQ(counter("a"), 10);
  EXPECT_EQ(writer.batches(), 3u);  // 4, 4 and 2
  EXPECT_EQ(writer.batched_jobs(), 10u);
}

TEST_F(PgBatchWriterTest, AJobsOwnErrorRollsBackOnlyItsWork) {
  PgBatchWriter writer(*executor_, *pool_, {.lanes = 1});
  const auto statuses = run_as_one_batch(
      writer, {add("a", 1),
               [](Connection& db) -> Status {
                 SCIMD_TRY(run(db, "UPDATE counters SET n = n + 100 WHERE k = 'a'"));
                 SCIMD_TRY(db.exec_with_commit("UPDATE counters SET n = n + 100 WHERE k = 'b'"));
                 return make_error(Errc::precondition_failed, "version mismatch");
               },
               add("a", 2)});
  EXPECT_TRUE(statuses[0].ok());
  ASSERT_FALSE(statuses[1].ok());
  EXPECT_EQ(statuses[1].error().code, Errc::precondition_failed);
  EXPECT_EQ(statuses[1].error().detail, "version mismatch");
  EXPECT_TRUE(statuses[2].ok());
  EXPECT_EQ(counter("a"), 3);
  EXPECT_EQ(counter("b"), 0);  // nor what it kept for the COMMIT
  EXPECT_EQ(writer.batches(), 1u);
}

TEST_F(PgBatchWriterTest, AFailedStatementFailsOnlyItsJob) {
  PgBatchWriter writer(*executor_, *pool_, {.lanes = 1});
  const auto statuses = run_as_one_batch(
      writer, {add("a", 1),
               [](Connection& db) -> Status {
                 SCIMD_TRY(run(db, "UPDATE counters SET n = n + 100 WHERE k = 'b'"));
                 (void)run(db, "INSERT INTO counters VALUES ('a', 5)");  // duplicate key, ignored
                 return {};
               },
               add("a", 2)});
  EXPECT_TRUE(statuses[0].ok());
  ASSERT_FALSE(statuses[1].ok());
  EXPECT_EQ(statuses[1].error().code, Errc::internal) << statuses[1].error().detail;
  EXPECT_TRUE(statuses[2].ok()) << statuses[2].error().detail;
  EXPECT_EQ(counter("a"), 3);
  EXPECT_EQ(counter("b"), 0);
}

TEST_F(PgBatchWriterTest, BatchesRunWithoutSavepointsUntilAJobFails) {
  PgBatchWriter writer(*executor_, *pool_, {.lanes = 1, .guarded_after_failure = 2});
  const sql::Executor::Job fails = [](Connection& db) -> Status {
    SCIMD_TRY(run(db, "UPDATE counters SET n = n + 100 WHERE k = 'b'"));
    return make_error(Errc::not_found, "gone");
  };
  for (const Status& s : run_as_one_batch(writer, {add("a", 1), add("a", 1)})) EXPECT_TRUE(s.ok());
  EXPECT_EQ(writer.guarded_batches(), 0u);

  // The failure rolls the batch back; it runs again guarded, with the same results as ever.
  const auto statuses = run_as_one_batch(writer, {add("a", 1), fails, add("a", 1)});
  EXPECT_TRUE(statuses[0].ok());
  ASSERT_FALSE(statuses[1].ok());
  EXPECT_EQ(statuses[1].error().code, Errc::not_found);
  EXPECT_TRUE(statuses[2].ok());
  EXPECT_EQ(writer.guarded_batches(), 1u);
  EXPECT_EQ(counter("a"), 4);
  EXPECT_EQ(counter("b"), 0);

  // The next two batches are guarded from the start; the one after is not.
  for (int i = 0; i < 3; ++i) {
    for (const Status& s : run_as_one_batch(writer, {add("a", 1), add("a", 1)})) {
      EXPECT_TRUE(s.ok());
    }
  }
  EXPECT_EQ(writer.guarded_batches(), 3u);
  EXPECT_EQ(counter("a"), 10);
  EXPECT_EQ(writer.batches(), 5u);
}

// The jobs of a batch share the rows they keep under one key; a job that fails takes its own
// rows back.
TEST_F(PgBatchWriterTest, RowsKeptByTheJobsOfABatchGoInTogether) {
  PgBatchWriter writer(*executor_, *pool_, {.lanes = 1});
  std::atomic<int> renders = 0;
  const Connection::RenderRows digits = [&renders](const std::vector<std::string>& rows) {
    ++renders;
    std::string n;
    for (const std::string& row : rows) n += row;
    return "UPDATE counters SET n = " + n + " WHERE k = 'a'";
  };
  auto keep = [&](std::string row, bool fail) -> sql::Executor::Job {
    return [&digits, row, fail](Connection& db) -> Status {
      SCIMD_TRY(db.exec_rows_with_commit("digits", 1, {row}, digits));
      if (fail) return make_error(Errc::not_found, "gone");
      return {};
    };
  };
  const auto statuses = run_as_one_batch(writer, {keep("1", false), keep("2", true),
                                                  keep("3", false)});
  EXPECT_TRUE(statuses[0].ok());
  EXPECT_FALSE(statuses[1].ok());
  EXPECT_TRUE(statuses[2].ok());
  EXPECT_EQ(counter("a"), 13);
  EXPECT_EQ(renders, 1);  // the unguarded try failed before its COMMIT; the guarded one renders
  EXPECT_EQ(writer.batches(), 1u);
}

TEST_F(PgBatchWriterTest, AKeptStatementRefusedAtCommitFailsOnlyItsJob) {
  PgBatchWriter writer(*executor_, *pool_, {.lanes = 1});
  std::atomic<int> runs{0};
  const auto statuses = run_as_one_batch(
      writer, {add("a", 1),
               [&](Connection& db) -> Status {
                 ++runs;
                 SCIMD_TRY(run(db, "UPDATE counters SET n = n + 100 WHERE k = 'b'"));
                 return db.exec_with_commit("INSERT INTO counters VALUES ('a', 5)");
               },
               add("a", 2)});
  EXPECT_TRUE(statuses[0].ok()) << statuses[0].error().detail;
  ASSERT_FALSE(statuses[1].ok());
  EXPECT_EQ(statuses[1].error().code, Errc::uniqueness) << statuses[1].error().detail;
  EXPECT_TRUE(statuses[2].ok()) << statuses[2].error().detail;
  EXPECT_EQ(runs, 2);  // in the batch, then alone to find the job at fault
  EXPECT_EQ(counter("a"), 3);
  EXPECT_EQ(counter("b"), 0);
  EXPECT_EQ(writer.batches(), 0u);  // the batch never committed
}

TEST_F(PgBatchWriterTest, ALostConnectionCostsTheOthersOnlyARunOfTheirOwn) {
  PgBatchWriter writer(*executor_, *pool_, {.lanes = 1});
  std::atomic<int> kills{0};
  const auto statuses = run_as_one_batch(
      writer, {add("a", 1),
               [&](Connection& db) -> Status {
                 ++kills;
                 auto pid = db.prepare("SELECT pg_backend_pid()");
                 EXPECT_TRUE(pid.ok() && *pid->step());
                 EXPECT_TRUE(
                     run(*admin_, "SELECT pg_terminate_backend(?::int)", pid->column_int(0)).ok());
                 return run(db, "UPDATE counters SET n = n + 100 WHERE k = 'b'");
               },
               add("a", 2)});
  EXPECT_TRUE(statuses[0].ok()) << statuses[0].error().detail;
  ASSERT_FALSE(statuses[1].ok());
  EXPECT_EQ(statuses[1].error().code, Errc::unavailable) << statuses[1].error().detail;
  EXPECT_TRUE(statuses[2].ok()) << statuses[2].error().detail;
  EXPECT_EQ(kills, 2);
  EXPECT_EQ(counter("a"), 3);
  EXPECT_EQ(counter("b"), 0);
}

TEST_F(PgBatchWriterTest, ManyWritersOnTwoLanesLoseNothing) {
  PgBatchWriter writer(*executor_, *pool_, {.max_batch = 16, .lanes = 2});
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (!writer.write(add(i % 2 == 0 ? "a" : "b", 1)).ok()) ++failed;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(counter("a") + counter("b"), 400);
}

TEST_F(PgBatchWriterTest, StoppingRunsWhatIsQueued) {
  auto writer = std::make_unique<PgBatchWriter>(*executor_, *pool_, PgBatchWriterOptions{.lanes = 1});
  std::promise<void> release;
  std::promise<void> holding;
  std::thread holder = hold_the_lane(*writer, release, holding);
  holding.get_future().wait();
  std::vector<std::future<Status>> done;
  for (std::size_t i = 0; i < 5; ++i) {
    done.push_back(std::async(std::launch::async, [&] { return writer->write(add("a", 1)); }));
    while (writer->queued() != i + 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::thread stopper([&] { writer.reset(); });  // stops while five wait behind the holder
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  release.set_value();
  holder.join();
  for (auto& d : done) EXPECT_TRUE(d.get().ok());
  stopper.join();
  EXPECT_EQ(counter("a"), 5);
}

}  // namespace
}  // namespace scimd::store::postgres
