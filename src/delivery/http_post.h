// One webhook POST over libcurl. An HttpPoster keeps one easy handle, so consecutive POSTs to
// the same endpoint reuse the connection (keep-alive); one poster per endpoint, one thread at
// a time.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scimd::delivery {

struct PostResult {
  int status = 0;          // HTTP status; 0 when no response came
  std::string error;       // empty when a response came: "connection refused", "timed out ..."
  double latency_ms = 0;   // from the start of the request to the end of the response
};

struct PostOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{10000};
};

class HttpPoster {
 public:
  explicit HttpPoster(PostOptions options = {});
  ~HttpPoster();
  HttpPoster(const HttpPoster&) = delete;
  HttpPoster& operator=(const HttpPoster&) = delete;

  // POSTs `body` as application/json with the extra headers ("Name: value" pairs). The
  // response body is read and discarded.
  PostResult post(const std::string& url,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  std::string_view body);

 private:
  PostOptions options_;
  void* curl_;  // CURL*, kept opaque so callers need not include curl.h
};

}  // namespace scimd::delivery
