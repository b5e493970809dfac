// SQLite-specific promises: lookups use an index, concurrent writes share commits.
#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace scimd::store::sqlite {
namespace {

namespace json = boost::json;
using scim::ResourceKind;
using testing::TempDir;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options options;
    options.path = (dir_.path() / "scimd.db").string();
    auto opened = SqliteStore::open(options);
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    store_ = std::move(opened).value();
    tenant_ = store_->create_tenant("acme")->id;
  }

  std::string plan(ResourceKind kind, const std::string& text) {
    auto filter = scim::parse_filter(text);
    EXPECT_TRUE(filter.ok()) << text;
    ListQuery query;
    query.filter = &*filter;
    auto explained = store_->explain_list(tenant_, kind, query);
    EXPECT_TRUE(explained.ok()) << (explained.ok() ? "" : explained.error().detail);
    return explained.ok() ? *explained : std::string();
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  TenantId tenant_ = 0;
};

// A full scan of the resource table shows as "SCAN r" in the plan.
bool scans_table(const std::string& plan) {
  std::size_t pos = 0;
  while ((pos = plan.find("SCAN r", pos)) != std::string::npos) {
    const std::size_t end = pos + 6;
    if (end == plan.size() || plan[end] == '\n' || plan[end] == ' ') return true;
    pos = end;
  }
  return false;
}

// A lookup and the plan lines that show it narrowed by an index beyond the tenant.
struct Lookup {
  ResourceKind kind;
  std::string filter;
  std::vector<std::string> plan_lines;  // each must appear in the plan
};

const std::vector<Lookup>& entra_and_okta_lookups() {
  static const std::string kId = "6b2f1a9e-0000-4000-8000-000000000000";
  static const std::string kEmail = "(tenant_id=? AND value_lower=?)";
  static const std::string kMember = "INDEX memberships_member (tenant_id=? AND member_id=?)";
  static const std::vector<Lookup> lookups = {
      {ResourceKind::user, R"(userName eq "a@b.c")", {"SEARCH r USING INDEX users_user_name "}},
      {ResourceKind::user, R"(externalId eq "00u1")", {"SEARCH r USING INDEX users_external_id "}},
      {ResourceKind::user, "id eq \"" + kId + "\"", {"SEARCH r USING INDEX users_id "}},
      {ResourceKind::user,
       R"(displayName eq "Alice")",
       {"SEARCH r USING INDEX users_display_name "}},
      {ResourceKind::user,
       R"(emails[type eq "work"].value eq "a@b.c")",
       {"USING INDEX user_emails_value " + kEmail}},
      {ResourceKind::user,
       R"(emails.value eq "a@b.c")",
       {"USING INDEX user_emails_value " + kEmail}},
      {ResourceKind::user,
       R"(emails[value eq "a@b.c"])",
       {"USING INDEX user_emails_value " + kEmail}},
      {ResourceKind::user,
       R"(userName eq "a@b.c" and active eq true)",
       {"SEARCH r USING INDEX users_user_name "}},
      {ResourceKind::user,
       "groups.value eq \"" + kId + "\"",
       {"INDEX memberships_key (tenant_id=? AND group_id=?)"}},
      {ResourceKind::group,
       R"(displayName eq "Sales")",
       {"SEARCH r USING INDEX groups_display_name "}},
      {ResourceKind::group, R"(externalId eq "g1")", {"SEARCH r USING INDEX groups_external_id "}},
      {ResourceKind::group, "id eq \"" + kId + "\"", {"SEARCH r USING INDEX groups_id "}},
      {ResourceKind::group, "members[value eq \"" + kId + "\"]", {kMember}},
      {ResourceKind::group, "members.value eq \"" + kId + "\"", {kMember}},
      {ResourceKind::group, "members eq \"" + kId + "\"", {kMember}},
      {ResourceKind::group, "members[type eq \"User\" and value eq \"" + kId + "\"]", {kMember}},
      // Entra's membership check: one group, one member.
      {ResourceKind::group,
       "id eq \"" + kId + "\" and members[value eq \"" + kId + "\"]",
       {"SEARCH r USING INDEX groups_id "}},
  };
  return lookups;
}

