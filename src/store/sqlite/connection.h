// One SQLite connection (RAII over sqlite3*) with a cache of prepared statements, and the
// statement lease that resets and unbinds a cached statement when the caller is done with it.
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

namespace scimd::store::sqlite {

// A value bound to a `?` parameter.
using SqlValue = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

// Maps a SQLite result code to scimd's vocabulary: busy/locked/I/O/full -> unavailable, the rest
// -> internal; the detail carries SQLite's message.
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

// A prepared statement in use. Cached statements go back to the cache reset and unbound;
// uncached ones are finalized.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool owned) : db_(db), stmt_(stmt), owned_(owned) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Binds parameters 1..n in order.
  Statement& bind(int index, std::nullptr_t);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const SqlValue& value);
  void bind_all(const std::vector<SqlValue>& values, int first_index = 1);

  // true: a row is ready; false: done. An error carries SQLite's message; result_code() then
  // says which (e.g. SQLITE_CONSTRAINT_UNIQUE) for callers that map constraints.
  Result<bool> step();
  // Steps to completion, ignoring rows.
  Status run();
  int result_code() const { return last_rc_; }

  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  int column_type(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool owned_;
  int last_rc_ = SQLITE_OK;
  Status bind_error_;  // the first bind failure, reported by step()
};

class Connection {
 public:
  enum class Mode { writer, reader };
  // Opens (creating if the writer) the database and applies the per-connection pragmas: WAL,
  // synchronous=FULL (writer), foreign_keys=ON, busy_timeout; readers are query_only.
  static Result<std::unique_ptr<Connection>> open(const std::string& path, Mode mode);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without results (scripts, BEGIN/COMMIT, pragmas).
  Status exec(std::string_view sql);
  // A statement from the cache (prepared once with SQLITE_PREPARE_PERSISTENT). Dynamic SQL
  // (filters) is cached too up to a bound, beyond which it is prepared and finalized per use.
  Result<Statement> prepare(std::string_view sql);

  std::int64_t changes() const;
  bool in_transaction() const;  // false once SQLite rolled a failed transaction back itself
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
