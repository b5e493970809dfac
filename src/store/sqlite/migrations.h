// The SQLite schema as an ordered list of migrations. PRAGMA user_version records how many
// have been applied; each runs in its own transaction when the store opens.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/sqlite/connection.h"

namespace scimd::store::sqlite {

// Fills user_emails from users.doc for the users that the condition appended to it selects
// (over `users u`): one row per element of `emails` that is an object with a text `value`,
// exactly the elements the filter's exact check (json_each over the same path) can match.
inline constexpr std::string_view kUserEmailsFill =
    "INSERT INTO user_emails (user_seq, tenant_id, type_lower, value_lower) "
    "SELECT u.seq, u.tenant_id, "
    "CASE json_type(e.value, '$.\"type\"') WHEN 'text' "
    "THEN lower(json_extract(e.value, '$.\"type\"')) END, "
    "lower(json_extract(e.value, '$.\"value\"')) "
    "FROM users u, json_each(u.doc, '$.\"emails\"') e "
    "WHERE e.type = 'object' AND json_type(e.value, '$.\"value\"') = 'text' AND ";

// Every migration, oldest first. Never edit a released one: append a new one.
const std::vector<std::string_view>& migrations();

// Applies the migrations the database has not seen yet. Errors: internal if the database is
// newer than this binary (user_version beyond the list), or SQLite's error.
Status migrate(Connection& writer);

}  // namespace scimd::store::sqlite
