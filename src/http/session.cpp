#include "http/session.h"

#include <exception>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "http/access_log.h"
#include "http/error_body.h"
#include "http/request_id.h"
#include "http/session_registry.h"

namespace scimd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kReadChunkBytes = 8 * 1024;
// After rejecting a request, keep reading (and discarding) what the client still sends for a
// while, so closing does not reset the connection before the client has read our answer.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::size_t kLingerMaxBytes = 64 << 20;

bool is_expected_network_error(const beast::error_code& ec) {
  return ec == asio::error::operation_aborted || ec == beast::error::timeout ||
         ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::not_connected ||
         ec == beast_http::error::end_of_stream || ec == beast_http::error::partial_message;
}

api::Response call_handler(const Handler& handler, const api::Request& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    spdlog::error("request {}: handler threw: {}", request.request_id, e.what());
  } catch (...) {
    spdlog::error("request {}: handler threw a non-exception", request.request_id);
  }
  api::Response response;
  response.status = 500;
  response.headers.emplace_back("Content-Type", kScimContentType);
  response.body = error_body(500, "", "internal error");
  return response;
}

}  // namespace

void fail(beast::error_code ec, std::string_view what) {
  if (is_expected_network_error(ec)) {
    spdlog::debug("http {}: {}", what, ec.message());
  } else {
    spdlog::warn("http {}: {}", what, ec.message());
  }
}

Session::Session(tcp::socket&& socket, const SessionContext& context)
    : context_(context), stream_(std::move(socket)) {
  beast::error_code ec;
  const auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = endpoint.address().to_string();
}

Session::~Session() { context_.registry->remove(this); }

void Session::start() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->context_.registry->add(self)) {
      self->close();
      return;
    }
    self->wait_for_request();
  });
}

void Session::drain() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->on_drain(); });
}

void Session::on_drain() {
  draining_ = true;
  // Only a connection waiting for its next request is closed now; a request being read,
  // handled or written is finished first.
  if (state_ == State::idle) stream_.cancel();
}

void Session::wait_for_request() {
  state_ = State::idle;
  if (draining_) {
    close();
    return;
  }
  if (buffer_.size() > 0) {  // a pipelined request is already here
    request_started_ = std::chrono::steady_clock::now();
    read_header();
    return;
  }
  // A new connection must send its first request within read_timeout; between keep-alive
  // requests it may rest for idle_timeout.
  stream_.expires_after(first_request_ ? context_.options->read_timeout
                                       : context_.options->idle_timeout);
  stream_.async_read_some(buffer_.prepare(kReadChunkBytes),
                          beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
}

void Session::on_first_bytes(beast::error_code ec, std::size_t bytes) {
  if (ec) {
    if (ec != asio::error::operation_aborted) fail(ec, "idle read");
    close();
    return;
  }
  buffer_.commit(bytes);
  request_started_ = std::chrono::steady_clock::now();
  read_header();
}

void Session::read_header() {
  state_ = State::reading;
  first_request_ = false;
  bytes_in_ = 0;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(context_.options->max_header_bytes));
  parser_->body_limit(context_.options->max_body_bytes);
  // The deadline covers the whole request, header and body: a slow client cannot hold a
  // connection by trickling bytes.
  stream_.expires_after(context_.options->read_timeout);
  beast_http::async_read_header(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&Session::on_header, shared_from_this()));
}

void Session::on_header(beast::error_code ec, std::size_t bytes) {
  bytes_in_ += bytes;
  if (ec) {
    on_read_error(ec, "read header");
    return;
  }
  if (parser_->is_done()) {
    dispatch_request();
    return;
  }
  const auto& header = parser_->get();
  if (header.version() >= 11 && beast::iequals(header[beast_http::field::expect], "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      beast::bind_front_handler(&Session::on_continue_sent, shared_from_this()));
    return;
  }
  read_body();
}

void Session::on_continue_sent(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) {
    fail(ec, "write 100-continue");
    close();
    return;
  }
  read_body();
}

void Session::read_body() {
  beast_http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Session::on_body, shared_from_this()));
}

void Session::on_body(beast::error_code ec, std::size_t bytes) {
  bytes_in_ += bytes;
  if (ec) {
    on_read_error(ec, "read body");
    return;
  }
  dispatch_request();
}

