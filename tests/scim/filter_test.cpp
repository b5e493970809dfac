// Parser and validator tests for SCIM filters. Evaluation is covered by the case table in
// filter_cases_test.cpp.
#include "scim/filter.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace scimd::scim {
namespace {

namespace json = boost::json;

// A compact, fully parenthesised rendering of the AST, so a test states the tree it expects.
std::string render(const Filter& f) {
  switch (f.kind) {
    case Filter::Kind::compare: {
      std::string out = f.path.to_string() + " " + std::string(compare_op_name(f.op));
      if (f.op != CompareOp::pr) out += " " + json::serialize(f.value);
      return out;
    }
    case Filter::Kind::logical_and:
      return "(" + render(f.children.at(0)) + " and " + render(f.children.at(1)) + ")";
    case Filter::Kind::logical_or:
      return "(" + render(f.children.at(0)) + " or " + render(f.children.at(1)) + ")";
    case Filter::Kind::logical_not:
      return "not(" + render(f.children.at(0)) + ")";
    case Filter::Kind::value_path:
      return f.path.to_string() + "[" + render(f.children.at(0)) + "]";
  }
  return "?";
}

std::string parsed(std::string_view text) {
  const auto f = parse_filter(text);
  if (!f.ok()) return "ERROR " + f.error().detail;
  return render(*f);
}

struct ParseCase {
  std::string filter;
  std::string tree;
};

void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.filter; }

class FilterParseTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(FilterParseTest, ParsesToTree) { EXPECT_EQ(parsed(GetParam().filter), GetParam().tree); }

// Every filter of RFC 7644 §3.4.2.2 "Example filters".
INSTANTIATE_TEST_SUITE_P(
    Rfc7644Examples, FilterParseTest,
    ::testing::Values(
        ParseCase{R"(userName eq "bjensen")", R"(userName eq "bjensen")"},
        ParseCase{R"(name.familyName co "O'Malley")", R"(name.familyName co "O'Malley")"},
        ParseCase{R"(userName sw "J")", R"(userName sw "J")"},
        ParseCase{R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")",
                  R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")"},
        ParseCase{"title pr", "title pr"},
        ParseCase{R"(meta.lastModified gt "2011-05-13T04:42:34Z")",
                  R"(meta.lastModified gt "2011-05-13T04:42:34Z")"},
        ParseCase{R"(meta.lastModified ge "2011-05-13T04:42:34Z")",
                  R"(meta.lastModified ge "2011-05-13T04:42:34Z")"},
        ParseCase{R"(meta.lastModified lt "2011-05-13T04:42:34Z")",
                  R"(meta.lastModified lt "2011-05-13T04:42:34Z")"},
        ParseCase{R"(meta.lastModified le "2011-05-13T04:42:34Z")",
                  R"(meta.lastModified le "2011-05-13T04:42:34Z")"},
        ParseCase{R"(title pr and userType eq "Employee")",
                  R"((title pr and userType eq "Employee"))"},
        ParseCase{R"(title pr or userType eq "Intern")", R"((title pr or userType eq "Intern"))"},
        ParseCase{R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")",
                  R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")"},
        ParseCase{
            R"(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))",
            R"((userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")))"},
        ParseCase{
            R"(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))",
            R"((userType ne "Employee" and not((emails co "example.com" or emails.value co "example.org"))))"},
        ParseCase{R"(userType eq "Employee" and (emails.type eq "work"))",
                  R"((userType eq "Employee" and emails.type eq "work"))"},
        ParseCase{
            R"(userType eq "Employee" and emails[type eq "work" and value co "@example.com"])",
            R"((userType eq "Employee" and emails[(type eq "work" and value co "@example.com")]))"},
        ParseCase{
            R"(emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"])",
            R"((emails[(type eq "work" and value co "@example.com")] or ims[(type eq "xmpp" and value co "@foo.com")]))"}));

