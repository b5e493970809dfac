#include "delivery/webhook_spec.h"

#include <set>

#include <boost/url/parse.hpp>

#include "core/crypto.h"

namespace scimd::delivery {

namespace json = boost::json;

namespace {

Error invalid(std::string detail) { return make_error(Errc::invalid_value, std::move(detail)); }

std::string known_types() {
  std::string out;
  for (const auto& t : store::event_types()) out += (out.empty() ? "" : ", ") + t;
  return out;
}

Result<std::string> parse_url(const json::value* value) {
  if (value == nullptr) return invalid("url is required");
  if (!value->is_string()) return invalid("url must be a string");
  const std::string text(value->as_string());
  auto url = boost::urls::parse_absolute_uri(text);
  if (!url) return invalid("url '" + text + "' is not an absolute URL");
  const std::string scheme(url->scheme());
  if (url->scheme_id() != boost::urls::scheme::http &&
      url->scheme_id() != boost::urls::scheme::https) {
    return invalid("url must be http or https, not '" + scheme + "'");
  }
  if (!url->has_authority() || url->encoded_host().empty()) {
    return invalid("url '" + text + "' has no host");
  }
  if (url->has_userinfo()) return invalid("url must not carry user:password");
  if (url->has_fragment()) return invalid("url must not have a #fragment");
  return text;
}

Result<std::vector<std::string>> parse_events(const json::value* value) {
  std::vector<std::string> events;
  if (value == nullptr || value->is_null()) return events;  // all types
  if (!value->is_array()) return invalid("events must be an array of event type names");
  std::set<std::string> seen;
  for (const json::value& e : value->as_array()) {
    if (!e.is_string()) return invalid("events must be an array of event type names");
    const std::string type(e.as_string());
    if (!store::is_event_type(type)) {
      return invalid("unknown event type '" + type + "'; known: " + known_types());
    }
    if (!seen.insert(type).second) return invalid("event type '" + type + "' listed twice");
    events.push_back(type);
  }
  return events;
}

}  // namespace

std::string new_webhook_secret() { return "whsec_" + crypto::base64(crypto::random_bytes(24)); }

Result<store::Webhook> parse_webhook_spec(const json::value& body) {
  if (!body.is_object()) return invalid("a webhook must be a JSON object {\"url\", \"events\"}");
  const json::object& o = body.as_object();
  for (const auto& [key, _] : o) {
    if (key != "url" && key != "events") {
      return invalid("unknown key '" + std::string(key) + "'; a webhook has url and events");
    }
  }
  store::Webhook spec;
  SCIMD_ASSIGN_OR_RETURN(spec.url, parse_url(o.if_contains("url")));
  SCIMD_ASSIGN_OR_RETURN(spec.events, parse_events(o.if_contains("events")));
  spec.secret = new_webhook_secret();
  return spec;
}

boost::json::object webhook_json(const store::Webhook& w) {
  namespace json = boost::json;
  json::array events;
  for (const auto& e : w.events) events.emplace_back(e);
  const auto optional_text = [](const std::optional<std::string>& t) {
    return t ? json::value(*t) : json::value(nullptr);
  };
  json::object o{{"id", w.id},
                 {"url", w.url},
                 {"events", std::move(events)},
                 {"created", w.created},
                 {"state", w.state},
                 {"delivered_seq", w.delivered_seq},
                 {"attempts", w.attempts},
                 {"failing_since", optional_text(w.failing_since)},
                 {"next_attempt_at", optional_text(w.next_attempt_at)},
                 {"last_error", w.last_error}};
  if (!w.tenant.empty()) o["tenant"] = w.tenant;
  return o;
}

}  // namespace scimd::delivery
