// Invitation settings of a tenant (settings key "invitations"):
//   {"enabled": true, "from": "Acme <no-reply@acme.test>", "subject": "Welcome {{displayName}}",
//    "body": "Hello {{givenName}}, ... {{loginUrl}}", "login_url": "https://app.acme.test/login"}
// Variables: {{userName}} {{displayName}} {{givenName}} {{familyName}} {{email}} {{tenant}}
// {{loginUrl}} {{userId}}.
#pragma once

#include <string>

#include <boost/json.hpp>

#include "core/result.h"

namespace scimd::mail {

struct InvitationSettings {
  bool enabled = false;
  std::string from;
  std::string subject;
  std::string body;
  std::string login_url;
};

// Errors (invalid_value, naming the problem): not an object, unknown key, wrong types,
// enabled without from/subject/body, a template with an unknown variable or an unclosed "{{".
Result<InvitationSettings> parse_invitation_settings(const boost::json::value& value);

}  // namespace scimd::mail
