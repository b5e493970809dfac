#include "store/sql/filter_sql.h"

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>

#include "core/text.h"
#include "core/time.h"
#include "store/sql/filter_dialect.h"

namespace scimd::store::sql {

namespace json = boost::json;
using scim::AttributeDef;
using scim::AttrType;
using scim::CompareOp;
using scim::Filter;
using scim::ResourceKind;

Result<std::string> json_path(Dialect dialect, const std::vector<std::string>& keys) {
  return FilterDialect(dialect).path(keys);
}

namespace {

const std::string kTrue = FilterDialect::truth(true);
const std::string kFalse = FilterDialect::truth(false);

bool is_string_type(AttrType t) {
  return t == AttrType::string || t == AttrType::reference || t == AttrType::binary;
}

std::optional<bool> literal_bool(const json::value& v) {
  if (v.is_bool()) return v.get_bool();
  if (v.is_string()) {
    if (iequals(v.get_string(), "true")) return true;
    if (iequals(v.get_string(), "false")) return false;
  }
  return std::nullopt;
}

std::optional<SqlValue> literal_number(const json::value& v) {
  if (v.is_int64()) return SqlValue(v.get_int64());
  if (v.is_uint64()) {
    if (v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
      return SqlValue(static_cast<std::int64_t>(v.get_uint64()));
    }
    return SqlValue(static_cast<double>(v.get_uint64()));
  }
  if (v.is_double()) return SqlValue(v.get_double());
  if (v.is_string()) {
    const std::string_view s = v.get_string();
    const char* const end = s.data() + s.size();
    std::int64_t i = 0;
    if (auto [p, ec] = std::from_chars(s.data(), end, i); ec == std::errc() && p == end) {
      return SqlValue(i);
    }
    double d = 0;
    if (auto [p, ec] = std::from_chars(s.data(), end, d);
        ec == std::errc() && p == end && !s.empty()) {
      return SqlValue(d);
    }
  }
  return std::nullopt;
}

std::int64_t utf8_length(std::string_view s) {
  std::int64_t n = 0;
  for (const char c : s) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  }
  return n;
}

std::string_view sql_operator(CompareOp op) {
  switch (op) {
    case CompareOp::gt:
      return ">";
    case CompareOp::ge:
      return ">=";
    case CompareOp::lt:
      return "<";
    case CompareOp::le:
      return "<=";
    default:
      return "=";
  }
}

// String comparison in C++ for values known without SQL (schemas, meta.resourceType); mirrors
// the string branch of scim::matches().
bool text_matches(std::string l, std::string r, bool case_exact, CompareOp op) {
  if (!case_exact) {
    l = to_lower(l);
    r = to_lower(r);
  }
  switch (op) {
    case CompareOp::co:
      return l.find(r) != std::string::npos;
    case CompareOp::sw:
      return l.starts_with(r);
    case CompareOp::ew:
      return l.ends_with(r);
    case CompareOp::eq:
      return l == r;
    case CompareOp::gt:
      return l > r;
    case CompareOp::ge:
      return l >= r;
    case CompareOp::lt:
      return l < r;
    case CompareOp::le:
      return l <= r;
    default:
      return false;
  }
}

// One value a comparison looks at, as SQL.
struct Operand {
  enum class Form {
    json,        // a JSON value: `value` its text, `type` its type name, `number` its number
    text,        // a text column (or expression), NULL when absent
    text_lower,  // a text column holding the lower-cased value
    bool_int,    // 1/0/NULL
    time_text,   // canonical time text, never NULL
  };
  std::string value;
  std::string type;    // Form::json only
  std::string number;  // Form::json only
  Form form = Form::json;
};

Operand json_operand(JsonValueSql v) {
  return Operand{std::move(v.text), std::move(v.type), std::move(v.number), Operand::Form::json};
}

Operand column(std::string expr, Operand::Form form) {
  return Operand{std::move(expr), {}, {}, form};
}

// Where a comparison inside `attr[...]` finds its sub-attributes.
struct Element {
  enum class Source { json, member_row, group_row } source = Source::json;
  // json: a JSON expression of the element (an object, or absent); rows: the row's alias
  std::string object;
  const AttributeDef* parent = nullptr;
};

class Translator {
 public:
  Translator(Dialect dialect, ResourceKind kind, std::int64_t tenant)
      : sql_(dialect), kind_(kind), tenant_(tenant) {}