INSTANTIATE_TEST_SUITE_P(
    Precedence, FilterParseTest,
    ::testing::Values(
        // and binds tighter than or, on either side.
        ParseCase{"a pr or b pr and c pr", "(a pr or (b pr and c pr))"},
        ParseCase{"a pr and b pr or c pr", "((a pr and b pr) or c pr)"},
        ParseCase{"(a pr or b pr) and c pr", "((a pr or b pr) and c pr)"},
        // not binds tightest.
        ParseCase{"not (a pr) and b pr", "(not(a pr) and b pr)"},
        ParseCase{"not (a pr or b pr) or c pr", "(not((a pr or b pr)) or c pr)"},
        ParseCase{"not(a pr)", "not(a pr)"}, ParseCase{"NOT(a pr)", "not(a pr)"},
        ParseCase{"not a pr and b pr", "(not(a pr) and b pr)"},
        ParseCase{"not not (a pr)", "not(not(a pr))"},
        // Chains keep their order (built balanced).
        ParseCase{"a pr and b pr and c pr", "((a pr and b pr) and c pr)"},
        ParseCase{"a pr or b pr or c pr or d pr", "((a pr or b pr) or (c pr or d pr))"},
        ParseCase{"a pr and b pr or c pr and d pr", "((a pr and b pr) or (c pr and d pr))"},
        ParseCase{"((a pr))", "a pr"},
        ParseCase{"a pr and (b pr or (c pr and not (d pr)))",
                  "(a pr and (b pr or (c pr and not(d pr))))"}));

INSTANTIATE_TEST_SUITE_P(
    CaseAndSpacing, FilterParseTest,
    ::testing::Values(
        ParseCase{R"(userName EQ "x" And title PR)", R"((userName eq "x" and title pr))"},
        ParseCase{R"(userName Eq "x" OR title pR)", R"((userName eq "x" or title pr))"},
        ParseCase{"  \t userName \t\t eq   \"x\"   ", R"(userName eq "x")"},
        ParseCase{R"((userName eq "x")and(title pr))", R"((userName eq "x" and title pr))"},
        ParseCase{R"(userName eq"x")", R"(userName eq "x")"},
        ParseCase{R"(userName eq "a" and not(title pr))", R"((userName eq "a" and not(title pr)))"},
        ParseCase{"a ne 1 or a co 1 or a sw 1 or a ew 1",
                  "((a ne 1 or a co 1) or (a sw 1 or a ew 1))"},
        ParseCase{"a gt 1 and a ge 1 and a lt 1 and a le 1",
                  "((a gt 1 and a ge 1) and (a lt 1 and a le 1))"},
        // Attribute names keep their spelling; resolution ignores case.
        ParseCase{R"(DisplayName eq "BobIsAmazing")", R"(DisplayName eq "BobIsAmazing")"}));

INSTANTIATE_TEST_SUITE_P(
    Literals, FilterParseTest,
    ::testing::Values(ParseCase{R"(a eq "q\"b\\s\/f")", R"(a eq "q\"b\\s/f")"},
                      ParseCase{R"(a eq "\b\f\n\r\t")", R"(a eq "\b\f\n\r\t")"},
                      ParseCase{R"(a eq "\u00e9\u20AC")", "a eq \"\u00e9\u20ac\""},
                      ParseCase{R"(a eq "\ud83d\ude00")", "a eq \"\U0001F600\""},
                      ParseCase{R"(a eq "Sales\Ops")", R"(a eq "Sales\\Ops")"},
                      ParseCase{R"(a eq "")", R"(a eq "")"},
                      ParseCase{R"(a eq "with ) and ] and ( inside")",
                                R"(a eq "with ) and ] and ( inside")"},
                      ParseCase{"a eq true", "a eq true"}, ParseCase{"a eq FALSE", "a eq false"},
                      ParseCase{"a eq True", "a eq true"}, ParseCase{"a eq Null", "a eq null"},
                      ParseCase{"a eq 42", "a eq 42"}, ParseCase{"a eq -7", "a eq -7"},
                      ParseCase{"a eq 0", "a eq 0"}, ParseCase{"a eq 1.5", "a eq 1.5E0"},
                      ParseCase{"a eq 1e3", "a eq 1E3"}, ParseCase{"a eq -2.5E-2", "a eq -2.5E-2"},
                      ParseCase{"a eq 9223372036854775807", "a eq 9223372036854775807"},
                      ParseCase{"a eq 9223372036854775808", "a eq 9.223372036854776E18"},
                      // Not JSON numbers, so lenient strings.
                      ParseCase{"a eq 007", R"(a eq "007")"}, ParseCase{"a eq 1.", R"(a eq "1.")"},
                      ParseCase{"a eq 1e999", R"(a eq "1e999")"},
                      ParseCase{"a eq +1", R"(a eq "+1")"}));

