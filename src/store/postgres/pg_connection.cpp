#include "store/postgres/pg_connection.h"

#include <libpq-fe.h>

namespace scimd::store::postgres {

namespace {

// libpq's messages end with a newline; ours do not.
std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

Error result_error(pg_conn* conn, const PGresult* result) {
  if (result == nullptr || PQstatus(conn) != CONNECTION_OK) {
    return make_error(Errc::unavailable, "postgres: " + trimmed(PQerrorMessage(conn)));
  }
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  return pg_error(state != nullptr ? state : "", trimmed(PQresultErrorMessage(result)));
}

}  // namespace

Error pg_error(std::string_view sqlstate, std::string_view message) {
  const std::string detail = "postgres: " + std::string(message);
  if (sqlstate == "23505") return make_error(Errc::uniqueness, detail);
  // Class 08 (connection exception), 57P01-03 (shutdown, crash), 53 (resources) and 40001/
  // 40P01 (serialization, deadlock) are worth a retry by the client: 503.
  if (sqlstate.starts_with("08") || sqlstate.starts_with("57P") || sqlstate.starts_with("53") ||
      sqlstate == "40001" || sqlstate == "40P01") {
    return make_error(Errc::unavailable, detail);
  }
  return make_error(Errc::internal, detail);
}

Result<std::unique_ptr<PgConnection>> PgConnection::open(std::string_view url) {
  if (!url.starts_with("postgres://") && !url.starts_with("postgresql://")) {
    return make_error(Errc::invalid_value,
                      "not a PostgreSQL URL (postgres://user:pass@host:port/db): '" +
                          std::string(url.substr(0, 64)) + "'");
  }
  pg_conn* conn = PQconnectdb(std::string(url).c_str());
  if (conn == nullptr) return make_error(Errc::unavailable, "postgres: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    Error error = make_error(Errc::unavailable, "postgres: " + trimmed(PQerrorMessage(conn)));
    PQfinish(conn);
    return error;
  }
  // Server notices ("table does not exist, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

Status PgConnection::exec(std::string_view sql) {
  ResultPtr result(PQexec(conn_, std::string(sql).c_str()));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return {};
  return result_error(conn_, result.get());
}

Result<PgRows> PgConnection::query(std::string_view sql, const std::vector<PgValue>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const PgValue& p : params) values.push_back(p ? p->c_str() : nullptr);
  ResultPtr result(PQexecParams(conn_, std::string(sql).c_str(), static_cast<int>(values.size()),
                                nullptr, values.data(), nullptr, nullptr, /*text results*/ 0));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return result_error(conn_, result.get());
  }
  PgRows out;
  const int rows = PQntuples(result.get());
  const int columns = PQnfields(result.get());
  out.rows.reserve(static_cast<std::size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    std::vector<PgValue> row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result.get(), r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(result.get(), r, c),
                                     static_cast<std::size_t>(PQgetlength(result.get(), r, c))));
      }
    }
    out.rows.push_back(std::move(row));
  }
  const char* affected = PQcmdTuples(result.get());
  if (affected != nullptr && *affected != '\0') out.affected = std::stoll(affected);
  return out;
}

}  // namespace scimd::store::postgres