  Result<std::string> compile(const Filter& f, bool need_bool, const Element* element) {
    switch (f.kind) {
      case Filter::Kind::logical_and:
      case Filter::Kind::logical_or: {
        if (f.children.size() != 2) return malformed();
        SCIMD_ASSIGN_OR_RETURN(std::string left, compile(f.children[0], need_bool, element));
        SCIMD_ASSIGN_OR_RETURN(std::string right, compile(f.children[1], need_bool, element));
        const char* joiner = f.kind == Filter::Kind::logical_and ? " AND " : " OR ";
        return "(" + left + joiner + right + ")";
      }
      case Filter::Kind::logical_not: {
        if (f.children.size() != 1) return malformed();
        // Under NOT, a NULL (absent value) must read as false, so leaves are made two-valued.
        SCIMD_ASSIGN_OR_RETURN(std::string inner, compile(f.children[0], true, element));
        return "(NOT " + inner + ")";
      }
      case Filter::Kind::value_path:
        if (element != nullptr || f.children.size() != 1) return malformed();
        return compile_value_path(f, need_bool);
      case Filter::Kind::compare:
        return compile_compare(f, need_bool, element);
    }
    return malformed();
  }

  std::vector<SqlValue> params;

 private:
  static Error malformed() { return make_error(Errc::invalid_filter, "malformed filter"); }

  std::string bind(SqlValue v) {
    params.push_back(std::move(v));
    return "?";
  }
  std::string next_alias(std::string_view base) {
    return std::string(base) + std::to_string(++aliases_);
  }

  // --- resolution ---------------------------------------------------------------------------

  struct Target {
    const scim::SchemaDef* schema = nullptr;
    const AttributeDef* attr = nullptr;
    const AttributeDef* sub = nullptr;
    bool in_extension = false;
    const AttributeDef& leaf() const { return sub != nullptr ? *sub : *attr; }
  };

  Result<Target> resolve_top(const scim::AttrPath& path) const {
    auto resolved = scim::resolve(kind_, path);
    if (!resolved.ok()) return make_error(Errc::invalid_filter, resolved.error().detail);
    return Target{resolved->schema, resolved->attr, resolved->sub, resolved->in_extension()};
  }

  // JSON path keys of a top-level attribute inside `doc`.
  std::vector<std::string> doc_keys(const Target& t) const {
    std::vector<std::string> keys;
    if (t.in_extension) keys.push_back(t.schema->id);
    keys.push_back(t.attr->name);
    return keys;
  }

  // --- leaves -------------------------------------------------------------------------------

  static std::string two_valued(const std::string& cond, bool need_bool) {
    return need_bool ? "coalesce(" + cond + ", " + kFalse + ")" : cond;
  }

  // Whether the operand holds a present value (scim::matches' `present`).
  static std::string present(const Operand& o) {
    switch (o.form) {
      case Operand::Form::json:
        // Documents are stored compact: an empty object or array is exactly '{}' or '[]'.
        return "(CASE WHEN " + o.type + " IS NULL OR " + o.type + " = 'null' THEN " + kFalse +
               " WHEN " + o.type + " = 'text' THEN " + o.value + " != '' WHEN " + o.type +
               " = 'object' THEN " + o.value + " != '{}' WHEN " + o.type + " = 'array' THEN " +
               o.value + " != '[]' ELSE " + kTrue + " END)";
      case Operand::Form::text:
      case Operand::Form::text_lower:
        return "coalesce(" + o.value + " != '', " + kFalse + ")";
      case Operand::Form::bool_int:
        return "(" + o.value + " IS NOT NULL)";
      case Operand::Form::time_text:
        return kTrue;
    }
    return kFalse;
  }