// Unquoted values as Microsoft's Postman collection sends them.
INSTANTIATE_TEST_SUITE_P(
    LenientValues, FilterParseTest,
    ::testing::Values(
        ParseCase{"userName sw O", R"(userName sw "O")"},
        ParseCase{"name.FamilyName eq Employee", R"(name.FamilyName eq "Employee")"},
        ParseCase{"meta.Created gt 2015-10-10T14:38:21.8617979-07:00",
                  R"(meta.Created gt "2015-10-10T14:38:21.8617979-07:00")"},
        ParseCase{
            "name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co "
            "example.org)",
            R"((name.FamilyName eq "Employee" and (emails.Value co "example.com" or emails.Value co "example.org")))"},
        ParseCase{"userName eq O'Malley", R"(userName eq "O'Malley")"}));

INSTANTIATE_TEST_SUITE_P(
    ValuePaths, FilterParseTest,
    ::testing::Values(
        ParseCase{R"(emails[type eq "work"])", R"(emails[type eq "work"])"},
        ParseCase{R"(members[value eq "2819c223"])", R"(members[value eq "2819c223"])"},
        ParseCase{R"(emails [ type eq "work" ])", R"(emails[type eq "work"])"},
        // Entra: the trailing .sub comparison joins the bracket filter with `and`.
        ParseCase{R"(emails[type eq "work"].value eq "a@b.c")",
                  R"(emails[(type eq "work" and value eq "a@b.c")])"},
        ParseCase{R"(emails[type eq "work"].value pr)", R"(emails[(type eq "work" and value pr)])"},
        ParseCase{R"(emails[type eq "work" or primary eq true].value co "@x")",
                  R"(emails[((type eq "work" or primary eq true) and value co "@x")])"},
        ParseCase{R"(roles[primary eq "True"].value eq "Admin" and active eq true)",
                  R"((roles[(primary eq "True" and value eq "Admin")] and active eq true))"},
        ParseCase{R"(emails[not (type eq "work")])", R"(emails[not(type eq "work")])"},
        ParseCase{
            R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager[value eq "x"])",
            R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager[value eq "x"])"}));

// What Entra ID sends (docs/client-compat.md A.2, A.3).
INSTANTIATE_TEST_SUITE_P(
    Entra, FilterParseTest,
    ::testing::Values(
        ParseCase{R"(userName eq "5d8a1c4e-3f2b-4a9c-9e7d-1b2c3d4e5f60")",
                  R"(userName eq "5d8a1c4e-3f2b-4a9c-9e7d-1b2c3d4e5f60")"},
        ParseCase{R"(externalId eq "0a1b2c3d-0000-1111-2222-333344445555")",
                  R"(externalId eq "0a1b2c3d-0000-1111-2222-333344445555")"},
        ParseCase{R"(displayName eq "Group One")", R"(displayName eq "Group One")"},
        ParseCase{R"(emails[type eq "work"].value eq "a@b.c")",
                  R"(emails[(type eq "work" and value eq "a@b.c")])"},
        ParseCase{
            R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "42")",
            R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "42")"}));

TEST(FilterParseTest, PrHasNullValueAndRelativeInnerPaths) {
  const auto f = parse_filter(R"(emails[type eq "work"].value pr)");
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->kind, Filter::Kind::value_path);
  EXPECT_EQ(f->path, (AttrPath{"", "emails", ""}));
  const Filter& conj = f->children.at(0);
  ASSERT_EQ(conj.kind, Filter::Kind::logical_and);
  EXPECT_EQ(conj.children.at(0).path, (AttrPath{"", "type", ""}));
  EXPECT_EQ(conj.children.at(1).path, (AttrPath{"", "value", ""}));
  EXPECT_EQ(conj.children.at(1).op, CompareOp::pr);
  EXPECT_TRUE(conj.children.at(1).value.is_null());
}

TEST(FilterParseTest, NumbersAreInt64WhenIntegralElseDouble) {
  const auto integral = parse_filter("a eq 12");
  ASSERT_TRUE(integral.ok());
  EXPECT_TRUE(integral->value.is_int64());
  const auto fractional = parse_filter("a eq 12.0");
  ASSERT_TRUE(fractional.ok());
  EXPECT_TRUE(fractional->value.is_double());
}

struct ErrorCase {
  std::string filter;
  std::string detail_prefix;  // "at N: " plus the start of the message
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.filter; }

class FilterErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(FilterErrorTest, FailsWithPositionAndReason) {
  const auto f = parse_filter(GetParam().filter);
  ASSERT_FALSE(f.ok()) << "accepted: " << GetParam().filter << " as " << render(*f);
  EXPECT_EQ(f.error().code, Errc::invalid_filter);
  EXPECT_EQ(f.error().detail.substr(0, GetParam().detail_prefix.size()), GetParam().detail_prefix)
      << f.error().detail;
}

INSTANTIATE_TEST_SUITE_P(
    Errors, FilterErrorTest,
    ::testing::Values(
        ErrorCase{"", "at 1: expected an attribute path, '(' or 'not', found the end"},
        ErrorCase{"   ", "at 4: expected an attribute path"},
        ErrorCase{"userName",
                  "at 9: expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) "
                  "after 'userName', found the end of the filter"},
        ErrorCase{"userName eq", "at 12: expected a value after 'eq', found the end"},
        ErrorCase{R"(userName xx "a")", "at 10: expected an operator"},
        ErrorCase{R"(userName == "a")", "at 10: expected an operator"},
        ErrorCase{R"(userName eq "abc)", "at 13: the string that starts here has no closing"},
        ErrorCase{R"(userName eq "abc\)", "at 13: the string that starts here has no closing"},
        ErrorCase{"(userName pr", "at 13: expected ')' to close the '(' at 1, found the end"},
        ErrorCase{"userName pr)", "at 12: found ')' without a matching '('"},
        ErrorCase{"userName pr]", "at 12: found ']' without a matching '['"},
        ErrorCase{R"(emails[type eq "work")", "at 22: expected ']' to close the '[' at 7"},
        ErrorCase{R"(emails[type eq "work" and x[y pr]])",
                  "at 28: value filters '[...]' cannot be nested"},
        ErrorCase{"userName pr title pr",
                  "at 13: expected 'and', 'or' or the end of the filter, "
                  "found 'title'"},
        ErrorCase{"userName eq and", "at 13: expected a value after 'eq', found the keyword 'and'"},
        ErrorCase{"and userName pr", "at 1: expected an attribute path, '(' or 'not', found 'and'"},
        ErrorCase{"userName pr and", "at 16: expected an attribute path"},
        ErrorCase{"userName pr or or title pr", "at 16: expected an attribute path"},
        ErrorCase{R"("a" eq "b")", "at 1: expected an attribute path, '(' or 'not', found '\"'"},
        ErrorCase{R"(1bad eq "x")", "at 1: invalid attribute path '1bad'"},
        ErrorCase{R"(a.b.c eq "x")", "at 1: invalid attribute path 'a.b.c'"},
        ErrorCase{R"(userName eq "\uD800")", "at 14: a \\u escape has a high surrogate"},
        ErrorCase{R"(userName eq "\uDC00")", "at 14: a \\u escape has a low surrogate"},
        ErrorCase{R"(userName eq "\uD800\u0041")", "at 20: expected a low surrogate"},
        ErrorCase{R"(userName eq "\u12G4")", "at 14: a \\u escape needs 4 hex digits"},
        ErrorCase{R"(userName eq "\u12")", "at 14: a \\u escape needs 4 hex digits"},
        ErrorCase{R"(emails[type eq "work"].value)", "at 29: expected an operator"},
        ErrorCase{R"(emails[type eq "work"]. eq "x")", "at 24: expected a sub-attribute name"},
        ErrorCase{R"(emails[type eq "work"].a.b eq "x")", "at 24: expected a sub-attribute name"},
        ErrorCase{"not", "at 4: expected an attribute path"},
        ErrorCase{"not ()", "at 6: expected an attribute path"},
        ErrorCase{"()", "at 2: expected an attribute path, '(' or 'not', found ')'"},
        ErrorCase{"userName eq )", "at 13: expected a value after 'eq', found ')'"},
        ErrorCase{"userName pr \"x\"", "at 13: expected 'and', 'or' or the end"},
        ErrorCase{"emails[]", "at 8: expected an attribute path"},
        ErrorCase{"userName\x01 eq 1", "at 1: invalid attribute path 'userName\\x01'"}));

std::string nested_parens(int depth) {
  return std::string(static_cast<std::size_t>(depth), '(') + "a pr" +
         std::string(static_cast<std::size_t>(depth), ')');
}

TEST(FilterLimitsTest, NestingUpToTheLimitParses) {
  const auto f = parse_filter(nested_parens(kMaxFilterDepth));
  ASSERT_TRUE(f.ok()) << f.error().detail;
  EXPECT_EQ(render(*f), "a pr");
}

TEST(FilterLimitsTest, NestingBeyondTheLimitFails) {
  const auto f = parse_filter(nested_parens(kMaxFilterDepth + 1));
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, Errc::invalid_filter);
  EXPECT_NE(f.error().detail.find("nested more than 32 levels"), std::string::npos)
      << f.error().detail;
}

TEST(FilterLimitsTest, NotChainsCountAsNesting) {
  std::string many_nots;
  for (int i = 0; i <= kMaxFilterDepth; ++i) many_nots += "not ";
  const auto f = parse_filter(many_nots + "a pr");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, Errc::invalid_filter);
}

TEST(FilterLimitsTest, TooLongFails) {
  std::string text = "userName eq \"" + std::string(kMaxFilterLength, 'x') + "\"";
  const auto f = parse_filter(text);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, Errc::invalid_filter);
  EXPECT_NE(f.error().detail.find("longer than 8192"), std::string::npos);
}

TEST(FilterLimitsTest, LongFlatChainParsesIntoShallowTree) {
  std::string text = "a pr";
  while (text.size() + 9 <= kMaxFilterLength) text += " and a pr";
  const auto f = parse_filter(text);
  ASSERT_TRUE(f.ok()) << f.error().detail;
  int depth = 0;
  for (const Filter* node = &*f; !node->children.empty(); node = &node->children[0]) ++depth;
  EXPECT_LE(depth, 12);  // log2(~900 terms), not 900
}

// ---- validate_filter ----

Status validate(ResourceKind kind, std::string_view text) {
  const auto f = parse_filter(text);
  if (!f.ok()) return f.error();
  return validate_filter(kind, *f);
}

struct ValidateCase {
  ResourceKind kind;
  std::string filter;
  std::string error_part;  // empty when the filter is valid
};

void PrintTo(const ValidateCase& c, std::ostream* os) { *os << c.filter; }

class FilterValidateTest : public ::testing::TestWithParam<ValidateCase> {};

TEST_P(FilterValidateTest, ChecksAgainstSchema) {
  const auto& c = GetParam();
  const Status status = validate(c.kind, c.filter);
  if (c.error_part.empty()) {
    EXPECT_TRUE(status.ok()) << c.filter << ": " << status.error().detail;
    return;
  }
  ASSERT_FALSE(status.ok()) << "accepted: " << c.filter;
  EXPECT_EQ(status.error().code, Errc::invalid_filter);
  EXPECT_NE(status.error().detail.find(c.error_part), std::string::npos)
      << c.filter << ": " << status.error().detail;
}

constexpr auto kUser = ResourceKind::user;
constexpr auto kGroup = ResourceKind::group;

INSTANTIATE_TEST_SUITE_P(
    Valid, FilterValidateTest,
    ::testing::Values(
        ValidateCase{kUser, R"(userName eq "bjensen")", ""},
        ValidateCase{kUser, R"(name.familyName co "O'Malley")", ""},
        ValidateCase{kUser, R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")", ""},
        ValidateCase{kUser, "title pr", ""},
        ValidateCase{kUser, R"(meta.lastModified gt "2011-05-13T04:42:34Z")", ""},
        ValidateCase{kUser, R"(title pr and userType eq "Employee")", ""},
        ValidateCase{kUser,
                     R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")",
                     ""},
        ValidateCase{
            kUser,
            R"(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))",
            ""},
        ValidateCase{
            kUser,
            R"(emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"])",
            ""},
        ValidateCase{kUser, R"(emails[type eq "work"].value eq "a@b.c")", ""},
        ValidateCase{kUser, R"(USERNAME Eq "x" and Name.GivenName pr)", ""},
        ValidateCase{kUser, "meta.Created gt 2015-10-10T14:38:21.8617979-07:00", ""},
        ValidateCase{kUser, "name.FamilyName eq Employee and (emails.Value co example.com)", ""},
        ValidateCase{kUser, R"(id eq "abc" or externalId eq "def")", ""},
        ValidateCase{kUser, R"(meta.resourceType eq "User" and meta.version pr)", ""},
        ValidateCase{kUser, "active eq true", ""}, ValidateCase{kUser, R"(active ne "False")", ""},
        ValidateCase{kUser, R"(roles[primary eq "True"].value eq "Admin")", ""},
        ValidateCase{kUser, R"(groups.value eq "g1" and groups[display sw "Eng"])", ""},
        ValidateCase{kUser, R"(name[givenName eq "Barbara"])", ""},
        ValidateCase{
            kUser,
            R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m")",
            ""},
        ValidateCase{
            kUser,
            R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq 42)",
            ""},
        ValidateCase{kUser, "userName eq null and title ne null", ""},
        ValidateCase{kUser, "emails pr and name pr", ""},
        ValidateCase{kUser, R"(userName gt "a" and userName le "z")", ""},
        ValidateCase{kUser, R"(emails.primary eq false)", ""},
        ValidateCase{kUser, R"(x509Certificates.value eq "MIIDQzCC")", ""},
        ValidateCase{kGroup, R"(displayName eq "Group One")", ""},
        ValidateCase{kGroup, R"(members[value eq "2819c223"])", ""},
        ValidateCase{kGroup, R"(members.value eq "u1" or members eq "u2")", ""},
        ValidateCase{kGroup, R"(members[type eq "User" and $ref pr])", ""},
        ValidateCase{kGroup, R"(meta.created lt "2030-01-01T00:00:00+02:00")", ""}));

