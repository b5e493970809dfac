// The tenant CLI against a running server: create/list/delete, token rotation with a grace
// period, revocation (effective within the 5 s token cache TTL), and no token in clear on disk.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The contract: CLI token changes reach a running server within 5 s; the slack absorbs
// scheduling on a loaded machine.
constexpr auto kCacheTtl = seconds(5);
constexpr auto kSlack = milliseconds(1500);

int status_with(const HttpClient& http, const std::string& tenant, const std::string& token) {
  return ScimClient(http, tenant, token).get("/Users").status;
}

// Every text and blob cell of every table, plus the raw bytes of the database and its WAL.
std::string dump_database(const std::string& path) {
  std::string dump;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    ADD_FAILURE() << "cannot open " << path;
    return dump;
  }
  std::vector<std::string> tables;
  sqlite3_stmt* list = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &list, nullptr);
  while (sqlite3_step(list) == SQLITE_ROW) {
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list, 0)));
  }
  sqlite3_finalize(list);
  for (const std::string& table : tables) {
    sqlite3_stmt* rows = nullptr;
    const std::string sql = "SELECT * FROM \"" + table + "\"";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &rows, nullptr) != SQLITE_OK) continue;
    while (sqlite3_step(rows) == SQLITE_ROW) {
      for (int column = 0; column < sqlite3_column_count(rows); ++column) {
        const void* bytes = sqlite3_column_blob(rows, column);
        const int size = sqlite3_column_bytes(rows, column);
        if (bytes != nullptr) dump.append(static_cast<const char*>(bytes), size);
        dump += '\n';
      }
    }
    sqlite3_finalize(rows);
  }
  sqlite3_close(db);
  dump += read_file(path);
  dump += read_file(path + "-wal");
  return dump;
}

// The PostgreSQL twin: pg_dump of every row in the test's schema.
std::string dump_postgres_schema(const std::string& schema, const std::filesystem::path& scratch) {
  const char* pg_bin = std::getenv("PG_BIN");
  const std::string pg_dump =
      std::string(pg_bin != nullptr ? pg_bin : "/usr/lib/postgresql/15/bin") + "/pg_dump";
  const auto out = scratch / "pg_dump.sql";
  const std::string command = "'" + pg_dump + "' --data-only --schema=" + schema + " '" +
                              store::postgres::PgTestSchema::base_url() + "' > '" + out.string() +
                              "'";
  const int rc = std::system(command.c_str());
  EXPECT_EQ(rc, 0) << command;
  return read_file(out);
}

// Polls until requests with `token` get `expected`, at most the cache TTL plus slack: a server
// may remember a failed lookup for that long.
int wait_for_status(const HttpClient& http, const std::string& tenant, const std::string& token,
                    int expected) {
  const auto deadline = Clock::now() + kCacheTtl + kSlack;
  int status = status_with(http, tenant, token);
  while (status != expected && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(200));
    status = status_with(http, tenant, token);
  }
  return status;
}

class CliTest : public ScimdTest {
 protected:
  // The token a rotate-token --json call prints.
  std::string rotate(const std::string& tenant, const std::string& grace) {
    const CliResult result = cli({"tenant", "rotate-token", tenant, "--grace", grace, "--json"});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    boost::system::error_code ec;
    const json::value printed = json::parse(result.out, ec);
    EXPECT_FALSE(ec) << "rotate-token --json printed: " << result.out;
    const std::string token = string_field(printed, "token");
    EXPECT_GE(token.size(), 32u) << result.out;
    return token;
  }
};

