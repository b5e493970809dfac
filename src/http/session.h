// One accepted connection: reads a request, hands it to the handler (inline, or on the
// blocking pool), writes the response, and repeats while keep-alive holds. Everything of one
// session runs on its own strand, on the one event loop it was accepted onto. Internal to http/.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/logger.h>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/request.h"
#include "http/server.h"
#include "http/wire_message.h"

namespace scimd::http {

class SessionRegistry;

// What every session of a server shares; owned by the server, outlives its sessions' I/O.
struct SessionContext {
  const ServerOptions* options = nullptr;
  const Handler* handler = nullptr;
  const BlockingPredicate* may_block = nullptr;
  boost::asio::thread_pool* blocking_pool = nullptr;
  std::shared_ptr<SessionRegistry> registry;
  std::shared_ptr<spdlog::logger> access_log;
};

// The one place that reports network errors: expected ones (peer gone, timeouts, shutdown) at
// debug level, the rest as warnings.
void fail(boost::beast::error_code ec, std::string_view what);

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket&& socket, const SessionContext& context);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Registers with the registry and starts reading. Closes at once if the server is draining.
  void start();
  // Graceful shutdown, from any thread: an idle connection closes now, a busy one after its
  // current response (sent with Connection: close).
  void drain();

 private:
  enum class State { idle, reading, handling, writing, closing };

  void wait_for_request();
  void on_first_bytes(boost::beast::error_code ec, std::size_t bytes);
  void read_header();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_continue_sent(boost::beast::error_code ec, std::size_t bytes);
  void read_body();
  void on_body(boost::beast::error_code ec, std::size_t bytes);
  void on_read_error(boost::beast::error_code ec, std::string_view what);
  void dispatch_request();
  void reject(int status, std::string_view detail);
  void send(api::Response response);
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void log_access(std::size_t bytes_out) const;
  void linger();
  void on_linger(boost::beast::error_code ec, std::size_t bytes);
  void on_drain();
  void close();

  const SessionContext& context_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;  // reused for every request of the connection
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  api::Request request_;  // reused: its strings and header vector keep their capacity
  WireResponse response_;
  ResponseFraming framing_;
  std::string remote_;
  State state_ = State::idle;
  bool first_request_ = true;
  bool draining_ = false;
  bool keep_alive_ = false;
  bool linger_after_write_ = false;  // a rejected request may leave unread bytes behind
  int status_ = 0;
  std::size_t bytes_in_ = 0;
  std::size_t linger_bytes_ = 0;
  std::chrono::steady_clock::time_point request_started_;
};

}  // namespace scimd::http
