// A bounded pool of PostgreSQL connections to one database, opened when first needed. A lease
// that comes back broken (the server restarted, the backend was killed) or still inside a
// transaction it cannot roll back is dropped, so service resumes by itself once PostgreSQL is
// back: the next acquire opens a fresh connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/result.h"
#include "store/sql/connection.h"

namespace scimd::store::postgres {

struct PgPoolOptions {
  std::size_t size = 8;  // connections at most, lent or idle
  // How long acquire() waits for a connection when all are lent.
  std::chrono::milliseconds acquire_timeout{5000};
};

class PgPool {
 public:
  // `url` as PgConnection::open takes it. Connects to nothing yet.
  explicit PgPool(std::string url, PgPoolOptions options = {});
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // A connection (a PgConnection) in autocommit mode, handed back when the lease ends; the
  // lease may outlive the pool. Errors: unavailable (all connections busy past the timeout;
  // PostgreSQL unreachable, with libpq's reason), invalid_value (not a postgres URL).
  Result<sql::Lease> acquire();
  // Cheap health probe for /healthz: a connection and `SELECT 1`. Errors as acquire().
  Status ping();

  std::size_t size() const;
  std::size_t open_connections() const;  // lent + idle
  std::size_t idle_connections() const;

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
};

}  // namespace scimd::store::postgres
