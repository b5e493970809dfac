// One keep-alive HTTP/1.1 connection to the server under test, driven by a C++20 coroutine.
// It only sends a request and hands back the status and body; what they mean is the caller's.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/error_code.hpp>

namespace scimd::replay {

struct BaseUrl {
  std::string host;
  std::string port;
  std::string path;  // "/scim/v2" (no trailing slash)
};

// Parses "http://host[:port]/path"; nullopt for anything else (no TLS: loopback only).
std::optional<BaseUrl> parse_base_url(std::string_view url);

struct Reply {
  unsigned status = 0;  // 0: no reply, see `error`
  std::string body;
  boost::system::error_code error;
};

class Connection {
 public:
  Connection(boost::asio::any_io_executor executor, boost::asio::ip::tcp::endpoint endpoint,
             const BaseUrl& base, std::string_view token);

  // Sends `method base.path+target` with `body` (JSON when not empty). Reconnects first if the
  // previous exchange closed the connection. Never throws on I/O errors: they come back in Reply.
  boost::asio::awaitable<Reply> send(boost::beast::http::verb method, std::string_view target,
                                     std::string body);
  void close();

 private:
  boost::asio::ip::tcp::socket socket_;
  boost::asio::ip::tcp::endpoint endpoint_;
  boost::beast::flat_buffer buffer_;
  std::string host_;
  std::string path_;
  std::string authorization_;
};

}  // namespace scimd::replay
