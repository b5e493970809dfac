// The PostgreSQL engine of the store: a bounded connection pool (pg_pool.h) whose write
// transactions run side by side (pg_executor.h), under the shared SQL logic
// (sql/sql_store.h). Several scimd instances may share one database.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/time.h"
#include "store/postgres/pg_pool.h"
#include "store/sql/sql_store.h"

namespace scimd::store::postgres {

struct PostgresOptions {
  std::string url;  // libpq URI: postgres://user:pass@host:port/db?sslmode=...
  std::size_t pool_size = 8;
  std::shared_ptr<const Clock> clock;  // defaults to the system clock
  bool migrate = true;  // apply pending migrations at open (under the advisory lock)
};

class PostgresStore final : public sql::SqlStore {
 public:
  // Connects, applies pending migrations (once across instances starting together) and checks
  // the schema is this binary's. Errors: invalid_value (not a postgres URL), unavailable
  // (cannot connect: libpq's reason), internal (schema newer than this binary, or older and
  // `migrate` false).
  static Result<std::unique_ptr<PostgresStore>> open(PostgresOptions options);

  // A connection and `SELECT 1` (for /healthz). Errors: unavailable.
  Status ping();

 private:
  using SqlStore::SqlStore;
};

}  // namespace scimd::store::postgres
