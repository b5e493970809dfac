#include "store/sql/keyset_sql.h"

#include <utility>

namespace scimd::store::sql {

std::string order_by(const SortSpec& sort, bool reversed) {
  if (!sort.key) return reversed ? "r.seq DESC" : "r.seq";
  const std::string& k = *sort.key;
  const bool key_descending = sort.descending != reversed;
  return "(" + k + " IS NULL)" + (reversed ? " DESC, " : ", ") + k +
         (key_descending ? " DESC" : " ASC") + (reversed ? ", r.seq DESC" : ", r.seq");
}

SqlFragment keyset_condition(const SortSpec& sort, const CursorPosition::Key& key, std::int64_t seq,
                             bool after, bool include_boundary) {
  const std::string seq_op = std::string(after ? ">" : "<") + (include_boundary ? "=" : "");
  const std::string seq_cmp = "r.seq " + seq_op + " ?";
  if (!sort.key || std::holds_alternative<std::monostate>(key)) {
    return SqlFragment{"(" + seq_cmp + ")", {seq}};
  }
  const std::string& k = *sort.key;
  // Rows without a value come after every row with one, in creation order.
  if (std::holds_alternative<std::nullptr_t>(key)) {
    if (after) return SqlFragment{"(" + k + " IS NULL AND " + seq_cmp + ")", {seq}};
    return SqlFragment{"(" + k + " IS NOT NULL OR " + seq_cmp + ")", {seq}};
  }
  SqlValue value = std::visit(
      [](const auto& v) -> SqlValue {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate> || std::is_same_v<T, std::nullptr_t>) {
          return nullptr;
        } else {
          return v;
        }
      },
      key);
  // Bound values compare with the key as ORDER BY sorts it (SQLite orders mixed types the
  // same way in both), so the boundary keeps its type.
  const std::string value_op = after != sort.descending ? " > ?" : " < ?";
  const std::string tie = "(" + k + " = ? AND " + seq_cmp + ")";
  if (after) {
    return SqlFragment{"(" + k + " IS NULL OR " + k + value_op + " OR " + tie + ")",
                       {value, value, seq}};
  }
  return SqlFragment{"(" + k + " IS NOT NULL AND (" + k + value_op + " OR " + tie + "))",
                     {value, value, seq}};
}

}  // namespace scimd::store::sql
