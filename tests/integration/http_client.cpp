#include "integration/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <cctype>
#include <memory>
#include <optional>

namespace scimd::itest {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

// Requests sent one after another on one connection, driven by async operations so that the
// tcp_stream deadline bounds every step (Beast's synchronous calls have no timeout).
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(net::io_context& ioc, std::vector<http::request<http::string_body>> requests,
           std::chrono::milliseconds timeout)
      : stream_(ioc), requests_(std::move(requests)), timeout_(timeout) {}

  void run(unsigned short port) {
    stream_.expires_after(timeout_);
    const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    stream_.async_connect(endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->finish(ec, "connect");
      self->write_next();
    });
  }

  // One response per request; a failed exchange ends the list with a status-0 response.
  std::vector<HttpResponse> results() const { return responses_; }

 private:
  void write_next() {
    http::async_write(stream_, requests_[responses_.size()],
                      [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                        // A server may answer (413, 431) and close before reading the whole
                        // request, so a failed write still reads whatever reply was sent.
                        self->write_error_ = write_ec;
                        if (write_ec == beast::error::timeout) {
                          return self->finish(write_ec, "write");
                        }
                        self->read_next();
                      });
  }

  void read_next() {
    parser_.emplace();
    parser_->body_limit(256 * 1024 * 1024);
    parser_->header_limit(1024 * 1024);
    http::async_read(
        stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) {
            const std::string what = self->write_error_
                                         ? "write (" + self->write_error_.message() + ") then read"
                                         : "read";
            return self->finish(ec, what);
          }
          self->take_response();
          if (self->responses_.size() < self->requests_.size()) {
            return self->write_next();
          }
          self->finish({}, "");
        });
  }

  void take_response() {
    const auto& message = parser_->get();
    HttpResponse& response = responses_.emplace_back();
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    }
    response.body = message.body();
  }

  void finish(beast::error_code ec, const std::string& what) {
    if (ec) responses_.emplace_back().error = what + ": " + ec.message();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  std::vector<http::request<http::string_body>> requests_;
  std::chrono::milliseconds timeout_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
  beast::error_code write_error_;
  std::vector<HttpResponse> responses_;
};

http::request<http::string_body> to_message(const HttpRequest& request, unsigned short port,
                                            bool close) {
  http::request<http::string_body> message;
  message.method_string(request.method);
  message.target(request.target);
  message.version(11);
  message.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  if (close) message.set(http::field::connection, "close");
  bool has_content_type = false;
  for (const auto& [name, value] : request.headers) {
    if (!value.empty()) message.insert(name, value);
    if (iequals(name, "content-type")) has_content_type = true;
  }
  if (!request.body.empty() && !has_content_type) {
    message.set(http::field::content_type, "application/scim+json");
  }
  message.body() = request.body;
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH") {
    message.prepare_payload();
  }
  return message;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return "";
}

json::value HttpResponse::json() const {
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec) return nullptr;
  return parsed;
}

std::string HttpResponse::json_error() const {
  boost::system::error_code ec;
  json::parse(body, ec);
  return ec ? ec.message() : "";
}

std::string HttpResponse::describe() const {
  std::string text = std::to_string(status);
  if (!error.empty()) text += " [" + error + "]";
  constexpr std::size_t kMaxBody = 2000;
  text += " " + (body.size() > kMaxBody ? body.substr(0, kMaxBody) + "..." : body);
  return text;
}

HttpResponse HttpClient::send(const HttpRequest& request) const {
  std::vector<HttpResponse> responses = send_on_one_connection({request}, /*close=*/true);
  return responses.empty() ? HttpResponse{} : std::move(responses.front());
}

std::vector<HttpResponse> HttpClient::send_on_one_connection(
    const std::vector<HttpRequest>& requests, bool close) const {
  std::vector<http::request<http::string_body>> messages;
  for (const HttpRequest& request : requests) {
    const bool last = messages.size() + 1 == requests.size();
    messages.push_back(to_message(request, port_, close && last));
  }
  net::io_context ioc;
  auto exchange = std::make_shared<Exchange>(ioc, std::move(messages), timeout_);
  exchange->run(port_);
  ioc.run();
  return exchange->results();
}

ScimClient::ScimClient(const HttpClient& http, std::string tenant, std::string token,
                       std::string dialect_query)
    : http_(&http),
      tenant_(std::move(tenant)),
      token_(std::move(token)),
      dialect_query_(std::move(dialect_query)) {}

std::string ScimClient::target(std::string_view resource, std::string_view query) const {
  std::string url = "/scim/v2/" + tenant_ + std::string(resource);
  std::string full_query = dialect_query_;
  if (!query.empty()) {
    if (!full_query.empty()) full_query += "&";
    full_query += query;
  }
  if (!full_query.empty()) url += "?" + full_query;
  return url;
}

HttpResponse ScimClient::raw(std::string_view method, std::string_view resource,
                             std::string_view query, std::string body,
                             std::vector<std::pair<std::string, std::string>> extra_headers,
                             bool with_token) const {
  HttpRequest request{.method = std::string(method),
                      .target = target(resource, query),
                      .headers = std::move(extra_headers),
                      .body = std::move(body)};
  if (with_token) request.headers.emplace_back("Authorization", "Bearer " + token_);
  return http_->send(request);
}

HttpResponse ScimClient::get(std::string_view resource, std::string_view query) const {
  return raw("GET", resource, query, "");
}

HttpResponse ScimClient::post(std::string_view resource, const json::value& body) const {
  return raw("POST", resource, "", json::serialize(body));
}

HttpResponse ScimClient::put(std::string_view resource, const json::value& body) const {
  return raw("PUT", resource, "", json::serialize(body));
}

HttpResponse ScimClient::patch(std::string_view resource, const json::value& body) const {
  return raw("PATCH", resource, "", json::serialize(body));
}

HttpResponse ScimClient::del(std::string_view resource) const {
  return raw("DELETE", resource, "", "");
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

std::string form_encode(std::string_view text) {
  std::string out;
  for (const char c : text) out += c == ' ' ? std::string("+") : url_encode(std::string(1, c));
  return out;
}

json::value patch_op(json::array operations) {
  return json::object{{"schemas", json::array{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                      {"Operations", std::move(operations)}};
}

}  // namespace scimd::itest
