// The filter parser (RFC 7644 §3.4.2.2). Evaluation and validation are in filter_eval.cpp.
#include "scim/filter.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>

#include "core/text.h"

namespace scimd::scim {

namespace json = boost::json;

std::string_view compare_op_name(CompareOp op) {
  switch (op) {
    case CompareOp::eq:
      return "eq";
    case CompareOp::ne:
      return "ne";
    case CompareOp::co:
      return "co";
    case CompareOp::sw:
      return "sw";
    case CompareOp::ew:
      return "ew";
    case CompareOp::gt:
      return "gt";
    case CompareOp::ge:
      return "ge";
    case CompareOp::lt:
      return "lt";
    case CompareOp::le:
      return "le";
    case CompareOp::pr:
      return "pr";
  }
  return "?";
}

namespace {

constexpr CompareOp kAllOps[] = {CompareOp::eq, CompareOp::ne, CompareOp::co, CompareOp::sw,
                                 CompareOp::ew, CompareOp::gt, CompareOp::ge, CompareOp::lt,
                                 CompareOp::le, CompareOp::pr};

std::optional<CompareOp> op_from_word(std::string_view word) {
  for (const CompareOp op : kAllOps) {
    if (iequals(word, compare_op_name(op))) return op;
  }
  return std::nullopt;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A "word" is an attribute path, operator, keyword or unquoted value: it runs until whitespace
// or a character with a meaning of its own in the grammar.
bool is_word_char(char c) {
  return !is_space(c) && c != '(' && c != ')' && c != '[' && c != ']' && c != '"';
}

bool is_keyword(std::string_view word) {
  return iequals(word, "and") || iequals(word, "or") || iequals(word, "not");
}

// Error details quote client input; keep them printable ASCII whatever bytes were sent.
std::string printable(std::string_view text) {
  constexpr std::size_t kMaxShown = 40;
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u >= 0x20 && u < 0x7f) {
      out += text[i];
    } else {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  if (text.size() > kMaxShown) out += "...";
  return out;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// JSON number grammar (RFC 8259 §6): -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
// Sets `integral` when there is neither fraction nor exponent.
bool is_json_number(std::string_view s, bool& integral) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  integral = true;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
    integral = false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
    integral = false;
  }
  return i == s.size();
}

// Numbers are int64 when written as integers that fit, else double; nullopt if not a number.
std::optional<json::value> parse_number(std::string_view word) {
  bool integral = false;
  if (!is_json_number(word, integral)) return std::nullopt;
  if (integral) {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
    if (ec == std::errc() && end == word.data() + word.size()) return json::value(n);
  }
  double d = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), d);
  if (ec != std::errc() || end != word.data() + word.size() || !std::isfinite(d)) {
    return std::nullopt;
  }
  return json::value(d);
}

Filter make_logical(Filter::Kind kind, Filter left, Filter right) {
  Filter f;
  f.kind = kind;
  f.children.push_back(std::move(left));
  f.children.push_back(std::move(right));
  return f;
}

