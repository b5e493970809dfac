// Concurrent clients: uniqueness holds under a race, and concurrent membership PATCHes to one
// group lose no update (Entra and Okta both run several requests in parallel).
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

constexpr int kThreads = 8;

class ConcurrencyTest : public ScimdTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(create_tenant("racy", &tenant_));
    ASSERT_NO_FATAL_FAILURE(start_server());
  }
  Tenant tenant_;
};

TEST_F(ConcurrencyTest, SameUserNameRaceCreatesExactlyOne) {
  for (int round = 0; round < 5; ++round) {
    const std::string user_name = "race" + std::to_string(round) + "@x.com";
    std::atomic<int> created = 0;
    std::atomic<int> conflicts = 0;
    std::atomic<int> other = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        // Differently-cased spellings of one userName.
        std::string spelled = user_name;
        if (t % 2 == 1) spelled[0] = 'R';
        const int status = scim(tenant_).post("/Users", make_user(spelled)).status;
        if (status == 201) {
          ++created;
        } else if (status == 409) {
          ++conflicts;
        } else {
          ++other;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(created.load(), 1) << user_name;
    EXPECT_EQ(conflicts.load(), kThreads - 1) << user_name;
    EXPECT_EQ(other.load(), 0) << user_name;
    EXPECT_TRUE(IsListResponse(
        scim(tenant_).get("/Users", "filter=" + url_encode("userName eq \"" + user_name + "\"")),
        1));
  }
}

TEST_F(ConcurrencyTest, ParallelMemberAddsLoseNothing) {
  constexpr int kUsersPerThread = 10;
  const ScimClient client = scim(tenant_);
  const std::string group = created_id(client.post("/Groups", make_group("Parallel")));
  ASSERT_FALSE(group.empty());
  std::vector<std::vector<std::string>> users(kThreads);
  std::set<std::string> all_users;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kUsersPerThread; ++i) {
      const std::string id = created_id(client.post(
          "/Users", make_user("p" + std::to_string(t) + "-" + std::to_string(i) + "@x.com")));
      ASSERT_FALSE(id.empty());
      users[t].push_back(id);
      all_users.insert(id);
    }
  }
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (const std::string& id : users[t]) {
        const HttpResponse added = scim(tenant_).patch(
            "/Groups/" + group,
            patch_op({json::object{{"op", "Add"},
                                   {"path", "members"},
                                   {"value", json::array{json::object{{"value", id}}}}}}));
        if (added.status != 204 && added.status != 200) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  const HttpResponse got = client.get("/Groups/" + group);
  ASSERT_EQ(got.status, 200) << got.describe();
  EXPECT_EQ(values_of(got.json(), "members"), all_users);
  EXPECT_EQ(got.json().at("members").as_array().size(), all_users.size());
}

}  // namespace
}  // namespace scimd::itest
