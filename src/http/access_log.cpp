#include "http/access_log.h"

#include <cmath>
#include <mutex>

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
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

std::shared_ptr<spdlog::logger> access_logger() {
  // Serialised so two servers in one process (tests) cannot both try to register the name.
  static std::mutex create_mutex;
  const std::lock_guard lock(create_mutex);
  if (auto existing = spdlog::get("access")) return existing;
  // Asynchronous: request threads only enqueue, the pool thread does the writing.
  auto logger = spdlog::create_async<spdlog::sinks::stdout_sink_mt>("access");
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::info);
  return logger;
}

}  // namespace scimd::http
