// The scimd schema on PostgreSQL: the same tables, columns, unique and secondary indexes as the
// SQLite store after its migrations, in the database and schema the connection's search_path
// names, plus the SQL functions the filter translator calls (scimd_json_type,
// scimd_json_number, scimd_time). Versioned in scimd_schema_version; every migration runs in
// its own transaction under one advisory lock, so processes starting together apply it once.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/sql/connection.h"

namespace scimd::store::postgres {

// The advisory lock that serializes migrations (pg_advisory_xact_lock): "scimd" and 1.
inline constexpr std::int64_t kMigrationLockKey = 0x7363696d64000001;

// Every migration, oldest first. Never edit a released one: append a new one.
const std::vector<std::string_view>& migrations();

// Applies the migrations the database has not seen yet. `db` must not be inside a
// transaction. Errors: internal if the database is newer than this scimd or a migration fails
// (its work rolled back); unavailable if PostgreSQL cannot be reached.
Status migrate(sql::Connection& db);

// The number of migrations applied (0 for a database scimd has never touched).
Result<int> schema_version(sql::Connection& db);

}  // namespace scimd::store::postgres
