#include "scim/attr_path.h"

namespace scimd::scim {

namespace {

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 7643 §2.1: ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA.
// "$ref" is a sub-attribute the RFC itself defines, so '$' is accepted as well.
bool is_name_char(char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '$'; }

// A URN may hold anything printable except what would end a path in a filter or PATCH path.
bool is_urn_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u == 0x7f) return false;
  return c != '"' && c != '(' && c != ')' && c != '[' && c != ']';
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// Checks one attribute or sub-attribute name; `what` says which, for the error detail.
Status check_name(std::string_view name, std::string_view what, std::string_view whole) {
  if (name.empty()) {
    return make_error(Errc::invalid_path,
                      std::string(what) + " name is empty in path " + quoted(whole));
  }
  if (!is_alpha(name[0]) && name[0] != '$') {
    return make_error(Errc::invalid_path, std::string(what) + " name " + quoted(name) +
                                              " must start with a letter (in path " +
                                              quoted(whole) + ")");
  }
  for (const char c : name) {
    if (!is_name_char(c)) {
      return make_error(Errc::invalid_path, "character " + quoted(std::string_view(&c, 1)) +
                                                " is not allowed in " + std::string(what) +
                                                " name " + quoted(name) + " (in path " +
                                                quoted(whole) + ")");
    }
  }
  return {};
}

}  // namespace

std::string AttrPath::to_string() const {
  std::string out;
  if (!urn.empty()) out += urn + ":";
  out += attr;
  if (!sub.empty()) out += "." + sub;
  return out;
}

Result<AttrPath> parse_attr_path(std::string_view text) {
  if (text.empty()) return make_error(Errc::invalid_path, "attribute path is empty");
  AttrPath path;
  std::string_view rest = text;
  // URNs contain dots ("2.0"), so the URN is cut at the last ':' before looking for '.'.
  if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    const std::string_view urn = text.substr(0, colon);
    if (urn.empty()) {
      return make_error(Errc::invalid_path, "schema URN is empty in path " + quoted(text));
    }
    for (const char c : urn) {
      if (!is_urn_char(c)) {
        return make_error(Errc::invalid_path, "character " + quoted(std::string_view(&c, 1)) +
                                                  " is not allowed in schema URN " + quoted(urn));
      }
    }
    path.urn = std::string(urn);
    rest = text.substr(colon + 1);
  }
  std::string_view attr = rest;
  std::string_view sub;
  if (const auto dot = rest.find('.'); dot != std::string_view::npos) {
    attr = rest.substr(0, dot);
    sub = rest.substr(dot + 1);
    if (sub.find('.') != std::string_view::npos) {
      return make_error(Errc::invalid_path,
                        "path " + quoted(text) + " has more than one sub-attribute level");
    }
    SCIMD_TRY(check_name(sub, "sub-attribute", text));
  }
  SCIMD_TRY(check_name(attr, "attribute", text));
  path.attr = std::string(attr);
  path.sub = std::string(sub);
  return path;
}

}  // namespace scimd::scim
