// Cursor records: round trips for every key type, strict decoding, query shapes.
#include "store/cursor.h"

#include <cctype>
#include <limits>

#include <gtest/gtest.h>

namespace scimd::store {
namespace {

using Direction = CursorPosition::Direction;

CursorPosition position(CursorPosition::Key key, Direction direction = Direction::next,
                        bool include = false) {
  CursorPosition p;
  p.direction = direction;
  p.include_boundary = include;
  p.shape = std::string("\x01\x02\x03\x04\x05\x06\x07\xff", kQueryShapeBytes);
  p.key = std::move(key);
  p.seq = 1234567890123;
  return p;
}

void expect_round_trip(const CursorPosition& p) {
  const std::string text = encode_cursor(p);
  for (const char c : text) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << text;
  }
  auto back = decode_cursor(text);
  ASSERT_TRUE(back.ok()) << back.error().detail;
  EXPECT_EQ(back->direction, p.direction);
  EXPECT_EQ(back->include_boundary, p.include_boundary);
  EXPECT_EQ(back->shape, p.shape);
  EXPECT_EQ(back->key, p.key);
  EXPECT_EQ(back->seq, p.seq);
}

TEST(Cursor, EveryKeyTypeRoundTrips) {
  expect_round_trip(position(std::monostate()));
  expect_round_trip(position(nullptr, Direction::previous));
  expect_round_trip(position(std::int64_t{-1}, Direction::previous, true));
  expect_round_trip(position(std::numeric_limits<std::int64_t>::min()));
  expect_round_trip(position(0.1 + 0.2));
  expect_round_trip(position(-1e300));
  expect_round_trip(position(std::string("bjensen@example.com")));
  expect_round_trip(position(std::string("\0\xff\"'=", 5)));
  expect_round_trip(position(std::string()));
}

TEST(Cursor, DecodingIsStrict) {
  // A fixed-size key, so that a cut or an extension is detectable (a text key takes the rest).
  const std::string good = encode_cursor(position(std::int64_t{42}));
  ASSERT_TRUE(decode_cursor(good).ok());
  for (const std::string& bad :
       {std::string(), good + "=", good + "A", good.substr(0, good.size() - 1), "+" + good,
        "/" + good, good.substr(0, 10), std::string("A B"), std::string(40, '_')}) {
    auto r = decode_cursor(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, Errc::invalid_cursor);
    }
  }
  EXPECT_FALSE(decode_cursor(good.substr(0, good.size() - 2)).ok());
  EXPECT_FALSE(decode_cursor(good + "AA").ok());
}

TEST(Cursor, QueryShapeCoversFilterSortAndKindButNotPaging) {
  auto filter = scim::parse_filter(R"(userName eq "a")");
  auto other = scim::parse_filter(R"(userName eq "b")");
  ASSERT_TRUE(filter.ok() && other.ok());
  ListQuery q;
  q.filter = &*filter;
  q.sort_by = scim::AttrPath{"", "userName", ""};
  const std::string shape = query_shape(1, scim::ResourceKind::user, q);
  EXPECT_EQ(shape.size(), kQueryShapeBytes);

  ListQuery paged = q;
  paged.count = 7;
  paged.start_index = 40;
  paged.fetch.groups = true;
  paged.cursor = "x";
  EXPECT_EQ(query_shape(1, scim::ResourceKind::user, paged), shape);

  ListQuery changed = q;
  changed.filter = &*other;
  EXPECT_NE(query_shape(1, scim::ResourceKind::user, changed), shape);
  changed = q;
  changed.sort_order = SortOrder::descending;
  EXPECT_NE(query_shape(1, scim::ResourceKind::user, changed), shape);
  changed = q;
  changed.sort_by = scim::AttrPath{"", "title", ""};
  EXPECT_NE(query_shape(1, scim::ResourceKind::user, changed), shape);
  EXPECT_NE(query_shape(2, scim::ResourceKind::user, q), shape);
  EXPECT_NE(query_shape(1, scim::ResourceKind::group, q), shape);
}

}  // namespace
}  // namespace scimd::store
