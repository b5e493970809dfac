#include "scim/patch_path.h"

#include <gtest/gtest.h>

namespace scimd::scim {
namespace {

TEST(PatchPath, PlainAndDotted) {
  auto plain = parse_patch_path("userName");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->attr, (AttrPath{"", "userName", ""}));
  EXPECT_FALSE(plain->filter.has_value());

  auto dotted = parse_patch_path(" name.givenName ");
  ASSERT_TRUE(dotted.ok());
  EXPECT_EQ(dotted->attr, (AttrPath{"", "name", "givenName"}));
}

TEST(PatchPath, UrnQualified) {
  auto path =
      parse_patch_path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->attr, (AttrPath{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                                  "manager", "value"}));
}

TEST(PatchPath, ValueFilterWithSubAttribute) {
  auto path = parse_patch_path(R"(emails[type eq "work"].value)");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->attr, (AttrPath{"", "emails", "value"}));
  ASSERT_TRUE(path->filter.has_value());
  EXPECT_EQ(path->filter->kind, Filter::Kind::compare);
  EXPECT_EQ(path->filter->path.attr, "type");
  EXPECT_EQ(path->filter->op, CompareOp::eq);
  EXPECT_EQ(path->filter->value, "work");
}

TEST(PatchPath, ValueFilterWithoutSubAttribute) {
  auto path = parse_patch_path(R"(members[value eq "a" or value eq "b"])");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->attr, (AttrPath{"", "members", ""}));
  ASSERT_TRUE(path->filter.has_value());
  EXPECT_EQ(path->filter->kind, Filter::Kind::logical_or);
}

TEST(PatchPath, BracketInsideQuotedValue) {
  auto path = parse_patch_path(R"(emails[value eq "a]\"b"].display)");
  ASSERT_TRUE(path.ok()) << path.error().detail;
  ASSERT_TRUE(path->filter.has_value());
  EXPECT_EQ(path->filter->value, "a]\"b");
  EXPECT_EQ(path->attr.sub, "display");
}

TEST(PatchPath, UrnQualifiedFilteredPath) {
  auto path = parse_patch_path(
      R"(urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"].value)");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->attr,
            (AttrPath{"urn:ietf:params:scim:schemas:core:2.0:User", "emails", "value"}));
}

TEST(PatchPath, Errors) {
  for (const char* text :
       {"", "   ", "emails[type eq \"work\"", "emails[type eq]", "emails[type eq \"work\"]value",
        "emails[type eq \"work\"].", "emails[type eq \"work\"].a.b", "name.givenName[x eq 1]",
        "[type eq \"work\"]", "name..givenName", "emails[type eq \"work\"].1a"}) {
    auto path = parse_patch_path(text);
    ASSERT_FALSE(path.ok()) << text;
    EXPECT_EQ(path.error().code, Errc::invalid_path) << text;
  }
}

}  // namespace
}  // namespace scimd::scim
