// One JSON line per request on the spdlog logger named "access" (stdout unless the app
// registers its own logger of that name first, or changes its sinks).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "core/time.h"

namespace scimd::http {

struct AccessLogEntry {
  TimePoint time;
  std::string_view request_id;
  std::string_view remote;
  std::string_view method;
  std::string_view target;  // full request target; headers (Authorization) are never logged
  int status = 0;
  std::size_t bytes_in = 0;   // request bytes consumed by the parser (header and body)
  std::size_t bytes_out = 0;  // response bytes written
  double duration_ms = 0;     // first byte of the request to last byte of the response
};

// {"time":...,"request_id":...,"remote":...,"method":...,"path":...,"status":...,
//  "bytes_in":...,"bytes_out":...,"duration_us":...}
std::string access_log_line(const AccessLogEntry& entry);

// The registered "access" logger, or a new stdout logger of that name with the pattern "%v"
// (the line is the message) that writes in chunks: a line reaches stdout within about a second.
std::shared_ptr<spdlog::logger> access_logger();

}  // namespace scimd::http
