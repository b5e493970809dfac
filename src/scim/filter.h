// SCIM filters (RFC 7644 §3.4.2.2): the AST, the parser, and in-memory evaluation.
// Stores translate the same AST to SQL (store/sqlite/filter_sql.h); both paths must agree.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/result.h"
#include "scim/attr_path.h"
#include "scim/schema.h"

namespace scimd::scim {

enum class CompareOp { eq, ne, co, sw, ew, gt, ge, lt, le, pr };

std::string_view compare_op_name(CompareOp op);

struct Filter {
  enum class Kind {
    compare,      // path op value   (value is null for `pr`)
    logical_and,  // children[0] and children[1]
    logical_or,   // children[0] or children[1]
    logical_not,  // not (children[0])
    value_path,   // path[children[0]]: some element of multi-valued `path` matches the inner
                  // filter, whose paths name sub-attributes (AttrPath::attr = sub name).
                  // Entra's `emails[type eq "work"].value eq "x"` parses as
                  // value_path(emails, and(type eq "work", value eq "x")).
  };
  Kind kind = Kind::compare;
  AttrPath path;
  CompareOp op = CompareOp::eq;
  boost::json::value value;  // string, bool, int64/double, or null
  std::vector<Filter> children;
};

// Limits that keep a hostile filter from costing more than a normal one.
inline constexpr std::size_t kMaxFilterLength = 8192;
inline constexpr int kMaxFilterDepth = 32;

// Parses the full grammar: eq ne co sw ew gt ge lt le pr; and, or, not; parentheses with
// precedence (not > and > or); value paths; URN-qualified names; quoted strings with JSON
// escapes, true/false/null, numbers. Leniency clients rely on: operators and keywords in any
// case; an unquoted value that is not a keyword or number is taken as a string
// (`userName sw O`). Errors: invalid_filter, detail names the position ("at 14: ...").
Result<Filter> parse_filter(std::string_view text);

// Checks every path against the resource type's schemas (unknown attribute -> invalid_filter)
// and that operators fit the attribute type (e.g. gt on a boolean -> invalid_filter).
Status validate_filter(ResourceKind kind, const Filter& filter);

// A scalar as text, the way string attributes compare with it: a bare number or boolean in a
// filter (`employeeNumber eq 701984`) compares as its JSON text. nullopt for null/arrays/objects.
std::optional<std::string> scalar_text(const boost::json::value& v);

// Evaluates against a full resource representation (as returned to clients: id, meta,
// extension URN keys, members/groups). Comparisons follow the attribute's type and caseExact.
bool matches(ResourceKind kind, const Filter& filter, const boost::json::object& resource);

}  // namespace scimd::scim