  // `operand op literal` for op in eq co sw ew gt ge lt le and a non-null literal; may be NULL
  // when the operand is absent.
  Result<std::string> leaf(const Operand& o, const AttributeDef& def, CompareOp op,
                           const json::value& literal) {
    const bool is_json = o.form == Operand::Form::json;
    if (is_string_type(def.type)) {
      const auto text = scim::scalar_text(literal);
      if (!text) return kFalse;
      const bool fold = !def.case_exact;
      std::string lhs = o.value;
      if (fold && o.form != Operand::Form::text_lower) lhs = "lower(" + lhs + ")";
      const std::string rhs_text = fold ? to_lower(*text) : *text;
      std::string cmp;
      switch (op) {
        case CompareOp::co:
          cmp = sql_.contains(lhs, bind(rhs_text));
          break;
        case CompareOp::sw: {
          // One bind per statement: the order of `?` must be the order of params.
          const std::string length = bind(utf8_length(rhs_text));
          const std::string prefix = bind(rhs_text);
          cmp = "substr(" + lhs + ", 1, " + length + ") = " + prefix;
          break;
        }
        case CompareOp::ew:
          if (rhs_text.empty()) {
            cmp = lhs + " IS NOT NULL";
          } else {
            const std::int64_t n = utf8_length(rhs_text);
            const std::string min_length = bind(n);
            const std::string suffix_length = bind(n);
            const std::string suffix = bind(rhs_text);
            cmp = "length(" + lhs + ") >= " + min_length + " AND " +
                  sql_.suffix(lhs, suffix_length) + " = " + suffix;
          }
          break;
        case CompareOp::eq:
          cmp = lhs + " = " + bind(rhs_text);
          break;
        default:
          cmp = sql_.bytewise(lhs) + " " + std::string(sql_operator(op)) + " " + bind(rhs_text);
          break;
      }
      if (is_json) return "(" + o.type + " = 'text' AND " + cmp + ")";
      return "(" + cmp + ")";
    }
    switch (def.type) {
      case AttrType::boolean: {
        const auto b = literal_bool(literal);
        if (!b || op != CompareOp::eq) return kFalse;
        if (o.form == Operand::Form::bool_int)
          return "(" + o.value + " = " + (*b ? "1" : "0") + ")";
        const std::string word = *b ? "true" : "false";
        return "(" + o.type + " = '" + word + "' OR (" + o.type + " = 'text' AND lower(" + o.value +
               ") = '" + word + "'))";
      }
      case AttrType::integer:
      case AttrType::decimal: {
        const auto number = literal_number(literal);
        if (!number || op == CompareOp::co || op == CompareOp::sw || op == CompareOp::ew) {
          return kFalse;
        }
        const std::string& lhs = is_json ? o.number : o.value;
        const std::string cmp = lhs + " " + std::string(sql_operator(op)) + " " + bind(*number);
        if (is_json) return "(" + o.type + " IN ('integer', 'real') AND " + cmp + ")";
        return "(" + cmp + ")";
      }
      case AttrType::date_time: {
        const std::optional<TimePoint> when =
            literal.is_string() ? parse_time(literal.get_string()) : std::nullopt;
        if (!when || op == CompareOp::co || op == CompareOp::sw || op == CompareOp::ew) {
          return kFalse;
        }
        // Canonical time text sorts as time. Columns hold it already; times inside documents
        // are brought to it by the engine's date parser (RFC 3339 with Z or an offset).
        const std::string lhs = sql_.bytewise(is_json ? sql_.canonical_time(o.value) : o.value);
        // Stored times have millisecond precision. Against a literal between two milliseconds
        // (Entra sends 7 fractional digits) compare with the millisecond below it: x < L is
        // x <= floor(L), x >= L is x > floor(L), and x = L never holds.
        const TimePoint floor_ms = std::chrono::floor<std::chrono::milliseconds>(*when);
        CompareOp effective = op;
        if (floor_ms != *when) {
          if (op == CompareOp::eq) return kFalse;
          if (op == CompareOp::lt) effective = CompareOp::le;
          if (op == CompareOp::ge) effective = CompareOp::gt;
        }
        const std::string cmp =
            lhs + " " + std::string(sql_operator(effective)) + " " + bind(format_time(floor_ms));
        if (is_json) return "(" + o.type + " = 'text' AND " + cmp + ")";
        return "(" + cmp + ")";
      }
      default:
        return kFalse;
    }
  }

