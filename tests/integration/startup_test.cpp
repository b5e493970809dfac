// How `scimd serve` starts against a database it cannot use: a wrong URL ends the start at once
// with a clear message (exit 2); a database that is merely unreachable is waited for (the
// server stays up, logs each retry and answers 503 until it can open the store).
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

}  // namespace
}  // namespace scimd::itest
