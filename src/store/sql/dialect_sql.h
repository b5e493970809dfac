// The few pieces of the store's own SQL that differ between engines (the filter translator
// keeps its own differences in filter_sql.cpp).
#pragma once

#include <string>
#include <string_view>

#include "store/sql/connection.h"

namespace scimd::store::sql {

// A FROM item over the JSON array bound to its `?`: one row `e` per element, in array order
// (json_row_position), each element itself an array read with json_row_item.
inline std::string_view json_rows_from(Dialect dialect) {
  return dialect == Dialect::postgres ? "json_array_elements(?::json) WITH ORDINALITY AS e(v, n)"
                                      : "json_each(?) AS e";
}
// Item `i` of the current row's element, as text (NULL for a JSON null).
inline std::string json_row_item(Dialect dialect, int i) {
  return (dialect == Dialect::postgres ? "e.v ->> " : "e.value ->> ") + std::to_string(i);
}
// The current row's position in the array.
inline std::string_view json_row_position(Dialect dialect) {
  return dialect == Dialect::postgres ? "e.n" : "e.key";
}

// Inserts user_emails rows for the users row(s) of `users` (a FROM item aliased `u`, with seq
// and tenant_id) from the JSON array bound to the statement's first `?` in it: one
// [type_lower or null, value_lower] pair per row (IndexRow::emails, from scim::index_keys).
inline std::string user_emails_insert(Dialect dialect, std::string_view users) {
  return "INSERT INTO user_emails (user_seq, tenant_id, type_lower, value_lower) "
         "SELECT u.seq, u.tenant_id, " + json_row_item(dialect, 0) + ", " +
         json_row_item(dialect, 1) + " FROM " + std::string(users) + ", " +
         std::string(json_rows_from(dialect));
}

// The SQLite migration that created user_emails filled it from users.doc with this, for the
// users that the condition appended to it selects (over `users u`): one row per element of
// `emails` that is an object with a text `value` (the elements scim::index_keys lists).
inline std::string_view user_emails_fill(Dialect dialect) {
  if (dialect == Dialect::postgres) {
    return "INSERT INTO user_emails (user_seq, tenant_id, type_lower, value_lower) "
           "SELECT u.seq, u.tenant_id, "
           "CASE json_typeof(e.value -> 'type') WHEN 'string' "
           "THEN lower(e.value ->> 'type') END, "
           "lower(e.value ->> 'value') "
           "FROM users u, json_array_elements(CASE json_typeof(u.doc -> 'emails') "
           "WHEN 'array' THEN u.doc -> 'emails' ELSE '[]'::json END) e(value) "
           "WHERE json_typeof(e.value) = 'object' AND "
           "json_typeof(e.value -> 'value') = 'string' AND ";
  }
  return "INSERT INTO user_emails (user_seq, tenant_id, type_lower, value_lower) "
         "SELECT u.seq, u.tenant_id, "
         "CASE json_type(e.value, '$.\"type\"') WHEN 'text' "
         "THEN lower(json_extract(e.value, '$.\"type\"')) END, "
         "lower(json_extract(e.value, '$.\"value\"')) "
         "FROM users u, json_each(u.doc, '$.\"emails\"') e "
         "WHERE e.type = 'object' AND json_type(e.value, '$.\"value\"') = 'text' AND ";
}

// Appended to a SELECT inside a write transaction that reads a row it may rewrite: PostgreSQL
// runs writers side by side, so the row is locked until commit (no lost update between two
// instances); SQLite has one writer and no such clause.
inline std::string_view row_lock(Dialect dialect) {
  return dialect == Dialect::postgres ? " FOR UPDATE" : "";
}

// A correlated subquery over `r` (a users or groups row) giving its side rows in one column, so
// one statement reads a resource with them: a JSON array with an array per membership, led by the
// membership's seq (SQLite 3.40 keeps no aggregate order, so the reader sorts by it): a user's
// groups [seq, id, displayName], a group's members [seq, id, display, type]. NULL or [] for none.
inline std::string side_rows_column(Dialect dialect, bool user) {
  std::string sql = dialect == Dialect::postgres ? "(SELECT json_agg(json_build_array("
                                                 : "(SELECT json_group_array(json_array(";
  if (user) {
    sql += "m.seq, g.id, g.display_name)) FROM memberships m JOIN groups g ON g.tenant_id = "
           "m.tenant_id AND g.id = m.group_id WHERE m.tenant_id = r.tenant_id AND m.member_id = "
           "r.id)";
  } else {
    sql += "m.seq, m.member_id, m.display, m.member_type)) FROM memberships m WHERE "
           "m.tenant_id = r.tenant_id AND m.group_id = r.id)";
  }
  return sql;
}

}  // namespace scimd::store::sql
