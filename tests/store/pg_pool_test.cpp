// PgPool against a real PostgreSQL 15: the bound and its timeout, lazy connections, leases
// returned dirty or broken, and recovery after the server drops connections.
#include "store/postgres/pg_pool.h"

#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "pg_test_schema.h"
#include "store/postgres/pg_connection.h"

namespace scimd::store::postgres {
namespace {

using namespace std::chrono_literals;

// The error code of a failed status; nullopt when it succeeded.
std::optional<Errc> failure(const Status& status) {
  return status.ok() ? std::nullopt : std::optional<Errc>(status.error().code);
}

std::int64_t backend_pid(sql::Connection& db) {
  auto stmt = db.prepare("SELECT pg_backend_pid()");
  if (!stmt.ok()) return 0;
  auto row = stmt->step();
  return row.ok() && *row ? stmt->column_int(0) : 0;
}

class PgPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgTestSchema::configured()) GTEST_SKIP() << PgTestSchema::kSkipReason;
    schema_.emplace("pool");
    ASSERT_TRUE(schema_->ok()) << schema_->error();
    auto admin = PgConnection::open(schema_->url());
    ASSERT_TRUE(admin.ok()) << admin.error().detail;
    admin_ = std::move(admin).value();
    ASSERT_TRUE(admin_->exec("CREATE TABLE items (k text PRIMARY KEY)").ok());
  }
  void TearDown() override { admin_.reset(); }

  // Terminates a backend and waits until the server has let it go.
  void terminate(std::int64_t pid) {
    auto kill = admin_->prepare("SELECT pg_terminate_backend(?::int)");
    ASSERT_TRUE(kill.ok());
    ASSERT_TRUE(kill->bind(1, pid).run().ok());
    for (int i = 0; i < 100; ++i) {
      auto alive = admin_->prepare("SELECT count(*) FROM pg_stat_activity WHERE pid = ?::int");
      ASSERT_TRUE(alive.ok());
      ASSERT_TRUE(*alive->bind(1, pid).step());
      if (alive->column_int(0) == 0) return;
      std::this_thread::sleep_for(20ms);
    }
    FAIL() << "backend " << pid << " did not go away";
  }

  std::optional<PgTestSchema> schema_;
  std::unique_ptr<PgConnection> admin_;
};

TEST_F(PgPoolTest, OpensLazilyAndReusesConnections) {
  PgPool pool(schema_->url(), {.size = 3});
  EXPECT_EQ(pool.size(), 3u);
  EXPECT_EQ(pool.open_connections(), 0u);
  std::int64_t first_pid = 0;
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.ok()) << lease.error().detail;
    EXPECT_EQ((*lease)->dialect(), sql::Dialect::postgres);
    first_pid = backend_pid(**lease);
    EXPECT_EQ(pool.open_connections(), 1u);
    EXPECT_EQ(pool.idle_connections(), 0u);
  }
  EXPECT_EQ(pool.idle_connections(), 1u);
  auto again = pool.acquire();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(backend_pid(**again), first_pid);
  EXPECT_EQ(pool.open_connections(), 1u);
  EXPECT_TRUE(pool.ping().ok());  // a second connection: the first is lent
  EXPECT_EQ(pool.open_connections(), 2u);
}

TEST_F(PgPoolTest, AllBusyWaitsThenIsUnavailable) {
  PgPool pool(schema_->url(), {.size = 2, .acquire_timeout = 300ms});
  auto a = pool.acquire();
  auto b = pool.acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  const auto start = std::chrono::steady_clock::now();
  auto c = pool.acquire();
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Errc::unavailable);
  EXPECT_NE(c.error().detail.find("all 2 PostgreSQL connections busy"), std::string::npos)
      << c.error().detail;
  EXPECT_GE(waited, 300ms);
  EXPECT_LT(waited, 3s);
  EXPECT_EQ(failure(pool.ping()), Errc::unavailable);
}

TEST_F(PgPoolTest, AWaiterGetsTheConnectionThatComesBack) {
  PgPool pool(schema_->url(), {.size = 1, .acquire_timeout = 5s});
  std::optional<sql::Lease> held;
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.ok());
    held.emplace(std::move(lease).value());
  }
  std::thread releaser([&] {
    std::this_thread::sleep_for(100ms);
    held.reset();
  });
  const auto start = std::chrono::steady_clock::now();
  auto next = pool.acquire();
  releaser.join();
  ASSERT_TRUE(next.ok()) << next.error().detail;
  EXPECT_GE(std::chrono::steady_clock::now() - start, 90ms);
  EXPECT_EQ(pool.open_connections(), 1u);
}

