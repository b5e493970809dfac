// Invitation templates: text with {{variable}} placeholders filled from the invited user.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/result.h"

namespace scimd::mail {

using TemplateVars = std::map<std::string, std::string, std::less<>>;

// The variables a template may use, in the order the docs list them.
const std::vector<std::string>& template_variables();

// Errors: invalid_value naming `field` and the problem (unknown variable, unclosed "{{").
// Spaces inside the braces are allowed: "{{ userName }}".
Status check_template(std::string_view text, std::string_view field);

// Substitutes every {{var}}; a variable without a value becomes "". REQUIRES: check_template ok
// (anything unparsable is copied as is).
std::string render_template(std::string_view text, const TemplateVars& vars);

// The variables for one user: `user` is the user view of an event (userName, displayName,
// name.givenName, name.familyName, id), `email` the chosen recipient.
TemplateVars invitation_vars(const boost::json::object& user, std::string_view email,
                             std::string_view tenant, std::string_view login_url);

// The address to invite: emails[type eq "work"], else the primary one, else the first, else
// userName if it looks like an address; "" if none.
std::string invitation_recipient(const boost::json::object& user);

// Text safe inside one header line: CR and LF (and other control characters) become spaces,
// so a value cannot start a new header.
std::string header_safe(std::string_view text);

}  // namespace scimd::mail
