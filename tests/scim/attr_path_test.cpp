#include "scim/attr_path.h"

#include <gtest/gtest.h>

#include <ostream>

namespace scimd::scim {
namespace {

constexpr std::string_view kEnterprise =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

TEST(AttrPathTest, ParsesSimpleName) {
  const auto path = parse_attr_path("userName");
  ASSERT_TRUE(path.ok()) << path.error().detail;
  EXPECT_EQ(*path, (AttrPath{"", "userName", ""}));
}

TEST(AttrPathTest, ParsesSubAttribute) {
  const auto path = parse_attr_path("name.givenName");
  ASSERT_TRUE(path.ok()) << path.error().detail;
  EXPECT_EQ(*path, (AttrPath{"", "name", "givenName"}));
}

TEST(AttrPathTest, UrnIsEverythingBeforeTheLastColonDotsIncluded) {
  const auto path = parse_attr_path(std::string(kEnterprise) + ":manager.value");
  ASSERT_TRUE(path.ok()) << path.error().detail;
  EXPECT_EQ(path->urn, kEnterprise);
  EXPECT_EQ(path->attr, "manager");
  EXPECT_EQ(path->sub, "value");
}

TEST(AttrPathTest, ParsesCoreSchemaQualifiedName) {
  const auto path = parse_attr_path("urn:ietf:params:scim:schemas:core:2.0:User:userName");
  ASSERT_TRUE(path.ok()) << path.error().detail;
  EXPECT_EQ(*path, (AttrPath{"urn:ietf:params:scim:schemas:core:2.0:User", "userName", ""}));
}

TEST(AttrPathTest, AcceptsDollarRefAndNameCharacters) {
  const auto ref = parse_attr_path("members.$ref");
  ASSERT_TRUE(ref.ok()) << ref.error().detail;
  EXPECT_EQ(ref->sub, "$ref");
  const auto chars = parse_attr_path("x509Certificates.value");
  ASSERT_TRUE(chars.ok());
  EXPECT_EQ(chars->attr, "x509Certificates");
  const auto dash = parse_attr_path("my-attr_2");
  ASSERT_TRUE(dash.ok());
  EXPECT_EQ(dash->attr, "my-attr_2");
}

TEST(AttrPathTest, KeepsSpellingAsWritten) {
  const auto path = parse_attr_path("Name.FamilyName");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->attr, "Name");
  EXPECT_EQ(path->sub, "FamilyName");
}

TEST(AttrPathTest, ToStringRoundTrips) {
  for (const std::string text :
       {"userName", "name.givenName", "meta.lastModified", "members.$ref",
        "urn:ietf:params:scim:schemas:core:2.0:User:userName",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"}) {
    const auto path = parse_attr_path(text);
    ASSERT_TRUE(path.ok()) << text << ": " << path.error().detail;
    EXPECT_EQ(path->to_string(), text);
    const auto again = parse_attr_path(path->to_string());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *path);
  }
}

struct BadPath {
  std::string text;
  std::string detail_part;  // a piece of the detail that says what is wrong
};

void PrintTo(const BadPath& c, std::ostream* os) { *os << c.text; }

class AttrPathErrorTest : public ::testing::TestWithParam<BadPath> {};

TEST_P(AttrPathErrorTest, RejectsWithInvalidPath) {
  const auto path = parse_attr_path(GetParam().text);
  ASSERT_FALSE(path.ok()) << "accepted '" << GetParam().text << "'";
  EXPECT_EQ(path.error().code, Errc::invalid_path);
  EXPECT_NE(path.error().detail.find(GetParam().detail_part), std::string::npos)
      << path.error().detail;
}

INSTANTIATE_TEST_SUITE_P(
    Bad, AttrPathErrorTest,
    ::testing::Values(BadPath{"", "empty"}, BadPath{"name.", "sub-attribute name is empty"},
                      BadPath{".givenName", "attribute name is empty"},
                      BadPath{"a.b.c", "more than one sub-attribute"},
                      BadPath{"1abc", "must start with a letter"}, BadPath{"user name", "' '"},
                      BadPath{"user\"Name", "'\"'"}, BadPath{"emails[type", "'['"},
                      BadPath{":userName", "URN is empty"},
                      BadPath{"urn:x:", "attribute name is empty"},
                      BadPath{"urn:a b:userName", "schema URN"}, BadPath{"name.given+Name", "'+'"},
                      BadPath{"name.-x", "must start"}));

}  // namespace
}  // namespace scimd::scim
