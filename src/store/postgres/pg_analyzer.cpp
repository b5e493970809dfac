#include "store/postgres/pg_analyzer.h"

#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

namespace scimd::store::postgres {

namespace {

// The tables whose plans go stale as a tenant grows. Names resolve through search_path, as the
// store's own statements do.
constexpr const char* kStaleTables =
    "SELECT c.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
    "WHERE s.relid IN ('users'::regclass, 'groups'::regclass, 'memberships'::regclass, "
    "'user_emails'::regclass) "
    "AND s.n_mod_since_analyze >= 50 + greatest(c.reltuples, 0) ORDER BY c.relname";

}  // namespace

PgAnalyzer::PgAnalyzer(Acquire acquire, std::chrono::milliseconds interval)
    : acquire_(std::move(acquire)), interval_(interval) {
  thread_ = std::thread([this] { run(); });
}

PgAnalyzer::~PgAnalyzer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

Result<int> PgAnalyzer::analyze_stale_tables(sql::Connection& db) {
  std::vector<std::string> stale;
  {
    SCIMD_ASSIGN_OR_RETURN(sql::Statement find, db.prepare(kStaleTables));
    while (true) {
      SCIMD_ASSIGN_OR_RETURN(const bool row, find.step());
      if (!row) break;
      stale.push_back(find.column_text(0));
    }
  }
  if (stale.empty()) return 0;
  SCIMD_TRY(db.exec("BEGIN"));
  auto finish = [&db](Status status) -> Status {
    const Status ended = db.exec(status.ok() ? "COMMIT" : "ROLLBACK");
    return status.ok() ? ended : status;
  };
  SCIMD_ASSIGN_OR_RETURN(sql::Statement lock, db.prepare("SELECT pg_try_advisory_xact_lock(" +
                                                         std::string(kAnalyzeLockKeys) + ")::int"));
  if (Result<bool> stepped = lock.step(); !stepped.ok()) return finish(stepped.error()).error();
  if (lock.column_int(0) == 0) {  // another instance is analyzing
    SCIMD_TRY(finish({}));
    return 0;
  }
  std::string tables;
  for (const std::string& table : stale) tables += (tables.empty() ? "" : ", ") + table;
  SCIMD_TRY(finish(db.exec("ANALYZE " + tables)));
  spdlog::debug("postgres: analyzed {}", tables);
  return static_cast<int>(stale.size());
}

void PgAnalyzer::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    if (Result<sql::Lease> db = acquire_(); db.ok()) {
      if (Result<int> analyzed = analyze_stale_tables(**db); !analyzed.ok()) {
        spdlog::debug("postgres: statistics check skipped: {}", analyzed.error().detail);
      }
    }
    lock.lock();
  }
}

}  // namespace scimd::store::postgres
