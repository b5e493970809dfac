#include "http/access_log.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace scimd::http {
namespace {

namespace json = boost::json;

TEST(AccessLogTest, LineIsOneJsonObjectWithEveryField) {
  const AccessLogEntry entry{
      .time = TimePoint{std::chrono::milliseconds{1'700'000'000'123}},
      .request_id = "0123456789abcdef",
      .remote = "10.0.0.7",
      .method = "GET",
      .target = "/scim/v2/t1/Users?filter=userName%20eq%20%22a\"b%22",
      .status = 200,
      .bytes_in = 120,
      .bytes_out = 2048,
      .duration_ms = 1.2345678,
  };
  const std::string line = access_log_line(entry);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const json::object object = json::parse(line).as_object();
  EXPECT_EQ(object.at("time").as_string(), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(object.at("request_id").as_string(), "0123456789abcdef");
  EXPECT_EQ(object.at("remote").as_string(), "10.0.0.7");
  EXPECT_EQ(object.at("method").as_string(), "GET");
  EXPECT_EQ(object.at("path").as_string(), entry.target);
  EXPECT_EQ(object.at("status").to_number<int>(), 200);
  EXPECT_EQ(object.at("bytes_in").to_number<int>(), 120);
  EXPECT_EQ(object.at("bytes_out").to_number<int>(), 2048);
  EXPECT_EQ(object.at("duration_us"), 1235);
  EXPECT_EQ(object.size(), 9u);
}

TEST(AccessLogTest, ControlCharactersInTargetStayInsideTheJsonString) {
  AccessLogEntry entry;
  entry.target = "/x\n{\"forged\":1}";
  const std::string line = access_log_line(entry);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(json::parse(line).at("path").as_string(), entry.target);
}

}  // namespace
}  // namespace scimd::http
