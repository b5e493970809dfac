// The event document: one serialisation whether the store numbers the event itself (SQLite)
// or PostgreSQL fills in seq and tenant from the parts while it numbers it.
#include "store/event_builder.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace scimd::store {
namespace {

namespace json = boost::json;

TEST(EventJson, IsTheEnvelopeWithDataInFieldOrder) {
  const json::object data{{"user", "a\"b"}, {"n", 1}};
  const std::string text =
      event_json("evt_1", 42, "user.created", "2026-12-02T00:00:00Z", "acme", data);
  EXPECT_EQ(text, R"({"id":"evt_1","seq":42,"type":"user.created","time":"2026-12-02T00:00:00Z",)"
                  R"("tenant":"acme","data":{"user":"a\"b","n":1}})");
  EXPECT_EQ(json::parse(text).at("data"), json::value(data));
}

TEST(EventJson, PartsAroundSeqAndTenantComposeTheSameDocument) {
  const json::object data{{"member", json::object{{"id", "u\\1"}, {"display", "Zoë \"Z\""}}}};
  const EventJsonParts parts = event_json_parts("evt_2", "group.user_added", "t", data);
  const std::string tenant = "we\"ird\\name";
  EXPECT_EQ(parts.before_seq + "7" + parts.before_tenant +
                json::serialize(json::string_view(tenant)) + parts.rest,
            event_json("evt_2", 7, "group.user_added", "t", tenant, data));
  const json::value parsed =
      json::parse(parts.before_seq + "7" + parts.before_tenant + "\"x\"" + parts.rest);
  EXPECT_EQ(parsed.at("seq"), 7);
  EXPECT_EQ(parsed.at("tenant"), "x");
  EXPECT_EQ(parsed.at("data"), json::value(data));
}

}  // namespace
}  // namespace scimd::store
