// The PostgreSQL engine of the store: a bounded connection pool (pg_pool.h) whose write
// transactions run side by side (pg_executor.h), under the shared SQL logic
// (sql/sql_store.h). Several scimd instances may share one database.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/time.h"
#include "store/postgres/pg_analyzer.h"
#include "store/postgres/pg_listener.h"
#include "store/postgres/pg_pool.h"
#include "store/sql/sql_store.h"

namespace scimd::store::postgres {

struct PostgresOptions {
  std::string url;  // libpq URI: postgres://user:pass@host:port/db?sslmode=...
  std::size_t pool_size = 8;
  // Writes committed together at most (group commit, pg_batch_writer.h); 1: each write commits
  // alone, on the caller's thread.
  std::size_t write_batch = 64;
  std::shared_ptr<const Clock> clock;  // defaults to the system clock
  bool migrate = true;                 // apply pending migrations at open (under the advisory lock)
  // LISTEN for other instances' commits (pg_listener.h) and wake event_signal() on each;
  // off for one-shot commands that wait for no events.
  bool listen = true;
  // How often the statistics of the resource tables are checked (pg_analyzer.h); 0: never.
  std::chrono::milliseconds analyze_interval{1000};
};

class PostgresStore final : public sql::SqlStore {
 public:
  // Connects, applies pending migrations (once across instances starting together) and checks
  // the schema is this binary's. Errors: invalid_value (not a postgres URL), unavailable
  // (cannot connect: libpq's reason), internal (schema newer than this binary, or older and
  // `migrate` false).
  static Result<std::unique_ptr<PostgresStore>> open(PostgresOptions options);

  // Whether the cross-instance listener has LISTEN in effect (false when options.listen is
  // off, or while it reconnects).
  bool listening() const { return listener_ && listener_->listening(); }
  // Whether the statistics check (pg_analyzer.h) runs.
  bool analyzing() const { return analyzer_ != nullptr; }
  // How often it has connected (more than once after the server dropped it).
  int listener_connects() const { return listener_ ? listener_->connects() : 0; }

 private:
  using SqlStore::SqlStore;

  // Destroyed before the store's event signal, which it notifies.
  std::unique_ptr<PgListener> listener_;
  // Destroyed before the engine, whose pool it borrows from.
  std::unique_ptr<PgAnalyzer> analyzer_;
};

}  // namespace scimd::store::postgres
