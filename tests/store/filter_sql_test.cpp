// The SQL translation of filters agrees with scim::matches() on the same resources: every case
// runs through list() and through matches() over the full representations.
#include "store/sql/filter_sql.h"

#include <algorithm>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "store/store_fixture.h"

namespace scimd::store::sqlite {
namespace {

namespace json = boost::json;
using scim::ResourceKind;
using testing::TempDir;

constexpr std::string_view kEnterprise = scim::urn::kEnterpriseUser;

json::object parse_object(std::string_view text) { return json::parse(text).as_object(); }

class FilterSqlAgreement : public ::testing::Test {
 protected:
  void SetUp() override {
    Options options;
    options.path = (dir_.path() / "scimd.db").string();
    auto opened = SqliteStore::open(options);
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    store_ = std::move(opened).value();
    tenant_ = store_->create_tenant("acme")->id;
    // A second tenant with look-alike data that must never show up.
    other_ = store_->create_tenant("other")->id;
    ASSERT_TRUE(store_
                    ->create(other_, ResourceKind::user,
                             parse_object(R"({"userName":"alice@example.com","active":true})"), {})
                    .ok());

    add_user("alice", R"({"userName":"Alice@Example.com","displayName":"Alice Smith",
      "externalId":"ext-1","active":true,"title":"Engineer",
      "name":{"givenName":"Alice","familyName":"Smith"},
      "emails":[{"value":"alice@work.com","type":"work","primary":true},
                {"value":"alice@home.org","type":"home"}],
      "roles":[{"value":"admin","primary":true}],
      ")" + std::string(kEnterprise) +
                          R"(":{"employeeNumber":"1001","department":"R&D",
                                               "manager":{"value":"bob-id"}}})");
    add_user("bob", R"({"userName":"bob","active":false,"title":"Manager",
      "name":{"familyName":"Jones"},
      "emails":[{"value":"Bob@Work.com","type":"Work"},{"value":"bob2@work.com","type":"work"},
                {"value":"bob@home.org","type":"home"},"loose"],
      ")" + std::string(kEnterprise) +
                        R"(":{"employeeNumber":"1002"}})");
    add_user("carol", R"({"userName":"carol_100%","displayName":"","emails":[],
      "phoneNumbers":[{"value":"+1 555","type":"mobile"}]})");
    add_user("dave", R"({"userName":"DAVE","externalId":"EXT-1","active":true,"title":"",
      "emails":[{"value":"dave@home.org","type":"home"},{"value":"d2@work.com","type":"work"}],
      "roles":[{"value":"ops","primary":"False"}]})");
    add_user("erin", R"({"userName":"erin","nickName":"E","name":{}})");

    add_group("g1", R"({"displayName":"Engineering","externalId":"gext-1"})",
              {{ids_["alice"], "Alice", ""}, {ids_["bob"], "", ""}});
    add_group("g2", R"({"displayName":"Sales"})", {{ids_["g1"], "", ""}, {ids_["carol"], "", ""}});
    add_group("g3", R"({"displayName":"Empty"})", {});
  }

  void add_user(const std::string& key, const std::string& doc) {
    auto r = store_->create(tenant_, ResourceKind::user, parse_object(doc), {});
    ASSERT_TRUE(r.ok()) << r.error().detail;
    ids_[key] = r->id;
    names_[r->id] = key;
  }

  void add_group(const std::string& key, const std::string& doc,
                 const std::vector<scim::MemberRef>& members) {
    auto r = store_->create(tenant_, ResourceKind::group, parse_object(doc), members);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    ids_[key] = r->id;
    names_[r->id] = key;
  }

  // {key} placeholders become ids (and {alice.created} the creation time).
  std::string expand(std::string text) {
    for (const auto& [key, id] : ids_) {
      const std::string placeholder = "{" + key + "}";
      for (auto pos = text.find(placeholder); pos != std::string::npos;
           pos = text.find(placeholder)) {
        text.replace(pos, placeholder.size(), id);
      }
    }
    return text;
  }

  std::vector<std::string> names(const std::vector<std::string>& ids) {
    std::vector<std::string> out;
    for (const auto& id : ids) out.push_back(names_[id]);
    std::sort(out.begin(), out.end());
    return out;
  }

  // Keys (sorted) of the resources matching, by list() and by matches().
  std::pair<std::vector<std::string>, std::vector<std::string>> run(ResourceKind kind,
                                                                    const std::string& text) {
    auto filter = scim::parse_filter(expand(text));
    EXPECT_TRUE(filter.ok()) << text << ": " << filter.error().detail;
    if (!filter.ok()) return {};
    const Status valid = scim::validate_filter(kind, *filter);
    EXPECT_TRUE(valid.ok()) << text << ": " << valid.error().detail;

    ListQuery all;
    all.count = 1000;
    all.fetch = Fetch{kind == ResourceKind::group, kind == ResourceKind::user};
    auto everything = store_->list(tenant_, kind, all);
    EXPECT_TRUE(everything.ok());
    std::vector<std::string> expected;
    for (const Resource& r : everything->items) {
      const scim::Meta meta{r.id, r.created, r.last_modified, "", r.version};
      const json::object rep = scim::to_representation(
          kind, r.doc, meta, kind == ResourceKind::group ? &r.members : nullptr,
          kind == ResourceKind::user ? &r.groups : nullptr, "");
      if (scim::matches(kind, *filter, rep)) expected.push_back(r.id);
    }

    ListQuery q;
    q.count = 1000;
    q.filter = &*filter;
    auto page = store_->list(tenant_, kind, q);
    EXPECT_TRUE(page.ok()) << text << ": " << (page.ok() ? "" : page.error().detail);
    std::vector<std::string> actual;
    if (page.ok()) {
      EXPECT_EQ(page->total, static_cast<std::int64_t>(page->items.size())) << text;
      for (const Resource& r : page->items) actual.push_back(r.id);
    }
    return {names(actual), names(expected)};
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  TenantId tenant_ = 0;
  TenantId other_ = 0;
  std::map<std::string, std::string> ids_;
  std::map<std::string, std::string> names_;
};

