// RFC 9865 cursors as keyset positions: a cursor names a boundary row (its sort-key value and
// creation sequence) and a side of it, plus a short hash of the query it was made for. Nothing
// is kept on the server, so cursors never expire; a backend turns the position into a WHERE
// condition over its own order (sort key if any, then creation sequence).
//
// Text form: base64url (no padding) of a small binary record:
//   version(1) direction(1: 'n' | 'p') flags(1: bit 0 = include boundary) shape(8)
//   seq(8, big-endian) key tag(1) key(int64/double: 8 big-endian; text: the rest)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "core/result.h"
#include "scim/schema.h"
#include "store/store.h"

namespace scimd::store {

struct CursorPosition {
  enum class Direction { next, previous };
  // No sort key (creation order), the row has no value (null), or the value with its type.
  using Key = std::variant<std::monostate, std::nullptr_t, std::int64_t, double, std::string>;

  Direction direction = Direction::next;
  // next: rows after the boundary (and the boundary row itself when set); previous: before.
  bool include_boundary = false;
  std::string shape;  // query_shape() of the query the cursor was made for
  Key key;
  std::int64_t seq = 0;
};

inline constexpr std::size_t kQueryShapeBytes = 8;

// A short hash of what decides which rows a query returns and their order: tenant, kind,
// filter (its AST), sortBy, sortOrder. Not count, start index or attributes, which may change
// from page to page.
std::string query_shape(TenantId tenant, scim::ResourceKind kind, const ListQuery& query);

std::string encode_cursor(const CursorPosition& position);

// Errors: invalid_cursor (not base64url, wrong length, unknown version/direction/tag).
Result<CursorPosition> decode_cursor(std::string_view text);

}  // namespace scimd::store
