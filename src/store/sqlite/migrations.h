// The SQLite schema as an ordered list of migrations. PRAGMA user_version records how many
// have been applied; each runs in its own transaction when the store opens.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/sqlite/connection.h"

namespace scimd::store::sqlite {

// Every migration, oldest first. Never edit a released one: append a new one.
const std::vector<std::string_view>& migrations();

// Applies the migrations the database has not seen yet. Errors: internal if the database is
// newer than this binary (user_version beyond the list), or SQLite's error.
Status migrate(Connection& writer);

}  // namespace scimd::store::sqlite
