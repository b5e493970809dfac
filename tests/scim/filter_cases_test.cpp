// matches() over the shared case table (filter_cases.h), plus robustness cases that only the
// in-memory evaluator promises (keys in any case, malformed values, unvalidated filters).
#include <gtest/gtest.h>

#include <ostream>
#include <set>
#include <string>

#include "scim/filter.h"
#include "scim/filter_cases.h"

namespace scimd::scim::testing {
// Readable test names in failure output.
void PrintTo(const FilterCase& c, std::ostream* os) { *os << c.filter; }
}  // namespace scimd::scim::testing

namespace scimd::scim {
namespace {

namespace json = boost::json;
using testing::filter_cases;
using testing::FilterCase;
using testing::sample_resources;

std::vector<std::string> matching_ids(const FilterCase& c, const Filter& filter) {
  std::vector<std::string> ids;
  for (const json::object& resource : sample_resources(c.kind)) {
    if (matches(c.kind, filter, resource)) ids.emplace_back(resource.at("id").as_string());
  }
  return ids;
}

class FilterCasesTest : public ::testing::TestWithParam<FilterCase> {};

TEST_P(FilterCasesTest, MatchesExpectedSamples) {
  const FilterCase& c = GetParam();
  const auto filter = parse_filter(c.filter);
  ASSERT_TRUE(filter.ok()) << c.filter << ": " << filter.error().detail;
  const Status valid = validate_filter(c.kind, *filter);
  ASSERT_TRUE(valid.ok()) << c.filter << ": " << valid.error().detail;
  EXPECT_EQ(matching_ids(c, *filter), c.expected_ids) << c.filter;
}

INSTANTIATE_TEST_SUITE_P(Table, FilterCasesTest, ::testing::ValuesIn(filter_cases()));

TEST(FilterCasesTableTest, IsLargeAndCoversBothKinds) {
  std::size_t users = 0;
  std::size_t groups = 0;
  for (const FilterCase& c : filter_cases()) (c.kind == ResourceKind::user ? users : groups)++;
  EXPECT_GE(users + groups, 200U);
  EXPECT_GE(groups, 30U);
}

TEST(FilterCasesTableTest, ExpectedIdsNameSamplesInSampleOrder) {
  for (const FilterCase& c : filter_cases()) {
    std::vector<std::string> all;
    for (const auto& r : sample_resources(c.kind)) all.emplace_back(r.at("id").as_string());
    std::size_t next = 0;
    for (const std::string& id : c.expected_ids) {
      while (next < all.size() && all[next] != id) ++next;
      ASSERT_LT(next, all.size()) << c.filter << ": '" << id << "' unknown or out of order";
      ++next;
    }
  }
}

TEST(FilterCasesTableTest, FiltersAreDistinct) {
  std::set<std::pair<int, std::string>> seen;
  for (const FilterCase& c : filter_cases()) {
    EXPECT_TRUE(seen.emplace(static_cast<int>(c.kind), c.filter).second) << c.filter;
  }
}

// ---- robustness of the evaluator itself ----

bool eval(ResourceKind kind, std::string_view text, const json::object& resource) {
  const auto filter = parse_filter(text);
  EXPECT_TRUE(filter.ok()) << text;
  return filter.ok() && matches(kind, *filter, resource);
}

TEST(FilterMatchTest, LooksUpKeysCaseInsensitively) {
  const json::object user = json::parse(R"({
    "ID": "x1", "UserName": "Alice", "NAME": {"GivenName": "Al"},
    "Emails": [{"Value": "a@x.com", "TYPE": "work"}],
    "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER": {"EmployeeNumber": "9"},
    "Meta": {"Created": "2020-01-01T00:00:00Z"}
  })")
                                .as_object();
  constexpr auto U = ResourceKind::user;
  EXPECT_TRUE(eval(U, R"(userName eq "alice")", user));
  EXPECT_TRUE(eval(U, R"(id eq "x1")", user));
  EXPECT_TRUE(eval(U, R"(name.givenName eq "Al")", user));
  EXPECT_TRUE(eval(U, R"(emails[type eq "work"].value eq "a@x.com")", user));
  EXPECT_TRUE(
      eval(U, R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "9")",
           user));
  EXPECT_TRUE(eval(U, R"(meta.created lt "2020-01-01T00:00:01Z")", user));
  EXPECT_FALSE(eval(U, R"(userName eq "bob")", user));
}

TEST(FilterMatchTest, PrefersTheExactKeySpelling) {
  const json::object user =
      json::parse(R"({"userName": "exact", "USERNAME": "other"})").as_object();
  EXPECT_TRUE(eval(ResourceKind::user, R"(userName eq "exact")", user));
}

