#include "http/server.h"

#include <poll.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace scimd::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// Collects the access log lines, registered as the "access" logger before any server exists.
class LineSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines() {
    const std::lock_guard lock(mutex_);
    return lines_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    lines_.emplace_back(msg.payload.data(), msg.payload.size());
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

std::shared_ptr<LineSink> access_sink() {
  static const auto sink = [] {
    auto line_sink = std::make_shared<LineSink>();
    spdlog::register_logger(std::make_shared<spdlog::logger>("access", line_sink));
    return line_sink;
  }();
  return sink;
}

ServerOptions test_options() {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.io_threads = 2;
  options.blocking_threads = 4;
  options.read_timeout = 5s;
  options.idle_timeout = 5s;
  options.drain_timeout = 5s;
  return options;
}

using Response = beast_http::response<beast_http::string_body>;

// A fake API: "/block/..." may block (runs on the pool); "?sleep=N" sleeps N ms; "/throw"
// throws. Every request it sees is recorded with the id of the thread that handled it.
class FakeApi {
 public:
  api::Response handle(const api::Request& request) {
    const int now_inside = ++inside_;
    int seen_max = max_inside_.load();
    while (now_inside > seen_max && !max_inside_.compare_exchange_weak(seen_max, now_inside)) {
    }
    {
      const std::lock_guard lock(mutex_);
      requests_.push_back(request);
      threads_[request.target] = std::this_thread::get_id();
    }
    entered_.fetch_add(1);
    if (const auto at = request.target.find("sleep="); at != std::string::npos) {
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::stoi(request.target.substr(at + 6))));
    }
    --inside_;
    if (request.target == "/throw") throw std::runtime_error("handler bug");
    api::Response response;
    response.headers.emplace_back("Content-Type", "text/plain");
    response.body = "handled " + request.method + " " + request.target + " body=" + request.body;
    return response;
  }

  static bool may_block(const api::Request& request) {
    return request.target.starts_with("/block");
  }

  std::vector<api::Request> requests() {
    const std::lock_guard lock(mutex_);
    return requests_;
  }
  std::thread::id thread_of(const std::string& target) {
    const std::lock_guard lock(mutex_);
    return threads_.at(target);
  }
  int entered() const { return entered_.load(); }
  int max_inside() const { return max_inside_.load(); }

 private:
  std::mutex mutex_;
  std::vector<api::Request> requests_;
  std::map<std::string, std::thread::id> threads_;
  std::atomic<int> inside_{0};
  std::atomic<int> max_inside_{0};
  std::atomic<int> entered_{0};
};

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() { access_sink(); }

  ~ServerTest() override {
    if (server_) {
      server_->stop();
      if (run_.valid()) run_.wait();
    }
  }

  void start(const ServerOptions& options = test_options()) {
    server_ = std::make_unique<Server>(
        options, [this](const api::Request& r) { return api_.handle(r); }, &FakeApi::may_block);
    const auto listened = server_->listen();
    ASSERT_TRUE(listened.ok()) << listened.error().detail;
    run_ = std::async(std::launch::async, [this] { server_->run(); });
  }

  tcp::socket connect() {
    tcp::socket socket(client_io_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    return socket;
  }

  static void send_raw(tcp::socket& socket, std::string_view bytes) {
    asio::write(socket, asio::buffer(bytes.data(), bytes.size()));
  }

  static Response get(tcp::socket& socket, beast::flat_buffer& buffer, const std::string& target,
                      std::string_view request_id = {}) {
    beast_http::request<beast_http::string_body> request{beast_http::verb::get, target, 11};
    request.set(beast_http::field::host, "localhost");
    if (!request_id.empty()) request.set("X-Request-Id", request_id);
    beast_http::write(socket, request);
    return read_response(socket, buffer);
  }

  static Response read_response(tcp::socket& socket, beast::flat_buffer& buffer) {
    Response response;
    beast_http::read(socket, buffer, response);
    return response;
  }

  // True if the server closes the connection (EOF or reset) within `limit`.
  static bool closed_within(tcp::socket& socket, std::chrono::milliseconds limit) {
    pollfd descriptor{socket.native_handle(), POLLIN, 0};
    if (::poll(&descriptor, 1, static_cast<int>(limit.count())) <= 0) return false;
    char byte;
    beast::error_code ec;
    const std::size_t n = socket.read_some(asio::buffer(&byte, 1), ec);
    return n == 0 && ec;
  }

  bool run_returns_within(std::chrono::milliseconds limit) {
    return run_.wait_for(limit) == std::future_status::ready;
  }

  void wait_until_entered(int count) {
    for (int i = 0; i < 500 && api_.entered() < count; ++i) std::this_thread::sleep_for(5ms);
    ASSERT_GE(api_.entered(), count);
  }

  static json::value scim_error_of(const Response& response) {
    EXPECT_EQ(response["Content-Type"], "application/scim+json");
    json::value body = json::parse(response.body());
    EXPECT_EQ(body.at("schemas").at(0).as_string(), "urn:ietf:params:scim:api:messages:2.0:Error");
    return body;
  }

  FakeApi api_;
  asio::io_context client_io_;
  std::unique_ptr<Server> server_;
  std::future<void> run_;
};

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  auto socket = connect();
  beast::flat_buffer buffer;
  for (int i = 0; i < 3; ++i) {
    const auto response = get(socket, buffer, "/r" + std::to_string(i));
    EXPECT_EQ(response.result_int(), 200u);
    EXPECT_EQ(response.body(), "handled GET /r" + std::to_string(i) + " body=");
    EXPECT_TRUE(response.keep_alive());
  }
  const auto requests = api_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[2].remote, "127.0.0.1");
}