TEST_F(PgPoolTest, AnUnreachableServerIsUnavailableAndNothingLeaks) {
  PgPool pool("postgres://scimd@127.0.0.1:1/scimd?connect_timeout=2", {.size = 2});
  for (int i = 0; i < 3; ++i) {
    auto lease = pool.acquire();
    ASSERT_FALSE(lease.ok());
    EXPECT_EQ(lease.error().code, Errc::unavailable);
    EXPECT_NE(lease.error().detail.find("127.0.0.1"), std::string::npos) << lease.error().detail;
  }
  EXPECT_EQ(pool.open_connections(), 0u);
  EXPECT_EQ(failure(pool.ping()), Errc::unavailable);
  PgPool wrong("mysql://x");
  auto refused = wrong.acquire();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::invalid_value);
}

TEST_F(PgPoolTest, ALeaseLeftInATransactionIsRolledBack) {
  PgPool pool(schema_->url(), {.size = 1});
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)->exec("BEGIN; INSERT INTO items VALUES ('left behind')").ok());
    EXPECT_TRUE((*lease)->in_transaction());
  }
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.ok());
    EXPECT_FALSE((*lease)->in_transaction());
    // A failed transaction is rolled back too.
    ASSERT_TRUE((*lease)->exec("BEGIN").ok());
    EXPECT_FALSE((*lease)->exec("SELEKT").ok());
  }
  auto lease = pool.acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE((*lease)->in_transaction());
  auto count = (*lease)->prepare("SELECT count(*) FROM items");
  ASSERT_TRUE(count.ok() && *count->step());
  EXPECT_EQ(count->column_int(0), 0);
  EXPECT_EQ(pool.open_connections(), 1u);
}

TEST_F(PgPoolTest, AConnectionKilledWhileLentIsDroppedAndTheNextAcquireWorks) {
  PgPool pool(schema_->url(), {.size = 1});
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.ok());
    terminate(backend_pid(**lease));
    auto probe = (*lease)->prepare("SELECT 1");
    const Status status = probe.ok() ? probe->run() : Status(probe.error());
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, Errc::unavailable) << status.error().detail;
  }
  EXPECT_EQ(pool.open_connections(), 0u);  // dropped on return
  EXPECT_TRUE(pool.ping().ok());
  EXPECT_EQ(pool.open_connections(), 1u);
}

TEST_F(PgPoolTest, AnIdleConnectionTheServerClosedIsReplacedUnseen) {
  PgPool pool(schema_->url(), {.size = 2});
  std::int64_t pid = 0;
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.ok());
    pid = backend_pid(**lease);
  }
  terminate(pid);
  auto lease = pool.acquire();
  ASSERT_TRUE(lease.ok()) << lease.error().detail;
  const std::int64_t fresh = backend_pid(**lease);
  EXPECT_NE(fresh, 0);
  EXPECT_NE(fresh, pid);
  EXPECT_EQ(pool.open_connections(), 1u);
}

// A real restart of the server: only when the test cluster's directory is given (the cluster
// is shared by every test process, so scripts/test.sh does not do this in its parallel run).
TEST_F(PgPoolTest, ServiceResumesAfterAServerRestart) {
  const char* dir = std::getenv("SCIMD_TEST_PG_RESTART_DIR");
  if (dir == nullptr || *dir == '\0') {
    GTEST_SKIP() << "SCIMD_TEST_PG_RESTART_DIR (the pg-test-cluster.sh directory) is not set";
  }
  PgPool pool(schema_->url(), {.size = 3});
  {
    auto a = pool.acquire();
    auto b = pool.acquire();
    ASSERT_TRUE(a.ok() && b.ok());
  }
  admin_.reset();
  const std::string restart =
      std::string("bash /work/main/scripts/pg-test-cluster.sh restart ") + dir;
  ASSERT_EQ(std::system(restart.c_str()), 0);
  // Idle connections from before the restart are noticed and replaced: no failed request.
  for (int i = 0; i < 5; ++i) {
    const Status ping = pool.ping();
    EXPECT_TRUE(ping.ok()) << ping.error().detail;
  }
  auto admin = PgConnection::open(schema_->url());
  ASSERT_TRUE(admin.ok());
  admin_ = std::move(admin).value();
}

}  // namespace
}  // namespace scimd::store::postgres