TEST(FilterMatchTest, MalformedValuesNeverMatchAndNeverCrash) {
  const json::object user = json::parse(R"({
    "userName": ["not", "a", "string"], "name": [1, 2], "emails": "x@y.com",
    "active": "maybe", "meta": {"created": "not a time", "lastModified": 12},
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": "flat",
    "groups": [null, 1, {"value": null}], "title": {"a": 1}
  })")
                                .as_object();
  constexpr auto U = ResourceKind::user;
  EXPECT_TRUE(eval(U, R"(userName eq "a")", user));  // an array of strings: any element
  EXPECT_FALSE(eval(U, R"(name.givenName eq "x")", user));
  EXPECT_FALSE(eval(U, R"(emails[type eq "work"])", user));
  EXPECT_FALSE(eval(U, R"(emails.value eq "x@y.com")", user));
  EXPECT_FALSE(eval(U, "active eq true", user));
  EXPECT_TRUE(eval(U, "active ne true", user));
  EXPECT_FALSE(eval(U, R"(meta.created gt "2000-01-01T00:00:00Z")", user));
  EXPECT_FALSE(eval(U, R"(meta.lastModified gt "2000-01-01T00:00:00Z")", user));
  EXPECT_FALSE(
      eval(U, R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department pr)", user));
  EXPECT_FALSE(eval(U, R"(groups.value eq "g")", user));
  EXPECT_FALSE(eval(U, "groups.value pr", user));
  EXPECT_FALSE(eval(U, R"(title eq "x")", user));
  EXPECT_TRUE(eval(U, "title pr", user));
}

TEST(FilterMatchTest, UnvalidatedFiltersEvaluateAsMissingAttributes) {
  const json::object user = json::parse(R"({"userName": "a", "nosuch": "a"})").as_object();
  constexpr auto U = ResourceKind::user;
  EXPECT_FALSE(eval(U, R"(nosuch eq "a")", user));
  EXPECT_TRUE(eval(U, R"(nosuch ne "a")", user));
  EXPECT_FALSE(eval(U, "nosuch pr", user));
  EXPECT_FALSE(eval(U, R"(userName[value eq "a"])", user));
  EXPECT_FALSE(eval(U, R"(active gt true)", json::parse(R"({"active": true})").as_object()));
  EXPECT_FALSE(eval(U, R"(meta.created co "20")",
                    json::parse(R"({"meta": {"created": "2020-01-01T00:00:00Z"}})").as_object()));
}

TEST(FilterMatchTest, NumberLiteralsCompareAsTextWithStringAttributes) {
  const json::object user = json::parse(R"({"userName": "10"})").as_object();
  EXPECT_TRUE(eval(ResourceKind::user, "userName eq 10", user));
  EXPECT_FALSE(eval(ResourceKind::user, "userName gt 9", user));  // "10" < "9" as text
}

// Found by fuzz/filter_fuzz: a year past 2262 overflowed the nanosecond time conversion.
// Such times now saturate, so "9999-12-31" (a common "never") still orders after today.
TEST(FilterMatchTest, FarFutureAndPastDateTimesSaturate) {
  const json::object user =
      json::parse(
          R"({"meta": {"created": "9999-12-31T23:59:59Z", "lastModified": "2261-12-31T23:59:59Z"}})")
          .as_object();
  constexpr auto U = ResourceKind::user;
  EXPECT_TRUE(eval(U, R"(meta.created gt "2000-01-01T00:00:00Z")", user));
  EXPECT_TRUE(eval(U, R"(meta.lastModified le "6011-05-13T04:42:34Z")", user));
  EXPECT_TRUE(eval(U, R"(meta.lastModified gt "1678-01-01T00:00:00Z")", user));
  EXPECT_TRUE(eval(U, R"(meta.lastModified gt "0001-01-01T00:00:00Z")", user));
}

TEST(FilterMatchTest, HandBuiltMalformedTreesDoNotCrash) {
  const json::object user = json::parse(R"({"userName": "a"})").as_object();
  Filter conj;
  conj.kind = Filter::Kind::logical_and;
  EXPECT_FALSE(matches(ResourceKind::user, conj, user));
  Filter negation;
  negation.kind = Filter::Kind::logical_not;
  EXPECT_FALSE(matches(ResourceKind::user, negation, user));
  Filter value_path;
  value_path.kind = Filter::Kind::value_path;
  value_path.path = AttrPath{"", "emails", ""};
  EXPECT_FALSE(matches(ResourceKind::user, value_path, user));
}

}  // namespace
}  // namespace scimd::scim

namespace scimd::scim {
namespace {

// The extra cases run over the sample users plus one with two work emails (the store's
// side-table test checks the same cases through SQL).
TEST(FilterExtraCases, SecondWorkEmailUser) {
  std::vector<json::object> users = testing::sample_resources(ResourceKind::user);
  users.push_back(testing::second_work_email_user());
  for (const testing::FilterCase& c : testing::extra_user_cases()) {
    auto filter = parse_filter(c.filter);
    ASSERT_TRUE(filter.ok()) << c.filter;
    ASSERT_TRUE(validate_filter(c.kind, *filter).ok()) << c.filter;
    std::vector<std::string> ids;
    for (const auto& u : users) {
      if (matches(c.kind, *filter, u)) ids.emplace_back(u.at("id").as_string());
    }
    EXPECT_EQ(ids, c.expected_ids) << c.filter;
  }
}

}  // namespace
}  // namespace scimd::scim