TEST_F(ServerTest, HeaderNamesAreLowerCasedAndBodyArrives) {
  start();
  auto socket = connect();
  send_raw(socket,
           "POST /things?a=1 HTTP/1.1\r\nHost: x\r\nX-Custom-HEADER: Some Value\r\n"
           "Authorization: Bearer secret-token\r\nContent-Length: 5\r\n\r\nhello");
  beast::flat_buffer buffer;
  const auto response = read_response(socket, buffer);
  EXPECT_EQ(response.body(), "handled POST /things?a=1 body=hello");
  const auto requests = api_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("x-custom-header"), "Some Value");
  EXPECT_EQ(requests[0].header("authorization"), "Bearer secret-token");
  for (const auto& [name, value] : requests[0].headers) {
    for (const char c : name) EXPECT_FALSE(c >= 'A' && c <= 'Z') << name;
  }
}

TEST_F(ServerTest, ResponseCarriesTheRequestIdTheHandlerSaw) {
  start();
  auto socket = connect();
  beast::flat_buffer buffer;
  const auto generated = get(socket, buffer, "/a");
  const auto reused = get(socket, buffer, "/b", "client-chosen-id");
  const auto replaced = get(socket, buffer, "/c", "not{sane}");
  const auto requests = api_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(generated["X-Request-Id"].size(), 16u);
  EXPECT_EQ(generated["X-Request-Id"], requests[0].request_id);
  EXPECT_EQ(reused["X-Request-Id"], "client-chosen-id");
  EXPECT_EQ(requests[1].request_id, "client-chosen-id");
  EXPECT_EQ(replaced["X-Request-Id"].size(), 16u);
  EXPECT_EQ(replaced["X-Request-Id"], requests[2].request_id);
}