// A chain `a and b and c ...` is associative, so it is built as a balanced tree: a long chain
// then costs log(n) recursion in evaluation and in the SQL a store generates, not n.
Filter build_balanced(Filter::Kind kind, std::vector<Filter>& terms, std::size_t lo,
                      std::size_t hi) {
  if (hi - lo == 1) return std::move(terms[lo]);
  const std::size_t mid = lo + (hi - lo + 1) / 2;
  return make_logical(kind, build_balanced(kind, terms, lo, mid),
                      build_balanced(kind, terms, mid, hi));
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Filter> parse_whole() {
    SCIMD_ASSIGN_OR_RETURN(Filter filter, parse_or());
    skip_spaces();
    if (!at_end()) {
      if (peek() == ')') return error_at(pos_, "found ')' without a matching '('");
      if (peek() == ']') return error_at(pos_, "found ']' without a matching '['");
      return error_at(pos_, "expected 'and', 'or' or the end of the filter, found " + found());
    }
    return filter;
  }

 private:
  // Counts one level of (), [] or `not`; the caller leaves the level with leave_level().
  Status enter_level() {
    if (++depth_ > kMaxFilterDepth) {
      return error_at(
          pos_, "filter is nested more than " + std::to_string(kMaxFilterDepth) + " levels deep");
    }
    return {};
  }
  void leave_level() { --depth_; }

  Result<Filter> parse_or() {
    std::vector<Filter> terms;
    SCIMD_ASSIGN_OR_RETURN(Filter first, parse_and());
    terms.push_back(std::move(first));
    while (true) {
      skip_spaces();
      if (!at_keyword("or")) break;
      pos_ += 2;
      SCIMD_ASSIGN_OR_RETURN(Filter next, parse_and());
      terms.push_back(std::move(next));
    }
    return build_balanced(Filter::Kind::logical_or, terms, 0, terms.size());
  }

  Result<Filter> parse_and() {
    std::vector<Filter> terms;
    SCIMD_ASSIGN_OR_RETURN(Filter first, parse_not());
    terms.push_back(std::move(first));
    while (true) {
      skip_spaces();
      if (!at_keyword("and")) break;
      pos_ += 3;
      SCIMD_ASSIGN_OR_RETURN(Filter next, parse_not());
      terms.push_back(std::move(next));
    }
    return build_balanced(Filter::Kind::logical_and, terms, 0, terms.size());
  }

  // RFC 7644 wants "not" "(" filter ")"; `not(` and `not attrExp` are accepted too.
  Result<Filter> parse_not() {
    skip_spaces();
    if (!at_keyword("not")) return parse_primary();
    pos_ += 3;
    SCIMD_TRY(enter_level());
    SCIMD_ASSIGN_OR_RETURN(Filter inner, parse_not());
    leave_level();
    Filter negation;
    negation.kind = Filter::Kind::logical_not;
    negation.children.push_back(std::move(inner));
    return negation;
  }

  Result<Filter> parse_primary() {
    skip_spaces();
    if (!at_end() && peek() == '(') {
      const std::size_t open = pos_++;
      SCIMD_TRY(enter_level());
      SCIMD_ASSIGN_OR_RETURN(Filter inner, parse_or());
      leave_level();
      skip_spaces();
      if (at_end() || peek() != ')') {
        return error_at(pos_, "expected ')' to close the '(' at " + std::to_string(open + 1) +
                                  ", found " + found());
      }
      ++pos_;
      return inner;
    }
    const std::string_view word = peek_word();
    if (word.empty() || is_keyword(word)) {
      return error_at(pos_, "expected an attribute path, '(' or 'not', found " + found());
    }
    return parse_attr_expression();
  }

  // attrPath op value | attrPath "pr" | attrPath "[" valFilter "]" ["." subAttr op value]
  Result<Filter> parse_attr_expression() {
    const std::size_t path_pos = pos_;
    const std::string_view word = read_word();
    auto path = parse_attr_path(word);
    if (!path.ok()) {
      return error_at(path_pos,
                      "invalid attribute path '" + printable(word) + "': " + path.error().detail);
    }
    skip_spaces();
    if (at_end() || peek() != '[') return parse_comparison(std::move(path).value());

    if (in_brackets_) return error_at(pos_, "value filters '[...]' cannot be nested");
    const std::size_t open = pos_++;
    SCIMD_TRY(enter_level());
    in_brackets_ = true;
    SCIMD_ASSIGN_OR_RETURN(Filter inner, parse_or());
    in_brackets_ = false;
    leave_level();
    skip_spaces();
    if (at_end() || peek() != ']') {
      return error_at(pos_, "expected ']' to close the '[' at " + std::to_string(open + 1) +
                                ", found " + found());
    }
    ++pos_;
    Filter value_path;
    value_path.kind = Filter::Kind::value_path;
    value_path.path = std::move(path).value();

    // Entra: `emails[type eq "work"].value eq "x"` means some work email equals "x".
    if (!at_end() && peek() == '.') {
      ++pos_;
      const std::size_t sub_pos = pos_;
      const std::string_view sub_word = read_word();
      auto sub = parse_attr_path(sub_word);
      if (!sub.ok() || !sub->urn.empty() || !sub->sub.empty()) {
        return error_at(sub_pos,
                        "expected a sub-attribute name after '].', found " + found_at(sub_pos));
      }
      SCIMD_ASSIGN_OR_RETURN(Filter comparison, parse_comparison(std::move(sub).value()));
      value_path.children.push_back(
          make_logical(Filter::Kind::logical_and, std::move(inner), std::move(comparison)));
    } else {
      value_path.children.push_back(std::move(inner));
    }
    return value_path;
  }

  Result<Filter> parse_comparison(AttrPath path) {
    skip_spaces();
    const std::size_t op_pos = pos_;
    const std::string_view op_word = read_word();
    const auto op = op_from_word(op_word);
    if (!op) {
      return error_at(op_pos,
                      "expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after '" +
                          printable(path.to_string()) + "', found " + found_at(op_pos));
    }
    Filter comparison;
    comparison.path = std::move(path);
    comparison.op = *op;
    if (*op == CompareOp::pr) return comparison;
    SCIMD_ASSIGN_OR_RETURN(comparison.value, parse_value(*op));
    return comparison;
  }

  // A JSON string, true/false/null, a number, or (leniently) any other bare word as a string.
  Result<json::value> parse_value(CompareOp op) {
    skip_spaces();
    if (!at_end() && peek() == '"') {
      SCIMD_ASSIGN_OR_RETURN(std::string text, parse_string());
      return json::value(json::string(text));
    }
    const std::size_t value_pos = pos_;
    const std::string_view word = read_word();
    const std::string expected =
        std::string("expected a value after '") + std::string(compare_op_name(op)) + "', found ";
    if (word.empty()) return error_at(value_pos, expected + found_at(value_pos));
    if (is_keyword(word)) {
      return error_at(value_pos, expected + "the keyword '" + printable(word) +
                                     "' (quote it to compare with that text)");
    }
    if (iequals(word, "true")) return json::value(true);
    if (iequals(word, "false")) return json::value(false);
    if (iequals(word, "null")) return json::value(nullptr);
    if (auto number = parse_number(word)) return std::move(*number);
    // Microsoft's own test collection sends `userName sw O` and unquoted dateTimes.
    return json::value(json::string(word));
  }

  // At '"': a JSON string with its escapes decoded to UTF-8.
  Result<std::string> parse_string() {
    const std::size_t open = pos_++;
    std::string out;
    while (true) {
      if (at_end()) {
        return error_at(open, "the string that starts here has no closing '\"'");
      }
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      const std::size_t escape_pos = pos_;
      if (pos_ + 1 >= text_.size()) {
        return error_at(open, "the string that starts here has no closing '\"'");
      }
      const char e = text_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          SCIMD_ASSIGN_OR_RETURN(const std::uint32_t cp, parse_unicode_escape(escape_pos));
          append_utf8(out, cp);
          break;
        }
        default:
          // Not a JSON escape: kept as written, so a value like "Sales\Ops" still matches.
          out += '\\';
          out += e;
          break;
      }
    }
  }

  // After "\u" (escape_pos points at the backslash): 4 hex digits, a surrogate pair as one
  // code point.
  Result<std::uint32_t> parse_unicode_escape(std::size_t escape_pos) {
    SCIMD_ASSIGN_OR_RETURN(const std::uint32_t unit, read_hex4(escape_pos));
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      return error_at(escape_pos, "a \\u escape has a low surrogate without a high one before it");
    }
    if (unit < 0xd800 || unit > 0xdbff) return unit;
    if (pos_ + 1 >= text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u') {
      return error_at(escape_pos, "a \\u escape has a high surrogate without a low one after it");
    }
    const std::size_t low_pos = pos_;
    pos_ += 2;
    SCIMD_ASSIGN_OR_RETURN(const std::uint32_t low, read_hex4(low_pos));
    if (low < 0xdc00 || low > 0xdfff) {
      return error_at(low_pos, "expected a low surrogate \\uDC00-\\uDFFF after a high one");
    }
    return 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
  }

  Result<std::uint32_t> read_hex4(std::size_t escape_pos) {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      if (at_end()) return error_at(escape_pos, "a \\u escape needs 4 hex digits");
      const char c = text_[pos_];
      std::uint32_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return error_at(escape_pos, "a \\u escape needs 4 hex digits");
      }
      value = value * 16 + digit;
      ++pos_;
    }
    return value;
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void skip_spaces() {
    while (!at_end() && is_space(peek())) ++pos_;
  }

  std::string_view word_at(std::size_t pos) const {
    const std::size_t start = std::min(pos, text_.size());
    std::size_t end = start;
    while (end < text_.size() && is_word_char(text_[end])) ++end;
    return text_.substr(start, end - start);
  }
  std::string_view peek_word() const { return word_at(pos_); }
  std::string_view read_word() {
    const std::string_view word = peek_word();
    pos_ += word.size();
    return word;
  }
  bool at_keyword(std::string_view keyword) const { return iequals(peek_word(), keyword); }

  // What the parser met at `pos`, for error details.
  std::string found_at(std::size_t pos) const {
    if (pos >= text_.size()) return "the end of the filter";
    const std::string_view word = word_at(pos);
    if (!word.empty()) return "'" + printable(word) + "'";
    return "'" + printable(text_.substr(pos, 1)) + "'";
  }
  std::string found() const { return found_at(pos_); }

  Error error_at(std::size_t pos, const std::string& message) const {
    return make_error(Errc::invalid_filter, "at " + std::to_string(pos + 1) + ": " + message);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  bool in_brackets_ = false;
};

}  // namespace

Result<Filter> parse_filter(std::string_view text) {
  if (text.size() > kMaxFilterLength) {
    return make_error(Errc::invalid_filter, "at " + std::to_string(kMaxFilterLength + 1) +
                                                ": filter is longer than " +
                                                std::to_string(kMaxFilterLength) + " characters");
  }
  return Parser(text).parse_whole();
}

}  // namespace scimd::scim
