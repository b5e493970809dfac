// The SQL translation of filters agrees with scim::matches() on the same resources: every case
// runs through list() and through matches() over the full representations, on every backend.
// The SQL text itself is checked for what each engine needs (booleans, quoting, parameters).
#include "store/sql/filter_sql.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <optional>
#include <tuple>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/sql/sql_store.h"
#include "store/store_fixture.h"

namespace scimd::store::sql {
namespace {

namespace json = boost::json;
using scim::ResourceKind;
using store::testing::TempDir;

constexpr std::string_view kEnterprise = scim::urn::kEnterpriseUser;

json::object parse_object(std::string_view text) { return json::parse(text).as_object(); }

// A database on the test cluster whose default collation is ICU's en-US, as production
// databases often have a locale (there lower('É') is 'é' and 'a' < 'B'); the store must still
// fold ASCII only and order bytes, as SQLite and scim::matches() do. Dropped with the object.
class LocaleDatabase {
 public:
  LocaleDatabase() {
    static std::atomic<int> counter{0};
    const std::string base = postgres::PgTestSchema::base_url();
    name_ = "scimd_icu_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    const std::size_t path = base.find('/', base.find("://") + 3);
    const std::size_t query = base.find('?', path);
    url_ = base.substr(0, path + 1) + name_ +
           (query == std::string::npos ? std::string() : base.substr(query));
    auto admin = postgres::PgConnection::open(base);
    if (!admin.ok()) {
      error_ = admin.error().detail;
      return;
    }
    const Status created =
        (*admin)->exec("CREATE DATABASE " + name_ +
                       " TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C' LOCALE_PROVIDER icu "
                       "ICU_LOCALE 'en-US'");
    if (!created.ok()) error_ = created.error().detail;
  }
  ~LocaleDatabase() {
    if (!error_.empty()) return;
    auto admin = postgres::PgConnection::open(postgres::PgTestSchema::base_url());
    if (admin.ok()) (void)(*admin)->exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  LocaleDatabase(const LocaleDatabase&) = delete;
  LocaleDatabase& operator=(const LocaleDatabase&) = delete;

  const std::string& error() const { return error_; }
  const std::string& url() const { return url_; }

 private:
  std::string name_;
  std::string url_;
  std::string error_;
};

// The fixture's backends, plus PostgreSQL in a database with a locale collation.
const auto kAgreementBackends =
    ::testing::Values(std::string("sqlite"), std::string("postgres"), std::string("postgres_icu"));

class FilterSqlAgreement : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!store::testing::backend_available(GetParam() == "sqlite" ? "sqlite" : "postgres")) {
      GTEST_SKIP() << postgres::PgTestSchema::kSkipReason;
    }
    if (GetParam() == "postgres_icu") {
      locale_db_.emplace();
      ASSERT_TRUE(locale_db_->error().empty()) << locale_db_->error();
      url_ = locale_db_->url();
    } else {
      url_ = store::testing::store_url(GetParam(), dir_);
    }
    auto opened = Store::open(url_);
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

  void TearDown() override { store_.reset(); }  // before its database goes

