// What the admin handlers share: reading bodies and query parameters with clear 400s.
#include <charconv>

#include "api/admin_routes.h"
#include "api/json_response.h"
#include "core/time.h"

namespace scimd::api {

namespace json = boost::json;

Result<json::object> admin_body(const Request& request, bool optional) {
  if (optional && request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return json::object{};
  }
  SCIMD_ASSIGN_OR_RETURN(json::value body, parse_json_body(request.body));
  if (!body.is_object()) return make_error(Errc::invalid_value, "the body must be a JSON object");
  return std::move(body.as_object());
}

Status admin_known_keys(const json::object& body, std::vector<std::string_view> known) {
  for (const auto& member : body) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || member.key() == k;
    if (ok) continue;
    std::string list;
    for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    return make_error(Errc::invalid_value, "unknown key '" + std::string(member.key()) +
                                               "' (known: " + list + ")");
  }
  return {};
}

Result<std::string> admin_string(const json::object& body, std::string_view key) {
  const json::value* v = body.if_contains(key);
  if (v == nullptr) return make_error(Errc::invalid_value, "'" + std::string(key) + "' is required");
  if (!v->is_string() || v->as_string().empty()) {
    return make_error(Errc::invalid_value, "'" + std::string(key) + "' must be a non-empty string");
  }
  return std::string(v->as_string());
}

Result<std::optional<std::string>> admin_optional_string(const json::object& body,
                                                         std::string_view key) {
  const json::value* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  SCIMD_ASSIGN_OR_RETURN(std::string text, admin_string(body, key));
  return std::optional<std::string>(std::move(text));
}

Result<bool> query_bool(const Target& target, std::string_view name, bool fallback) {
  const auto text = target.param(name);
  if (!text) return fallback;
  if (*text == "true" || *text == "1") return true;
  if (*text == "false" || *text == "0") return false;
  return make_error(Errc::invalid_value, "query parameter '" + std::string(name) + "' must be true or false");
}

Result<std::int64_t> query_int(const Target& target, std::string_view name, std::int64_t fallback,
                               std::int64_t min, std::int64_t max) {
  const auto text = target.param(name);
  if (!text) return fallback;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < min || v > max) {
    return make_error(Errc::invalid_value, "query parameter '" + std::string(name) +
                                               "' must be an integer from " + std::to_string(min) +
                                               " to " + std::to_string(max));
  }
  return v;
}

Result<std::optional<std::string>> query_time(const Target& target, std::string_view name) {
  const auto text = target.param(name);
  if (!text) return std::optional<std::string>();
  const auto t = parse_time(*text);
  if (!t) {
    return make_error(Errc::invalid_value, "query parameter '" + std::string(name) +
                                               "' must be an RFC 3339 time, e.g. 2026-12-01T10:00:00Z");
  }
  return std::optional<std::string>(format_time(*t));
}

Response no_content() {
  Response r;
  r.status = 204;
  return r;
}

json::value optional_text(const std::optional<std::string>& text) {
  return text ? json::value(*text) : json::value(nullptr);
}

}  // namespace scimd::api
