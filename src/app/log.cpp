#include "app/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/time.h"

namespace scimd::app {

namespace {

std::shared_ptr<spdlog::logger> process_logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stdout_logger_mt("scimd");
    l->set_pattern("%v");
    l->flush_on(spdlog::level::info);  // start-up lines must be readable at once by scripts
    return l;
  }();
  return logger;
}

}  // namespace

void log_event(LogLevel level, std::string_view msg, boost::json::object fields) {
  boost::json::object line;
  line["time"] = format_time(std::chrono::system_clock::now());
  line["level"] = level == LogLevel::info ? "info" : level == LogLevel::warn ? "warn" : "error";
  line["msg"] = msg;
  for (auto& [k, v] : fields) line[k] = std::move(v);
  const std::string text = boost::json::serialize(line);
  switch (level) {
    case LogLevel::info: process_logger()->info(text); break;
    case LogLevel::warn: process_logger()->warn(text); break;
    case LogLevel::error: process_logger()->error(text); break;
  }
}

}  // namespace scimd::app