const std::vector<std::string> kUserFilters = {
    R"(userName eq "alice@example.com")",
    R"(userName eq "ALICE@EXAMPLE.COM")",
    R"(userName ne "bob")",
    R"(userName co "%")",
    R"(userName co "_")",
    R"(userName sw "a")",
    R"(userName sw "")",
    R"(userName ew ".COM")",
    R"(userName ew "")",
    R"(userName gt "bob")",
    R"(userName le "carol_100%")",
    R"(externalId eq "ext-1")",
    R"(externalId eq "EXT-1")",
    R"(externalId pr)",
    R"(id eq "{alice}")",
    R"(id ne "{alice}")",
    R"(displayName eq "alice smith")",
    R"(displayName pr)",
    R"(displayName eq null)",
    R"(active eq true)",
    R"(active eq false)",
    R"(active eq "True")",
    R"(active ne true)",
    R"(active pr)",
    R"(not (active eq true))",
    R"(name.familyName eq "smith")",
    R"(name.givenName pr)",
    R"(name pr)",
    R"(nickName eq "e")",
    R"(title co "gin")",
    R"(title ne "Engineer")",
    R"(not (title pr))",
    R"(title eq null)",
    R"(title ne null)",
    R"(title gt "A")",
    R"(emails[type eq "work"].value eq "alice@work.com")",
    R"(emails[type eq "work"].value eq "BOB@work.com")",
    R"(emails[type eq "work"].value eq "d2@work.com")",
    // Second and later emails are found too (one index row per email, not per user).
    R"(emails[type eq "work"].value eq "BOB2@work.com")",
    R"(emails[type eq "home"].value eq "bob2@work.com")",
    R"(emails[type eq "WORK" and value eq "bob2@work.com"])",
    R"(emails[value eq "bob@home.org"])",
    R"(emails[value eq "bob@home.org" and primary eq true])",
    R"(emails.value eq "dave@home.org")",
    R"(emails.value eq "BOB2@WORK.COM")",
    R"(emails eq "bob2@work.com")",
    R"(emails.value eq "loose")",
    R"(not (emails.value eq "bob2@work.com"))",
    R"(emails.value eq "bob2@work.com" or userName eq "erin")",
    R"(emails[type eq "work" and value co "@work"])",
    R"(emails[type eq "home"])",
    R"(emails[not (type eq "work")])",
    R"(emails.value co "home")",
    R"(emails co "home")",
    R"(emails.type eq "work")",
    R"(emails pr)",
    R"(not (emails pr))",
    R"(emails.value ne "alice@work.com")",
    R"(emails.primary eq true)",
    R"(phoneNumbers[type eq "mobile"])",
    R"(roles[primary eq true])",
    R"(roles[primary eq "false"])",
    R"(name[givenName eq "alice"])",
    R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1001")",
    R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber gt "1001")",
    R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department co "&")",
    R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "bob-id")",
    R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department pr)",
    R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")",
    R"(schemas eq "urn:ietf:params:scim:schemas:core:2.0:User")",
    R"(schemas co "enterprise")",
    R"(meta.resourceType eq "User")",
    R"(meta.resourceType eq "Group")",
    R"(meta.created gt "2000-01-01T00:00:00Z")",
    R"(meta.lastModified lt "2000-01-01T02:00:00+02:00")",
    R"(meta.created le "2199-01-01T00:00:00.5Z")",
    R"(groups.value eq "{g1}")",
    R"(groups[display eq "engineering"])",
    R"(groups pr)",
    R"(not (groups pr))",
    R"(groups.display co "al")",
    R"(groups.type eq "direct")",
    R"(userName eq "bob" or (active eq true and title pr))",
    R"(not (userName eq "bob" or emails pr))",
    R"(userName sw "a" and not (externalId eq "x"))",
    R"(not (not (active eq false)))",
    R"(title eq "Engineer" or title eq "Manager" or title eq "")",
};

