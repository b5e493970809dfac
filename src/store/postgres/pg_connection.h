// One libpq connection of the PostgreSQL backend as an sql::Connection: the store's `?`
// statements are renumbered to $1..$n and prepared once per connection, parameters go as
// untyped text (the server infers their types from the statement), rows come back as text, and
// PostgreSQL's errors become scimd's (unique violation → uniqueness, connection loss and
// overload → unavailable) so the store above never sees SQLSTATEs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/sql/connection.h"

struct pg_conn;
struct pg_result;

namespace scimd::store::postgres {

// `?` → $1, $2, … in order of appearance and SQLite's `?NNN` → $NNN (a bare `?` after `?NNN`
// takes the largest number so far + 1, as in SQLite). `?` inside '…' literals (E'…' with
// backslash escapes), "…" identifiers, $tag$…$tag$ bodies and comments is left alone.
// `parameters` receives the number of parameters (the largest number used).
std::string number_placeholders(std::string_view sql, int* parameters = nullptr);

// PQconnectdbParams on a URL with scimd's defaults (connect_timeout=5, TCP keepalives,
// fallback_application_name); the URL's own settings win. Never null; check PQstatus.
pg_conn* connect_with_defaults(const std::string& url, const char* application_name);

// The scimd error for a failed statement, from its SQLSTATE and message.
Error pg_error(std::string_view sqlstate, std::string_view message);

// Whether a SQLSTATE means the transaction was rolled back by the server and can simply be run
// again: serialization failure (40001) or deadlock (40P01).
bool retryable_sqlstate(std::string_view sqlstate);

class PgConnection final : public sql::Connection {
 public:
  // "postgres://user:pass@host:port/db?options=…" or "postgresql://…" (libpq's URI form).
  // Errors: invalid_value (not a postgres URL, a malformed one, or the server refused it:
  // wrong password, unknown role or database), unavailable (cannot connect: libpq's reason).
  static Result<std::unique_ptr<PgConnection>> open(std::string_view url);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs SQL without parameters (several statements allowed; the first error stops it).
  Status exec(std::string_view sql) override;
  // A statement prepared once per connection (server-side, under a generated name) and reused
  // by its text; past max_cached_statements() texts a statement is sent with its text per use.
  // Errors in the text show when it is prepared (first use) or stepped.
  Result<sql::Statement> prepare(std::string_view sql) override;
  // Rows changed by the last INSERT, UPDATE, DELETE or MERGE (other statements leave it).
  std::int64_t changes() const override { return changes_; }
  // Inside BEGIN … COMMIT, including a transaction that failed and awaits its ROLLBACK.
  bool in_transaction() const override;
  sql::Dialect dialect() const override { return sql::Dialect::postgres; }
  // Kept for commit_with_deferred() (the executor's COMMIT).
  Status exec_with_commit(std::string sql, std::int64_t lock_order = 0) override;
  Status exec_rows_with_commit(std::string key, std::int64_t lock_order,
                               std::vector<std::string> rows, RenderRows render) override;
  // PQescapeLiteral: right whatever the server's standard_conforming_strings.
  std::string literal(std::string_view text) const override;
  // Sends what exec_with_commit() kept, then COMMIT, in one round trip.
  Status commit_with_deferred();
  // Forgets what exec_with_commit() kept (the transaction is being rolled back or rerun).
  void drop_deferred() { deferred_.clear(); }
  // A mark of what is kept now, and forgetting what was kept after it (a job of a batch that
  // rolled back to its savepoint).
  std::size_t deferred_mark() const { return deferred_.size(); }
  void drop_deferred_after(std::size_t mark) { deferred_.resize(std::min(mark, deferred_.size())); }

  // Whether the connection is still up (false once a statement found the server gone).
  bool healthy() const;
  // For a connection resting in a pool: false if the server has closed it meanwhile (a
  // restart, pg_terminate_backend). Does not block and sends nothing.
  bool still_connected();
  // Inside a transaction that an error has aborted: only ROLLBACK is accepted now.
  bool transaction_failed() const;
  // The SQLSTATE of the last error on this connection ("" if none since clear_last_sqlstate()).
  // The errors that follow inside an aborted transaction (25P02) do not replace the one that
  // aborted it, so a serialization failure stays visible to the executor.
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  void clear_last_sqlstate() { last_sqlstate_.clear(); }

  std::size_t cached_statements() const { return cache_.size(); }
  static constexpr std::size_t max_cached_statements() { return kMaxCachedStatements; }

 private:
  friend class PgStatement;
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  // The scimd error for a failed libpq call (result may be null), remembering its SQLSTATE.
  Error fail(const pg_result* result);
  // Drops a cached statement whose plan the server can no longer use.
  void forget(const std::string& name);
  // Records what a successful statement changed.
  void note_success(const pg_result* result);

  // As in the SQLite backend: filter and cursor SQL varies with the query's shape, so the
  // cache is bounded; a few hundred server-side statements cost a few MiB in the backend.
  static constexpr std::size_t kMaxCachedStatements = 256;
  struct Prepared {
    std::string name;
    std::shared_ptr<const std::string> text;  // with ? renumbered
    int parameters = 0;
  };
  pg_conn* conn_;
  std::unordered_map<std::string, Prepared> cache_;
  std::uint64_t next_statement_ = 0;
  std::int64_t changes_ = 0;
  std::string last_sqlstate_;
  // What commit_with_deferred() sends: a statement (no key) or a row of a key, one each.
  struct Kept {
    std::int64_t lock_order = 0;
    std::string key;   // "" for a statement of its own
    std::string text;  // the statement, or the row
    RenderRows render;  // rows only
  };
  std::vector<Kept> deferred_;
};

}  // namespace scimd::store::postgres
