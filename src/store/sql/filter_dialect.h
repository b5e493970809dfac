// The pieces of filter and sort SQL that SQLite and PostgreSQL spell differently: JSON access
// into documents, a few string functions, time parsing and collation. The translator
// (filter_sql.cpp) is written once over these. PostgreSQL relies on the functions and
// `text COLLATE "C"` columns of its schema (store/postgres/pg_migrations.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/sql/connection.h"

namespace scimd::store::sql {

// One JSON value in SQL, as three expressions over the same value.
struct JsonValueSql {
  std::string type;    // SQLite's json_type() name ('text', 'integer', ...); NULL when absent
  std::string text;    // strings unescaped, objects and arrays as their (compact) JSON text
  std::string number;  // the number; only meaningful where `type` is 'integer' or 'real'
};

class FilterDialect {
 public:
  explicit FilterDialect(Dialect dialect) : dialect_(dialect) {}

  Dialect dialect() const { return dialect_; }

  // A condition that always holds or never does (PostgreSQL conditions must be boolean).
  static std::string truth(bool value) { return value ? "TRUE" : "FALSE"; }

  // The path to `keys` inside a JSON document as a SQL literal, every key quoted (URNs with
  // dots and colons are single keys): SQLite '$."a"."b"', PostgreSQL '{"a","b"}'.
  // Errors: invalid_filter for a key holding '"' or '\' (no schema name has one).
  Result<std::string> path(const std::vector<std::string>& keys) const;

  // The value at `keys` inside the JSON expression `container` (a document, or an object from
  // object_at or elements()).
  Result<JsonValueSql> value_at(std::string_view container,
                                const std::vector<std::string>& keys) const;
  // The first element of the array at `keys` inside `container`, or its member `member` when
  // one is given.
  Result<JsonValueSql> first_value_at(std::string_view container,
                                      const std::vector<std::string>& keys,
                                      const std::optional<std::string>& member) const;
  // Sort keys of JSON values the schema says are numbers or booleans: numbers as numbers,
  // false before true; the key's SQL type must round-trip through a cursor (see keyset_sql.h).
  std::string number_key(const JsonValueSql& value) const;
  std::string boolean_key(const JsonValueSql& value) const;

  // The object at `keys` inside `container` as a JSON expression that value_at can read
  // further; anything but an object reads as absent.
  Result<std::string> object_at(std::string_view container,
                                const std::vector<std::string>& keys) const;

  // A FROM item: one row named `alias` for each element of the multi-valued attribute at
  // `keys` in `container` (a value that is not an array is its own single element).
  Result<std::string> elements(std::string_view container, const std::vector<std::string>& keys,
                               std::string_view alias) const;
  // The element of a row of elements().
  JsonValueSql element(std::string_view alias) const;
  // Whether that element is an object.
  std::string element_is_object(std::string_view alias) const;
  // The member `key` of that element (absent when the element is not an object).
  Result<JsonValueSql> element_member(std::string_view alias, const std::string& key) const;

  // Whether the document `container` has the key at all (even with a null value).
  Result<std::string> has_key(std::string_view container, const std::string& key) const;

  // Text functions: `needle` occurs in `haystack`; the last `n` characters of `text`.
  std::string contains(std::string_view haystack, std::string_view needle) const;
  std::string suffix(std::string_view text, std::string_view n) const;
  // A date-time text as the canonical stored form ('YYYY-MM-DDTHH:MM:SS.mmmZ' UTC), or NULL.
  std::string canonical_time(std::string_view text) const;
  // `text` compared and sorted byte by byte (the columns are; expressions over literals and
  // JSON are not on PostgreSQL, whose database collation may be a locale's).
  std::string bytewise(std::string_view text) const;

 private:
  Dialect dialect_;
};

}  // namespace scimd::store::sql