  TempDir dir_;
  std::optional<LocaleDatabase> locale_db_;
  std::string url_;
  std::unique_ptr<Store> store_;
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

TEST_P(FilterSqlAgreement, UserFiltersAgreeWithMatches) {
  int informative = 0;  // cases that select some but not all resources
  for (const std::string& text : kUserFilters) {
    const auto [actual, expected] = run(ResourceKind::user, text);
    EXPECT_EQ(actual, expected) << text;
    if (!expected.empty() && expected.size() < 5) ++informative;
  }
  EXPECT_GT(informative, static_cast<int>(kUserFilters.size()) * 2 / 3);
}

TEST_P(FilterSqlAgreement, GroupFiltersAgreeWithMatches) {
  int informative = 0;
  for (const std::string& text : kGroupFilters) {
    const auto [actual, expected] = run(ResourceKind::group, text);
    EXPECT_EQ(actual, expected) << text;
    if (!expected.empty() && expected.size() < 3) ++informative;
  }
  EXPECT_GT(informative, static_cast<int>(kGroupFilters.size()) * 2 / 3);
}

// A few answers spelled out, so agreement is not agreement on a wrong answer.
TEST_P(FilterSqlAgreement, KnownAnswers) {
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

// Text in documents compares and sorts byte by byte with ASCII-only case folding, whatever the
// database's collation: 'B' < '_' < 'a', and 'É' is not 'é' (scim::matches() and SQLite agree).
TEST_P(FilterSqlAgreement, TextIsBytesWhateverTheCollation) {
  add_user("f1", R"({"userName":"f1","title":"ÉCOLE","nickName":"B"})");
  add_user("f2", R"({"userName":"f2","title":"école","nickName":"a"})");
  add_user("f3", R"({"userName":"f3","title":"Ecole","nickName":"_x"})");
  for (const std::string text :
       {R"(title eq "école")", R"(title eq "ecole")", R"(title co "COLE")", R"(title sw "é")",
        R"(nickName gt "a")", R"(nickName lt "_")", R"(nickName ge "B")", R"(title lt "f")"}) {
    const auto [actual, expected] = run(ResourceKind::user, text);
    EXPECT_EQ(actual, expected) << text;
  }
  using ::testing::ElementsAre;
  EXPECT_THAT(run(ResourceKind::user, R"(title eq "école")").first, ElementsAre("f2"));
  // "École" and "école" start with byte 0xC3, after 'f' ("" and "engineer" are alice's, dave's).
  EXPECT_THAT(run(ResourceKind::user, R"(title lt "f")").first, ElementsAre("alice", "dave", "f3"));

  ListQuery q;
  q.filter = nullptr;
  q.count = 1000;
  q.sort_by = scim::AttrPath{"", "title", ""};
  auto page = store_->list(tenant_, ResourceKind::user, q);
  ASSERT_TRUE(page.ok()) << page.error().detail;
  std::vector<std::string> order;
  for (const Resource& r : page->items) {
    if (names_[r.id].starts_with("f")) order.push_back(names_[r.id]);
  }
  // Lower-cased ASCII only, then bytes: "ecole" < "École" (0xC3 0x89) < "école" (0xC3 0xA9).
  EXPECT_THAT(order, ElementsAre("f3", "f1", "f2"));
}

// Sorting by attributes kept in the document (text, case-folded, first element of a
// multi-valued attribute, extension) and by columns: the same order on every backend, and
// cursor pages of two walk it exactly, forward and back.
TEST_P(FilterSqlAgreement, SortKeysOrderAndPageAlike) {
  struct Case {
    scim::AttrPath by;
    SortOrder order;
    std::vector<std::string> expected;
  };
  const std::string enterprise(kEnterprise);
  const std::vector<Case> cases = {
      // "" < "engineer" < "manager", missing titles last in creation order
      {{"", "title", ""}, SortOrder::ascending, {"dave", "alice", "bob", "carol", "erin"}},
      {{"", "title", ""}, SortOrder::descending, {"bob", "alice", "dave", "carol", "erin"}},
      // the first email, lower-cased: alice@work.com, bob@work.com, dave@home.org
      {{"", "emails", ""}, SortOrder::ascending, {"alice", "bob", "dave", "carol", "erin"}},
      {{"", "emails", "value"}, SortOrder::descending, {"dave", "bob", "alice", "carol", "erin"}},
      {{"", "name", "familyName"}, SortOrder::ascending, {"bob", "alice", "carol", "dave", "erin"}},
      {{enterprise, "employeeNumber", ""},
       SortOrder::descending,
       {"bob", "alice", "carol", "dave", "erin"}},
      {{"", "userName", ""}, SortOrder::ascending, {"alice", "bob", "carol", "dave", "erin"}},
      // active: false (0) before true (1), missing last
      {{"", "active", ""}, SortOrder::ascending, {"bob", "alice", "dave", "carol", "erin"}},
  };
  for (const Case& c : cases) {
    const std::string label = c.by.urn + ":" + c.by.attr + "." + c.by.sub;
    ListQuery q;
    q.count = 1000;
    q.sort_by = c.by;
    q.sort_order = c.order;
    auto page = store_->list(tenant_, ResourceKind::user, q);
    ASSERT_TRUE(page.ok()) << label << ": " << page.error().detail;
    std::vector<std::string> actual;
    for (const Resource& r : page->items) actual.push_back(names_[r.id]);
    EXPECT_EQ(actual, c.expected) << label;

    q.count = 2;
    q.cursor = "";
    std::vector<std::string> walked;
    std::optional<std::string> previous;
    for (int pages = 0; q.cursor && pages < 10; ++pages) {
      auto next = store_->list(tenant_, ResourceKind::user, q);
      ASSERT_TRUE(next.ok()) << label << ": " << next.error().detail;
      for (const Resource& r : next->items) walked.push_back(names_[r.id]);
      previous = next->previous_cursor;
      q.cursor = next->next_cursor;
    }
    EXPECT_EQ(walked, c.expected) << label << " (cursor)";
    // Back from the last page (the fifth alone): the third and the fourth.
    ASSERT_TRUE(previous) << label;
    q.cursor = previous;
    auto back = store_->list(tenant_, ResourceKind::user, q);
    ASSERT_TRUE(back.ok()) << label << ": " << back.error().detail;
    ASSERT_EQ(back->items.size(), 2u) << label;
    EXPECT_EQ(names_[back->items[0].id], c.expected[2]) << label;
    EXPECT_EQ(names_[back->items[1].id], c.expected[3]) << label;
  }
}

// On PostgreSQL, Entra's and Okta's lookups use the indexes SQLite uses (sqlite_store_test.cpp
// checks SQLite's plans): a few thousand users and groups make a full scan the costlier plan.
TEST_P(FilterSqlAgreement, PostgresLookupsUseTheirIndexes) {
  if (GetParam() == "sqlite") GTEST_SKIP() << "sqlite_store_test.cpp checks SQLite's plans";
  auto* store = dynamic_cast<SqlStore*>(store_.get());
  ASSERT_NE(store, nullptr);
  std::vector<SqlStore::NewResource> users;
  for (int i = 0; i < 3000; ++i) {
    const std::string n = std::to_string(i);
    users.push_back({parse_object(R"({"userName":"user)" + n + R"(@example.com","emails":[)" +
                                  R"({"value":"u)" + n + R"(@work.com","type":"work"}]})"),
                     {}});
  }
  auto user_ids = store->create_batch(tenant_, ResourceKind::user, std::move(users));
  ASSERT_TRUE(user_ids.ok()) << user_ids.error().detail;
  std::vector<SqlStore::NewResource> groups;
  for (int g = 0; g < 300; ++g) {
    std::vector<scim::MemberRef> members;
    for (int m = 0; m < 10; ++m) members.push_back({(*user_ids)[(g * 7 + m * 301) % 3000], "", ""});
    groups.push_back({parse_object(R"({"displayName":"group )" + std::to_string(g) + R"("})"),
                      std::move(members)});
  }
  auto group_ids = store->create_batch(tenant_, ResourceKind::group, std::move(groups));
  ASSERT_TRUE(group_ids.ok()) << group_ids.error().detail;
  // Statistics, as autovacuum would gather them in a live database.
  auto admin = postgres::PgConnection::open(url_);
  ASSERT_TRUE(admin.ok()) << admin.error().detail;
  ASSERT_TRUE((*admin)->exec("ANALYZE").ok());

  const std::string member = (*user_ids)[17 * 7];  // the first member of group 17
  const std::string group = (*group_ids)[17];
  const std::vector<std::tuple<ResourceKind, std::string, std::string>> lookups = {
      {ResourceKind::user, R"(userName eq "user17@example.com")", "users_user_name"},
      {ResourceKind::user, R"(userName eq "x" and active eq true)", "users_user_name"},
      {ResourceKind::user, R"(emails[type eq "work"].value eq "U17@work.com")",
       "user_emails_value"},
      {ResourceKind::user, R"(emails.value eq "u17@work.com")", "user_emails_value"},
      {ResourceKind::user, "groups.value eq \"" + group + "\"", "memberships_key"},
      {ResourceKind::group, "members[value eq \"" + member + "\"]", "memberships_member"},
      {ResourceKind::group, "members.value eq \"" + member + "\"", "memberships_member"},
      {ResourceKind::group, R"(displayName eq "group 17")", "groups_display_name"},
  };
  for (const auto& [kind, text, index] : lookups) {
    auto filter = scim::parse_filter(text);
    ASSERT_TRUE(filter.ok()) << text;
    ListQuery q;
    q.filter = &*filter;
    auto plan = store->explain_list(tenant_, kind, q);
    ASSERT_TRUE(plan.ok()) << text << ": " << plan.error().detail;
    EXPECT_NE(plan->find(" using " + index + " on "), std::string::npos) << text << "\n" << *plan;
    // 300 groups are few enough that hashing them all can be the cheaper join; 3000 users not.
    if (kind == ResourceKind::user) {
      EXPECT_EQ(plan->find("Seq Scan on users r"), std::string::npos) << text << "\n" << *plan;
    }
    auto page = store->list(tenant_, kind, q);
    ASSERT_TRUE(page.ok()) << text;
    EXPECT_EQ(page->total > 0, text.find("\"x\"") == std::string::npos) << text;
  }
}

// Whether `word` occurs in `sql` as a word of its own (json_type is not scimd_json_type).
bool mentions(std::string_view sql, std::string_view word) {
  for (auto pos = sql.find(word); pos != std::string_view::npos; pos = sql.find(word, pos + 1)) {
    if (pos == 0 ||
        !(std::isalnum(static_cast<unsigned char>(sql[pos - 1])) || sql[pos - 1] == '_'))
      return true;
  }
  return false;
}

// Every filter of the agreement tests, in each dialect: parameters match the `?`s, and each
// engine's text uses only its own functions and boolean conditions.
TEST(FilterSql, EachDialectSpeaksItsOwnSql) {
  const std::vector<std::string_view> sqlite_only = {"json_extract", "json_type(", "json_each",
                                                     "instr(",       "strftime",   "$."};
  const std::vector<std::string_view> postgres_only = {
      "#>", "scimd_", "strpos(", "right(", "json_array_elements", "COLLATE"};
  auto check = [&](ResourceKind kind, const std::string& text) {
    std::string expanded = text;
    for (auto pos = expanded.find('{'); pos != std::string::npos; pos = expanded.find('{')) {
      expanded.replace(pos, expanded.find('}', pos) - pos + 1, "6b2f1a9e-0000-4000-8000-0");
    }
    auto filter = scim::parse_filter(expanded);
    ASSERT_TRUE(filter.ok()) << text;
    for (const Dialect dialect : {Dialect::sqlite, Dialect::postgres}) {
      auto sql = filter_to_sql(dialect, kind, *filter, 7);
      ASSERT_TRUE(sql.ok()) << text << ": " << sql.error().detail;
      EXPECT_EQ(static_cast<std::size_t>(std::count(sql->sql.begin(), sql->sql.end(), '?')),
                sql->params.size())
          << text;
      const auto& foreign = dialect == Dialect::sqlite ? postgres_only : sqlite_only;
      for (const std::string_view word : foreign) {
        EXPECT_FALSE(mentions(sql->sql, word)) << word << " in " << sql->sql;
      }
      // PostgreSQL wants boolean conditions: no 0/1 stands for false/true.
      for (const std::string_view number :
           {", 0)", ", 1)", "THEN 0", "THEN 1", "ELSE 1", "ELSE 0", "(0 OR", "(1)", "(0)"}) {
        EXPECT_EQ(sql->sql.find(number), std::string::npos) << number << " in " << sql->sql;
      }
    }
  };
  for (const std::string& text : kUserFilters) check(ResourceKind::user, text);
  for (const std::string& text : kGroupFilters) check(ResourceKind::group, text);
}

std::string postgres_sql(ResourceKind kind, std::string_view text,
                         std::vector<SqlValue>* params = nullptr) {
  auto filter = scim::parse_filter(text);
  EXPECT_TRUE(filter.ok()) << text;
  if (!filter.ok()) return {};
  auto sql = filter_to_sql(Dialect::postgres, kind, *filter, 7);
  EXPECT_TRUE(sql.ok()) << text << ": " << sql.error().detail;
  if (!sql.ok()) return {};
  if (params != nullptr) *params = sql->params;
  return sql->sql;
}

TEST(FilterSql, PostgresTextOfTheCommonShapes) {
  using ::testing::HasSubstr;
  std::vector<SqlValue> params;
  // Indexed columns stay bare, so their indexes serve the lookup.
  EXPECT_EQ(postgres_sql(ResourceKind::user, R"(userName eq "Bob")", &params),
            "(r.user_name_lower = ?)");
  EXPECT_EQ(params, std::vector<SqlValue>{std::string("bob")});
  EXPECT_EQ(postgres_sql(ResourceKind::user, R"(active eq true)"), "(r.active = 1)");
  EXPECT_EQ(postgres_sql(ResourceKind::user, R"(meta.resourceType eq "Group")"), "(FALSE)");
  EXPECT_EQ(postgres_sql(ResourceKind::user, R"(not (externalId pr))"),
            "(NOT coalesce(coalesce(r.external_id != '', FALSE), FALSE))");
  // Ordering compares bytes whatever the database's collation.
  EXPECT_EQ(postgres_sql(ResourceKind::user, R"(externalId gt "a")"),
            "((r.external_id COLLATE \"C\") > ?)");
  // sw, ew: lengths and texts bound in the order of their `?`.
  EXPECT_EQ(postgres_sql(ResourceKind::user, R"(userName ew "É!")", &params),
            "(length(r.user_name_lower) >= ? AND right(r.user_name_lower, ?) = ?)");
  EXPECT_EQ(params, (std::vector<SqlValue>{std::int64_t{2}, std::int64_t{2}, std::string("É!")}));
  // Document values: json paths with every key quoted, text in byte order.
  EXPECT_EQ(postgres_sql(ResourceKind::user, R"(name.familyName co "x")"),
            "(scimd_json_type(r.doc #> '{\"name\",\"familyName\"}') = 'text' AND "
            "strpos(lower(((r.doc #>> '{\"name\",\"familyName\"}') COLLATE \"C\")), ?) > 0)");
  EXPECT_THAT(postgres_sql(ResourceKind::user, R"(meta.created gt "2020-01-01T00:00:00Z")"),
              HasSubstr("(r.created COLLATE \"C\") > ?"));
  EXPECT_THAT(postgres_sql(ResourceKind::user,
                           R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:)"
                           R"(manager.value eq "x")"),
              HasSubstr("r.doc #>> '{\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:"
                        "User\",\"manager\",\"value\"}'"));
  EXPECT_THAT(
      postgres_sql(ResourceKind::user, R"(schemas eq "urn:ietf:params:scim:schemas:extension:)"
                                       R"(enterprise:2.0:User")"),
      HasSubstr("((r.doc #> '{\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"}') "
                "IS NOT NULL)"));
  // Multi-valued attributes: the elements of an array (or a lone value), sub-attributes by #>.
  const std::string elements = postgres_sql(ResourceKind::user, R"(emails.type eq "work")");
  EXPECT_THAT(elements, HasSubstr("json_array_elements(CASE WHEN json_typeof(r.doc #> "
                                  "'{\"emails\"}') = 'array' THEN"));
  EXPECT_THAT(elements, HasSubstr("AS e1(value)"));
  EXPECT_THAT(elements, HasSubstr("(e1.value #>> '{\"type\"}')"));
  // Entra's and Okta's lookups keep their index-friendly shapes.
  EXPECT_THAT(
      postgres_sql(ResourceKind::user, R"(emails[type eq "work"].value eq "A@b.c")", &params),
      HasSubstr("r.seq IN (SELECT ue1.user_seq FROM user_emails ue1 WHERE ue1.tenant_id = ? "
                "AND ue1.value_lower = ? AND ue1.type_lower = ?)"));
  EXPECT_EQ(params[0], SqlValue(std::int64_t{7}));
  EXPECT_EQ(params[1], SqlValue(std::string("a@b.c")));
  EXPECT_THAT(postgres_sql(ResourceKind::group, R"(members[value eq "m1"])"),
              HasSubstr("r.seq IN (SELECT x2.seq FROM memberships mi1 JOIN groups x2"));
  // NOT makes leaves two-valued with a boolean.
  EXPECT_THAT(postgres_sql(ResourceKind::user, R"(not (title eq "x"))"), HasSubstr(", FALSE))"));
}

