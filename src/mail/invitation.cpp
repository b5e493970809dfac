#include "mail/invitation.h"

#include "mail/message.h"
#include "mail/template.h"

namespace scimd::mail {

namespace {

Error invalid(std::string detail) {
  return make_error(Errc::invalid_value, "invitations: " + std::move(detail));
}

}  // namespace

Result<InvitationSettings> parse_invitation_settings(const boost::json::value& value) {
  if (!value.is_object()) return invalid("must be a JSON object");
  InvitationSettings s;
  for (const auto& [key, v] : value.get_object()) {
    if (key == "enabled") {
      if (!v.is_bool()) return invalid("\"enabled\" must be true or false");
      s.enabled = v.get_bool();
      continue;
    }
    std::string* target = key == "from"        ? &s.from
                          : key == "subject"   ? &s.subject
                          : key == "body"      ? &s.body
                          : key == "login_url" ? &s.login_url
                                               : nullptr;
    if (target == nullptr) {
      return invalid("unknown key \"" + std::string(key) +
                     "\" (known: enabled, from, subject, body, login_url)");
    }
    if (!v.is_string()) return invalid("\"" + std::string(key) + "\" must be a string");
    *target = std::string(v.get_string());
  }
  if (s.enabled) {
    if (s.from.empty()) return invalid("\"from\" is required when enabled");
    if (s.subject.empty()) return invalid("\"subject\" is required when enabled");
    if (s.body.empty()) return invalid("\"body\" is required when enabled");
  }
  if (!s.from.empty() && mailbox_address(s.from).empty()) {
    return invalid("\"from\" must be an address or \"Name <address>\" on one line");
  }
  if (s.login_url.find_first_of("\r\n") != std::string::npos) {
    return invalid("\"login_url\" must be one line");
  }
  SCIMD_TRY(check_template(s.subject, "subject"));
  SCIMD_TRY(check_template(s.body, "body"));
  return s;
}

}  // namespace scimd::mail
