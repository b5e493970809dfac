#include "delivery/webhook_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "delivery/signature.h"

namespace scimd::delivery {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Error spec_error(std::string_view text) {
  auto r = parse_webhook_spec(json::parse(text));
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? Error{} : r.error();
}

TEST(WebhookSpec, NewSecretsAreWhsecWith24RandomBytes) {
  const std::string a = new_webhook_secret();
  const std::string b = new_webhook_secret();
  EXPECT_EQ(a.rfind("whsec_", 0), 0u);
  EXPECT_NE(a, b);
  auto key = webhook_key(a);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->size(), 24u);
}

TEST(WebhookSpec, AcceptsUrlAndEvents) {
  auto spec = parse_webhook_spec(
      json::parse(R"({"url":"https://hooks.example.com/scim?x=1","events":["user.created","group.user_added"]})"));
  ASSERT_TRUE(spec.ok()) << spec.error().detail;
  EXPECT_EQ(spec->url, "https://hooks.example.com/scim?x=1");
  EXPECT_THAT(spec->events, ElementsAre("user.created", "group.user_added"));
  EXPECT_EQ(spec->secret.rfind("whsec_", 0), 0u);
}

TEST(WebhookSpec, EventsAreOptional) {
  auto spec = parse_webhook_spec(json::parse(R"({"url":"http://127.0.0.1:9000/h"})"));
  ASSERT_TRUE(spec.ok()) << spec.error().detail;
  EXPECT_TRUE(spec->events.empty());
}

TEST(WebhookSpec, RejectsBadBodiesWithAClearDetail) {
  EXPECT_EQ(spec_error("[]").code, Errc::invalid_value);
  EXPECT_THAT(spec_error(R"({"events":[]})").detail, HasSubstr("url is required"));
  EXPECT_THAT(spec_error(R"({"url":5})").detail, HasSubstr("url must be a string"));
  EXPECT_THAT(spec_error(R"({"url":"/relative"})").detail, HasSubstr("absolute"));
  EXPECT_THAT(spec_error(R"({"url":"ftp://h/x"})").detail, HasSubstr("http or https"));
  EXPECT_THAT(spec_error(R"({"url":"http:///nohost"})").detail, HasSubstr("no host"));
  EXPECT_THAT(spec_error(R"({"url":"https://u:p@h/x"})").detail, HasSubstr("user:password"));
  EXPECT_THAT(spec_error(R"({"url":"https://h/x","secret":"s"})").detail, HasSubstr("unknown key 'secret'"));
  EXPECT_THAT(spec_error(R"({"url":"https://h/x","events":"user.created"})").detail, HasSubstr("array"));
  EXPECT_THAT(spec_error(R"({"url":"https://h/x","events":[1]})").detail, HasSubstr("array"));
  const Error unknown = spec_error(R"({"url":"https://h/x","events":["user.exploded"]})");
  EXPECT_THAT(unknown.detail, HasSubstr("user.exploded"));
  EXPECT_THAT(unknown.detail, HasSubstr("user.roles_changed"));  // lists the known ones
  EXPECT_THAT(spec_error(R"({"url":"https://h/x","events":["user.created","user.created"]})").detail,
              HasSubstr("twice"));
}

}  // namespace
}  // namespace scimd::delivery
