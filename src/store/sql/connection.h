// What the store's SQL code needs from a database, whichever engine is behind it: connections
// that prepare statements with `?` parameters, statements that bind values and step through
// rows, and an executor that runs write transactions and lends connections for reads. SQLite
// (store/sqlite) and PostgreSQL (store/postgres) implement it; store/sql/sql_store.h holds the
// one copy of the store's logic on top.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.h"

namespace scimd::store::sql {

// A value bound to a `?` parameter.
using SqlValue = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

// The type of a result column's value in the current row.
enum class ColumnType { null, integer, real, text };

// Which SQL the engine speaks where the two differ (JSON functions, row locks, plans).
enum class Dialect { sqlite, postgres };

// A backend's prepared statement in use.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void bind_null(int index) = 0;
  virtual void bind_int(int index, std::int64_t value) = 0;
  virtual void bind_double(int index, double value) = 0;
  virtual void bind_text(int index, std::string_view text) = 0;
  virtual Result<bool> step() = 0;
  // Whether the last step failed on a unique (or primary key) constraint.
  virtual bool unique_violation() const = 0;
  // Whether the last step failed on a foreign key (a row that names a missing parent).
  virtual bool foreign_key_violation() const = 0;
  virtual bool is_null(int column) const = 0;
  virtual std::int64_t column_int(int column) const = 0;
  virtual double column_double(int column) const = 0;
  virtual std::string column_text(int column) const = 0;
  virtual ColumnType column_type(int column) const = 0;
};

// A prepared statement: bind parameters 1..n, then step through the rows.
class Statement {
 public:
  explicit Statement(std::unique_ptr<StatementImpl> impl) : impl_(std::move(impl)) {}
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;

  Statement& bind(int index, std::nullptr_t) {
    impl_->bind_null(index);
    return *this;
  }
  Statement& bind(int index, std::int64_t value) {
    impl_->bind_int(index, value);
    return *this;
  }
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value) {
    impl_->bind_double(index, value);
    return *this;
  }
  Statement& bind(int index, std::string_view text) {
    impl_->bind_text(index, text);
    return *this;
  }
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const SqlValue& value);
  // NULL when empty.
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    if (value) return bind(index, *value);
    return bind(index, nullptr);
  }
  void bind_all(const std::vector<SqlValue>& values, int first_index = 1);

  // true: a row is ready; false: done. On error, unique_violation() says whether a unique
  // constraint failed (callers map that to their own uniqueness error).
  Result<bool> step() { return impl_->step(); }
  // Steps to completion, ignoring rows.
  Status run();
  bool unique_violation() const { return impl_->unique_violation(); }
  bool foreign_key_violation() const { return impl_->foreign_key_violation(); }

  bool is_null(int column) const { return impl_->is_null(column); }
  std::int64_t column_int(int column) const { return impl_->column_int(column); }
  double column_double(int column) const { return impl_->column_double(column); }
  std::string column_text(int column) const { return impl_->column_text(column); }
  ColumnType column_type(int column) const { return impl_->column_type(column); }

 private:
  std::unique_ptr<StatementImpl> impl_;
};

// Runs an INSERT ... RETURNING id and gives the id.
Result<std::int64_t> insert_returning_id(Statement& stmt);

class Connection {
 public:
  virtual ~Connection() = default;
  // Runs one or more statements without parameters or results (DDL, BEGIN/COMMIT).
  virtual Status exec(std::string_view sql) = 0;
  // A statement with `?` parameters, numbered 1..n in order of appearance (backends whose
  // engine numbers them otherwise rewrite the text; `?` inside quoted literals is left alone).
  virtual Result<Statement> prepare(std::string_view sql) = 0;
  // Rows changed by the last INSERT, UPDATE or DELETE run on this connection.
  virtual std::int64_t changes() const = 0;
  virtual bool in_transaction() const = 0;
  virtual Dialect dialect() const = 0;
  // Runs `sql` (no parameters) as the write transaction's last statement: the PostgreSQL
  // engine sends it together with the COMMIT, in one round trip; others run it now. Nothing
  // later in the transaction may depend on what it does. Kept statements run in ascending
  // `lock_order` (stable), so a transaction of several jobs locks the rows they name in one
  // order whatever the order of its jobs, and two such transactions cannot deadlock on them.
  virtual Status exec_with_commit(std::string sql, std::int64_t lock_order = 0) {
    (void)lock_order;
    return exec(sql);
  }
  // Turns rows kept under one key into the statement(s) that write them.
  using RenderRows = std::function<std::string(const std::vector<std::string>& rows)>;
  // As exec_with_commit, for rows that later jobs of the same transaction may add to: at the
  // COMMIT every row kept under `key` (all jobs', in the order kept) goes to the `render` given
  // with the first of them, so a batch of jobs costs one statement per key (one plan, one hold
  // of the row they share), not one per job. Others render and run the rows now.
  virtual Status exec_rows_with_commit(std::string key, std::int64_t lock_order,
                                       std::vector<std::string> rows, RenderRows render) {
    (void)key;
    (void)lock_order;
    return exec(render(rows));
  }
  // `text` as a string literal of this engine's SQL.
  virtual std::string literal(std::string_view text) const;
};

// A connection borrowed from a pool, handed back when the lease ends.
class Lease {
 public:
  using Return = std::function<void(std::unique_ptr<Connection>)>;
  Lease(std::unique_ptr<Connection> conn, Return give_back)
      : conn_(std::move(conn)), give_back_(std::move(give_back)) {}
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  ~Lease() {
    if (conn_ && give_back_) give_back_(std::move(conn_));
  }
  Connection& operator*() const { return *conn_; }
  Connection* operator->() const { return conn_.get(); }

 private:
  std::unique_ptr<Connection> conn_;
  Return give_back_;
};

// Runs the store's transactions on an engine.
class Executor {
 public:
  // A write transaction's work. It may run more than once (a retried serialization failure,
  // a group-commit batch run again), so it resets what it captures at its start, and it must
  // not act outside the database: its work only counts once write() returns ok.
  using Job = std::function<Status(Connection&)>;

  virtual ~Executor() = default;
  // Runs `job` in one transaction; ok once the commit is durable. The job's own error rolls
  // back its work; unavailable when the database cannot be reached (or the commit's fate is
  // unknown).
  virtual Status write(const Job& job) = 0;
  // A connection for reads, in autocommit mode (ReadSnapshot gives a consistent view over
  // several statements). Errors: unavailable.
  virtual Result<Lease> read() = 0;
  virtual Dialect dialect() const = 0;
};

// A read-only transaction over one lease: every statement inside sees the same snapshot (a
// count and its page agree). Ends (rolled back) with the object.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Connection& db) : db_(db) {}
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  Status begin();

 private:
  Connection& db_;
};

}  // namespace scimd::store::sql
