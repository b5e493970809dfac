#include "scim/patch_values.h"

#include <gtest/gtest.h>

namespace scimd::scim {
namespace {

namespace json = boost::json;

const AttributeDef& emails_def() { return *user_schema().find("emails"); }

TEST(PatchValues, MergeComplexSetsGivenSubAttributesAndClearsNulls) {
  json::object name = json::parse(R"({"givenName":"Barbara","familyName":"Jensen"})").as_object();
  merge_complex(name, json::parse(R"({"givenName":"Barb","middleName":null})").as_object());
  EXPECT_EQ(name, json::parse(R"({"givenName":"Barb","familyName":"Jensen"})").as_object());
  merge_complex(name, json::parse(R"({"familyName":null})").as_object());
  EXPECT_EQ(name, json::parse(R"({"givenName":"Barb"})").as_object());
}

TEST(PatchValues, MergeComplexWithAnotherReferentReplaces) {
  json::object manager = json::parse(R"({"value":"1","displayName":"Old Boss"})").as_object();
  merge_complex(manager, json::parse(R"({"value":"1","$ref":"../Users/1"})").as_object());
  EXPECT_EQ(manager.at("displayName"), "Old Boss");  // same manager: merged
  merge_complex(manager, json::parse(R"({"value":"2"})").as_object());
  EXPECT_EQ(manager, json::parse(R"({"value":"2"})").as_object());
}

TEST(PatchValues, ElementFromEqTermsJoinedByAnd) {
  auto filter = parse_filter(R"(type eq "work" and primary eq true)");
  ASSERT_TRUE(filter.ok());
  json::object element;
  ASSERT_TRUE(element_from_filter(emails_def(), *filter, element));
  EXPECT_EQ(element, json::parse(R"({"type":"work","primary":true})").as_object());
}

TEST(PatchValues, NoElementFromOtherFilters) {
  for (const char* text : {R"(type ne "work")", R"(type eq "a" or type eq "b")", R"(value co "@x")",
                           R"(shoeSize eq "9")", R"(not (type eq "a"))"}) {
    auto filter = parse_filter(text);
    ASSERT_TRUE(filter.ok()) << text;
    json::object element;
    EXPECT_FALSE(element_from_filter(emails_def(), *filter, element)) << text;
  }
}

TEST(PatchValues, FilterBooleansFromStrings) {
  auto filter = parse_filter(R"(primary eq "True" and type eq "true")");
  ASSERT_TRUE(filter.ok());
  coerce_filter_booleans(emails_def(), *filter);
  EXPECT_EQ(filter->children.at(0).value, true);
  EXPECT_EQ(filter->children.at(1).value, "true");  // type is a string attribute
}

TEST(PatchValues, KeepFirstPrimary) {
  json::array values =
      json::parse(R"([{"v":1,"primary":true},{"v":2},{"v":3,"primary":true}])").as_array();
  keep_first_primary(values, {2, 0});
  EXPECT_EQ(values, json::parse(R"([{"v":1},{"v":2},{"v":3,"primary":true}])").as_array());
  keep_first_primary(values, {1});  // no primary among them: nothing changes
  EXPECT_TRUE(is_primary(values[2]));
}

TEST(PatchValues, ElementContains) {
  const json::value element = json::parse(R"({"value":"a@b","type":"work"})");
  EXPECT_TRUE(element_contains(element, json::parse(R"({"value":"a@b"})")));
  EXPECT_FALSE(element_contains(element, json::parse(R"({"value":"a@b","type":"home"})")));
  EXPECT_FALSE(element_contains(element, json::parse(R"({})")));
}

TEST(PatchValues, ComplexValueAsJsonString) {
  const AttributeDef& roles = *user_schema().find("roles");
  auto coerced =
      coerce_patch_value(roles, json::value("{\"value\":\"Reader\",\"id\":\"x\"}"), "roles");
  ASSERT_TRUE(coerced.ok());
  EXPECT_EQ(*coerced, json::parse(R"([{"value":"Reader"}])"));
  auto plain = coerce_patch_value(roles, json::value("Reader"), "roles");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, json::parse(R"([{"value":"Reader"}])"));
}

}  // namespace
}  // namespace scimd::scim
