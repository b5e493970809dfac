// How `scimd serve` starts against a database it cannot use: a wrong URL ends the start at once
// with a clear message (exit 2); a database that is merely unreachable is waited for (the
// server stays up, logs each retry and answers 503 until it can open the store).
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "integration/scimd_process.h"

namespace scimd::itest {
namespace {

TEST(Startup, AMalformedPostgresUrlEndsTheStartWithExitCode2) {
  TempDir dir;
  const CliResult r = run_scimd(
      {"serve", "--db", "postgres://scimd@127.0.0.1:notaport/scimd", "--listen", "127.0.0.1:0"},
      dir.path(), std::chrono::seconds(20));
  ASSERT_FALSE(r.timed_out) << r.err;
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const std::string log = r.out + r.err;
  EXPECT_NE(log.find("cannot open the store"), std::string::npos) << log;
  EXPECT_NE(log.find("notaport"), std::string::npos) << log;
}

TEST(Startup, AnUnknownStoreSchemeEndsTheStartWithExitCode2) {
  TempDir dir;
  const CliResult r = run_scimd({"serve", "--db", "mysql://x", "--listen", "127.0.0.1:0"},
                                dir.path(), std::chrono::seconds(20));
  ASSERT_FALSE(r.timed_out) << r.err;
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const std::string log = r.out + r.err;
  EXPECT_NE(log.find("expected sqlite:PATH or postgres://"), std::string::npos) << log;
}

TEST(Startup, AnUnreachableDatabaseIsWaitedForWithALogLineAndNoExit) {
  TempDir dir;
  // Port 1 on loopback: nothing listens, so every connection attempt is refused.
  const CliResult r =
      run_scimd({"serve", "--db", "postgres://scimd@127.0.0.1:1/scimd", "--listen", "127.0.0.1:0"},
                dir.path(), std::chrono::seconds(4));
  const std::string log = r.out + r.err;
  EXPECT_TRUE(r.timed_out) << "scimd exited (" << r.exit_code << "): " << log;
  EXPECT_NE(log.find("database unreachable; retrying"), std::string::npos) << log;
  EXPECT_NE(log.find("\"msg\":\"listening\""), std::string::npos) << log;
}

TEST(Startup, ALeaseTtlShorterThanAWebhookPostIsRefused) {
  TempDir dir;
  const std::string db = "sqlite:" + (dir.path() / "s.db").string();
  const CliResult r = run_scimd({"serve", "--db", db, "--listen", "127.0.0.1:0", "--lease-ttl",
                                 "5s", "--webhook-timeout", "10s"},
                                dir.path(), std::chrono::seconds(20));
  ASSERT_FALSE(r.timed_out) << r.err;
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("--lease-ttl must be"), std::string::npos) << r.out << r.err;
}

TEST(Startup, TheInstanceIdNamesTheLeasesThisInstanceHolds) {
  TempDir dir;
  const std::string db = "sqlite:" + (dir.path() / "s.db").string();
  ASSERT_EQ(run_scimd({"tenant", "create", "acme", "--db", db}, dir.path()).exit_code, 0);
  // Nothing listens on port 9: deliveries fail, but the endpoint's lease is taken first.
  ASSERT_EQ(run_scimd({"webhook", "add", "--db", db, "--tenant", "acme", "--url",
                       "http://127.0.0.1:9/hook"},
                      dir.path())
                .exit_code,
            0);
  const CliResult r = run_scimd({"serve", "--db", db, "--listen", "127.0.0.1:0", "--instance-id",
                                 "node-a", "--lease-ttl", "20s"},
                                dir.path(), std::chrono::seconds(3));
  const std::string log = r.out + r.err;
  EXPECT_TRUE(r.timed_out) << log;
  EXPECT_NE(log.find("\"instance_id\":\"node-a\""), std::string::npos) << log;
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "s.db").string().c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT owner FROM leases WHERE name LIKE 'webhook:%'", -1,
                               &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "node-a");
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
}

}  // namespace
}  // namespace scimd::itest
