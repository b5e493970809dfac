#include "store/sql/filter_dialect.h"

namespace scimd::store::sql {

namespace {

// A SQL string literal for text we built ourselves (JSON paths); quotes doubled.
std::string sql_literal(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  out += '\'';
  return out;
}

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const std::string_view part : parts) out += part;
  return out;
}

}  // namespace

Result<std::string> FilterDialect::path(const std::vector<std::string>& keys) const {
  const bool postgres = dialect_ == Dialect::postgres;
  std::string path = postgres ? "{" : "$";
  for (const std::string& key : keys) {
    if (key.find_first_of("\"\\") != std::string::npos) {
      return make_error(Errc::invalid_filter, "attribute name '" + key + "' cannot be a path key");
    }
    if (postgres) {
      if (path.size() > 1) path += ',';
      path += '"';
    } else {
      path += ".\"";
    }
    path += key;
    path += '"';
  }
  if (postgres) path += '}';
  return sql_literal(path);
}

Result<JsonValueSql> FilterDialect::first_value_at(std::string_view container,
                                                   const std::vector<std::string>& keys,
                                                   const std::optional<std::string>& member) const {
  if (dialect_ == Dialect::postgres) {
    // A path step on an array is an element index.
    std::vector<std::string> steps = keys;
    steps.emplace_back("0");
    if (member) steps.push_back(*member);
    return value_at(container, steps);
  }
  SCIMD_ASSIGN_OR_RETURN(std::string p, path(keys));
  p.insert(p.size() - 1, "[0]");
  if (member) {
    SCIMD_ASSIGN_OR_RETURN(const std::string member_path, path({*member}));
    // '$."a"[0]' + '."m"' (the member's path without its quote and '$')
    p.insert(p.size() - 1, member_path.substr(2, member_path.size() - 3));
  }
  std::string value = cat({"json_extract(", container, ", ", p, ")"});
  return JsonValueSql{cat({"json_type(", container, ", ", p, ")"}), value, value};
}

std::string FilterDialect::number_key(const JsonValueSql& value) const {
  // numeric would come back from a cursor as a double that need not equal it; double
  // precision round-trips (a document's numbers are doubles or 64-bit integers anyway).
  if (dialect_ == Dialect::postgres) return "(" + value.number + ")::double precision";
  return value.number;
}

std::string FilterDialect::boolean_key(const JsonValueSql& value) const {
  if (dialect_ == Dialect::postgres) {
    return "(CASE " + value.type + " WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)";
  }
  return value.number;  // json_extract gives 1 and 0
}

Result<JsonValueSql> FilterDialect::value_at(std::string_view container,
                                             const std::vector<std::string>& keys) const {
  SCIMD_ASSIGN_OR_RETURN(const std::string p, path(keys));
  if (dialect_ == Dialect::postgres) {
    const std::string json = cat({"(", container, " #> ", p, ")"});
    return JsonValueSql{"scimd_json_type" + json,
                        cat({"((", container, " #>> ", p, ") COLLATE \"C\")"}),
                        "scimd_json_number" + json};
  }
  std::string value = cat({"json_extract(", container, ", ", p, ")"});
  return JsonValueSql{cat({"json_type(", container, ", ", p, ")"}), value, value};
}

Result<std::string> FilterDialect::object_at(std::string_view container,
                                             const std::vector<std::string>& keys) const {
  SCIMD_ASSIGN_OR_RETURN(const std::string p, path(keys));
  if (dialect_ == Dialect::postgres) {
    const std::string json = cat({"(", container, " #> ", p, ")"});
    return "(CASE json_typeof" + json + " WHEN 'object' THEN " + json + " END)";
  }
  return cat({"(CASE json_type(", container, ", ", p, ") WHEN 'object' THEN json_extract(",
              container, ", ", p, ") END)"});
}

Result<std::string> FilterDialect::elements(std::string_view container,
                                            const std::vector<std::string>& keys,
                                            std::string_view alias) const {
  SCIMD_ASSIGN_OR_RETURN(const std::string p, path(keys));
  if (dialect_ == Dialect::postgres) {
    // json_array_elements raises on anything but an array: a missing attribute has no
    // elements, a lone value is one (as scim::matches reads it).
    const std::string json = cat({"(", container, " #> ", p, ")"});
    return "json_array_elements(CASE WHEN json_typeof" + json + " = 'array' THEN " + json +
           " WHEN " + json + " IS NULL THEN '[]'::json ELSE json_build_array" + json + " END) AS " +
           std::string(alias) + "(value)";
  }
  return cat({"json_each(", container, ", ", p, ") ", alias});
}

JsonValueSql FilterDialect::element(std::string_view alias) const {
  const std::string value = std::string(alias) + ".value";
  if (dialect_ == Dialect::postgres) {
    return JsonValueSql{"scimd_json_type(" + value + ")",
                        "((" + value + " #>> '{}') COLLATE \"C\")",
                        "scimd_json_number(" + value + ")"};
  }
  return JsonValueSql{std::string(alias) + ".type", value, value};
}

std::string FilterDialect::element_is_object(std::string_view alias) const {
  if (dialect_ == Dialect::postgres) return cat({"json_typeof(", alias, ".value) = 'object'"});
  return cat({alias, ".type = 'object'"});
}

Result<JsonValueSql> FilterDialect::element_member(std::string_view alias,
                                                   const std::string& key) const {
  const std::string value = std::string(alias) + ".value";
  // PostgreSQL's #> gives NULL on a value that is not an object.
  if (dialect_ == Dialect::postgres) return value_at(value, {key});
  SCIMD_ASSIGN_OR_RETURN(const JsonValueSql member, value_at(value, {key}));
  // CASE keeps json_extract away from elements that are not objects (not JSON text).
  const std::string guard = cat({"(CASE ", alias, ".type WHEN 'object' THEN "});
  const std::string extracted = guard + member.text + " END)";
  return JsonValueSql{guard + member.type + " END)", extracted, extracted};
}

Result<std::string> FilterDialect::has_key(std::string_view container,
                                           const std::string& key) const {
  SCIMD_ASSIGN_OR_RETURN(const std::string p, path({key}));
  if (dialect_ == Dialect::postgres) return cat({"((", container, " #> ", p, ") IS NOT NULL)"});
  return cat({"(json_type(", container, ", ", p, ") IS NOT NULL)"});
}

std::string FilterDialect::contains(std::string_view haystack, std::string_view needle) const {
  const std::string_view function = dialect_ == Dialect::postgres ? "strpos(" : "instr(";
  return cat({function, haystack, ", ", needle, ") > 0"});
}

std::string FilterDialect::suffix(std::string_view text, std::string_view n) const {
  if (dialect_ == Dialect::postgres) return cat({"right(", text, ", ", n, ")"});
  return cat({"substr(", text, ", -", n, ")"});
}

std::string FilterDialect::canonical_time(std::string_view text) const {
  if (dialect_ == Dialect::postgres) return cat({"scimd_time(", text, ")"});
  // SQLite's own date parser (RFC 3339 with Z or an offset).
  return cat({"strftime('%Y-%m-%dT%H:%M:%fZ', ", text, ")"});
}

std::string FilterDialect::bytewise(std::string_view text) const {
  if (dialect_ == Dialect::postgres) return cat({"(", text, " COLLATE \"C\")"});
  return std::string(text);
}

}  // namespace scimd::store::sql