  // The comparison `f` over a set of operands that `wrap` turns into one condition (identity
  // for a single operand, EXISTS for rows). `any` is that condition for a per-operand cond.
  template <class Any>
  Result<std::string> compare_over(const Filter& f, const AttributeDef& def, const Operand& o,
                                   bool need_bool, bool many, Any any) {
    // Single operands may yield NULL; EXISTS never does.
    auto finish = [&](std::string cond, bool negate) -> std::string {
      if (many) cond = any(cond);
      if (negate) return "(NOT " + two_valued(cond, !many) + ")";
      return two_valued(cond, need_bool && !many);
    };
    if (f.op == CompareOp::pr) return finish(present(o), false);
    if (f.value.is_null()) {
      if (f.op == CompareOp::eq) return finish(present(o), true);
      if (f.op == CompareOp::ne) return finish(present(o), false);
      return kFalse;
    }
    const CompareOp op = f.op == CompareOp::ne ? CompareOp::eq : f.op;
    SCIMD_ASSIGN_OR_RETURN(std::string cond, leaf(o, def, op, f.value));
    return finish(std::move(cond), f.op == CompareOp::ne);
  }

  Result<std::string> single(const Filter& f, const AttributeDef& def, const Operand& o,
                             bool need_bool) {
    return compare_over(f, def, o, need_bool, false, [](const std::string& c) { return c; });
  }

  // --- comparisons --------------------------------------------------------------------------

  Result<std::string> compile_compare(const Filter& f, bool need_bool, const Element* element) {
    if (element != nullptr) return compile_in_element(f, need_bool, *element);
    SCIMD_ASSIGN_OR_RETURN(Target t, resolve_top(f.path));
    // `emails co "x"` stands for `emails.value co "x"` (RFC 7644 §3.4.2.2).
    if (f.op != CompareOp::pr && t.sub == nullptr && t.attr->type == AttrType::complex &&
        t.attr->multi_valued) {
      t.sub = t.attr->find_sub("value");
      if (t.sub == nullptr) return kFalse;
    }
    const std::string& name = t.attr->name;
    const bool common = t.schema == &scim::common_schema();
    if (common && name == "schemas") return compile_schemas(f, *t.attr);
    if (common && name == "id") {
      return single(f, *t.attr, column("r.id", Operand::Form::text), need_bool);
    }
    if (common && name == "externalId") {
      return single(f, *t.attr, column("r.external_id", Operand::Form::text), need_bool);
    }
    if (common && name == "meta") return compile_meta(f, t, need_bool);
    if (!t.in_extension) {
      // `emails.value eq "x"` (and `emails eq "x"`): user_emails narrows by index.
      if (kind_ == ResourceKind::user && name == "emails" && t.sub != nullptr &&
          t.sub->name == "value" && f.op == CompareOp::eq) {
        if (const auto text = scim::scalar_text(f.value)) {
          const std::string narrow = email_rows(to_lower(*text), std::nullopt);
          SCIMD_ASSIGN_OR_RETURN(const std::string exact, compile_doc(f, t, false));
          return "(" + narrow + " AND " + exact + ")";
        }
      }
      if (kind_ == ResourceKind::user && name == "userName" && t.sub == nullptr) {
        return single(f, *t.attr, column("r.user_name_lower", Operand::Form::text_lower),
                      need_bool);
      }
      if (name == "displayName" && t.sub == nullptr) {
        return single(f, *t.attr, column("r.display_name_lower", Operand::Form::text_lower),
                      need_bool);
      }
      if (kind_ == ResourceKind::user && name == "active") {
        return single(f, *t.attr, column("r.active", Operand::Form::bool_int), need_bool);
      }
      if (kind_ == ResourceKind::group && name == "members") {
        return compile_rows(f, t, Element::Source::member_row, need_bool);
      }
      if (kind_ == ResourceKind::user && name == "groups") {
        return compile_rows(f, t, Element::Source::group_row, need_bool);
      }
    }
    return compile_doc(f, t, need_bool);
  }

