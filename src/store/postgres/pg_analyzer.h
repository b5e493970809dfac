// Keeps PostgreSQL's table statistics current while a tenant grows: a thread that, every
// `interval`, runs ANALYZE on each resource table changed by more than 50 rows + as many rows
// as it had at its last analysis (it doubled, as it grows). Autovacuum's own ANALYZE (10%,
// checked every minute) goes on as ever; this one exists for the first minutes of a table.
// Doubling rather than autovacuum's 10% keeps its cost during a bulk load to about two
// analyses of the final size (10% analyzed the growing tables every second).
//
// Why: each pooled connection caches a generic plan per prepared statement. Plans made while a
// table had no statistics (a fresh database, the first minute of an Entra cycle) pick
// users_seq (tenant_id, seq) for lookups by userName or id and walk every user of the tenant,
// and keep doing so until an ANALYZE of the table invalidates them.
//
// Instances sharing a schema take turns through an advisory lock, so one of them analyzes.
// Failures (PostgreSQL away, not the tables' owner) are skipped; the next tick tries again.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>

#include "core/result.h"
#include "store/sql/connection.h"

namespace scimd::store::postgres {

// The analyzing instance holds this advisory lock ("scmd" in ASCII, the OID of its `users`
// table): instances on one schema take turns; deployments in other schemas do not wait.
inline constexpr std::string_view kAnalyzeLockKeys = "1935895908, 'users'::regclass::oid::int";

class PgAnalyzer {
 public:
  using Acquire = std::function<Result<sql::Lease>()>;

  // Starts the thread; `acquire` lends a connection (from the store's pool) for each check.
  PgAnalyzer(Acquire acquire, std::chrono::milliseconds interval);
  ~PgAnalyzer();  // stops the thread (interrupting its wait) and joins it
  PgAnalyzer(const PgAnalyzer&) = delete;
  PgAnalyzer& operator=(const PgAnalyzer&) = delete;

  // One check now, on the caller's thread: ANALYZE of the tables past the threshold. Returns
  // how many tables were analyzed (0 when another instance holds the lock).
  static Result<int> analyze_stale_tables(sql::Connection& db);

 private:
  void run();

  Acquire acquire_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace scimd::store::postgres