TEST_F(CliTest, TokenLifecycleWhileServing) {
  Tenant rotated, long_grace, revoked, deleted;
  ASSERT_NO_FATAL_FAILURE(create_tenant("rotated", &rotated));
  ASSERT_NO_FATAL_FAILURE(create_tenant("longgrace", &long_grace));
  ASSERT_NO_FATAL_FAILURE(create_tenant("revoked", &revoked));
  ASSERT_NO_FATAL_FAILURE(create_tenant("deleted", &deleted));
  ASSERT_NO_FATAL_FAILURE(start_server());
  for (const Tenant* tenant : {&rotated, &long_grace, &revoked, &deleted}) {
    ASSERT_EQ(status_with(http(), tenant->name, tenant->token), 200) << tenant->name;
  }
  ASSERT_FALSE(created_id(scim(deleted).post("/Users", make_user("gone@x.com"))).empty());

  // Rotation: both tokens work during the grace period.
  const std::string rotated_new = rotate(rotated.name, "3s");
  const std::string long_grace_new = rotate(long_grace.name, "1h");
  const auto changed_at = Clock::now();
  EXPECT_EQ(status_with(http(), rotated.name, rotated.token), 200) << "old token within grace";
  EXPECT_EQ(wait_for_status(http(), rotated.name, rotated_new, 200), 200);
  EXPECT_EQ(status_with(http(), long_grace.name, long_grace.token), 200);
  EXPECT_EQ(wait_for_status(http(), long_grace.name, long_grace_new, 200), 200);
  EXPECT_NE(rotated_new, rotated.token);

  const CliResult revoke = cli({"tenant", "revoke-token", revoked.name});
  EXPECT_EQ(revoke.exit_code, 0) << revoke.out << revoke.err;
  const CliResult remove = cli({"tenant", "delete", deleted.name});
  EXPECT_EQ(remove.exit_code, 0) << remove.out << remove.err;
  const auto revoked_at = Clock::now();

  // Poll until every token that should stop has stopped, each within its bound.
  struct Expiry {
    std::string what;
    std::string tenant;
    std::string token;
    Clock::time_point deadline;
    bool stopped = false;
  };
  std::vector<Expiry> expiries = {
      {"rotated old token after 3s grace", rotated.name, rotated.token,
       changed_at + seconds(3) + kCacheTtl + kSlack},
      {"revoked token", revoked.name, revoked.token, revoked_at + kCacheTtl + kSlack},
      {"deleted tenant's token", deleted.name, deleted.token, revoked_at + kCacheTtl + kSlack},
  };
  const auto last_deadline = changed_at + seconds(3) + kCacheTtl + kSlack;
  while (Clock::now() < last_deadline) {
    bool all_stopped = true;
    for (Expiry& expiry : expiries) {
      if (expiry.stopped) continue;
      const int status = status_with(http(), expiry.tenant, expiry.token);
      if (status == 401) {
        expiry.stopped = true;
        EXPECT_LE(Clock::now(), expiry.deadline) << expiry.what << " stopped too late";
      } else {
        EXPECT_EQ(status, 200) << expiry.what;
        all_stopped = false;
      }
    }
    if (all_stopped) break;
    std::this_thread::sleep_for(milliseconds(200));
  }
  for (const Expiry& expiry : expiries) EXPECT_TRUE(expiry.stopped) << expiry.what;
  EXPECT_TRUE(IsScimError(ScimClient(http(), revoked.name, revoked.token).get("/Users"), 401));

  // The rotated tenant still works with its new token; a 1 h grace outlives the cache.
  EXPECT_EQ(status_with(http(), rotated.name, rotated_new), 200);
  EXPECT_EQ(status_with(http(), long_grace.name, long_grace.token), 200);
  EXPECT_EQ(status_with(http(), long_grace.name, long_grace_new), 200);

  // A revoked tenant gets a working token back by rotation.
  const std::string revived = rotate(revoked.name, "0s");
  EXPECT_EQ(wait_for_status(http(), revoked.name, revived, 200), 200);

  // A deleted tenant's name can be reused, with none of the old data.
  Tenant recreated;
  ASSERT_NO_FATAL_FAILURE(create_tenant("deleted", &recreated));
  EXPECT_NE(recreated.token, deleted.token);
  EXPECT_EQ(wait_for_status(http(), recreated.name, recreated.token, 200), 200);
  EXPECT_TRUE(IsListResponse(scim(recreated).get("/Users"), 0));
  EXPECT_EQ(status_with(http(), recreated.name, deleted.token), 401);
}

TEST_F(CliTest, ImmediateRotation) {
  Tenant tenant;
  ASSERT_NO_FATAL_FAILURE(create_tenant("immediate", &tenant));
  ASSERT_NO_FATAL_FAILURE(start_server());
  const std::string fresh = rotate(tenant.name, "0s");
  const auto rotated_at = Clock::now();
  EXPECT_EQ(wait_for_status(http(), tenant.name, fresh, 200), 200);
  EXPECT_EQ(wait_for_status(http(), tenant.name, tenant.token, 401), 401)
      << "--grace 0s: the old token must stop within the cache TTL";
  EXPECT_LE(Clock::now(), rotated_at + kCacheTtl + kSlack);
  EXPECT_EQ(status_with(http(), tenant.name, fresh), 200);
}

TEST_F(CliTest, CreateListDelete) {
  Tenant first, second;
  ASSERT_NO_FATAL_FAILURE(create_tenant("first", &first));
  ASSERT_NO_FATAL_FAILURE(create_tenant("second", &second));
  EXPECT_NE(first.token, second.token);

  const CliResult duplicate = cli({"tenant", "create", "first", "--json"});
  EXPECT_NE(duplicate.exit_code, 0) << "creating an existing tenant must fail: " << duplicate.out;

  const CliResult listed = cli({"tenant", "list"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("first"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("second"), std::string::npos) << listed.out;

  EXPECT_EQ(cli({"tenant", "delete", "first"}).exit_code, 0);
  const CliResult after = cli({"tenant", "list"});
  EXPECT_EQ(after.out.find("first"), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("second"), std::string::npos) << after.out;

  EXPECT_NE(cli({"tenant", "delete", "no-such-tenant"}).exit_code, 0);
  EXPECT_NE(cli({"tenant", "rotate-token", "no-such-tenant", "--grace", "0s"}).exit_code, 0);
}

TEST_F(CliTest, TokensAreNotStoredInClear) {
  Tenant tenant;
  ASSERT_NO_FATAL_FAILURE(create_tenant("hashed", &tenant));
  ASSERT_NO_FATAL_FAILURE(start_server());
  // Use the token, so any cache or log table the server keeps would hold it too.
  ASSERT_FALSE(created_id(scim(tenant).post("/Users", make_user("marker-user@x.com"))).empty());
  const std::string rotated = rotate(tenant.name, "1h");
  EXPECT_EQ(wait_for_status(http(), tenant.name, rotated, 200), 200);

  const std::string dump =
      on_postgres() ? dump_postgres_schema(pg_schema(), dir_.path()) : dump_database(db_path());
  ASSERT_NE(dump.find("marker-user@x.com"), std::string::npos)
      << "the dump must see the data, or this test proves nothing";
  EXPECT_EQ(dump.find(tenant.token), std::string::npos) << "first token stored in clear";
  EXPECT_EQ(dump.find(rotated), std::string::npos) << "rotated token stored in clear";
  const std::string logs = server().output();
  EXPECT_EQ(logs.find(tenant.token), std::string::npos) << "token written to the log";
  EXPECT_EQ(logs.find(rotated), std::string::npos) << "token written to the log";
}

}  // namespace
}  // namespace scimd::itest