  // Attributes kept in `doc`.
  Result<std::string> compile_doc(const Filter& f, const Target& t, bool need_bool) {
    std::vector<std::string> keys = doc_keys(t);
    if (!t.attr->multi_valued) {
      if (t.sub != nullptr) keys.push_back(t.sub->name);
      SCIMD_ASSIGN_OR_RETURN(JsonValueSql value, sql_.value_at("r.doc", keys));
      return single(f, t.leaf(), json_operand(std::move(value)), need_bool);
    }
    // Multi-valued: any element (or any element's sub-attribute) matches.
    const std::string e = next_alias("e");
    JsonValueSql value;
    if (t.sub == nullptr) {
      value = sql_.element(e);
    } else {
      SCIMD_ASSIGN_OR_RETURN(value, sql_.element_member(e, t.sub->name));
    }
    const Operand o = json_operand(std::move(value));
    SCIMD_ASSIGN_OR_RETURN(const std::string elements, sql_.elements("r.doc", keys, e));
    const std::string from = "EXISTS (SELECT 1 FROM " + elements + " WHERE ";
    return compare_over(f, t.leaf(), o, need_bool, true,
                        [&](const std::string& c) { return from + c + ")"; });
  }

  // members (groups) and groups (users): rows of the memberships table.
  std::string rows_exists(Element::Source source, const std::string& m) const {
    if (source == Element::Source::member_row) {
      return "EXISTS (SELECT 1 FROM memberships " + m + " WHERE " + m +
             ".tenant_id = r.tenant_id AND " + m + ".group_id = r.id AND ";
    }
    return "EXISTS (SELECT 1 FROM memberships " + m + " JOIN groups " + m + "g ON " + m +
           "g.tenant_id = " + m + ".tenant_id AND " + m + "g.id = " + m + ".group_id WHERE " + m +
           ".tenant_id = r.tenant_id AND " + m + ".member_id = r.id AND ";
  }

  // The representation of a membership row's sub-attribute (see scim::to_representation).
  static Operand row_operand(Element::Source source, const std::string& m,
                             const AttributeDef* sub) {
    const std::string name = sub != nullptr ? sub->name : "value";
    if (source == Element::Source::member_row) {
      if (name == "value") return column(m + ".member_id", Operand::Form::text);
      if (name == "display") return column("nullif(" + m + ".display, '')", Operand::Form::text);
      if (name == "type") return column(m + ".member_type", Operand::Form::text);
      return column("(CASE " + m +
                        ".member_type WHEN 'Group' THEN '/Groups/' ELSE '/Users/' END || " + m +
                        ".member_id)",
                    Operand::Form::text);
    }
    if (name == "value") return column(m + ".group_id", Operand::Form::text);
    if (name == "display")
      return column("nullif(" + m + "g.display_name, '')", Operand::Form::text);
    if (name == "type") return column("'direct'", Operand::Form::text);
    return column("('/Groups/' || " + m + ".group_id)", Operand::Form::text);
  }

  Result<std::string> compile_rows(const Filter& f, const Target& t, Element::Source source,
                                   bool need_bool) {
    // `members.value eq "x"` (Entra's and Okta's membership checks): narrowed by index first.
    std::string narrow;
    if (t.sub != nullptr && t.sub->name == "value" && f.op == CompareOp::eq) {
      if (const auto text = scim::scalar_text(f.value)) narrow = membership_rows(source, *text);
    }
    const std::string m = next_alias("m");
    const std::string from = rows_exists(source, m);
    // `members pr`: any row (every row has a value).
    const Operand o =
        t.sub == nullptr ? column("1", Operand::Form::time_text) : row_operand(source, m, t.sub);
    SCIMD_ASSIGN_OR_RETURN(std::string exact,
                           compare_over(f, t.leaf(), o, need_bool, true,
                                        [&](const std::string& c) { return from + c + ")"; }));
    if (narrow.empty()) return exact;
    return "(" + narrow + " AND " + exact + ")";
  }

  // Resources holding a membership row with this value (a member id for groups, a group id
  // for users), as `r.seq IN (...)`: the list comes from the index on (tenant_id, member_id,
  // group_id) or (tenant_id, group_id, member_id) and the rows by rowid, so a lookup reads the
  // rows of one id instead of probing every resource (SQLite will not pick `r.id IN` over the
  // seq order of the page). Ids are lower-case UUIDs (core/ids.h) and `value` is caseExact,
  // so the literal is used as is.
  std::string membership_rows(Element::Source source, const std::string& value) {
    const std::string mi = next_alias("mi");
    const std::string x = next_alias("x");
    const bool members = source == Element::Source::member_row;
    const std::string tenant = bind(tenant_);
    const std::string id = bind(value);
    const std::string held = members ? ".group_id" : ".member_id";
    return "r.seq IN (SELECT " + x + ".seq FROM memberships " + mi + " JOIN " +
           (members ? "groups " : "users ") + x + " ON " + x + ".tenant_id = " + mi +
           ".tenant_id AND " + x + ".id = " + mi + held + " WHERE " + mi +
           ".tenant_id = " + tenant + " AND " + mi + (members ? ".member_id = " : ".group_id = ") +
           id + ")";
  }

