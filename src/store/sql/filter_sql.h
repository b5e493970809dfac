// SCIM filters as SQL over the users/groups tables (aliased `r`): indexed columns where the
// attribute has one, the engine's JSON functions over `doc` for everything else (SQLite JSON1,
// PostgreSQL json operators; filter_dialect.h), EXISTS over memberships for members/groups.
// Values are always bound parameters; JSON path keys are canonical schema names, quoted.
// Semantics follow scim::matches() (tests/store/filter_sql_test.cpp checks).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "scim/filter.h"
#include "store/sql/connection.h"

namespace scimd::store::sql {

struct SqlFragment {
  std::string sql;
  std::vector<SqlValue> params;  // in the order of the `?` in sql
};

// A condition on row `r` of the kind's table (which has tenant_id, id, doc and the indexed
// columns), for a query over `tenant`'s rows (side-table lookups are bound to it, so they
// need no correlation with `r` and run once). The filter must have passed
// scim::validate_filter. Errors: invalid_filter for a path that does not resolve.
Result<SqlFragment> filter_to_sql(Dialect dialect, scim::ResourceKind kind,
                                  const scim::Filter& filter, std::int64_t tenant);

// The SQL expression sortBy orders by (over row `r`), or nullopt when the attribute has nothing
// sortable (creation order). Errors: invalid_filter for a path that does not resolve.
Result<std::optional<std::string>> sort_key_sql(Dialect dialect, scim::ResourceKind kind,
                                                const scim::AttrPath& sort_by);

// An ORDER BY list for sortBy: resources without the attribute last, ties in creation order.
Result<SqlFragment> order_by_sql(Dialect dialect, scim::ResourceKind kind,
                                 const scim::AttrPath& sort_by, bool descending);

// The path to `keys` in a document as a SQL literal, every key quoted so URNs with dots and
// colons are single keys: SQLite '$."a"."b"', PostgreSQL '{"a","b"}'. Errors: invalid_filter
// for keys holding '"' or '\' (no schema name has one).
Result<std::string> json_path(Dialect dialect, const std::vector<std::string>& keys);

}  // namespace scimd::store::sql