void expect_indexed_plans(const std::function<std::string(ResourceKind, const std::string&)>& plan,
                          const std::string& when) {
  for (const Lookup& lookup : entra_and_okta_lookups()) {
    const std::string p = plan(lookup.kind, lookup.filter);
    for (const std::string& line : lookup.plan_lines) {
      EXPECT_NE(p.find(line), std::string::npos) << when << ": " << lookup.filter << "\n" << p;
    }
    EXPECT_FALSE(scans_table(p)) << when << ": " << lookup.filter << "\n" << p;
  }
}

TEST_F(SqliteStoreTest, EntraAndOktaLookupsUseAnIndex) {
  expect_indexed_plans([&](ResourceKind kind, const std::string& f) { return plan(kind, f); },
                       "empty tenant");
  // The check itself can fail: an unindexed attribute is found only by reading the tenant.
  const std::string unindexed = plan(ResourceKind::user, R"(title eq "x")");
  EXPECT_TRUE(scans_table(unindexed) ||
              unindexed.find("USING INDEX users_seq") != std::string::npos)
      << unindexed;
  for (const Lookup& lookup : entra_and_okta_lookups()) {
    for (const std::string& line : lookup.plan_lines) {
      EXPECT_EQ(unindexed.find(line), std::string::npos) << unindexed;
    }
  }
  // `members.value ne` cannot be narrowed: every group is read.
  EXPECT_EQ(plan(ResourceKind::group, R"(members.value ne "x")").find("memberships_member"),
            std::string::npos);
}