  // meta.* from columns; meta.location and meta.version best effort without the base URL.
  Result<std::string> compile_meta(const Filter& f, const Target& t, bool need_bool) {
    if (t.sub == nullptr) {
      if (f.op == CompareOp::pr) return kTrue;
      if (f.value.is_null()) return f.op == CompareOp::ne ? kTrue : kFalse;
      return kFalse;
    }
    const std::string& sub = t.sub->name;
    if (sub == "created")
      return single(f, *t.sub, column("r.created", Operand::Form::time_text), need_bool);
    if (sub == "lastModified") {
      return single(f, *t.sub, column("r.last_modified", Operand::Form::time_text), need_bool);
    }
    if (sub == "version") {
      return single(f, *t.sub, column("('W/\"' || r.version || '\"')", Operand::Form::text),
                    need_bool);
    }
    if (sub == "location") {
      const std::string endpoint = kind_ == ResourceKind::user ? "/Users/" : "/Groups/";
      return single(f, *t.sub, column("('" + endpoint + "' || r.id)", Operand::Form::text),
                    need_bool);
    }
    // resourceType is a constant per table: decided here.
    const std::string type = kind_ == ResourceKind::user ? "User" : "Group";
    return compile_constants(f, *t.sub, {{type, kTrue}});
  }

  // `schemas`: the core schema always, each extension when the document has its key.
  Result<std::string> compile_schemas(const Filter& f, const AttributeDef& def) {
    std::vector<std::pair<std::string, std::string>> values;
    const scim::ResourceTypeDef& type = scim::resource_type(kind_);
    values.emplace_back(type.schema->id, kTrue);
    for (const auto& ext : type.extensions) {
      SCIMD_ASSIGN_OR_RETURN(std::string has_key, sql_.has_key("r.doc", ext.schema->id));
      values.emplace_back(ext.schema->id, std::move(has_key));
    }
    return compile_constants(f, def, values);
  }

  // Values known in C++, each present when its SQL condition holds.
  Result<std::string> compile_constants(
      const Filter& f, const AttributeDef& def,
      const std::vector<std::pair<std::string, std::string>>& values) {
    if (f.op == CompareOp::pr) return kTrue;
    if (f.value.is_null()) return f.op == CompareOp::ne ? kTrue : kFalse;
    const auto text = scim::scalar_text(f.value);
    const CompareOp op = f.op == CompareOp::ne ? CompareOp::eq : f.op;
    std::string any = kFalse;
    for (const auto& [value, when] : values) {
      if (text && text_matches(value, *text, def.case_exact, op)) any += " OR " + when;
    }
    any = "(" + any + ")";
    return f.op == CompareOp::ne ? "(NOT " + any + ")" : any;
  }

  // --- value paths --------------------------------------------------------------------------

