// The process log: one JSON object per line on stdout ({"time","level","msg",...fields}).
#pragma once

#include <string_view>

#include <boost/json.hpp>

namespace scimd::app {

enum class LogLevel { info, warn, error };

void log_event(LogLevel level, std::string_view msg, boost::json::object fields = {});

}  // namespace scimd::app
