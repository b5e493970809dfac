#include "connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace scimd::replay {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

namespace {
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
}  // namespace

std::optional<BaseUrl> parse_base_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return std::nullopt;
  url.remove_prefix(kScheme.size());
  const std::size_t slash = url.find('/');
  const std::string_view authority = url.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : url.substr(slash);
  while (path.ends_with('/')) path.remove_suffix(1);
  const std::size_t colon = authority.rfind(':');
  BaseUrl base{
      .host = std::string(authority.substr(0, colon)),
      .port = colon == std::string_view::npos ? "80" : std::string(authority.substr(colon + 1)),
      .path = std::string(path)};
  if (base.host.empty() || base.port.empty()) return std::nullopt;
  return base;
}

Connection::Connection(asio::any_io_executor executor, tcp::endpoint endpoint, const BaseUrl& base,
                       std::string_view token)
    : socket_(std::move(executor)),
      endpoint_(endpoint),
      host_(base.host + ":" + base.port),
      path_(base.path),
      authorization_("Bearer " + std::string(token)) {}

void Connection::close() {
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

asio::awaitable<Reply> Connection::send(http::verb method, std::string_view target,
                                        std::string body) {
  Reply reply;
  if (!socket_.is_open()) {
    buffer_.clear();
    auto [error] = co_await socket_.async_connect(endpoint_, kNoThrow);
    if (error) {
      close();
      reply.error = error;
      co_return reply;
    }
    socket_.set_option(tcp::no_delay(true));
  }
  http::request<http::string_body> request{method, path_ + std::string(target), 11};
  request.set(http::field::host, host_);
  request.set(http::field::authorization, authorization_);
  request.set(http::field::accept, "application/scim+json");
  if (!body.empty()) request.set(http::field::content_type, "application/scim+json; charset=utf-8");
  request.body() = std::move(body);
  request.prepare_payload();
  request.keep_alive(true);

  auto [write_error, written] = co_await http::async_write(socket_, request, kNoThrow);
  if (write_error) {
    close();
    reply.error = write_error;
    co_return reply;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  auto [read_error, read] = co_await http::async_read(socket_, buffer_, parser, kNoThrow);
  if (read_error) {
    close();
    reply.error = read_error;
    co_return reply;
  }
  http::response<http::string_body> response = parser.release();
  reply.status = response.result_int();
  reply.body = std::move(response.body());
  if (!response.keep_alive()) close();
  co_return reply;
}

}  // namespace scimd::replay
