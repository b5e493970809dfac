#include "core/time.h"

#include <gtest/gtest.h>

namespace scimd {
namespace {

TEST(Time, FormatIsCanonicalUtcWithMillis) {
  const auto t = parse_time("2026-11-24T15:08:18.123Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_time(*t), "2026-11-24T15:08:18.123Z");
}

TEST(Time, ParsesOffsetsAndLongFractions) {
  // Microsoft's collection filters with 7 fractional digits and an offset.
  const auto t = parse_time("2015-10-10T14:38:21.8617979-07:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_time(*t), "2015-10-10T21:38:21.861Z");
  EXPECT_EQ(format_time(*parse_time("2011-05-13T04:42:34Z")), "2011-05-13T04:42:34.000Z");
  EXPECT_EQ(format_time(*parse_time("2000-01-01T00:30:00+01:00")), "1999-12-31T23:30:00.000Z");
}

TEST(Time, RejectsWhatIsNotATime) {
  for (const char* bad : {"", "2015", "2015-13-01T00:00:00Z", "2015-10-10 14:38", "yesterday",
                          "2015-10-10T14:38:21.Z", "2015-10-10T14:38:21Zjunk"}) {
    EXPECT_FALSE(parse_time(bad)) << bad;
  }
}

TEST(Time, FarDatesSaturateInsteadOfOverflowing) {
  // Found by the filter fuzzer: year 6011 overflowed the nanosecond clock (UB).
  const auto far = parse_time("6011-05-13T04:42:34Z");
  ASSERT_TRUE(far);
  EXPECT_EQ(*far, TimePoint::max());
  EXPECT_LT(*parse_time("2026-01-01T00:00:00Z"), *far);
  EXPECT_EQ(*parse_time("0001-01-01T00:00:00Z"), TimePoint::min());
}

TEST(Time, TextOrderIsTimeOrder) {
  const auto a = format_time(*parse_time("2026-01-01T00:00:00.5Z"));
  const auto b = format_time(*parse_time("2026-01-01T00:00:01Z"));
  EXPECT_LT(a, b);
}

TEST(Duration, Units) {
  EXPECT_EQ(parse_duration("30")->count(), 30);
  EXPECT_EQ(parse_duration("15m")->count(), 900);
  EXPECT_EQ(parse_duration("2h")->count(), 7200);
  EXPECT_EQ(parse_duration("7d")->count(), 7 * 86400);
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("1w"));
  EXPECT_FALSE(parse_duration(""));
}

}  // namespace
}  // namespace scimd
