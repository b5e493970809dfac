#include "http/request_id.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace scimd::http {
namespace {

TEST(RequestIdTest, NewIdIsSixteenLowerHexCharacters) {
  const std::string id = new_request_id();
  ASSERT_EQ(id.size(), 16u);
  for (const char c : id) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
}

TEST(RequestIdTest, NewIdsDoNotRepeat) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(new_request_id());
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(RequestIdTest, AcceptsSaneClientIds) {
  EXPECT_TRUE(is_acceptable_client_request_id("abc-DEF_123.x:y"));
  EXPECT_TRUE(is_acceptable_client_request_id("0f8fad5b-d9cb-469f-a165-70867728950e"));
  EXPECT_TRUE(is_acceptable_client_request_id(std::string(64, 'a')));
}

TEST(RequestIdTest, RejectsEmptyLongOrOddClientIds) {
  EXPECT_FALSE(is_acceptable_client_request_id(""));
  EXPECT_FALSE(is_acceptable_client_request_id(std::string(65, 'a')));
  EXPECT_FALSE(is_acceptable_client_request_id("has space"));
  EXPECT_FALSE(is_acceptable_client_request_id("quote\""));
  EXPECT_FALSE(is_acceptable_client_request_id("new\nline"));
  EXPECT_FALSE(is_acceptable_client_request_id("{json}"));
}

TEST(RequestIdTest, RequestIdForReusesOnlyAcceptableIds) {
  EXPECT_EQ(request_id_for("client-id-1"), "client-id-1");
  const std::string replaced = request_id_for("bad id");
  EXPECT_NE(replaced, "bad id");
  EXPECT_EQ(replaced.size(), 16u);
  EXPECT_EQ(request_id_for("").size(), 16u);
}

}  // namespace
}  // namespace scimd::http
