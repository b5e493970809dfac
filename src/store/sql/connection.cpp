#include "store/sql/connection.h"

namespace scimd::store::sql {

Statement& Statement::bind(int index, const SqlValue& value) {
  std::visit([&](const auto& v) { bind(index, v); }, value);
  return *this;
}

void Statement::bind_all(const std::vector<SqlValue>& values, int first_index) {
  int index = first_index;
  for (const SqlValue& v : values) bind(index++, v);
}

Status Statement::run() {
  while (true) {
    SCIMD_ASSIGN_OR_RETURN(const bool row, step());
    if (!row) return {};
  }
}

Result<std::int64_t> insert_returning_id(Statement& stmt) {
  SCIMD_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return make_error(Errc::internal, "insert returned no id");
  const std::int64_t id = stmt.column_int(0);
  SCIMD_TRY(stmt.run());  // completes the statement
  return id;
}

std::string Connection::literal(std::string_view text) const {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

ReadSnapshot::~ReadSnapshot() {
  if (db_.in_transaction()) (void)db_.exec("ROLLBACK");
}

Status ReadSnapshot::begin() {
  // SQLite's read transaction is a snapshot already; PostgreSQL's default (read committed)
  // takes a new snapshot per statement.
  if (db_.dialect() == Dialect::postgres) {
    return db_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  return db_.exec("BEGIN");
}

}  // namespace scimd::store::sql
