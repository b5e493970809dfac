// The checkpoint thread: it keeps the WAL from growing while the writer never checkpoints
// itself, until a write load leaves it behind past the hard limit.
#include "store/sqlite/checkpointer.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace scimd::store::sqlite {
namespace {

using testing::TempDir;

class CheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = Connection::open(path(), Connection::Mode::writer);
    ASSERT_TRUE(writer.ok()) << writer.error().detail;
    writer_ = std::move(writer).value();
    ASSERT_TRUE(writer_->exec("CREATE TABLE t (v BLOB)").ok());
  }

  std::string path() const { return (dir_.path() / "c.db").string(); }
  std::uintmax_t wal_bytes() const {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path() + "-wal", ec);
    return ec ? 0 : size;
  }
  std::unique_ptr<Checkpointer> start(int threshold, int hard_limit) {
    auto connection = Connection::open(path(), Connection::Mode::writer);
    EXPECT_TRUE(connection.ok());
    auto checkpointer =
        std::make_unique<Checkpointer>(std::move(connection).value(), threshold, hard_limit);
    checkpointer->attach(*writer_);
    return checkpointer;
  }
  // One transaction writing about 16 pages.
  void write_some() { ASSERT_TRUE(writer_->exec("INSERT INTO t VALUES (randomblob(64000))").ok()); }

  TempDir dir_;
  std::unique_ptr<Connection> writer_;
};

TEST_F(CheckpointerTest, TheThreadCheckpointsAndTheWalIsReused) {
  auto checkpointer = start(/*threshold=*/50, /*hard_limit=*/1'000'000);
  std::uintmax_t largest = 0;
  for (int i = 0; i < 400; ++i) {  // ~25 MiB written in all
    write_some();
    largest = std::max(largest, wal_bytes());
    // Pauses between writes let the thread reach the last frame, so the WAL restarts.
    if (i % 10 == 9) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GT(checkpointer->checkpoints(), 0u);
  EXPECT_EQ(checkpointer->inline_checkpoints(), 0u);
  EXPECT_LT(largest, 8u << 20) << "without checkpoints the WAL holds everything written";
}

TEST_F(CheckpointerTest, ThreadPassesComeOncePerThresholdOfFramesNotOncePerCommit) {
  // A reader's open snapshot keeps the WAL from restarting, so the frame count only grows (as
  // under a write load that never pauses).
  auto reader = Connection::open(path(), Connection::Mode::reader);
  ASSERT_TRUE(reader.ok()) << reader.error().detail;
  ASSERT_TRUE((*reader)->exec("BEGIN; SELECT count(*) FROM t;").ok());
  constexpr int kThreshold = 160;  // about ten commits of write_some()
  auto checkpointer = start(kThreshold, /*hard_limit=*/1'000'000);
  for (int i = 0; i < 300; ++i) {
    write_some();
    // Give the thread time to run every pass it is asked for.
    if (i % 5 == 4) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the last pass asked for runs
  const auto frames = wal_bytes() / (4096 + 24);
  ASSERT_GT(frames, 300u * 15) << "the WAL restarted despite the open reader";
  // At most one pass per kThreshold frames (a pass asked for after every commit made ~290).
  EXPECT_GT(checkpointer->checkpoints(), 0u);
  EXPECT_LE(checkpointer->checkpoints(), frames / kThreshold + 1);
  ASSERT_TRUE((*reader)->exec("COMMIT").ok());
}

TEST_F(CheckpointerTest, PastTheHardLimitTheWriterCheckpointsItself) {
  // A threshold the thread never sees: only the writer's inline checkpoints keep the WAL small.
  auto checkpointer = start(/*threshold=*/1'000'000, /*hard_limit=*/100);
  std::uintmax_t largest = 0;
  for (int i = 0; i < 300; ++i) {
    write_some();
    largest = std::max(largest, wal_bytes());
  }
  EXPECT_EQ(checkpointer->checkpoints(), 0u);
  EXPECT_GT(checkpointer->inline_checkpoints(), 0u);
  EXPECT_LT(largest, 4u << 20);
}

}  // namespace
}  // namespace scimd::store::sqlite