INSTANTIATE_TEST_SUITE_P(
    Invalid, FilterValidateTest,
    ::testing::Values(
        ValidateCase{kUser, R"(nosuch eq "x")", "nosuch"},
        ValidateCase{kUser, R"(name.nosuch eq "x")", "name.nosuch"},
        ValidateCase{kUser, R"(urn:example:nosuch:userName eq "x")", "urn:example:nosuch"},
        ValidateCase{kUser, R"(emails[nosuch eq "x"])", "emails.nosuch"},
        ValidateCase{kUser, R"(emails[type eq "work"].nosuch eq "x")", "emails.nosuch"},
        ValidateCase{kUser, R"(emails[emails.type eq "work"])", "name a sub-attribute of 'emails'"},
        ValidateCase{kUser, R"(userName[value eq "x"])", "not a complex attribute"},
        ValidateCase{kUser, R"(name.givenName[value eq "x"])", "not a complex attribute"},
        ValidateCase{kUser, R"(name eq "x")", "complex attribute"},
        ValidateCase{kUser, R"(addresses eq "x")", "complex attribute"},
        ValidateCase{kUser, "active gt true", "does not apply to boolean"},
        ValidateCase{kUser, R"(active co "t")", "does not apply to boolean"},
        ValidateCase{kUser, R"(active eq "yes")", "is a boolean"},
        ValidateCase{kUser, "active eq 1", "is a boolean"},
        ValidateCase{kUser, R"(emails.primary le false)", "does not apply to boolean"},
        ValidateCase{kUser, R"(meta.created co "2011")", "does not apply to dateTime"},
        ValidateCase{kUser, R"(meta.lastModified sw "2011")", "does not apply to dateTime"},
        ValidateCase{kUser, R"(meta.lastModified gt "yesterday")", "is a dateTime"},
        ValidateCase{kUser, "meta.lastModified gt 20110513", "is a dateTime"},
        ValidateCase{kUser, R"(meta.created eq "2011-13-01T00:00:00Z")", "is a dateTime"},
        ValidateCase{kUser, R"(x509Certificates.value gt "a")", "does not apply to binary"},
        ValidateCase{kUser, "userName gt null", "cannot compare 'userName' with null"},
        ValidateCase{kUser, R"(password eq "secret")", "cannot be used in a filter"},
        ValidateCase{kUser, "password pr", "cannot be used in a filter"},
        ValidateCase{kUser, R"(members[value eq "x"])", "members"},
        ValidateCase{kUser,
                     R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "m")",
                     "complex attribute"},
        ValidateCase{kGroup, R"(userName eq "x")", "userName"},
        ValidateCase{kGroup, R"(members[nosuch eq "x"])", "members.nosuch"},
        ValidateCase{
            kGroup,
            R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1")",
            "enterprise"}));

TEST(FilterValidateTest, RejectsMalformedTreesBuiltByHand) {
  Filter conj;
  conj.kind = Filter::Kind::logical_and;  // no children
  EXPECT_FALSE(validate_filter(kUser, conj).ok());
  Filter nested;
  nested.kind = Filter::Kind::value_path;
  nested.path = AttrPath{"", "emails", ""};
  Filter inner = nested;
  inner.path = AttrPath{"", "type", ""};
  inner.children.push_back(*parse_filter("value pr"));
  nested.children.push_back(inner);
  const Status status = validate_filter(kUser, nested);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::invalid_filter);
}

}  // namespace
}  // namespace scimd::scim