// 100k users (two emails each) and 1k groups of 100 members in one tenant, loaded in a few
// write transactions through the store's own insert path, beside a second tenant: every lookup
// keeps its index, with and without planner statistics (ANALYZE). Plans, not timings.
TEST_F(SqliteStoreTest, LookupPlansHoldAtOneHundredThousandUsers) {
  constexpr int kUsers = 100000;
  constexpr int kBatch = 10000;
  constexpr int kGroups = 1000;
  constexpr int kMembersPerGroup = 100;
  std::vector<std::string> user_ids;
  user_ids.reserve(kUsers);
  for (int start = 0; start < kUsers; start += kBatch) {
    std::vector<SqliteStore::NewResource> batch;
    batch.reserve(kBatch);
    for (int i = start; i < start + kBatch; ++i) {
      const std::string n = std::to_string(i);
      json::object doc{
          {"userName", "user" + n + "@example.com"},
          {"externalId", "ext-" + n},
          {"displayName", "User " + n},
          {"active", i % 3 != 0},
          {"emails",
           json::array{json::object{{"value", "user" + n + "@example.com"}, {"type", "work"}},
                       json::object{{"value", "u" + n + "@home.example"}, {"type", "home"}}}}};
      batch.push_back({std::move(doc), {}});
    }
    auto ids = store_->create_batch(tenant_, ResourceKind::user, std::move(batch));
    ASSERT_TRUE(ids.ok()) << ids.error().detail;
    user_ids.insert(user_ids.end(), ids->begin(), ids->end());
  }
  std::vector<SqliteStore::NewResource> groups;
  const std::string probe = user_ids[1009];
  int groups_of_probe = 0;
  for (int g = 0; g < kGroups; ++g) {
    std::vector<scim::MemberRef> members;
    for (int m = 0; m < kMembersPerGroup; ++m) {
      members.push_back({user_ids[(g * 97 + m * 1009) % kUsers], "", ""});
    }
    groups_of_probe += std::any_of(members.begin(), members.end(),
                                   [&](const scim::MemberRef& m) { return m.value == probe; });
    groups.push_back({json::object{{"displayName", "group " + std::to_string(g)}}, members});
  }
  auto group_ids = store_->create_batch(tenant_, ResourceKind::group, std::move(groups));
  ASSERT_TRUE(group_ids.ok()) << group_ids.error().detail;
  const TenantId other = store_->create_tenant("other")->id;
  ASSERT_TRUE(store_->create_batch(other, ResourceKind::user, {{testing::user_doc("x"), {}}}).ok());

  ListQuery all;
  all.count = 0;
  ASSERT_EQ(store_->list(tenant_, ResourceKind::user, all)->total, kUsers);

  auto plan_of = [&](ResourceKind kind, const std::string& f) { return plan(kind, f); };
  expect_indexed_plans(plan_of, "100k users");

  // The lookups find what they should at this size too.
  auto find = [&](ResourceKind kind, const std::string& text) {
    auto filter = scim::parse_filter(text);
    EXPECT_TRUE(filter.ok());
    ListQuery q;
    q.filter = &*filter;
    auto page = store_->list(tenant_, kind, q);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->total : -1;
  };
  EXPECT_EQ(find(ResourceKind::user, R"(emails[type eq "work"].value eq "USER77777@example.com")"),
            1);
  EXPECT_EQ(find(ResourceKind::user, R"(emails.value eq "u4242@home.example")"), 1);
  ASSERT_GT(groups_of_probe, 0);
  EXPECT_EQ(find(ResourceKind::group, "members[value eq \"" + probe + "\"]"), groups_of_probe);
  EXPECT_EQ(find(ResourceKind::user, "groups.value eq \"" + (*group_ids)[7] + "\""),
            kMembersPerGroup);

  // Cursor pages read by index, in index order (no sort of the tenant per page).
  ListQuery cursor_query;
  cursor_query.count = 100;
  cursor_query.cursor = "";
  auto first = store_->list(tenant_, ResourceKind::user, cursor_query);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->next_cursor);
  cursor_query.cursor = first->next_cursor;
  auto cursor_plan = store_->explain_list(tenant_, ResourceKind::user, cursor_query);
  ASSERT_TRUE(cursor_plan.ok());
  EXPECT_NE(cursor_plan->find("SEARCH r USING INDEX users_seq (tenant_id=? AND seq>?)"),
            std::string::npos)
      << *cursor_plan;
  EXPECT_EQ(cursor_plan->find("TEMP B-TREE"), std::string::npos) << *cursor_plan;

  // With statistics the planner knows the sizes; the plans must not change for the worse.
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir_.path() / "scimd.db").string().c_str(), &raw), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(raw, "ANALYZE", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
  }
  expect_indexed_plans(plan_of, "100k users after ANALYZE");
}

TEST_F(SqliteStoreTest, ConcurrentWritesShareCommits) {
  const std::uint64_t before = store_->commit_count();
  constexpr int kThreads = 16;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = store_->create(
            tenant_, ResourceKind::user,
            testing::user_doc("u" + std::to_string(t) + "." + std::to_string(i)), {});
        if (!r.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const std::uint64_t commits = store_->commit_count() - before;
  EXPECT_GT(commits, 0u);
  EXPECT_LT(commits, static_cast<std::uint64_t>(kThreads * kPerThread));
}

TEST_F(SqliteStoreTest, FailedWriteInABatchDoesNotFailItsNeighbours) {
  // Many threads race duplicate and fresh names: each duplicate fails alone.
  std::atomic<int> ok{0};
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const std::string name = (i % 2 == 0) ? "shared" + std::to_string(i)
                                              : "own" + std::to_string(t) + "." + std::to_string(i);
        auto r = store_->create(tenant_, ResourceKind::user, testing::user_doc(name), {});
        if (r.ok()) {
          ++ok;
        } else if (r.error().code == Errc::uniqueness) {
          ++taken;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  // 10 shared names succeed once each, 7 losers each; every own name succeeds.
  EXPECT_EQ(ok.load(), 10 + 8 * 10);
  EXPECT_EQ(taken.load(), 10 * 7);
  ListQuery all;
  all.count = 0;
  EXPECT_EQ(store_->list(tenant_, ResourceKind::user, all)->total, 90);
}

}  // namespace
}  // namespace scimd::store::sqlite
