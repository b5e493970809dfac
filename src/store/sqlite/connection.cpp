#include "store/sqlite/connection.h"

#include <mutex>
#include <utility>

namespace scimd::store::sqlite {

namespace {

constexpr int kBusyTimeoutMs = 10000;

// Memory per connection is bounded whatever the tenant size:
// - page cache `cache_mib` (default 8 MiB; cache_size in KiB when negative): holds the interior
//   B-tree pages of every index of a million-user tenant, so a lookup costs one or two leaf
//   reads; with the writer, the checkpointer and four readers that is at most 48 MiB. A larger
//   cache also keeps the leaves of big tenants' indexes (sqlite:PATH?cache_mib=N).
// - no memory map (mmap_size=0): with a map, an I/O error while reading kills the process
//   with SIGBUS instead of failing one request; the OS page cache still serves hot pages.
std::string memory_pragmas(int cache_mib) {
  return "PRAGMA cache_size=-" + std::to_string(cache_mib * 1024) + "; PRAGMA mmap_size=0;";
}

bool is_transient(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return true;
    default:
      return false;
  }
}

}  // namespace

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  std::string detail(what);
  detail += ": ";
  detail += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return make_error(is_transient(rc) ? Errc::unavailable : Errc::internal, std::move(detail));
}

// --- statements ----------------------------------------------------------------------------

namespace {

// A prepared statement in use. Cached statements go back to the cache reset and unbound;
// uncached ones are finalized.
class SqliteStatement final : public sql::StatementImpl {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, bool owned)
      : db_(db), stmt_(stmt), owned_(owned) {}
  ~SqliteStatement() override {
    if (owned_) {
      sqlite3_finalize(stmt_);
    } else {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bind_null(int index) override { note_bind(sqlite3_bind_null(stmt_, index)); }
  void bind_int(int index, std::int64_t value) override {
    note_bind(sqlite3_bind_int64(stmt_, index, value));
  }
  void bind_double(int index, double value) override {
    note_bind(sqlite3_bind_double(stmt_, index, value));
  }
  void bind_text(int index, std::string_view text) override {
    note_bind(
        sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }

  Result<bool> step() override {
    if (!bind_error_.ok()) return bind_error_.error();
    last_rc_ = sqlite3_step(stmt_);
    if (last_rc_ == SQLITE_ROW) return true;
    if (last_rc_ == SQLITE_DONE) return false;
    // The extended code names the constraint (e.g. SQLITE_CONSTRAINT_UNIQUE).
    last_rc_ = sqlite3_extended_errcode(db_);
    return sqlite_error(db_, last_rc_, "step");
  }
  bool unique_violation() const override {
    return last_rc_ == SQLITE_CONSTRAINT_UNIQUE || last_rc_ == SQLITE_CONSTRAINT_PRIMARYKEY;
  }
  bool foreign_key_violation() const override { return last_rc_ == SQLITE_CONSTRAINT_FOREIGNKEY; }

  bool is_null(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  std::int64_t column_int(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double column_double(int column) const override { return sqlite3_column_double(stmt_, column); }
  std::string column_text(int column) const override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (text == nullptr) return {};
    return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  ColumnType column_type(int column) const override {
    switch (sqlite3_column_type(stmt_, column)) {
      case SQLITE_NULL:
        return ColumnType::null;
      case SQLITE_INTEGER:
        return ColumnType::integer;
      case SQLITE_FLOAT:
        return ColumnType::real;
      default:
        return ColumnType::text;
    }
  }

 private:
  void note_bind(int rc) {
    if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = sqlite_error(db_, rc, "bind");
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool owned_;
  int last_rc_ = SQLITE_OK;
  Status bind_error_;  // the first bind failure, reported by step()
};

Statement make_statement(sqlite3* db, sqlite3_stmt* stmt, bool owned) {
  return Statement(std::make_unique<SqliteStatement>(db, stmt, owned));
}

void configure_library() {
  // SQLite counts every allocation under one process-wide mutex (memory statistics) unless
  // told not to, and the readers, the writer and the checkpointer allocate on every statement.
  // Nothing here reads those statistics. sqlite3_config only works before the library is
  // initialised, so every open calls this first; a later call is a harmless SQLITE_MISUSE.
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

// --- Connection ----------------------------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path, Mode mode,
                                                     int cache_mib) {
  configure_library();
  sqlite3* db = nullptr;
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (mode == Mode::writer ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = sqlite_error(db, rc, "open " + path);
    error.code = Errc::unavailable;
    sqlite3_close_v2(db);
    return error;
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  if (mode == Mode::writer) {
    // WAL lets readers run beside the writer; FULL syncs the WAL on every commit, so an
    // acknowledged write survives kill -9 and power loss.
    // Each job of a group commit runs in a savepoint; its undo pages (the sub-journal) stay in
    // memory instead of a temp file written page by page (two pwrite(2) per changed page).
    SCIMD_TRY(
        conn->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;"));
  } else {
    SCIMD_TRY(conn->exec("PRAGMA query_only=ON;"));
  }
  SCIMD_TRY(conn->exec("PRAGMA foreign_keys=ON;"));
  SCIMD_TRY(conn->exec(memory_pragmas(cache_mib)));
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Connection::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    Error error = sqlite_error(db_, sqlite3_extended_errcode(db_), "exec");
    error.detail = "exec: " + detail;
    return error;
  }
  return {};
}

Result<Statement> Connection::prepare(std::string_view sql) {
  std::string key(sql);
  if (const auto it = cache_.find(key); it != cache_.end()) {
    return make_statement(db_, it->second, /*owned=*/false);
  }
  const bool cacheable = cache_.size() < kMaxCachedStatements;
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    cacheable ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return sqlite_error(db_, rc, "prepare");
  }
  if (!cacheable) return make_statement(db_, stmt, /*owned=*/true);
  cache_.emplace(std::move(key), stmt);
  return make_statement(db_, stmt, /*owned=*/false);
}

std::int64_t Connection::changes() const { return sqlite3_changes64(db_); }

bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace scimd::store::sqlite
