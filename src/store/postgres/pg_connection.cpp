#include "store/postgres/pg_connection.h"

#include <poll.h>

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <vector>

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

bool succeeded(const PGresult* result) {
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

bool identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

// The end (one past the closing quote) of the literal or identifier opened by `quote` at `i`.
std::size_t quoted_end(std::string_view sql, std::size_t i, char quote, bool backslash_escapes) {
  std::size_t j = i + 1;
  while (j < sql.size()) {
    if (backslash_escapes && sql[j] == '\\') {
      j += 2;
    } else if (sql[j] == quote) {
      // A doubled quote is the quote character itself.
      if (j + 1 < sql.size() && sql[j + 1] == quote) {
        j += 2;
      } else {
        return j + 1;
      }
    } else {
      ++j;
    }
  }
  return sql.size();
}

// The end of the /* … */ comment at `i`; PostgreSQL's block comments nest.
std::size_t block_comment_end(std::string_view sql, std::size_t i) {
  int depth = 0;
  std::size_t j = i;
  while (j + 1 < sql.size()) {
    if (sql[j] == '/' && sql[j + 1] == '*') {
      ++depth;
      j += 2;
    } else if (sql[j] == '*' && sql[j + 1] == '/') {
      j += 2;
      if (--depth == 0) return j;
    } else {
      ++j;
    }
  }
  return sql.size();
}

// The tag ("$body$", "$$") of a dollar quote starting at `i`, or "" if `$` starts none there.
std::string_view dollar_tag(std::string_view sql, std::size_t i) {
  if (i > 0 && identifier_char(sql[i - 1])) return {};  // part of a name like a$b, or $1
  std::size_t j = i + 1;
  if (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') return {};  // a $n parameter
  while (j < sql.size() && sql[j] != '$' && identifier_char(sql[j])) ++j;
  if (j >= sql.size() || sql[j] != '$') return {};
  return sql.substr(i, j - i + 1);
}

// Parses the decimal text of a column value; 0 for what is not a number (as SQLite does).
template <class Number>
Number parse_number(const char* text, int length) {
  Number value{};
  if (text == nullptr) return value;
  std::from_chars(text, text + length, value);
  return value;
}

// PostgreSQL type OIDs (pg_type.dat), stable across versions.
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700;

}  // namespace

std::string number_placeholders(std::string_view sql, int* parameters) {
  std::string out;
  out.reserve(sql.size() + 16);
  int largest = 0;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    std::size_t end = i + 1;
    if (c == '\'') {
      // E'…' strings take backslash escapes (E'\'' is one quote).
      const bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                           (i < 2 || !identifier_char(sql[i - 2]));
      end = quoted_end(sql, i, '\'', escapes);
    } else if (c == '"') {
      end = quoted_end(sql, i, '"', false);
    } else if (c == '-' && next == '-') {
      end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size();
    } else if (c == '/' && next == '*') {
      end = block_comment_end(sql, i);
    } else if (c == '$' && !dollar_tag(sql, i).empty()) {
      const std::string_view tag = dollar_tag(sql, i);
      const std::size_t close = sql.find(tag, i + tag.size());
      end = close == std::string_view::npos ? sql.size() : close + tag.size();
    } else if (c == '?') {
      std::size_t digits_end = i + 1;
      while (digits_end < sql.size() && sql[digits_end] >= '0' && sql[digits_end] <= '9') {
        ++digits_end;
      }
      int number = largest + 1;
      if (digits_end > i + 1) {
        number = parse_number<int>(sql.data() + i + 1, static_cast<int>(digits_end - i - 1));
      }
      if (number > largest) largest = number;
      out += '$';
      out += std::to_string(number);
      i = digits_end;
      continue;
    }
    out.append(sql.substr(i, end - i));
    i = end;
  }
  if (parameters != nullptr) *parameters = largest;
  return out;
}

Error pg_error(std::string_view sqlstate, std::string_view message) {
  const std::string detail = "postgres: " + std::string(message);
  if (sqlstate == "23505") return make_error(Errc::uniqueness, detail);
  // Class 08 (connection exception), 57P01-03 (shutdown, crash), 53 (resources) and 40001/
  // 40P01 (serialization, deadlock) are worth a retry by the client: 503.
  if (sqlstate.starts_with("08") || sqlstate.starts_with("57P") || sqlstate.starts_with("53") ||
      retryable_sqlstate(sqlstate)) {
    return make_error(Errc::unavailable, detail);
  }
  return make_error(Errc::internal, detail);
}

