// One SQLite connection (RAII over sqlite3*) with a cache of prepared statements; the
// statements it hands out reset and unbind a cached statement when the caller is done.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include <sqlite3.h>

#include "core/result.h"
#include "store/sql/connection.h"

namespace scimd::store::sqlite {

using sql::ColumnType;
using sql::SqlValue;
using sql::Statement;

// Maps a SQLite result code to scimd's vocabulary: busy/locked/I/O/full -> unavailable, the rest
// -> internal; the detail carries SQLite's message.
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

class Connection final : public sql::Connection {
 public:
  enum class Mode { writer, reader };
  static constexpr int kDefaultCacheMib = 8;
  // Opens (creating if the writer) the database and applies the per-connection pragmas: WAL,
  // synchronous=FULL (writer), foreign_keys=ON, busy_timeout; readers are query_only. Its page
  // cache holds at most `cache_mib` MiB.
  static Result<std::unique_ptr<Connection>> open(const std::string& path, Mode mode,
                                                  int cache_mib = kDefaultCacheMib);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without results (scripts, BEGIN/COMMIT, pragmas).
  Status exec(std::string_view sql) override;
  // A statement from the cache (prepared once with SQLITE_PREPARE_PERSISTENT). Dynamic SQL
  // (filters) is cached too up to a bound, beyond which it is prepared and finalized per use.
  Result<Statement> prepare(std::string_view sql) override;

  std::int64_t changes() const override;
  bool in_transaction() const override;  // false once SQLite rolled a failed transaction back
  sql::Dialect dialect() const override { return sql::Dialect::sqlite; }
  sqlite3* handle() const { return db_; }
  std::size_t cached_statements() const { return cache_.size(); }
  static constexpr std::size_t max_cached_statements() { return kMaxCachedStatements; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  // Filters and cursors make statement text vary with the query's shape (never with its
  // values, which are bound), so the cache is capped: past the cap statements are prepared per
  // use. A few hundred prepared statements take a few MiB.
  static constexpr std::size_t kMaxCachedStatements = 256;
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace scimd::store::sqlite