  Result<std::string> compile_value_path(const Filter& f, bool need_bool) {
    SCIMD_ASSIGN_OR_RETURN(const Target t, resolve_top(f.path));
    if (t.sub != nullptr || t.attr->type != AttrType::complex) return kFalse;
    const Filter& inner = f.children[0];
    const bool common_or_core = !t.in_extension;
    if (common_or_core && kind_ == ResourceKind::group && t.attr->name == "members") {
      return value_path_rows(inner, *t.attr, Element::Source::member_row);
    }
    if (common_or_core && kind_ == ResourceKind::user && t.attr->name == "groups") {
      return value_path_rows(inner, *t.attr, Element::Source::group_row);
    }
    if (!t.attr->multi_valued) {
      // `name[givenName eq "x"]`: the one object itself.
      SCIMD_ASSIGN_OR_RETURN(std::string object, sql_.object_at("r.doc", doc_keys(t)));
      Element element{Element::Source::json, std::move(object), t.attr};
      SCIMD_ASSIGN_OR_RETURN(std::string cond, compile(inner, false, &element));
      return two_valued(cond, need_bool);
    }
    std::string prefix;
    // `emails[value eq "x"]` and Entra's `emails[type eq "work"].value eq "x"`: user_emails
    // narrows by index (every email, not only the first), the EXISTS below keeps the exact
    // meaning.
    if (kind_ == ResourceKind::user && !t.in_extension && t.attr->name == "emails") {
      if (const ConjunctLiterals literals = conjunct_literals(inner); literals.value) {
        prefix =
            email_rows(to_lower(*literals.value),
                       literals.type ? std::optional(to_lower(*literals.type)) : std::nullopt) +
            " AND ";
      }
    }
    const std::string e = next_alias("e");
    Element element{Element::Source::json, e + ".value", t.attr};
    SCIMD_ASSIGN_OR_RETURN(std::string cond, compile(inner, false, &element));
    SCIMD_ASSIGN_OR_RETURN(const std::string elements, sql_.elements("r.doc", doc_keys(t), e));
    const std::string exists = "EXISTS (SELECT 1 FROM " + elements + " WHERE " +
                               sql_.element_is_object(e) + " AND " + cond + ")";
    if (prefix.empty()) return exists;
    return two_valued("(" + prefix + exists + ")", need_bool);
  }

  Result<std::string> value_path_rows(const Filter& inner, const AttributeDef& parent,
                                      Element::Source source) {
    std::string narrow;
    if (const auto value = conjunct_literals(inner).value) {
      narrow = membership_rows(source, *value) + " AND ";
    }
    const std::string m = next_alias("m");
    Element element{source, m, &parent};
    const std::string from = rows_exists(source, m);
    SCIMD_ASSIGN_OR_RETURN(std::string cond, compile(inner, false, &element));
    if (narrow.empty()) return from + cond + ")";
    return "(" + narrow + from + cond + "))";
  }

  // The `value eq` and `type eq` literals among the conjuncts of an `attr[...]` filter, as
  // the string comparison reads them; a match must have an element with both.
  struct ConjunctLiterals {
    std::optional<std::string> value;
    std::optional<std::string> type;
  };
  static ConjunctLiterals conjunct_literals(const Filter& inner) {
    std::vector<const Filter*> conjuncts;
    collect_conjuncts(inner, conjuncts);
    ConjunctLiterals out;
    for (const Filter* c : conjuncts) {
      if (c->kind != Filter::Kind::compare || c->op != CompareOp::eq) continue;
      if (!c->path.urn.empty() || !c->path.sub.empty()) continue;
      if (iequals(c->path.attr, "value")) out.value = scim::scalar_text(c->value);
      if (iequals(c->path.attr, "type")) out.type = scim::scalar_text(c->value);
    }
    return out;
  }

  // Users with an email row of this (lower-cased) value, and type if given: a superset of the
  // users whose `emails` match, found through the index user_emails(tenant_id, value_lower).
  // Uncorrelated (the tenant is bound), so SQLite builds the list once and looks users up by
  // rowid.
  std::string email_rows(const std::string& value, const std::optional<std::string>& type) {
    const std::string ue = next_alias("ue");
    // One bind per statement: the order of `?` must be the order of params.
    const std::string tenant = bind(tenant_);
    const std::string value_param = bind(value);
    std::string sql = "r.seq IN (SELECT " + ue + ".user_seq FROM user_emails " + ue + " WHERE " +
                      ue + ".tenant_id = " + tenant + " AND " + ue +
                      ".value_lower = " + value_param;
    if (type) sql += " AND " + ue + ".type_lower = " + bind(*type);
    return sql + ")";
  }

  static void collect_conjuncts(const Filter& f, std::vector<const Filter*>& out) {
    if (f.kind == Filter::Kind::logical_and) {
      for (const Filter& child : f.children) collect_conjuncts(child, out);
    } else {
      out.push_back(&f);
    }
  }

  // A comparison on a sub-attribute of the element of an enclosing `attr[...]`.
  Result<std::string> compile_in_element(const Filter& f, bool need_bool, const Element& element) {
    if (!f.path.urn.empty() || !f.path.sub.empty()) return malformed();
    const AttributeDef* sub = element.parent->find_sub(f.path.attr);
    if (sub == nullptr) {
      return make_error(Errc::invalid_filter,
                        "unknown attribute '" + element.parent->name + "." + f.path.attr + "'");
    }
    if (element.source != Element::Source::json) {
      return single(f, *sub, row_operand(element.source, element.object, sub), need_bool);
    }
    SCIMD_ASSIGN_OR_RETURN(JsonValueSql value, sql_.value_at(element.object, {sub->name}));
    return single(f, *sub, json_operand(std::move(value)), need_bool);
  }