bool retryable_sqlstate(std::string_view sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

// One execution of a prepared (or, past the cache, unnamed) statement: parameters are kept
// as text until the first step() sends them; the whole result then sits client-side.
class PgStatement final : public sql::StatementImpl {
 public:
  PgStatement(PgConnection& conn, std::string name, std::shared_ptr<const std::string> text,
              int parameters)
      : conn_(conn),
        name_(std::move(name)),
        text_(std::move(text)),
        params_(static_cast<std::size_t>(parameters)) {}

  void bind_null(int index) override { set(index, std::nullopt); }
  void bind_int(int index, std::int64_t value) override { set(index, std::to_string(value)); }
  void bind_double(int index, double value) override {
    // 17 significant digits read back as the same double.
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    set(index, std::string(buf));
  }
  void bind_text(int index, std::string_view text) override { set(index, std::string(text)); }

  Result<bool> step() override {
    if (!result_) SCIMD_TRY(execute());
    ++row_;
    return row_ < PQntuples(result_.get());
  }
  bool unique_violation() const override { return failed_sqlstate_ == "23505"; }
  bool foreign_key_violation() const override { return failed_sqlstate_ == "23503"; }

  bool is_null(int column) const override {
    return !result_ || PQgetisnull(result_.get(), row_, column) != 0;
  }
  std::int64_t column_int(int column) const override {
    const Oid type = PQftype(result_.get(), column);
    if (type == kBool) return boolean(column) ? 1 : 0;
    if (type == kFloat4 || type == kFloat8 || type == kNumeric) {
      // As SQLite converts a real: truncated toward zero, clamped to the int64 range.
      using Limits = std::numeric_limits<std::int64_t>;
      const double real = column_double(column);
      if (std::isnan(real)) return 0;
      if (real <= static_cast<double>(Limits::min())) return Limits::min();
      if (real >= static_cast<double>(Limits::max())) return Limits::max();
      return static_cast<std::int64_t>(real);
    }
    return parse_number<std::int64_t>(value(column), length(column));
  }
  double column_double(int column) const override {
    if (PQftype(result_.get(), column) == kBool) return boolean(column) ? 1 : 0;
    return parse_number<double>(value(column), length(column));
  }
  std::string column_text(int column) const override {
    // Booleans read as SQLite's 1/0, so `SELECT EXISTS (…)` means the same in both engines.
    if (PQftype(result_.get(), column) == kBool && !is_null(column)) {
      return boolean(column) ? "1" : "0";
    }
    const char* text = value(column);
    return text != nullptr ? std::string(text, static_cast<std::size_t>(length(column))) : "";
  }
  sql::ColumnType column_type(int column) const override {
    if (is_null(column)) return sql::ColumnType::null;
    switch (PQftype(result_.get(), column)) {
      case kBool:
      case kInt2:
      case kInt4:
      case kInt8:
      case kOid:
        return sql::ColumnType::integer;
      case kFloat4:
      case kFloat8:
      case kNumeric:
        return sql::ColumnType::real;
      default:
        return sql::ColumnType::text;
    }
  }

 private:
  void set(int index, std::optional<std::string> value) {
    // Binding again after a run starts a new run, as sqlite3_reset does.
    result_.reset();
    row_ = -1;
    if (index >= 1 && static_cast<std::size_t>(index) <= params_.size()) {
      params_[static_cast<std::size_t>(index - 1)] = std::move(value);
    }
  }

  Status execute() {
    std::vector<const char*> values;
    values.reserve(params_.size());
    for (const auto& p : params_) values.push_back(p ? p->c_str() : nullptr);
    ResultPtr result = send(name_, values);
    if (!succeeded(result.get()) && !name_.empty() && sqlstate(result.get()) == "0A000" &&
        conn_.healthy()) {
      // "cached plan must not change result type": a table under the prepared statement
      // changed (another scimd migrated). Prepare it afresh next time; outside a transaction
      // nothing was aborted, so run it now as it is written.
      conn_.forget(name_);
      if (!conn_.in_transaction()) result = send("", values);
    }
    if (!succeeded(result.get())) {
      failed_sqlstate_ = sqlstate(result.get());
      return conn_.fail(result.get());
    }
    failed_sqlstate_.clear();
    conn_.note_success(result.get());
    result_ = std::move(result);
    row_ = -1;
    return {};
  }

  // Runs the named prepared statement, or the text unprepared when `name` is "".
  ResultPtr send(const std::string& name, const std::vector<const char*>& values) {
    const int count = static_cast<int>(values.size());
    // Untyped text parameters (no OIDs): the server types each one from where it stands.
    return ResultPtr(name.empty() ? PQexecParams(conn_.conn_, text_->c_str(), count, nullptr,
                                                 values.data(), nullptr, nullptr, /*text*/ 0)
                                  : PQexecPrepared(conn_.conn_, name.c_str(), count, values.data(),
                                                   nullptr, nullptr, /*text results*/ 0));
  }

  static std::string_view sqlstate(const PGresult* result) {
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    return state != nullptr ? state : "";
  }

  const char* value(int column) const {
    return result_ ? PQgetvalue(result_.get(), row_, column) : nullptr;
  }
  int length(int column) const { return result_ ? PQgetlength(result_.get(), row_, column) : 0; }
  bool boolean(int column) const {
    const char* text = value(column);
    return text != nullptr && text[0] == 't';
  }

  PgConnection& conn_;
  const std::string name_;                         // "" → text_ is sent with each run
  const std::shared_ptr<const std::string> text_;  // with ? renumbered
  std::vector<std::optional<std::string>> params_;
  ResultPtr result_;
  int row_ = -1;
  std::string failed_sqlstate_;  // of the last step, "" when it succeeded
};

namespace {

// The server answered and said no (wrong password, unknown role or database, no pg_hba
// entry), or libpq refused an option value (a port that is not a number): waiting will not
// help, unlike a server that is down or unreachable. libpq gives no SQLSTATE for a failed
// connection, so its message is all there is to go on.
bool is_refusal(std::string_view reason) {
  for (const std::string_view sign :
       {"authentication failed", "does not exist", "invalid ", "no password supplied",
        "no pg_hba.conf entry", "password authentication"}) {
    if (reason.find(sign) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

pg_conn* connect_with_defaults(const std::string& url, const char* application_name) {
  // Keywords after dbname win, so these are defaults the URL may override: a bounded connect,
  // keepalives that notice a vanished server within about a minute, a name in pg_stat_activity.
  const char* const keywords[] = {"connect_timeout",
                                  "keepalives_idle",
                                  "keepalives_interval",
                                  "keepalives_count",
                                  "fallback_application_name",
                                  "dbname",
                                  nullptr};
  const char* const values[] = {"5", "30", "10", "3", application_name, url.c_str(), nullptr};
  return PQconnectdbParams(keywords, values, /*expand_dbname*/ 1);
}

Result<std::unique_ptr<PgConnection>> PgConnection::open(std::string_view url) {
  if (!url.starts_with("postgres://") && !url.starts_with("postgresql://")) {
    return make_error(Errc::invalid_value,
                      "not a PostgreSQL URL (postgres://user:pass@host:port/db): '" +
                          std::string(url.substr(0, 64)) + "'");
  }
  const std::string conninfo(url);
  // A malformed URI (bad port, unknown parameter) is a configuration error, not an outage.
  char* parse_error = nullptr;
  if (PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &parse_error)) {
    PQconninfoFree(parsed);
  } else {
    Error error = make_error(Errc::invalid_value,
                             "postgres URL: " + (parse_error != nullptr ? trimmed(parse_error)
                                                                        : std::string("invalid")));
    PQfreemem(parse_error);
    return error;
  }
  pg_conn* conn = connect_with_defaults(conninfo, "scimd");
  if (conn == nullptr) return make_error(Errc::unavailable, "postgres: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string reason = trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return make_error(is_refusal(reason) ? Errc::invalid_value : Errc::unavailable,
                      "postgres: " + reason);
  }
  // Server notices ("table does not exist, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

bool PgConnection::still_connected() {
  if (!healthy()) return false;
  // Between statements the server has nothing to say (scimd never LISTENs): anything to read,
  // or a hang-up, is the server closing the connection (its FATAL message, then EOF).
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  return ::poll(&fd, 1, 0) == 0;
}

bool PgConnection::in_transaction() const {
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

bool PgConnection::transaction_failed() const {
  return PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

Error PgConnection::fail(const PGresult* result) {
  if (result == nullptr || !healthy()) {
    last_sqlstate_ = "08006";  // connection_failure: the server is gone
    return make_error(Errc::unavailable, "postgres: " + trimmed(PQerrorMessage(conn_)));
  }
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string_view sqlstate = state != nullptr ? state : "";
  // 25P02 (in failed transaction) only echoes the error that aborted the transaction.
  if (sqlstate != "25P02" || last_sqlstate_.empty()) last_sqlstate_ = sqlstate;
  return pg_error(sqlstate, trimmed(PQresultErrorMessage(result)));
}

void PgConnection::note_success(const PGresult* result) {
  const std::string_view command = PQcmdStatus(const_cast<PGresult*>(result));
  if (command.starts_with("INSERT") || command.starts_with("UPDATE") ||
      command.starts_with("DELETE") || command.starts_with("MERGE")) {
    const char* rows = PQcmdTuples(const_cast<PGresult*>(result));
    changes_ = parse_number<std::int64_t>(rows, static_cast<int>(std::string_view(rows).size()));
  }
}

Status PgConnection::exec(std::string_view sql) {
  ResultPtr result(PQexec(conn_, std::string(sql).c_str()));
  if (!succeeded(result.get())) return fail(result.get());
  note_success(result.get());
  return {};
}

Status PgConnection::exec_with_commit(std::string sql, std::int64_t lock_order) {
  deferred_.push_back(Kept{lock_order, "", std::move(sql), nullptr});
  return {};
}

Status PgConnection::exec_rows_with_commit(std::string key, std::int64_t lock_order,
                                           std::vector<std::string> rows, RenderRows render) {
  for (std::string& row : rows) deferred_.push_back(Kept{lock_order, key, std::move(row), render});
  return {};
}

std::string PgConnection::literal(std::string_view text) const {
  char* escaped = PQescapeLiteral(conn_, text.data(), text.size());
  if (escaped == nullptr) return "NULL";  // out of memory or invalid encoding: fails the insert
  std::string out(escaped);
  PQfreemem(escaped);
  return out;
}

Status PgConnection::commit_with_deferred() {
  // By lock order, then key, so each key's rows lie together, in the order they were kept.
  std::stable_sort(deferred_.begin(), deferred_.end(), [](const Kept& a, const Kept& b) {
    return a.lock_order != b.lock_order ? a.lock_order < b.lock_order : a.key < b.key;
  });
  std::string sql;
  for (std::size_t i = 0; i < deferred_.size();) {
    if (deferred_[i].key.empty()) {
      sql += deferred_[i++].text + ';';
      continue;
    }
    std::vector<std::string> rows;
    std::size_t end = i;
    while (end < deferred_.size() && deferred_[end].lock_order == deferred_[i].lock_order &&
           deferred_[end].key == deferred_[i].key) {
      rows.push_back(std::move(deferred_[end++].text));
    }
    sql += deferred_[i].render(rows) + ';';
    i = end;
  }
  deferred_.clear();
  return exec(sql + "COMMIT");
}

Result<sql::Statement> PgConnection::prepare(std::string_view sql) {
  std::string key(sql);
  if (const auto found = cache_.find(key); found != cache_.end()) {
    const Prepared& p = found->second;
    return sql::Statement(std::make_unique<PgStatement>(*this, p.name, p.text, p.parameters));
  }
  int parameters = 0;
  auto text = std::make_shared<const std::string>(number_placeholders(sql, &parameters));
  if (cache_.size() >= kMaxCachedStatements) {
    return sql::Statement(std::make_unique<PgStatement>(*this, "", std::move(text), parameters));
  }
  std::string name = "scimd_" + std::to_string(++next_statement_);
  // No parameter types: the server infers each from the statement, as it does for literals.
  ResultPtr result(PQprepare(conn_, name.c_str(), text->c_str(), 0, nullptr));
  if (!succeeded(result.get())) return fail(result.get());
  cache_.emplace(std::move(key), Prepared{name, text, parameters});
  return sql::Statement(
      std::make_unique<PgStatement>(*this, std::move(name), std::move(text), parameters));
}

void PgConnection::forget(const std::string& name) {
  for (auto it = cache_.begin(); it != cache_.end(); ++it) {
    if (it->second.name == name) {
      cache_.erase(it);
      break;
    }
  }
  // An aborted transaction accepts nothing but ROLLBACK: the server keeps the statement then
  // (unused; names are never reused).
  if (!transaction_failed()) (void)exec("DEALLOCATE " + name);
}

}  // namespace scimd::store::postgres
