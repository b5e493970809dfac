#include "http/wire_message.h"

#include <boost/beast/core/string.hpp>

namespace scimd::http {

namespace beast_http = boost::beast::http;

namespace {

void assign_lower(std::string& out, std::string_view name) {
  out.resize(name.size());
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
}

// Headers that describe the connection or the framing; only http/ may set them.
bool is_framing_header(std::string_view name) {
  return boost::beast::iequals(name, "content-length") ||
         boost::beast::iequals(name, "transfer-encoding") ||
         boost::beast::iequals(name, "connection") || boost::beast::iequals(name, "keep-alive") ||
         boost::beast::iequals(name, "x-request-id");
}

// RFC 9110 §15.2, §15.3.5, §15.4.5: these responses never carry content.
bool status_forbids_body(int status) { return status < 200 || status == 204 || status == 304; }

}  // namespace

void fill_api_request(WireRequest&& message, api::Request& out) {
  const auto method = message.method_string();
  out.method.assign(method.data(), method.size());
  const auto target = message.target();
  out.target.assign(target.data(), target.size());
  std::size_t count = 0;
  for (const auto& field : message) {
    if (count == out.headers.size()) out.headers.emplace_back();
    auto& [name, value] = out.headers[count++];
    assign_lower(name, field.name_string());
    const auto field_value = field.value();
    value.assign(field_value.data(), field_value.size());
  }
  out.headers.resize(count);
  out.body = std::move(message.body());
}

void fill_wire_response(api::Response&& response, std::string_view request_id,
                        const ResponseFraming& framing, WireResponse& out) {
  out = WireResponse{};
  out.version(framing.version);
  out.result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : response.headers) {
    if (is_framing_header(name)) continue;
    out.insert(name, value);
  }
  out.set("X-Request-Id", request_id);
  out.keep_alive(framing.keep_alive);
  if (status_forbids_body(response.status)) return;
  out.content_length(response.body.size());
  if (!framing.head_request) out.body() = std::move(response.body);
}

}  // namespace scimd::http
