#include "store/sqlite/write_queue.h"

#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace scimd::store::sqlite {
namespace {

using testing::TempDir;

class WriteQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (dir_.path() / "queue.db").string();
    auto conn = Connection::open(path_, Connection::Mode::writer);
    ASSERT_TRUE(conn.ok()) << conn.error().detail;
    ASSERT_TRUE((*conn)
                    ->exec("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                           "CREATE TABLE t (v INTEGER UNIQUE, p INTEGER REFERENCES parent(id) "
                           "DEFERRABLE INITIALLY DEFERRED);")
                    .ok());
    queue_ = std::make_unique<WriteQueue>(std::move(conn).value());
  }

  static WriteQueue::Job insert(int v, std::optional<int> parent = std::nullopt) {
    return [v, parent](sql::Connection& db) -> Status {
      SCIMD_ASSIGN_OR_RETURN(Statement stmt, db.prepare("INSERT INTO t (v, p) VALUES (?, ?)"));
      stmt.bind(1, v);
      if (parent) {
        stmt.bind(2, *parent);
      } else {
        stmt.bind(2, nullptr);
      }
      return stmt.run();
    };
  }

  std::vector<std::int64_t> values() {
    auto reader = Connection::open(path_, Connection::Mode::reader);
    EXPECT_TRUE(reader.ok());
    auto stmt = (*reader)->prepare("SELECT v FROM t ORDER BY v");
    std::vector<std::int64_t> out;
    while (*stmt->step()) out.push_back(stmt->column_int(0));
    return out;
  }

  // Holds the writer inside a job until `count` more jobs are queued behind it, so they form
  // one batch. Returns once the writer is held.
  std::future<Status> hold_writer_until_queued(std::size_t count) {
    auto started = std::make_shared<std::promise<void>>();
    std::future<void> running = started->get_future();
    auto held = std::async(std::launch::async, [this, count, started] {
      return queue_->submit([this, count, started](sql::Connection&) -> Status {
        started->set_value();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (queue_->queued() < count) {
          if (std::chrono::steady_clock::now() > deadline) {
            return make_error(Errc::internal, "jobs never queued");
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return {};
      });
    });
    running.wait();
    return held;
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<WriteQueue> queue_;
};

TEST_F(WriteQueueTest, QueuedJobsCommitTogetherAndAFailingJobFailsAlone) {
  auto holder = hold_writer_until_queued(3);
  auto a = std::async(std::launch::async, [&] { return queue_->submit(insert(1)); });
  auto b = std::async(std::launch::async, [&] {
    return queue_->submit([](sql::Connection& db) -> Status {
      SCIMD_TRY(insert(2)(db));
      return make_error(Errc::invalid_value, "job 2 fails after writing");
    });
  });
  auto c = std::async(std::launch::async, [&] { return queue_->submit(insert(3)); });
  EXPECT_TRUE(holder.get().ok());
  EXPECT_TRUE(a.get().ok());
  const Status failed = b.get();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, Errc::invalid_value);
  EXPECT_TRUE(c.get().ok());
  EXPECT_EQ(queue_->commit_count(), 2u);  // the holder's batch, then a+b+c in one
  EXPECT_EQ(values(), (std::vector<std::int64_t>{1, 3}));
}

TEST_F(WriteQueueTest, ConstraintErrorRollsBackOnlyItsJob) {
  ASSERT_TRUE(queue_->submit(insert(7)).ok());
  const Status dup = queue_->submit(insert(7));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::internal);
  EXPECT_NE(dup.error().detail.find("UNIQUE"), std::string::npos) << dup.error().detail;
  EXPECT_EQ(values(), (std::vector<std::int64_t>{7}));
}

TEST_F(WriteQueueTest, FailedCommitFailsEveryJobInTheBatch) {
  auto holder = hold_writer_until_queued(2);
  // The deferred foreign key is only checked at COMMIT, which then fails for the whole batch.
  auto bad = std::async(std::launch::async, [&] { return queue_->submit(insert(1, 42)); });
  auto good = std::async(std::launch::async, [&] { return queue_->submit(insert(2)); });
  EXPECT_TRUE(holder.get().ok());
  const Status bad_status = bad.get();
  const Status good_status = good.get();
  ASSERT_FALSE(bad_status.ok());
  ASSERT_FALSE(good_status.ok());
  EXPECT_NE(good_status.error().detail.find("commit failed"), std::string::npos);
  EXPECT_TRUE(values().empty());
  // The writer carries on.
  EXPECT_TRUE(queue_->submit(insert(3)).ok());
  EXPECT_EQ(values(), (std::vector<std::int64_t>{3}));
}

TEST_F(WriteQueueTest, ThrowingJobBecomesAnError) {
  const Status s = queue_->submit([](sql::Connection&) -> Status { throw std::runtime_error("boom"); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::internal);
  EXPECT_TRUE(queue_->submit(insert(1)).ok());
}

TEST_F(WriteQueueTest, DestructionRunsQueuedJobs) {
  std::vector<std::future<Status>> pending;
  for (int i = 0; i < 20; ++i) {
    pending.push_back(std::async(std::launch::async, [&, i] { return queue_->submit(insert(i)); }));
  }
  for (auto& p : pending) EXPECT_TRUE(p.get().ok());
  queue_.reset();
  EXPECT_EQ(values().size(), 20u);
}

}  // namespace
}  // namespace scimd::store::sqlite
