// One libpq connection of the PostgreSQL backend (issue 6; the backend itself is not built
// yet): open by URL, run statements with text parameters, read rows as text, and map
// PostgreSQL's errors onto scimd's (unique violation → uniqueness, connection loss →
// unavailable) so the store above never sees SQLSTATEs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

struct pg_conn;

namespace scimd::store::postgres {

using PgValue = std::optional<std::string>;  // nullopt: SQL NULL

struct PgRows {
  std::vector<std::vector<PgValue>> rows;
  std::int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
};

class PgConnection {
 public:
  // "postgres://user:pass@host:port/db" or "postgresql://…" (libpq's URI form).
  // Errors: invalid_value (not a postgres URL), unavailable (cannot connect: libpq's reason).
  static Result<std::unique_ptr<PgConnection>> open(std::string_view url);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs SQL without parameters (several statements allowed).
  Status exec(std::string_view sql);
  // Runs one statement with $1..$n bound as text.
  Result<PgRows> query(std::string_view sql, const std::vector<PgValue>& params = {});

  // Whether the connection is still up (false after the server went away).
  bool healthy() const;

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_;
};

// The scimd error for a failed statement, from its SQLSTATE and message.
Error pg_error(std::string_view sqlstate, std::string_view message);

}  // namespace scimd::store::postgres