TEST(FilterSql, PostgresSortKeysAreTyped) {
  auto key = [](ResourceKind kind, scim::AttrPath by) {
    auto sql = sort_key_sql(Dialect::postgres, kind, by);
    EXPECT_TRUE(sql.ok());
    return sql.ok() && *sql ? **sql : std::string("(none)");
  };
  EXPECT_EQ(key(ResourceKind::user, {"", "userName", ""}), "r.user_name_lower");
  EXPECT_EQ(key(ResourceKind::user, {"", "title", ""}),
            "lower(((r.doc #>> '{\"title\"}') COLLATE \"C\"))");
  EXPECT_EQ(key(ResourceKind::user, {"", "emails", ""}),
            "lower(((r.doc #>> '{\"emails\",\"0\",\"value\"}') COLLATE \"C\"))");
  EXPECT_EQ(key(ResourceKind::user, {"", "emails", "primary"}),
            "(CASE scimd_json_type(r.doc #> '{\"emails\",\"0\",\"primary\"}') WHEN 'true' "
            "THEN 1 WHEN 'false' THEN 0 END)");
  EXPECT_EQ(key(ResourceKind::group, {"", "members", ""}), "(none)");
  // SQLite keeps json_extract with an array index in the path.
  auto sqlite = sort_key_sql(Dialect::sqlite, ResourceKind::user, {"", "emails", ""});
  ASSERT_TRUE(sqlite.ok() && *sqlite);
  EXPECT_EQ(**sqlite, "lower(json_extract(r.doc, '$.\"emails\"[0].\"value\"'))");
}

TEST(FilterSql, ValuesAreBoundNeverInterpolated) {
  auto filter = scim::parse_filter(R"(title eq "x' OR 1=1 --" and userName co "%_")");
  ASSERT_TRUE(filter.ok());
  auto sql = filter_to_sql(Dialect::sqlite, ResourceKind::user, *filter, 1);
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
      *json_path(Dialect::sqlite, keys),
      "'$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"manager\".\"value\"'");
  EXPECT_EQ(*json_path(Dialect::postgres, keys),
            "'{\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\",\"manager\","
            "\"value\"}'");
  EXPECT_EQ(*json_path(Dialect::postgres, {"it's"}), "'{\"it''s\"}'");
  for (const Dialect dialect : {Dialect::sqlite, Dialect::postgres}) {
    EXPECT_FALSE(json_path(dialect, {"a\"b"}).ok());
    EXPECT_FALSE(json_path(dialect, {"a\\b"}).ok());
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, FilterSqlAgreement, kAgreementBackends);

}  // namespace
}  // namespace scimd::store::sql
