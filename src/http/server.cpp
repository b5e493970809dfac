#include "http/server.h"

#include <atomic>
#include <csignal>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "http/access_log.h"
#include "http/session.h"
#include "http/session_registry.h"

namespace scimd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

int resolve_thread_count(int requested) {
  if (requested > 0) return requested;
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? static_cast<int>(hardware) : 1;
}

// Accepting again at once after e.g. EMFILE would spin; wait this long first.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions opts, Handler h, BlockingPredicate pred)
      : options(std::move(opts)),
        handler(std::move(h)),
        may_block(std::move(pred)),
        loops(make_loops(resolve_thread_count(options.io_threads))),
        control(asio::make_strand(*loops.front())),
        acceptor(control),
        drain_timer(control),
        accept_retry_timer(control),
        blocking_pool(static_cast<std::size_t>(resolve_thread_count(options.blocking_threads))) {
    context.options = &options;
    context.handler = &handler;
    context.may_block = &may_block;
    context.blocking_pool = &blocking_pool;
    context.registry = registry;
    context.access_log = access_logger();
    for (auto& loop : loops) idle_guards.emplace_back(loop->get_executor());
  }

  static std::vector<std::unique_ptr<asio::io_context>> make_loops(int n) {
    std::vector<std::unique_ptr<asio::io_context>> loops;
    for (int i = 0; i < n; ++i) loops.push_back(std::make_unique<asio::io_context>(1));
    return loops;
  }
  void stop_loops() {
    for (auto& loop : loops) loop->stop();
  }

  ~Impl() {
    // Sessions destroyed with the event loop must not schedule anything on it.
    registry->forget_on_empty();
    // Handlers still on the pool hold sessions and post to the loops: finish them while the
    // loops live.
    blocking_pool.join();
  }

  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void begin_drain();

  const ServerOptions options;
  const Handler handler;
  const BlockingPredicate may_block;
  std::shared_ptr<SessionRegistry> registry = std::make_shared<SessionRegistry>();
  SessionContext context;  // sessions refer to it; it outlives the loops' handlers
  // One event loop per I/O thread; each connection stays on one loop, so the reply a blocking
  // handler posts back wakes only that loop's thread.
  std::vector<std::unique_ptr<asio::io_context>> loops;
  // Keep a loop without connections running until the drain ends.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> idle_guards;
  std::size_t next_loop = 0;  // round robin of accepted connections (control strand)
  // Acceptor, signals and the drain timer are only touched on this strand.
  asio::strand<asio::io_context::executor_type> control;
  tcp::acceptor acceptor;
  asio::steady_timer drain_timer;
  asio::steady_timer accept_retry_timer;
  std::optional<asio::signal_set> signals;
  asio::thread_pool blocking_pool;
  std::atomic<bool> draining{false};
  unsigned short bound_port = 0;
};

void Server::Impl::do_accept() {
  asio::io_context& loop = *loops[next_loop++ % loops.size()];
  acceptor.async_accept(asio::make_strand(loop), [this](beast::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void Server::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (!acceptor.is_open()) return;  // closed by begin_drain
  if (ec) {
    fail(ec, "accept");
    accept_retry_timer.expires_after(kAcceptRetryDelay);
    accept_retry_timer.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && acceptor.is_open()) do_accept();
    });
    return;
  }
  // Responses are written whole; waiting to coalesce them only adds latency.
  beast::error_code option_ec;
  socket.set_option(tcp::no_delay(true), option_ec);
  std::make_shared<Session>(std::move(socket), context)->start();
  do_accept();
}

void Server::Impl::begin_drain() {
  if (draining.exchange(true)) return;
  spdlog::info("http: draining {} connection(s)", registry->size());
  if (options.on_drain) options.on_drain();
  beast::error_code ec;
  acceptor.close(ec);
  accept_retry_timer.cancel();
  if (signals) signals->cancel(ec);
  drain_timer.expires_after(options.drain_timeout);
  drain_timer.async_wait([this](beast::error_code wait_ec) {
    if (wait_ec) return;  // cancelled: every session finished in time
    spdlog::warn("http: drain timeout; abandoning {} connection(s)", registry->size());
    stop_loops();
  });
  // With no session left, the loops run out of work and every io thread returns from run().
  registry->drain([this] {
    asio::post(control, [this] {
      drain_timer.cancel();
      for (auto& guard : idle_guards) guard.reset();
    });
  });
}

Server::Server(ServerOptions options, Handler handler, BlockingPredicate may_block)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(may_block))) {}

Server::~Server() = default;

Result<void> Server::listen() {
  auto& impl = *impl_;
  const auto where = impl.options.host + ":" + std::to_string(impl.options.port);
  beast::error_code ec;
  tcp::resolver resolver(*impl.loops.front());
  const auto results = resolver.resolve(impl.options.host, std::to_string(impl.options.port),
                                        tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return make_error(Errc::unavailable, "cannot resolve " + where + ": " + ec.message());
  }
  const tcp::endpoint endpoint = results.begin()->endpoint();
  auto failed = [&](std::string_view step) {
    beast::error_code close_ec;
    impl.acceptor.close(close_ec);
    return make_error(Errc::unavailable,
                      "cannot listen on " + where + ": " + std::string(step) + ": " + ec.message());
  };
  if (impl.acceptor.open(endpoint.protocol(), ec)) return failed("open");
  if (impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec)) {
    return failed("set_option");
  }
  if (impl.acceptor.bind(endpoint, ec)) return failed("bind");
  if (impl.acceptor.listen(asio::socket_base::max_listen_connections, ec)) {
    return failed("listen");
  }
  impl.bound_port = impl.acceptor.local_endpoint(ec).port();
  if (ec) return failed("local_endpoint");
  return {};
}

unsigned short Server::port() const { return impl_->bound_port; }

void Server::run() {
  auto& impl = *impl_;
  // Registered before any io thread runs, so a signal can never hit a default handler while
  // the server is serving.
  impl.signals.emplace(impl.control, SIGINT, SIGTERM);
  impl.signals->async_wait([&impl](beast::error_code ec, int signal_number) {
    if (ec) return;
    spdlog::info("http: signal {} received", signal_number);
    impl.begin_drain();
  });
  asio::post(impl.control, [&impl] {
    if (!impl.draining) impl.do_accept();
  });

  std::vector<std::thread> threads;
  threads.reserve(impl.loops.size() - 1);
  for (std::size_t i = 1; i < impl.loops.size(); ++i) {
    threads.emplace_back([&impl, i] { impl.loops[i]->run(); });
  }
  impl.loops.front()->run();
  for (auto& thread : threads) thread.join();
  impl.signals.reset();  // gives SIGINT and SIGTERM back their default action
  impl.context.access_log->flush();
}

void Server::stop() {
  asio::post(impl_->control, [impl = impl_.get()] { impl->begin_drain(); });
}

}  // namespace scimd::http
