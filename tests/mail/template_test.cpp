#include "mail/template.h"

#include <gtest/gtest.h>

#include "mail/invitation.h"

namespace scimd::mail {
namespace {

namespace json = boost::json;

json::object alice() {
  return json::parse(R"({"id":"u-1","userName":"alice@idp.test","displayName":"Alice Liddell",
    "name":{"givenName":"Alice","familyName":"Liddell"},
    "emails":[{"value":"home@alice.test","type":"home","primary":true},
              {"value":"alice@acme.test","type":"work"}]})")
      .as_object();
}

TEST(Template, RendersEveryVariable) {
  const auto vars = invitation_vars(alice(), "alice@acme.test", "acme", "https://app.test/login");
  EXPECT_EQ(render_template("{{userName}}|{{displayName}}|{{givenName}}|{{familyName}}|{{email}}|"
                            "{{tenant}}|{{loginUrl}}|{{ userId }}",
                            vars),
            "alice@idp.test|Alice Liddell|Alice|Liddell|alice@acme.test|acme|"
            "https://app.test/login|u-1");
  EXPECT_EQ(render_template("no variables", vars), "no variables");
}

TEST(Template, MissingValuesRenderEmpty) {
  const auto vars = invitation_vars(json::object{{"userName", "bob"}}, "", "acme", "");
  EXPECT_EQ(render_template("Hi {{givenName}}!", vars), "Hi !");
}

TEST(Template, CheckRejectsUnknownAndUnclosed) {
  EXPECT_TRUE(check_template("Hello {{givenName}}", "body").ok());
  auto unknown = check_template("Hello {{firstName}}", "body");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, Errc::invalid_value);
  EXPECT_NE(unknown.error().detail.find("firstName"), std::string::npos);
  EXPECT_NE(unknown.error().detail.find("body"), std::string::npos);
  auto unclosed = check_template("Hello {{givenName", "subject");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.error().detail.find("unclosed"), std::string::npos);
  EXPECT_NE(unclosed.error().detail.find("subject"), std::string::npos);
}

TEST(Recipient, PrefersWorkThenPrimaryThenFirstThenUserName) {
  EXPECT_EQ(invitation_recipient(alice()), "alice@acme.test");
  auto primary = json::parse(R"({"emails":[{"value":"a@x.test"},{"value":"b@x.test","primary":true}]})");
  EXPECT_EQ(invitation_recipient(primary.as_object()), "b@x.test");
  auto first = json::parse(R"({"emails":[{"value":"a@x.test"},{"value":"b@x.test"}]})");
  EXPECT_EQ(invitation_recipient(first.as_object()), "a@x.test");
  EXPECT_EQ(invitation_recipient(json::object{{"userName", "c@x.test"}}), "c@x.test");
  EXPECT_EQ(invitation_recipient(json::object{{"userName", "carol"}}), "");
  auto upper = json::parse(R"({"emails":[{"value":"h@x.test"},{"value":"w@x.test","type":"Work"}]})");
  EXPECT_EQ(invitation_recipient(upper.as_object()), "w@x.test");
}

TEST(HeaderSafe, StripsLineBreaks) {
  EXPECT_EQ(header_safe("a\r\nBcc: evil@x.test"), "a  Bcc: evil@x.test");
}

json::value settings(std::string_view text) { return json::parse(text); }

TEST(InvitationSettings, ParsesAValidObject) {
  auto s = parse_invitation_settings(settings(
      R"({"enabled":true,"from":"Acme <no-reply@acme.test>","subject":"Welcome {{displayName}}",
          "body":"Hello {{givenName}}, {{loginUrl}}","login_url":"https://app.acme.test/login"})"));
  ASSERT_TRUE(s.ok()) << s.error().detail;
  EXPECT_TRUE(s->enabled);
  EXPECT_EQ(s->from, "Acme <no-reply@acme.test>");
  EXPECT_EQ(s->subject, "Welcome {{displayName}}");
  EXPECT_EQ(s->login_url, "https://app.acme.test/login");
  auto off = parse_invitation_settings(settings(R"({"enabled":false})"));
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->enabled);
}

void expect_invalid(std::string_view text, std::string_view mention) {
  auto s = parse_invitation_settings(settings(text));
  ASSERT_FALSE(s.ok()) << text;
  EXPECT_EQ(s.error().code, Errc::invalid_value);
  EXPECT_NE(s.error().detail.find(mention), std::string::npos) << s.error().detail;
}

TEST(InvitationSettings, RejectsWhatItCannotUse) {
  expect_invalid("[]", "object");
  expect_invalid(R"({"enabled":true,"from":"a@b.test","subject":"s","body":"b","bcc":"x"})", "bcc");
  expect_invalid(R"({"enabled":"yes"})", "enabled");
  expect_invalid(R"({"enabled":false,"subject":3})", "subject");
  expect_invalid(R"({"enabled":true,"subject":"s","body":"b"})", "from");
  expect_invalid(R"({"enabled":true,"from":"a@b.test","body":"b"})", "subject");
  expect_invalid(R"({"enabled":true,"from":"a@b.test","subject":"s"})", "body");
  expect_invalid(R"({"enabled":true,"from":"not an address","subject":"s","body":"b"})", "from");
  expect_invalid(R"({"enabled":true,"from":"a@b.test\r\nBcc: c@d.test","subject":"s","body":"b"})",
                 "from");
  expect_invalid(R"({"enabled":true,"from":"a@b.test","subject":"Hi {{nope}}","body":"b"})", "nope");
  expect_invalid(R"({"enabled":true,"from":"a@b.test","subject":"s","body":"Hi {{givenName"})",
                 "unclosed");
}

}  // namespace
}  // namespace scimd::mail
