// The HTTP/1.1 server: accepts connections, reads requests within size and time limits, hands
// each to a Handler and writes its Response. It knows nothing of SCIM; the app passes
// api::Service::handle and api::Service::may_block.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "api/request.h"
#include "core/result.h"
#include "http/error_body.h"

namespace scimd::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0 = pick a free port (see Server::port())
  // Threads each running an event loop of their own; 0 = std::thread::hardware_concurrency().
  int io_threads = 0;
  int blocking_threads = 32;                 // pool for handlers that may block (store writes)
  std::size_t max_header_bytes = 16 * 1024;  // larger header -> 431
  std::size_t max_body_bytes = 1 << 20;      // larger body -> 413
  // A whole request, and each response write, must complete within this (slowloris).
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{75};   // keep-alive connection with no request
  std::chrono::seconds drain_timeout{25};  // on stop: longest wait for in-flight requests
  // Called once when draining begins (before waiting for in-flight requests), so handlers that
  // wait on purpose (the feed's long-poll) can answer now. Must not block.
  std::function<void()> on_drain;
};

// Must not throw (a throw becomes a 500 SCIM error). Called concurrently from several threads.
using Handler = std::function<api::Response(const api::Request&)>;
// True if the handler may block for this request (a store write): it then runs on the
// blocking pool instead of an I/O thread. Must be cheap and must not block.
using BlockingPredicate = std::function<bool(const api::Request&)>;

class Server {
 public:
  Server(ServerOptions options, Handler handler, BlockingPredicate may_block);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Errc::unavailable with the reason if the address cannot be used.
  Result<void> listen();
  // The bound port (the chosen one when options.port was 0). REQUIRES: listen() succeeded.
  unsigned short port() const;
  // Serves until stop(), SIGTERM or SIGINT, then drains: stops accepting, closes idle
  // connections, lets in-flight requests finish (their responses carry Connection: close)
  // for up to drain_timeout, and returns. REQUIRES: listen() succeeded; call once.
  void run();
  // Starts the graceful shutdown of run(). Callable from any thread, also before run().
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scimd::http
