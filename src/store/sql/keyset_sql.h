// The SQL side of cursor paging (store/cursor.h): the list order as an ORDER BY (or its
// reverse, to read the page before a boundary) and the keyset condition "rows after/before a
// boundary row" in that same order, so pages neither repeat nor skip rows that stay put.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/cursor.h"
#include "store/sql/filter_sql.h"

namespace scimd::store::sql {

// The list order: rows with a sort key first, by the key (ascending or descending), then rows
// without one; ties (and everything when `key` is nullopt) in creation order, r.seq ascending.
struct SortSpec {
  std::optional<std::string> key;  // SQL expression over row `r` (filter_sql.h sort_key_sql)
  bool descending = false;
};

// "ORDER BY" list for the order, or for its exact reverse.
std::string order_by(const SortSpec& sort, bool reversed);

// The rows strictly after (or, `include_boundary`, at or after) the boundary row in the order;
// `after` false: strictly before (or at or before). `key` must be monostate iff the order has
// no sort key; a null key means the boundary row had no value.
SqlFragment keyset_condition(const SortSpec& sort, const CursorPosition::Key& key, std::int64_t seq,
                             bool after, bool include_boundary);

}  // namespace scimd::store::sql
