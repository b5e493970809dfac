// SQLite-specific promises: lookups use an index, concurrent writes share commits.
#include "store/sqlite/sqlite_store.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace scimd::store::sqlite {
namespace {

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

TEST_F(SqliteStoreTest, EntraAndOktaLookupsUseAnIndex) {
  struct Lookup {
    ResourceKind kind;
    std::string filter;
    std::string index;  // the index that must narrow the search beyond the tenant
  };
  const Lookup lookups[] = {
      {ResourceKind::user, R"(userName eq "a@b.c")", "users_user_name"},
      {ResourceKind::user, R"(externalId eq "00u1")", "users_external_id"},
      {ResourceKind::user, R"(id eq "6b2f1a9e-0000-4000-8000-000000000000")", "users_id"},
      {ResourceKind::user, R"(displayName eq "Alice")", "users_display_name"},
      {ResourceKind::user, R"(emails[type eq "work"].value eq "a@b.c")", "users_work_email"},
      {ResourceKind::group, R"(displayName eq "Sales")", "groups_display_name"},
      {ResourceKind::group, R"(externalId eq "g1")", "groups_external_id"},
      {ResourceKind::group, R"(id eq "6b2f1a9e-0000-4000-8000-000000000000")", "groups_id"},
  };
  for (const auto& [kind, filter, index] : lookups) {
    const std::string p = plan(kind, filter);
    EXPECT_NE(p.find("SEARCH r USING INDEX " + index + " "), std::string::npos) << filter << "\n"
                                                                                << p;
    EXPECT_FALSE(scans_table(p)) << filter << "\n" << p;
  }
  // The check itself can fail: an unindexed attribute is found only by reading the tenant.
  const std::string unindexed = plan(ResourceKind::user, R"(title eq "x")");
  for (const auto& lookup : lookups) {
    EXPECT_EQ(unindexed.find(lookup.index + " "), std::string::npos) << unindexed;
  }
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