  FilterDialect sql_;
  ResourceKind kind_;
  std::int64_t tenant_;
  int aliases_ = 0;
};

}  // namespace

Result<SqlFragment> filter_to_sql(Dialect dialect, ResourceKind kind, const Filter& filter,
                                  std::int64_t tenant) {
  Translator translator(dialect, kind, tenant);
  SCIMD_ASSIGN_OR_RETURN(std::string sql, translator.compile(filter, false, nullptr));
  return SqlFragment{std::move(sql), std::move(translator.params)};
}

Result<std::optional<std::string>> sort_key_sql(Dialect dialect, ResourceKind kind,
                                                const scim::AttrPath& sort_by) {
  auto resolved = scim::resolve(kind, sort_by);
  if (!resolved.ok()) return make_error(Errc::invalid_filter, resolved.error().detail);
  const AttributeDef& attr = *resolved->attr;
  const AttributeDef* sub = resolved->sub;
  const bool common = resolved->schema == &scim::common_schema();
  std::string expr;
  if (common && attr.name == "id") {
    expr = "r.id";
  } else if (common && attr.name == "externalId") {
    expr = "r.external_id";
  } else if (common && attr.name == "meta" && sub != nullptr && sub->name == "created") {
    expr = "r.created";
  } else if (common && attr.name == "meta" && sub != nullptr && sub->name == "lastModified") {
    expr = "r.last_modified";
  } else if (!resolved->in_extension() && kind == ResourceKind::user && attr.name == "userName") {
    expr = "r.user_name_lower";
  } else if (!resolved->in_extension() && attr.name == "displayName") {
    expr = "r.display_name_lower";
  } else if (!resolved->in_extension() && kind == ResourceKind::user && attr.name == "active") {
    expr = "r.active";
  } else if (common ||
             (!resolved->in_extension() && (attr.name == "members" || attr.name == "groups"))) {
    expr.clear();  // nothing sortable: creation order
  } else {
    std::vector<std::string> keys;
    if (resolved->in_extension()) keys.push_back(resolved->schema->id);
    keys.push_back(attr.name);
    const AttributeDef* leaf = sub;
    if (leaf == nullptr && attr.multi_valued && attr.type == AttrType::complex) {
      leaf = attr.find_sub("value");
    }
    const FilterDialect sql(dialect);
    JsonValueSql value;
    if (attr.multi_valued) {
      // A multi-valued attribute sorts by its first value (RFC 7644 leaves the choice open).
      SCIMD_ASSIGN_OR_RETURN(
          value, sql.first_value_at("r.doc", keys,
                                    leaf != nullptr ? std::optional(leaf->name) : std::nullopt));
    } else {
      if (leaf != nullptr) keys.push_back(leaf->name);
      SCIMD_ASSIGN_OR_RETURN(value, sql.value_at("r.doc", keys));
    }
    const AttributeDef& def = leaf != nullptr ? *leaf : attr;
    if (def.type == AttrType::integer || def.type == AttrType::decimal) {
      expr = sql.number_key(value);
    } else if (def.type == AttrType::boolean) {
      expr = sql.boolean_key(value);
    } else {
      expr = value.text;
      if (is_string_type(def.type) && !def.case_exact) expr = "lower(" + expr + ")";
    }
  }
  if (expr.empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(expr));
}

Result<SqlFragment> order_by_sql(Dialect dialect, ResourceKind kind, const scim::AttrPath& sort_by,
                                 bool descending) {
  SCIMD_ASSIGN_OR_RETURN(const std::optional<std::string> expr,
                         sort_key_sql(dialect, kind, sort_by));
  if (!expr) return SqlFragment{"r.seq", {}};
  return SqlFragment{
      "(" + *expr + " IS NULL), " + *expr + (descending ? " DESC" : " ASC") + ", r.seq", {}};
}

}  // namespace scimd::store::sql
