// Connection: bounded statement cache, memory pragmas applied.
#include "store/sqlite/connection.h"

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace scimd::store::sqlite {
namespace {

using testing::TempDir;

std::int64_t pragma(Connection& db, const std::string& name) {
  auto stmt = db.prepare("PRAGMA " + name);
  EXPECT_TRUE(stmt.ok());
  if (!stmt.ok()) return -1;
  auto row = stmt->step();
  EXPECT_TRUE(row.ok() && *row);
  return stmt->column_int(0);
}

TEST(Connection, StatementCacheIsBoundedAndUncachedStatementsStillWork) {
  TempDir dir;
  auto db = Connection::open((dir.path() / "c.db").string(), Connection::Mode::writer);
  ASSERT_TRUE(db.ok()) << db.error().detail;
  const std::size_t n = Connection::max_cached_statements() * 3;
  for (std::size_t i = 0; i < n; ++i) {
    auto stmt = (*db)->prepare("SELECT " + std::to_string(i) + " + ?");
    ASSERT_TRUE(stmt.ok());
    stmt->bind(1, std::int64_t{1});
    auto row = stmt->step();
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ(stmt->column_int(0), static_cast<std::int64_t>(i) + 1);
  }
  EXPECT_EQ((*db)->cached_statements(), Connection::max_cached_statements());
  // A cached statement comes back reset and unbound.
  auto again = (*db)->prepare("SELECT 0 + ?");
  ASSERT_TRUE(again.ok());
  auto row = again->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_TRUE(again->is_null(0));
}

TEST(Connection, LiteralsSurviveQuotesAndAStatementForTheCommitRunsAtOnce) {
  TempDir dir;
  auto db = Connection::open((dir.path() / "c.db").string(), Connection::Mode::writer);
  ASSERT_TRUE(db.ok()) << db.error().detail;
  const std::string nasty = "it's a \\ \"quoted\" 'value' ''";
  ASSERT_TRUE((*db)->exec("CREATE TABLE t (v TEXT)").ok());
  ASSERT_TRUE((*db)->exec_with_commit("INSERT INTO t VALUES (" + (*db)->literal(nasty) + ")").ok());
  auto stmt = (*db)->prepare("SELECT v FROM t");  // no transaction here: it ran already
  ASSERT_TRUE(stmt.ok());
  auto row = stmt->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(stmt->column_text(0), nasty);
}

// SQLite's memory statistics take a process-wide mutex on every allocation; the first open
// switches them off, and then the library reports no memory in use. (ctest runs each test in a
// process of its own, so this open is the process's first SQLite call.)
TEST(Connection, TheLibraryKeepsNoMemoryStatistics) {
  TempDir dir;
  auto db = Connection::open((dir.path() / "c.db").string(), Connection::Mode::writer);
  ASSERT_TRUE(db.ok()) << db.error().detail;
  ASSERT_TRUE(
      (*db)->exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES (randomblob(100000));").ok());
  sqlite3_int64 current = -1;
  sqlite3_int64 highest = -1;
  ASSERT_EQ(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &highest, 0), SQLITE_OK);
  EXPECT_EQ(current, 0) << "memory statistics are on: every allocation takes their mutex";
  EXPECT_EQ(highest, 0);
}

TEST(Connection, PageCacheAndMemoryMapAreBounded) {
  TempDir dir;
  const std::string path = (dir.path() / "c.db").string();
  auto writer = Connection::open(path, Connection::Mode::writer);
  ASSERT_TRUE(writer.ok());
  auto reader = Connection::open(path, Connection::Mode::reader);
  ASSERT_TRUE(reader.ok());
  for (Connection* db : {writer->get(), reader->get()}) {
    EXPECT_EQ(pragma(*db, "cache_size"), -8192);
    EXPECT_EQ(pragma(*db, "mmap_size"), 0);
  }
  auto larger = Connection::open(path, Connection::Mode::reader, /*cache_mib=*/64);
  ASSERT_TRUE(larger.ok());
  EXPECT_EQ(pragma(**larger, "cache_size"), -64 * 1024);
}

}  // namespace
}  // namespace scimd::store::sqlite
