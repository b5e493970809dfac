#include "delivery/http_post.h"

#include <curl/curl.h>

#include <chrono>
#include <mutex>

namespace scimd::delivery {

namespace {

// curl_global_init is not thread-safe: run it once before the first handle.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

std::string describe(CURLcode code, const char* detail) {
  switch (code) {
    case CURLE_COULDNT_CONNECT: return std::string("connection refused: ") + detail;
    case CURLE_OPERATION_TIMEDOUT: return std::string("timed out: ") + detail;
    case CURLE_COULDNT_RESOLVE_HOST: return std::string("DNS lookup failed: ") + detail;
    default: return std::string(curl_easy_strerror(code)) + (*detail ? ": " : "") + detail;
  }
}

}  // namespace

HttpPoster::HttpPoster(PostOptions options) : options_(options) {
  init_curl_once();
  curl_ = curl_easy_init();
}

HttpPoster::~HttpPoster() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

PostResult HttpPoster::post(const std::string& url,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            std::string_view body) {
  PostResult result;
  CURL* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) {
    result.error = "cannot create an HTTP client handle";
    return result;
  }
  curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip for larger bodies
  for (const auto& [name, value] : headers) {
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "scimd-webhooks/1");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM (threads)
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is a failure, not a new target
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);

  const auto start = std::chrono::steady_clock::now();
  const CURLcode code = curl_easy_perform(curl);
  result.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    result.status = static_cast<int>(status);
  } else {
    result.error = describe(code, error_buffer);
  }
  // The handle keeps pointers to the list and buffer: clear them before they go away.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_slist_free_all(list);
  return result;
}

}  // namespace scimd::delivery