const std::vector<std::string> kGroupFilters = {
    R"(displayName eq "engineering")",
    R"(displayName sw "S")",
    R"(displayName ne "Sales")",
    R"(members.value eq "{alice}")",
    R"(members[value eq "{g1}"])",
    R"(members pr)",
    R"(not (members pr))",
    R"(members.type eq "Group")",
    R"(members eq "{carol}")",
    R"(members[type eq "User" and value eq "{bob}"])",
    R"(members.display pr)",
    R"(members.display eq "alice")",
    R"(members.value ne "{alice}")",
    R"(externalId eq "gext-1")",
    R"(meta.resourceType eq "Group")",
    R"(id eq "{g2}" or displayName eq "Empty")",
};

TEST_F(FilterSqlAgreement, UserFiltersAgreeWithMatches) {
  int informative = 0;  // cases that select some but not all resources
  for (const std::string& text : kUserFilters) {
    const auto [actual, expected] = run(ResourceKind::user, text);
    EXPECT_EQ(actual, expected) << text;
    if (!expected.empty() && expected.size() < 5) ++informative;
  }
  EXPECT_GT(informative, static_cast<int>(kUserFilters.size()) * 2 / 3);
}

TEST_F(FilterSqlAgreement, GroupFiltersAgreeWithMatches) {
  int informative = 0;
  for (const std::string& text : kGroupFilters) {
    const auto [actual, expected] = run(ResourceKind::group, text);
    EXPECT_EQ(actual, expected) << text;
    if (!expected.empty() && expected.size() < 3) ++informative;
  }
  EXPECT_GT(informative, static_cast<int>(kGroupFilters.size()) * 2 / 3);
}

// A few answers spelled out, so agreement is not agreement on a wrong answer.
TEST_F(FilterSqlAgreement, KnownAnswers) {
  using ::testing::ElementsAre;
  EXPECT_THAT(run(ResourceKind::user, R"(userName eq "alice@EXAMPLE.com")").first,
              ElementsAre("alice"));
  EXPECT_THAT(run(ResourceKind::user, R"(emails[type eq "work"].value eq "bob@work.com")").first,
              ElementsAre("bob"));
  EXPECT_THAT(run(ResourceKind::user, R"(emails[type eq "work"].value eq "bob2@work.com")").first,
              ElementsAre("bob"));
  EXPECT_THAT(run(ResourceKind::user, R"(emails.value eq "dave@home.org")").first,
              ElementsAre("dave"));
  EXPECT_THAT(run(ResourceKind::user, R"(userName co "%")").first, ElementsAre("carol"));
  EXPECT_THAT(run(ResourceKind::user, R"(externalId eq "ext-1")").first, ElementsAre("alice"));
  EXPECT_THAT(run(ResourceKind::user, R"(title ne "Engineer")").first,
              ElementsAre("bob", "carol", "dave", "erin"));
  EXPECT_THAT(run(ResourceKind::group, R"(members[value eq "{g1}"])").first, ElementsAre("g2"));
  EXPECT_THAT(run(ResourceKind::user, R"(groups.value eq "{g2}")").first, ElementsAre("carol"));
}

TEST(FilterSql, ValuesAreBoundNeverInterpolated) {
  auto filter = scim::parse_filter(R"(title eq "x' OR 1=1 --" and userName co "%_")");
  ASSERT_TRUE(filter.ok());
  auto sql = sql::filter_to_sql(sql::Dialect::sqlite, ResourceKind::user, *filter, 1);
  ASSERT_TRUE(sql.ok()) << sql.error().detail;
  EXPECT_EQ(sql->sql.find("OR 1=1"), std::string::npos) << sql->sql;
  EXPECT_EQ(sql->sql.find("%_"), std::string::npos) << sql->sql;
  EXPECT_EQ(sql->sql.find("LIKE"), std::string::npos) << sql->sql;
  EXPECT_EQ(static_cast<std::size_t>(std::count(sql->sql.begin(), sql->sql.end(), '?')),
            sql->params.size());
}

TEST(FilterSql, JsonPathsQuoteEveryKey) {
  const std::vector<std::string> keys = {std::string(kEnterprise), "manager", "value"};
  EXPECT_EQ(
      *sql::json_path(sql::Dialect::sqlite, keys),
      "'$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"manager\".\"value\"'");
  EXPECT_EQ(*sql::json_path(sql::Dialect::postgres, keys),
            "'{\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\",\"manager\","
            "\"value\"}'");
  EXPECT_EQ(*sql::json_path(sql::Dialect::postgres, {"it's"}), "'{\"it''s\"}'");
  for (const sql::Dialect dialect : {sql::Dialect::sqlite, sql::Dialect::postgres}) {
    EXPECT_FALSE(sql::json_path(dialect, {"a\"b"}).ok());
    EXPECT_FALSE(sql::json_path(dialect, {"a\\b"}).ok());
  }
}

}  // namespace
}  // namespace scimd::store::sqlite