TEST_F(ServerTest, AnnouncedBodyOverLimitGets413BeforeTheBodyIsSent) {
  ServerOptions options = test_options();
  options.max_body_bytes = 1024;
  start(options);
  auto socket = connect();
  send_raw(socket, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n");
  beast::flat_buffer buffer;
  const auto response = read_response(socket, buffer);
  EXPECT_EQ(response.result_int(), 413u);
  EXPECT_EQ(scim_error_of(response).at("status").as_string(), "413");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(closed_within(socket, 3000ms));
  EXPECT_EQ(api_.requests().size(), 0u);
}

TEST_F(ServerTest, FullBodyOverDefaultLimitGets413AndTheClientCanReadIt) {
  start();  // default limit: 1 MiB
  auto socket = connect();
  beast_http::request<beast_http::string_body> request{beast_http::verb::post, "/x", 11};
  request.set(beast_http::field::host, "x");
  request.body() = std::string((1 << 20) + 1, 'a');
  request.prepare_payload();
  beast_http::write(socket, request);  // the server discards the rest, so this completes
  beast::flat_buffer buffer;
  const auto response = read_response(socket, buffer);
  EXPECT_EQ(response.result_int(), 413u);
  EXPECT_EQ(api_.requests().size(), 0u);
}

TEST_F(ServerTest, ChunkedBodyOverLimitGets413) {
  ServerOptions options = test_options();
  options.max_body_bytes = 1024;
  start(options);
  auto socket = connect();
  const std::string chunk(600, 'c');
  send_raw(socket, "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  for (int i = 0; i < 3; ++i) send_raw(socket, "258\r\n" + chunk + "\r\n");  // 0x258 = 600
  send_raw(socket, "0\r\n\r\n");
  beast::flat_buffer buffer;
  const auto response = read_response(socket, buffer);
  EXPECT_EQ(response.result_int(), 413u);
  EXPECT_EQ(scim_error_of(response).at("status").as_string(), "413");
  EXPECT_EQ(api_.requests().size(), 0u);
}

TEST_F(ServerTest, ChunkedBodyWithinLimitIsJoined) {
  start();
  auto socket = connect();
  send_raw(socket,
           "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
           "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  beast::flat_buffer buffer;
  EXPECT_EQ(read_response(socket, buffer).body(), "handled POST /x body=abcde");
}

TEST_F(ServerTest, HeaderOverLimitGets431AndCloses) {
  ServerOptions options = test_options();
  options.max_header_bytes = 4096;
  start(options);
  auto socket = connect();
  send_raw(socket, "GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'h') + "\r\n\r\n");
  beast::flat_buffer buffer;
  const auto response = read_response(socket, buffer);
  EXPECT_EQ(response.result_int(), 431u);
  EXPECT_EQ(scim_error_of(response).at("status").as_string(), "431");
  EXPECT_TRUE(closed_within(socket, 3000ms));
  EXPECT_EQ(api_.requests().size(), 0u);
}

TEST_F(ServerTest, GarbageGets400AndCloses) {
  start();
  auto socket = connect();
  send_raw(socket, "HELLO THERE\x01\r\n\r\n");
  beast::flat_buffer buffer;
  const auto response = read_response(socket, buffer);
  EXPECT_EQ(response.result_int(), 400u);
  EXPECT_EQ(scim_error_of(response).at("status").as_string(), "400");
  EXPECT_TRUE(closed_within(socket, 3000ms));
}

TEST_F(ServerTest, HandlerThatThrowsGives500ScimError) {
  start();
  auto socket = connect();
  beast::flat_buffer buffer;
  const auto response = get(socket, buffer, "/throw");
  EXPECT_EQ(response.result_int(), 500u);
  EXPECT_EQ(scim_error_of(response).at("status").as_string(), "500");
  EXPECT_EQ(get(socket, buffer, "/after").result_int(), 200u);  // the connection survives
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  auto socket = connect();
  send_raw(socket, "GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n");
  beast::flat_buffer buffer;
  EXPECT_EQ(read_response(socket, buffer).body(), "handled GET /one body=");
  EXPECT_EQ(read_response(socket, buffer).body(), "handled GET /two body=");
}

TEST_F(ServerTest, Http10WithoutKeepAliveIsClosedAfterTheResponse) {
  start();
  auto socket = connect();
  send_raw(socket, "GET /old HTTP/1.0\r\n\r\n");
  beast::flat_buffer buffer;
  const auto response = read_response(socket, buffer);
  EXPECT_EQ(response.version(), 10u);
  EXPECT_EQ(response.body(), "handled GET /old body=");
  EXPECT_TRUE(closed_within(socket, 3000ms));
}

TEST_F(ServerTest, HeadGetsContentLengthWithoutBody) {
  start();
  auto socket = connect();
  send_raw(socket, "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n");
  beast::flat_buffer buffer;
  beast_http::response_parser<beast_http::string_body> parser;
  parser.skip(true);
  beast_http::read(socket, buffer, parser);
  EXPECT_EQ(parser.get()["Content-Length"],
            std::to_string(std::string_view("handled HEAD /h body=").size()));
  EXPECT_TRUE(parser.get().body().empty());
  EXPECT_EQ(get(socket, buffer, "/next").body(), "handled GET /next body=");
}

TEST_F(ServerTest, ExpectContinueGets100BeforeTheBody) {
  start();
  auto socket = connect();
  send_raw(socket,
           "POST /c HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  beast::flat_buffer buffer;
  const auto interim = read_response(socket, buffer);
  EXPECT_EQ(interim.result_int(), 100u);
  send_raw(socket, "ok");
  EXPECT_EQ(read_response(socket, buffer).body(), "handled POST /c body=ok");
}

TEST_F(ServerTest, BlockingHandlerRunsOffTheIoThreadWhichStaysFree) {
  ServerOptions options = test_options();
  options.io_threads = 1;
  start(options);
  auto fast_socket = connect();
  beast::flat_buffer fast_buffer;
  ASSERT_EQ(get(fast_socket, fast_buffer, "/fast").result_int(), 200u);

  auto slow = std::async(std::launch::async, [this] {
    auto socket = connect();
    beast::flat_buffer buffer;
    return get(socket, buffer, "/block/slow?sleep=800");
  });
  wait_until_entered(2);
  // With one io thread, this answer can only come back now if the slow handler is elsewhere.
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(get(fast_socket, fast_buffer, "/fast2").result_int(), 200u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);
  EXPECT_EQ(slow.get().result_int(), 200u);

  EXPECT_EQ(api_.thread_of("/fast"), api_.thread_of("/fast2"));
  EXPECT_NE(api_.thread_of("/block/slow?sleep=800"), api_.thread_of("/fast"));
}

// Each I/O thread runs a loop of its own: connections are dealt out in turn and each one stays
// on its loop, and a blocking handler's reply comes back to that loop.
TEST_F(ServerTest, ConnectionsAreDealtOverTheLoopsAndEachStaysOnOne) {
  ServerOptions options = test_options();
  options.io_threads = 3;
  start(options);
  std::vector<tcp::socket> sockets;
  std::vector<beast::flat_buffer> buffers(3);
  for (int c = 0; c < 3; ++c) sockets.push_back(connect());
  for (int round = 0; round < 3; ++round) {
    for (std::size_t c = 0; c < 3; ++c) {
      const std::string target = "/c" + std::to_string(c) + "/r" + std::to_string(round);
      ASSERT_EQ(get(sockets[c], buffers[c], target).result_int(), 200u);
      ASSERT_EQ(get(sockets[c], buffers[c], "/block" + target).result_int(), 200u);
    }
  }
  std::set<std::thread::id> loops;
  for (int c = 0; c < 3; ++c) {
    const std::string first = "/c" + std::to_string(c) + "/r0";
    for (int round = 1; round < 3; ++round) {
      EXPECT_EQ(api_.thread_of("/c" + std::to_string(c) + "/r" + std::to_string(round)),
                api_.thread_of(first));
    }
    EXPECT_NE(api_.thread_of("/block" + first), api_.thread_of(first));
    loops.insert(api_.thread_of(first));
  }
  EXPECT_EQ(loops.size(), 3u);
}

TEST_F(ServerTest, ManyConcurrentBlockingRequestsAllComplete) {
  start();  // 4 blocking threads
  constexpr int kClients = 16;
  std::vector<std::future<unsigned>> results;
  for (int i = 0; i < kClients; ++i) {
    results.push_back(std::async(std::launch::async, [this, i] {
      auto socket = connect();
      beast::flat_buffer buffer;
      unsigned ok = 0;
      for (int j = 0; j < 3; ++j) {
        const auto target = "/block/" + std::to_string(i) + "/" + std::to_string(j) + "?sleep=20";
        if (get(socket, buffer, target).result_int() == 200) ++ok;
      }
      return ok;
    }));
  }
  unsigned total = 0;
  for (auto& result : results) total += result.get();
  EXPECT_EQ(total, 3u * kClients);
  EXPECT_EQ(api_.requests().size(), 3u * kClients);
  EXPECT_GT(api_.max_inside(), 1);
  EXPECT_LE(api_.max_inside(), 4);
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  ServerOptions options = test_options();
  options.idle_timeout = 1s;
  start(options);
  auto socket = connect();
  beast::flat_buffer buffer;
  ASSERT_EQ(get(socket, buffer, "/a").result_int(), 200u);
  EXPECT_FALSE(closed_within(socket, 500ms));
  EXPECT_TRUE(closed_within(socket, 2000ms));
}

TEST_F(ServerTest, SlowRequestIsClosedAfterReadTimeout) {
  ServerOptions options = test_options();
  options.read_timeout = 1s;
  start(options);
  auto socket = connect();
  send_raw(socket, "GET /slow HTTP/1.1\r\nHost: x\r\n");
  std::this_thread::sleep_for(500ms);
  send_raw(socket, "X-Trickle: 1\r\n");  // a byte now and then must not extend the deadline
  EXPECT_TRUE(closed_within(socket, 2000ms));
  EXPECT_EQ(api_.requests().size(), 0u);
}

TEST_F(ServerTest, StopDrainsAnInFlightRequestAndClosesIdleConnections) {
  start();
  auto idle_socket = connect();
  beast::flat_buffer idle_buffer;
  ASSERT_EQ(get(idle_socket, idle_buffer, "/warm").result_int(), 200u);

  auto slow = std::async(std::launch::async, [this] {
    auto socket = connect();
    beast::flat_buffer buffer;
    return get(socket, buffer, "/block/drain?sleep=600");
  });
  wait_until_entered(2);
  server_->stop();

  EXPECT_TRUE(closed_within(idle_socket, 1000ms));
  const auto response = slow.get();
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.body(), "handled GET /block/drain?sleep=600 body=");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(run_returns_within(2000ms));
  tcp::socket late(client_io_);
  beast::error_code ec;
  late.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()), ec);
  EXPECT_TRUE(ec) << "still accepting after stop()";
}

TEST_F(ServerTest, StopGivesUpAfterDrainTimeout) {
  ServerOptions options = test_options();
  options.drain_timeout = 1s;
  start(options);
  auto stuck = std::async(std::launch::async, [this] {
    auto socket = connect();
    beast::flat_buffer buffer;
    beast::error_code ec;
    beast_http::request<beast_http::string_body> request{beast_http::verb::get,
                                                         "/block/stuck?sleep=2500", 11};
    beast_http::write(socket, request);
    Response response;
    beast_http::read(socket, buffer, response, ec);
    return ec;
  });
  wait_until_entered(1);
  const auto stopped_at = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_TRUE(run_returns_within(2000ms));
  EXPECT_GE(std::chrono::steady_clock::now() - stopped_at, 900ms);
  server_.reset();  // waits for the stuck handler; its connection is dropped unanswered
  EXPECT_TRUE(stuck.get());
}

TEST_F(ServerTest, SigtermDrainsLikeStop) {
  start();
  auto socket = connect();
  beast::flat_buffer buffer;
  ASSERT_EQ(get(socket, buffer, "/warm").result_int(), 200u);  // run() has its signal set
  auto slow = std::async(std::launch::async, [this] {
    auto slow_socket = connect();
    beast::flat_buffer slow_buffer;
    return get(slow_socket, slow_buffer, "/block/term?sleep=400");
  });
  wait_until_entered(2);
  std::raise(SIGTERM);
  const auto response = slow.get();
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(closed_within(socket, 1000ms));
  EXPECT_TRUE(run_returns_within(2000ms));
}

TEST_F(ServerTest, AccessLogHasOneJsonLinePerRequestWithoutAuthorization) {
  start();
  const auto lines_before = access_sink()->lines().size();
  auto socket = connect();
  send_raw(socket,
           "POST /logged?q=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer top-secret\r\n"
           "X-Request-Id: log-test-id\r\nContent-Length: 3\r\n\r\nabc");
  beast::flat_buffer buffer;
  const auto response = read_response(socket, buffer);
  ASSERT_EQ(response.result_int(), 200u);
  std::vector<std::string> lines;
  for (int i = 0; i < 200; ++i) {
    lines = access_sink()->lines();
    if (lines.size() > lines_before) break;
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_EQ(lines.size(), lines_before + 1);
  const std::string& line = lines.back();
  EXPECT_EQ(line.find("top-secret"), std::string::npos);
  const json::object entry = json::parse(line).as_object();
  EXPECT_EQ(entry.at("request_id").as_string(), "log-test-id");
  EXPECT_EQ(entry.at("remote").as_string(), "127.0.0.1");
  EXPECT_EQ(entry.at("method").as_string(), "POST");
  EXPECT_EQ(entry.at("path").as_string(), "/logged?q=1");
  EXPECT_EQ(entry.at("status").to_number<int>(), 200);
  EXPECT_GT(entry.at("bytes_in").to_number<int>(), 3);
  EXPECT_GT(entry.at("bytes_out").to_number<int>(), static_cast<int>(response.body().size()));
  EXPECT_GE(entry.at("duration_us").as_int64(), 0);
}

TEST_F(ServerTest, ListenOnABusyPortIsUnavailable) {
  start();
  ServerOptions options = test_options();
  options.port = server_->port();
  Server second(
      options, [](const api::Request&) { return api::Response{}; }, nullptr);
  const auto listened = second.listen();
  ASSERT_FALSE(listened.ok());
  EXPECT_EQ(listened.error().code, Errc::unavailable);
  EXPECT_NE(listened.error().detail.find(std::to_string(options.port)), std::string::npos);
}

}  // namespace
}  // namespace scimd::http
