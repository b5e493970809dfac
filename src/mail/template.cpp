#include "mail/template.h"

#include <algorithm>

#include "core/text.h"

namespace scimd::mail {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_variable(std::string_view name) {
  const auto& all = template_variables();
  return std::find(all.begin(), all.end(), name) != all.end();
}

std::string string_at(const boost::json::object& obj, std::string_view key) {
  const auto* v = obj.if_contains(key);
  if (v != nullptr && v->is_string()) return std::string(v->get_string());
  return {};
}

// An address is something@something with no spaces; enough to tell an email-like userName
// from "jdoe" (the SMTP server has the final word).
bool looks_like_address(std::string_view s) {
  const auto at = s.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < s.size() &&
         s.find_first_of(" \t\r\n<>") == std::string_view::npos;
}

}  // namespace

const std::vector<std::string>& template_variables() {
  static const std::vector<std::string> all = {"userName", "displayName", "givenName",
                                               "familyName", "email", "tenant", "loginUrl",
                                               "userId"};
  return all;
}

Status check_template(std::string_view text, std::string_view field) {
  std::size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    const std::size_t close = text.find("}}", pos + 2);
    if (close == std::string_view::npos) {
      return make_error(Errc::invalid_value,
                        "invitations." + std::string(field) + ": unclosed \"{{\" at offset " +
                            std::to_string(pos));
    }
    const std::string_view name = trim(text.substr(pos + 2, close - pos - 2));
    if (!is_variable(name)) {
      std::string known;
      for (const auto& v : template_variables()) known += (known.empty() ? "" : ", ") + v;
      return make_error(Errc::invalid_value, "invitations." + std::string(field) +
                                                 ": unknown variable {{" + std::string(name) +
                                                 "}} (known: " + known + ")");
    }
    pos = close + 2;
  }
  return {};
}

std::string render_template(std::string_view text, const TemplateVars& vars) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = text.find("{{", pos);
    const std::size_t close = open == std::string_view::npos ? open : text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      out.append(text.substr(pos));
      return out;
    }
    out.append(text.substr(pos, open - pos));
    const auto it = vars.find(trim(text.substr(open + 2, close - open - 2)));
    if (it != vars.end()) out += it->second;
    pos = close + 2;
  }
}

TemplateVars invitation_vars(const boost::json::object& user, std::string_view email,
                             std::string_view tenant, std::string_view login_url) {
  TemplateVars vars;
  vars["userName"] = string_at(user, "userName");
  vars["displayName"] = string_at(user, "displayName");
  if (const auto* name = user.if_contains("name"); name != nullptr && name->is_object()) {
    vars["givenName"] = string_at(name->get_object(), "givenName");
    vars["familyName"] = string_at(name->get_object(), "familyName");
  }
  vars["email"] = std::string(email);
  vars["tenant"] = std::string(tenant);
  vars["loginUrl"] = std::string(login_url);
  vars["userId"] = string_at(user, "id");
  return vars;
}

std::string invitation_recipient(const boost::json::object& user) {
  std::string work, primary, first;
  if (const auto* emails = user.if_contains("emails"); emails != nullptr && emails->is_array()) {
    for (const auto& item : emails->get_array()) {
      if (!item.is_object()) continue;
      const auto& e = item.get_object();
      const std::string value = string_at(e, "value");
      if (!looks_like_address(value)) continue;
      if (first.empty()) first = value;
      if (work.empty() && to_lower(string_at(e, "type")) == "work") work = value;
      const auto* p = e.if_contains("primary");
      if (primary.empty() && p != nullptr && p->is_bool() && p->get_bool()) primary = value;
    }
  }
  if (!work.empty()) return work;
  if (!primary.empty()) return primary;
  if (!first.empty()) return first;
  const std::string user_name = string_at(user, "userName");
  return looks_like_address(user_name) ? user_name : std::string();
}

std::string header_safe(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

}  // namespace scimd::mail
