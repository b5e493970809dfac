// The base fixture of the integration tests: a temp dir with a fresh database, tenants created
// with the real CLI, and `scimd serve` on an OS-assigned port, stopped in TearDown.
//
// The backend: SQLite in the temp dir, or, with SCIMD_ITEST_BACKEND=postgres (the ctest tests
// named integration_pg.*), a fresh schema per test on the cluster SCIMD_TEST_PG_URL names,
// dropped after the test. Without SCIMD_TEST_PG_URL the PostgreSQL run skips every test.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "integration/http_client.h"
#include "integration/json_assert.h"
#include "integration/scimd_process.h"
#include "store/pg_test_schema.h"

namespace scimd::itest {

inline constexpr std::string_view kPublicUrl = "http://scim.test";

// Whether this run is on PostgreSQL (SCIMD_ITEST_BACKEND=postgres).
bool on_postgres();
// For the GTEST_SKIP of a test that only means something on one backend.
inline constexpr const char* kSqliteOnly = "SQLite-specific test; skipped on PostgreSQL";
inline constexpr const char* kPostgresOnly = "PostgreSQL-only test (runs as integration_pg.*)";

struct Tenant {
  std::string name;
  std::string url;  // tenant_url printed by the CLI
  std::string token;
};

class ScimdTest : public ::testing::Test {
 protected:
  ScimdTest();
  void TearDown() override;

  // `scimd tenant create NAME --json` on this test's database; fatal failure unless it
  // prints exactly one JSON object with tenant, tenant_url and token.
  void create_tenant(const std::string& name, Tenant* out);
  // Starts (or restarts) the server; fatal failure if it does not become ready.
  void start_server();
  // Runs `scimd args... --db <this test's db>`.
  CliResult cli(std::vector<std::string> args);

  ScimClient scim(const Tenant& tenant, std::string dialect_query = "") const;
  const HttpClient& http() const { return http_; }
  // The SQLite file (SQLite runs only).
  const std::string& db_path() const { return db_path_; }
  // What --db gets: sqlite:<db_path()> or the PostgreSQL URL with this test's schema.
  const std::string& db_url() const { return db_url_; }
  // This test's PostgreSQL schema ("" on SQLite).
  std::string pg_schema() const { return schema_ ? schema_->name() : ""; }
  ScimdServer& server() { return *server_; }

  TempDir dir_;

 private:
  // Fatal failure when the PostgreSQL schema could not be made.
  void check_backend() const;

  std::string db_path_;
  std::unique_ptr<store::postgres::PgTestSchema> schema_;  // before server_: dropped after it stops
  std::string db_url_;
  std::unique_ptr<ScimdServer> server_;
  HttpClient http_{0};
};

// A minimal valid user; `extra` members are merged in.
json::object make_user(std::string_view user_name, json::object extra = {});
// A minimal valid group.
json::object make_group(std::string_view display_name, json::array members = {});

// The id of the resource a POST created; a failure (and "") unless the reply is 201 with an id.
std::string created_id(const HttpResponse& response);

}  // namespace scimd::itest
