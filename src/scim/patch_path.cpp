#include "scim/patch_path.h"

#include <string>

namespace scimd::scim {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA; "$ref" is the one
// sub-attribute name that starts with "$".
bool is_attr_name(std::string_view name) {
  if (name.empty()) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(name.front()) && name.front() != '$') return false;
  for (const char c : name.substr(1)) {
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_') return false;
  }
  return true;
}

// Index of the ']' that closes the '[' at `open`, skipping brackets inside quoted strings
// (a filter value may contain "]"), or npos.
std::size_t find_closing_bracket(std::string_view text, std::size_t open) {
  int depth = 0;
  bool in_quote = false;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quote) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_quote = false;
      }
    } else if (c == '"') {
      in_quote = true;
    } else if (c == '[') {
      ++depth;
    } else if (c == ']') {
      if (--depth == 0) return i;
    }
  }
  return std::string_view::npos;
}

Error path_error(std::string_view text, std::string_view why) {
  return make_error(Errc::invalid_path,
                    "PATCH path '" + std::string(text) + "' is invalid: " + std::string(why));
}

}  // namespace

Result<PatchPath> parse_patch_path(std::string_view text) {
  const std::string_view path = trim(text);
  if (path.empty()) return path_error(text, "empty");

  const std::size_t open = path.find('[');
  if (open == std::string_view::npos) {
    auto attr = parse_attr_path(path);
    if (!attr.ok()) return path_error(path, attr.error().detail);
    return PatchPath{std::move(attr).value(), std::nullopt};
  }

  const std::size_t close = find_closing_bracket(path, open);
  if (close == std::string_view::npos) return path_error(path, "'[' is not closed");

  auto attr = parse_attr_path(trim(path.substr(0, open)));
  if (!attr.ok()) return path_error(path, attr.error().detail);
  if (!attr->sub.empty()) {
    return path_error(path,
                      "a value filter must follow a multi-valued attribute, not a sub-attribute");
  }

  auto filter = parse_filter(path.substr(open + 1, close - open - 1));
  if (!filter.ok()) return path_error(path, "value filter: " + filter.error().detail);

  const std::string_view rest = path.substr(close + 1);
  if (!rest.empty()) {
    if (rest.front() != '.' || !is_attr_name(rest.substr(1))) {
      return path_error(path, "only '.subAttribute' may follow the value filter");
    }
    attr->sub = std::string(rest.substr(1));
  }
  return PatchPath{std::move(attr).value(), std::move(filter).value()};
}

}  // namespace scimd::scim
