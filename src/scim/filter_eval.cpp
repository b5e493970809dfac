// Filter validation against the schemas and in-memory evaluation (RFC 7644 §3.4.2.2).
//
// Semantics the SQL translation in the store must share:
// - a multi-valued attribute matches when ANY of its values matches;
// - `ne` is the negation of `eq` (so `emails.value ne "a"` is false for a user having "a"
//   among other emails, and true for a user with no emails);
// - `pr`: present and not null, "" , [] or {};  `eq null` is the negation of `pr`;
// - strings compare by the attribute's caseExact with ASCII case folding, ordering is bytewise;
// - booleans compare only with eq/ne; numbers numerically; dateTimes as instants;
// - a multi-valued complex attribute compared directly (`emails co "x"`) means its `value`.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

#include "core/text.h"
#include "core/time.h"
#include "scim/filter.h"

namespace scimd::scim {

namespace json = boost::json;

namespace {

// `schemas` (RFC 7643 §3) is defined apart from every schema's attribute list, yet clients
// filter on it (RFC 7644's own example), so the filter knows it as a caseExact string list.
const AttributeDef& schemas_attribute() {
  static const AttributeDef def = [] {
    AttributeDef d;
    d.name = "schemas";
    d.type = AttrType::reference;
    d.multi_valued = true;
    d.case_exact = true;
    d.mutability = Mutability::read_only;
    return d;
  }();
  return def;
}

// Where paths are resolved: the top level of a resource, or inside `attr[...]` the elements of
// `parent` (paths there name its sub-attributes).
struct Scope {
  ResourceKind kind;
  const AttributeDef* parent = nullptr;
};

// What a comparison path names.
struct Target {
  const AttributeDef* attr = nullptr;  // top-level attribute, or the sub-attribute inside [...]
  const AttributeDef* sub = nullptr;   // for "attr.sub"
  std::string extension_urn;           // set when the attribute lives under an extension key
  const AttributeDef& leaf() const { return sub != nullptr ? *sub : *attr; }
};

Error filter_error(std::string detail) {
  return make_error(Errc::invalid_filter, std::move(detail));
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

Result<Target> find_target(const Scope& scope, const AttrPath& path) {
  if (scope.parent != nullptr) {
    if (!path.urn.empty() || !path.sub.empty()) {
      return filter_error("inside " + quoted(scope.parent->name + "[...]") +
                          " name a sub-attribute of " + quoted(scope.parent->name) + ", not " +
                          quoted(path.to_string()));
    }
    const AttributeDef* sub = scope.parent->find_sub(path.attr);
    if (sub == nullptr) {
      return filter_error("unknown attribute " + quoted(scope.parent->name + "." + path.attr));
    }
    return Target{sub, nullptr, {}};
  }
  auto resolved = resolve(scope.kind, path);
  if (!resolved.ok()) {
    if (path.urn.empty() && path.sub.empty() && iequals(path.attr, "schemas")) {
      return Target{&schemas_attribute(), nullptr, {}};
    }
    return filter_error(resolved.error().detail);
  }
  Target target{resolved->attr, resolved->sub, {}};
  if (resolved->in_extension() && resolved->schema != nullptr) {
    target.extension_urn = resolved->schema->id;
  }
  return target;
}

// RFC 7644 §3.4.2.2 lets `emails co "x"` stand for `emails.value co "x"`.
void use_implicit_value(Target& target) {
  if (target.sub != nullptr || target.attr->type != AttrType::complex ||
      !target.attr->multi_valued) {
    return;
  }
  target.sub = target.attr->find_sub("value");
}

bool is_ordering(CompareOp op) {
  return op == CompareOp::gt || op == CompareOp::ge || op == CompareOp::lt || op == CompareOp::le;
}
bool is_substring(CompareOp op) {
  return op == CompareOp::co || op == CompareOp::sw || op == CompareOp::ew;
}

std::optional<bool> as_bool(const json::value& v) {
  if (v.is_bool()) return v.get_bool();
  // Entra writes booleans as "True"/"False" strings (`roles[primary eq "True"]`).
  if (v.is_string()) {
    const std::string_view s = v.get_string();
    if (iequals(s, "true")) return true;
    if (iequals(s, "false")) return false;
  }
  return std::nullopt;
}

struct Number {
  bool integral = false;
  std::int64_t i = 0;
  double d = 0;
};

std::optional<Number> as_number(const json::value& v) {
  if (v.is_int64()) return Number{true, v.get_int64(), static_cast<double>(v.get_int64())};
  if (v.is_uint64()) {
    const std::uint64_t u = v.get_uint64();
    if (u <= static_cast<std::uint64_t>(INT64_MAX)) {
      return Number{true, static_cast<std::int64_t>(u), static_cast<double>(u)};
    }
    return Number{false, 0, static_cast<double>(u)};
  }
  if (v.is_double()) return Number{false, 0, v.get_double()};
  if (v.is_string()) {
    // Numbers sent as strings are compared as numbers.
    const std::string_view s = v.get_string();
    const char* const end = s.data() + s.size();
    std::int64_t i = 0;
    if (auto [p, ec] = std::from_chars(s.data(), end, i); ec == std::errc() && p == end) {
      return Number{true, i, static_cast<double>(i)};
    }
    double d = 0;
    if (auto [p, ec] = std::from_chars(s.data(), end, d);
        ec == std::errc() && p == end && !s.empty()) {
      return Number{false, 0, d};
    }
  }
  return std::nullopt;
}

std::optional<TimePoint> as_time(const json::value& v) {
  if (!v.is_string()) return std::nullopt;
  return parse_time(v.get_string());
}

template <class T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

bool ordering_holds(CompareOp op, int order) {
  switch (op) {
    case CompareOp::eq:
      return order == 0;
    case CompareOp::gt:
      return order > 0;
    case CompareOp::ge:
      return order >= 0;
    case CompareOp::lt:
      return order < 0;
    case CompareOp::le:
      return order <= 0;
    default:
      return false;
  }
}

// Whether one attribute value satisfies `op literal`; `ne` is handled by the caller as !eq.
bool leaf_matches(const AttributeDef& def, CompareOp op, const json::value& leaf,
                  const json::value& literal) {
  switch (def.type) {
    case AttrType::string:
    case AttrType::reference:
    case AttrType::binary: {
      auto left = scalar_text(leaf);
      auto right = scalar_text(literal);
      if (!left || !right) return false;
      if (!def.case_exact) {
        left = to_lower(*left);
        right = to_lower(*right);
      }
      const std::string_view l = *left;
      const std::string_view r = *right;
      switch (op) {
        case CompareOp::co:
          return l.find(r) != std::string_view::npos;
        case CompareOp::sw:
          return l.substr(0, r.size()) == r;
        case CompareOp::ew:
          return l.size() >= r.size() && l.substr(l.size() - r.size()) == r;
        default:
          return ordering_holds(op, three_way(l, r));
      }
    }
    case AttrType::boolean: {
      const auto left = as_bool(leaf);
      const auto right = as_bool(literal);
      return op == CompareOp::eq && left && right && *left == *right;
    }
    case AttrType::integer:
    case AttrType::decimal: {
      const auto left = as_number(leaf);
      const auto right = as_number(literal);
      if (!left || !right || is_substring(op)) return false;
      const int order = (left->integral && right->integral) ? three_way(left->i, right->i)
                                                            : three_way(left->d, right->d);
      return ordering_holds(op, order);
    }
    case AttrType::date_time: {
      const auto left = as_time(leaf);
      const auto right = as_time(literal);
      if (!left || !right || is_substring(op)) return false;
      return ordering_holds(op, three_way(*left, *right));
    }
    case AttrType::complex:
      return false;
  }
  return false;
}

// pr (RFC 7644 §3.4.2.2): has a non-empty value.
bool present(const json::value& v) {
  if (v.is_null()) return false;
  if (v.is_string()) return !v.get_string().empty();
  if (v.is_array()) {
    return std::any_of(v.get_array().begin(), v.get_array().end(),
                       [](const json::value& e) { return present(e); });
  }
  if (v.is_object()) return !v.get_object().empty();
  return true;
}

// Member by name, exact spelling first, then case-insensitively (names are case-insensitive).
const json::value* find_key(const json::object& object, std::string_view key) {
  if (const auto* exact = object.if_contains(key)) return exact;
  for (const auto& entry : object) {
    if (iequals(entry.key(), key)) return &entry.value();
  }
  return nullptr;
}

// The value of the target's top-level attribute in `object`, or nullptr.
const json::value* find_attribute(const json::object& object, const Target& target) {
  const json::object* holder = &object;
  if (!target.extension_urn.empty()) {
    const json::value* extension = find_key(object, target.extension_urn);
    if (extension == nullptr || !extension->is_object()) return nullptr;
    holder = &extension->get_object();
  }
  return find_key(*holder, target.attr->name);
}

// Every value the target path reaches; arrays are flattened one level (multi-valued).
std::vector<const json::value*> collect_values(const json::object& object, const Target& target) {
  std::vector<const json::value*> values;
  const json::value* attribute = find_attribute(object, target);
  if (attribute == nullptr) return values;
  auto add_flat = [&values](const json::value& v) {
    if (v.is_array()) {
      for (const auto& element : v.get_array()) values.push_back(&element);
    } else {
      values.push_back(&v);
    }
  };
  if (target.sub == nullptr) {
    add_flat(*attribute);
    return values;
  }
  auto add_sub = [&](const json::value& element) {
    if (!element.is_object()) return;
    if (const json::value* sub = find_key(element.get_object(), target.sub->name)) add_flat(*sub);
  };
  if (attribute->is_array()) {
    for (const auto& element : attribute->get_array()) add_sub(element);
  } else {
    add_sub(*attribute);
  }
  return values;
}

// ---- validation ----

Status validate_literal(const Filter& f, const AttributeDef& def, std::string_view name) {
  const std::string op_name(compare_op_name(f.op));
  if (f.value.is_null()) {
    if (f.op == CompareOp::eq || f.op == CompareOp::ne) return {};
    return filter_error("operator " + quoted(op_name) + " cannot compare " + quoted(name) +
                        " with null");
  }
  if (!f.value.is_string() && !f.value.is_bool() && !f.value.is_number()) {
    return filter_error("the value compared with " + quoted(name) + " must be a scalar");
  }
  switch (def.type) {
    case AttrType::boolean:
      if (f.op != CompareOp::eq && f.op != CompareOp::ne) {
        return filter_error("operator " + quoted(op_name) + " does not apply to boolean " +
                            quoted(name) + " (only eq and ne do)");
      }
      if (!as_bool(f.value)) {
        return filter_error(quoted(name) + " is a boolean; compare it with true or false");
      }
      return {};
    case AttrType::integer:
    case AttrType::decimal:
      if (is_substring(f.op)) {
        return filter_error("operator " + quoted(op_name) + " does not apply to number " +
                            quoted(name));
      }
      if (!as_number(f.value)) {
        return filter_error(quoted(name) + " is a number; compare it with a number");
      }
      return {};
    case AttrType::date_time:
      if (is_substring(f.op)) {
        return filter_error("operator " + quoted(op_name) + " does not apply to dateTime " +
                            quoted(name));
      }
      if (!as_time(f.value)) {
        return filter_error(quoted(name) +
                            " is a dateTime; compare it with a time such as "
                            "\"2011-05-13T04:42:34Z\"");
      }
      return {};
    case AttrType::binary:
      if (is_ordering(f.op)) {
        return filter_error("operator " + quoted(op_name) + " does not apply to binary " +
                            quoted(name));
      }
      return {};
    case AttrType::string:
    case AttrType::reference:
      return {};
    case AttrType::complex:
      break;
  }
  return filter_error(quoted(name) +
                      " is a complex attribute; compare one of its sub-attributes instead");
}

Status validate_in(const Scope& scope, const Filter& f);

Status validate_children(const Scope& scope, const Filter& f, std::size_t expected) {
  if (f.children.size() != expected) return filter_error("malformed filter expression");
  for (const Filter& child : f.children) SCIMD_TRY(validate_in(scope, child));
  return {};
}

Status validate_in(const Scope& scope, const Filter& f) {
  switch (f.kind) {
    case Filter::Kind::logical_and:
    case Filter::Kind::logical_or:
      return validate_children(scope, f, 2);
    case Filter::Kind::logical_not:
      return validate_children(scope, f, 1);
    case Filter::Kind::value_path: {
      if (scope.parent != nullptr) return filter_error("value filters '[...]' cannot be nested");
      SCIMD_ASSIGN_OR_RETURN(const Target target, find_target(scope, f.path));
      if (target.sub != nullptr || target.attr->type != AttrType::complex) {
        return filter_error(quoted(f.path.to_string()) +
                            " is not a complex attribute, so it cannot take a filter '[...]'");
      }
      if (target.attr->returned == Returned::never) {
        return filter_error(quoted(target.attr->name) + " cannot be used in a filter");
      }
      return validate_children(Scope{scope.kind, target.attr}, f, 1);
    }
    case Filter::Kind::compare:
      break;
  }
  SCIMD_ASSIGN_OR_RETURN(Target target, find_target(scope, f.path));
  if (target.leaf().returned == Returned::never || target.attr->returned == Returned::never) {
    return filter_error(quoted(f.path.to_string()) + " cannot be used in a filter");
  }
  if (f.op == CompareOp::pr) return {};
  use_implicit_value(target);
  return validate_literal(f, target.leaf(), f.path.to_string());
}

// ---- evaluation ----

bool evaluate(const Scope& scope, const Filter& f, const json::object& object);

bool evaluate_compare(const Scope& scope, const Filter& f, const json::object& object) {
  auto found = find_target(scope, f.path);
  std::vector<const json::value*> values;
  const AttributeDef* def = nullptr;
  if (found.ok()) {
    Target target = std::move(found).value();
    if (f.op != CompareOp::pr) use_implicit_value(target);
    values = collect_values(object, target);
    def = &target.leaf();
  }
  const bool any_present =
      std::any_of(values.begin(), values.end(), [](const json::value* v) { return present(*v); });
  if (f.op == CompareOp::pr) return any_present;
  if (f.value.is_null()) {
    if (f.op == CompareOp::eq) return !any_present;
    if (f.op == CompareOp::ne) return any_present;
    return false;
  }
  const CompareOp op = f.op == CompareOp::ne ? CompareOp::eq : f.op;
  const bool any_match =
      def != nullptr && std::any_of(values.begin(), values.end(), [&](const json::value* v) {
        return leaf_matches(*def, op, *v, f.value);
      });
  return f.op == CompareOp::ne ? !any_match : any_match;
}

bool evaluate_value_path(const Scope& scope, const Filter& f, const json::object& object) {
  if (scope.parent != nullptr || f.children.size() != 1) return false;
  const auto found = find_target(scope, f.path);
  if (!found.ok() || found->sub != nullptr || found->attr->type != AttrType::complex) return false;
  const json::value* attribute = find_attribute(object, *found);
  if (attribute == nullptr) return false;
  const Scope inner{scope.kind, found->attr};
  auto element_matches = [&](const json::value& element) {
    return element.is_object() && evaluate(inner, f.children[0], element.get_object());
  };
  if (attribute->is_array()) {
    const auto& elements = attribute->get_array();
    return std::any_of(elements.begin(), elements.end(), element_matches);
  }
  return element_matches(*attribute);
}

bool evaluate(const Scope& scope, const Filter& f, const json::object& object) {
  switch (f.kind) {
    case Filter::Kind::compare:
      return evaluate_compare(scope, f, object);
    case Filter::Kind::logical_and:
      return !f.children.empty() &&
             std::all_of(f.children.begin(), f.children.end(),
                         [&](const Filter& child) { return evaluate(scope, child, object); });
    case Filter::Kind::logical_or:
      return std::any_of(f.children.begin(), f.children.end(),
                         [&](const Filter& child) { return evaluate(scope, child, object); });
    case Filter::Kind::logical_not:
      return f.children.size() == 1 && !evaluate(scope, f.children[0], object);
    case Filter::Kind::value_path:
      return evaluate_value_path(scope, f, object);
  }
  return false;
}

}  // namespace

Status validate_filter(ResourceKind kind, const Filter& filter) {
  return validate_in(Scope{kind, nullptr}, filter);
}

bool matches(ResourceKind kind, const Filter& filter, const json::object& resource) {
  return evaluate(Scope{kind, nullptr}, filter, resource);
}

std::optional<std::string> scalar_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_bool()) return std::string(v.get_bool() ? "true" : "false");
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) {
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double());
    if (ec != std::errc()) return std::nullopt;
    return std::string(buf, end);
  }
  return std::nullopt;
}

}  // namespace scimd::scim
