#include "http/access_log.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <mutex>
#include <string>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <boost/json.hpp>

namespace scimd::http {

std::string access_log_line(const AccessLogEntry& entry) {
  namespace json = boost::json;
  json::object line;
  line["time"] = format_time(entry.time);
  line["request_id"] = entry.request_id;
  line["remote"] = entry.remote;
  line["method"] = entry.method;
  line["path"] = entry.target;
  line["status"] = entry.status;
  line["bytes_in"] = entry.bytes_in;
  line["bytes_out"] = entry.bytes_out;
  // Microsecond precision is all a log reader needs.
  // Whole microseconds: Boost.JSON prints doubles in exponent form ("1.829E0").
  line["duration_us"] = static_cast<std::int64_t>(std::llround(entry.duration_ms * 1000.0));
  return json::serialize(line);
}

namespace {

// Collects lines and writes them to stdout a chunk at a time: one write(2) per 64 KiB or per
// periodic flush, instead of a write and a thread wake-up per request.
class ChunkedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~ChunkedStdoutSink() override {
    const std::lock_guard lock(mutex_);
    write_out();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    buffer_.append(formatted.data(), formatted.size());
    if (buffer_.size() >= kChunkBytes) write_out();
  }
  void flush_() override { write_out(); }

 private:
  static constexpr std::size_t kChunkBytes = 64 * 1024;

  void write_out() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
      const ssize_t n = ::write(STDOUT_FILENO, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // stdout is gone: drop the lines rather than block requests
      done += static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }

  std::string buffer_;
};

// Lines reach stdout at most this long after their request.
constexpr std::chrono::seconds kFlushInterval{1};  // spdlog 1.10 flushes in whole seconds

}  // namespace

std::shared_ptr<spdlog::logger> access_logger() {
  // Serialised so two servers in one process (tests) cannot both try to register the name.
  static std::mutex create_mutex;
  const std::lock_guard lock(create_mutex);
  if (auto existing = spdlog::get("access")) return existing;
  // Synchronous into a buffer: the request thread appends its line under the sink's lock.
  auto logger = std::make_shared<spdlog::logger>("access", std::make_shared<ChunkedStdoutSink>());
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::info);
  spdlog::register_logger(logger);
  spdlog::flush_every(kFlushInterval);
  return logger;
}

}  // namespace scimd::http
