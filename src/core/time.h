// Time as scimd stores and shows it: RFC 3339 in UTC with exactly three fractional digits
// ("2026-11-24T15:08:18.123Z"), so that text order is time order in every store.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace scimd {

using TimePoint = std::chrono::system_clock::time_point;

// A source of the current time, injected so tests can move it.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

std::string format_time(TimePoint t);  // canonical form above
// Accepts RFC 3339 / xsd:dateTime with any number of fractional digits and a Z or ±hh:mm
// offset; nullopt if the text is not such a time.
std::optional<TimePoint> parse_time(std::string_view text);
// "30s", "15m", "2h", "7d" or a bare number of seconds.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace scimd