void Session::on_read_error(beast::error_code ec, std::string_view what) {
  if (ec == beast_http::error::body_limit) {
    reject(413, "request body is larger than " + std::to_string(context_.options->max_body_bytes) +
                    " bytes");
    return;
  }
  if (ec == beast_http::error::header_limit) {
    reject(431, "request header is larger than " +
                    std::to_string(context_.options->max_header_bytes) + " bytes");
    return;
  }
  // Any other parse error means the bytes were not HTTP; a closed or timed-out socket has
  // nobody to answer (Beast's timeout already closed it).
  if (ec.category() == beast_http::make_error_code(beast_http::error::bad_target).category() &&
      ec != beast_http::error::end_of_stream && ec != beast_http::error::partial_message) {
    reject(400, "malformed HTTP request: " + ec.message());
    return;
  }
  fail(ec, what);
  close();
}

void Session::dispatch_request() {
  state_ = State::handling;
  auto message = parser_->release();
  keep_alive_ = message.keep_alive();
  const unsigned version = message.version();
  const bool head_request = message.method() == beast_http::verb::head;
  const auto client_request_id = message["X-Request-Id"];
  request_.request_id =
      request_id_for(std::string_view(client_request_id.data(), client_request_id.size()));
  fill_api_request(std::move(message), request_);
  request_.remote = remote_;
  framing_ = ResponseFraming{version, keep_alive_, head_request};

  const bool blocking = *context_.may_block && (*context_.may_block)(request_);
  if (!blocking) {
    send(call_handler(*context_.handler, request_));
    return;
  }
  // The strand stays free while the pool runs the handler; nothing else touches request_
  // until the response is posted back.
  asio::post(*context_.blocking_pool, [self = shared_from_this()] {
    auto response = call_handler(*self->context_.handler, self->request_);
    asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
      self->send(std::move(response));
    });
  });
}

void Session::reject(int status, std::string_view detail) {
  state_ = State::handling;
  linger_after_write_ = true;
  keep_alive_ = false;
  // The header may be (partly) parsed; use what is known of it for the log and the id.
  std::string_view client_request_id;
  request_.method.clear();
  request_.target.clear();
  if (parser_ && parser_->is_header_done()) {
    const auto& header = parser_->get();
    const auto method = header.method_string();
    request_.method.assign(method.data(), method.size());
    const auto target = header.target();
    request_.target.assign(target.data(), target.size());
    const auto id = header["X-Request-Id"];
    client_request_id = std::string_view(id.data(), id.size());
  }
  request_.request_id = request_id_for(client_request_id);
  request_.remote = remote_;
  framing_ = ResponseFraming{11, false, false};
  api::Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", kScimContentType);
  response.body = error_body(status, "", detail);
  send(std::move(response));
}

void Session::send(api::Response response) {
  state_ = State::writing;
  status_ = response.status;
  // A drain that began while the request was handled ends the connection after this answer.
  if (draining_) framing_.keep_alive = false;
  keep_alive_ = framing_.keep_alive;
  fill_wire_response(std::move(response), request_.request_id, framing_, response_);
  stream_.expires_after(context_.options->read_timeout);
  beast_http::async_write(stream_, response_,
                          beast::bind_front_handler(&Session::on_write, shared_from_this()));
}

void Session::on_write(beast::error_code ec, std::size_t bytes) {
  log_access(bytes);
  if (ec) {
    fail(ec, "write");
    close();
    return;
  }
  if (linger_after_write_) {
    linger();
    return;
  }
  if (!keep_alive_) {
    close();
    return;
  }
  wait_for_request();
}

void Session::log_access(std::size_t bytes_out) const {
  const auto now = std::chrono::steady_clock::now();
  const AccessLogEntry entry{
      .time = std::chrono::system_clock::now(),
      .request_id = request_.request_id,
      .remote = remote_,
      .method = request_.method,
      .target = request_.target,
      .status = status_,
      .bytes_in = bytes_in_,
      .bytes_out = bytes_out,
      .duration_ms = std::chrono::duration<double, std::milli>(now - request_started_).count(),
  };
  context_.access_log->info(access_log_line(entry));
}

void Session::linger() {
  state_ = State::closing;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) {
    close();
    return;
  }
  buffer_.clear();
  linger_bytes_ = 0;
  stream_.expires_after(kLingerTimeout);
  stream_.async_read_some(buffer_.prepare(kReadChunkBytes),
                          beast::bind_front_handler(&Session::on_linger, shared_from_this()));
}

void Session::on_linger(beast::error_code ec, std::size_t bytes) {
  linger_bytes_ += bytes;
  if (ec || linger_bytes_ > kLingerMaxBytes) {
    close();
    return;
  }
  stream_.async_read_some(buffer_.prepare(kReadChunkBytes),
                          beast::bind_front_handler(&Session::on_linger, shared_from_this()));
}

void Session::close() {
  state_ = State::closing;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
}

}  // namespace scimd::http
