// A fleet: two scimd processes on one PostgreSQL schema behind different ports, one tenant.
// Whatever one instance does, the other must see and respect: uniqueness races between them,
// concurrent membership adds, If-Match PATCHes, and a token rotated from the CLI.
// PostgreSQL only (pg.FleetTest.*): SQLite is one process per database file.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The token cache TTL (src/api/token_auth.h kTokenCacheTtl) plus slack for a loaded machine.
constexpr auto kTokenChangeBound = 5s + 3s;

class FleetTest : public ScimdTest {
 protected:
  void SetUp() override {
    if (!on_postgres()) GTEST_SKIP() << kPostgresOnly;
    ASSERT_NO_FATAL_FAILURE(create_tenant("fleet", &tenant_));
    ASSERT_NO_FATAL_FAILURE(start_server());
    std::filesystem::create_directories(dir_.path() / "b");
    second_ = std::make_unique<ScimdServer>(db_url(), std::string(kPublicUrl), dir_.path() / "b");
    const std::string failure = second_->start();
    ASSERT_EQ(failure, "") << "second instance";
    http_b_.set_port(second_->port());
    ASSERT_NE(http().port(), http_b_.port());
  }
  void TearDown() override {
    if (second_ && second_->running()) {
      EXPECT_EQ(second_->stop(), 0) << "second instance did not exit 0 on SIGTERM\n"
                                    << second_->output();
    }
    if (HasFailure() && second_)
      std::cerr << "second instance:\n" << second_->output().substr(0, 20000);
    ScimdTest::TearDown();
  }

  // The HTTP client of instance 0 (the fixture's server) or 1.
  const HttpClient& instance(int which) const { return which == 0 ? http() : http_b_; }
  ScimClient client(int which, const std::string& token = "") const {
    return ScimClient(instance(which), tenant_.name, token.empty() ? tenant_.token : token);
  }

  Tenant tenant_;
  std::unique_ptr<ScimdServer> second_;
  HttpClient http_b_{0};
};

// The number in a weak ETag W/"N", -1 if it is not one.
std::int64_t etag_version(const std::string& etag) {
  if (etag.size() < 5 || etag.rfind("W/\"", 0) != 0 || etag.back() != '"') return -1;
  try {
    return std::stoll(etag.substr(3, etag.size() - 4));
  } catch (const std::exception&) {
    return -1;
  }
}

TEST_F(FleetTest, SameUserNameRaceAcrossInstancesCreatesExactlyOne) {
  constexpr int kRounds = 25;
  for (int round = 0; round < kRounds; ++round) {
    const std::string user_name = "fleet-race-" + std::to_string(round) + "@x.com";
    std::barrier start_together(2);
    HttpResponse replies[2];
    std::vector<std::thread> threads;
    for (int which = 0; which < 2; ++which) {
      threads.emplace_back([&, which] {
        const ScimClient scim = client(which);
        const json::value body = make_user(user_name);
        start_together.arrive_and_wait();
        replies[which] = scim.post("/Users", body);
      });
    }
    for (std::thread& thread : threads) thread.join();
    const int created = (replies[0].status == 201) + (replies[1].status == 201);
    EXPECT_EQ(created, 1) << user_name << "\ninstance 0: " << replies[0].describe()
                          << "\ninstance 1: " << replies[1].describe();
    for (const HttpResponse& reply : replies) {
      if (reply.status != 201) {
        EXPECT_TRUE(IsScimError(reply, 409, "uniqueness")) << user_name;
      }
    }
    for (int which = 0; which < 2; ++which) {
      EXPECT_TRUE(IsListResponse(
          client(which).get("/Users", "filter=" + url_encode("userName eq \"" + user_name + "\"")),
          1))
          << user_name << " as seen by instance " << which;
    }
  }
  EXPECT_TRUE(IsListResponse(client(0).get("/Users", "count=0"), kRounds));
}

TEST_F(FleetTest, MemberAddsFromBothInstancesLoseNothing) {
  constexpr int kThreadsPerInstance = 2;
  constexpr int kUsersPerThread = 12;
  const std::string group = created_id(client(0).post("/Groups", make_group("Fleet")));
  ASSERT_FALSE(group.empty());
  std::vector<std::vector<std::string>> users(2 * kThreadsPerInstance);
  std::set<std::string> all_users;
  for (std::size_t t = 0; t < users.size(); ++t) {
    for (int i = 0; i < kUsersPerThread; ++i) {
      const std::string id =
          created_id(client(static_cast<int>(t % 2))
                         .post("/Users", make_user("m" + std::to_string(t) + "-" +
                                                   std::to_string(i) + "@x.com")));
      ASSERT_FALSE(id.empty());
      users[t].push_back(id);
      all_users.insert(id);
    }
  }
  std::atomic<int> failures = 0;
  std::barrier start_together(static_cast<std::ptrdiff_t>(users.size()));
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < users.size(); ++t) {
    threads.emplace_back([&, t] {
      const ScimClient scim = client(static_cast<int>(t % 2));
      start_together.arrive_and_wait();
      for (const std::string& id : users[t]) {
        // Entra's form: one Add of "members" per request.
        const HttpResponse added = scim.patch(
            "/Groups/" + group,
            patch_op({json::object{{"op", "Add"},
                                   {"path", "members"},
                                   {"value", json::array{json::object{{"value", id}}}}}}));
        if (added.status != 204 && added.status != 200) {
          if (++failures <= 5) ADD_FAILURE() << "add " << id << ": " << added.describe();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  for (int which = 0; which < 2; ++which) {
    const HttpResponse got = client(which).get("/Groups/" + group);
    ASSERT_EQ(got.status, 200) << got.describe();
    EXPECT_EQ(values_of(got.json(), "members"), all_users) << "as seen by instance " << which;
    EXPECT_EQ(got.json().at("members").as_array().size(), all_users.size());
  }
}

TEST_F(FleetTest, IfMatchPatchesFromBothInstancesLoseNoAcknowledgedChange) {
  constexpr int kThreadsPerInstance = 2;
  constexpr int kAttemptsPerThread = 15;
  const HttpResponse created = client(0).post("/Users", make_user("contended@x.com"));
  const std::string user = created_id(created);
  ASSERT_FALSE(user.empty());
  const std::int64_t first_version = etag_version(created.header("ETag"));
  ASSERT_EQ(first_version, 1) << "ETag of a new user: " << created.header("ETag");

  std::mutex mutex;
  std::set<std::string> acknowledged;  // the email each 2xx added
  std::atomic<int> successes = 0;
  std::atomic<int> refused = 0;
  std::atomic<int> other = 0;
  std::barrier start_together(2 * kThreadsPerInstance);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2 * kThreadsPerInstance; ++t) {
    threads.emplace_back([&, t] {
      const ScimClient scim = client(t % 2);
      start_together.arrive_and_wait();
      for (int i = 0; i < kAttemptsPerThread; ++i) {
        const HttpResponse current = scim.get("/Users/" + user);
        const std::string etag = current.header("ETag");
        if (current.status != 200 || etag.empty()) {
          if (++other <= 5) ADD_FAILURE() << "GET: " << current.describe();
          continue;
        }
        // A distinct value per attempt, so every acknowledged change can be looked for.
        const std::string email = "t" + std::to_string(t) + "-" + std::to_string(i) + "@x.com";
        const HttpResponse patched = scim.raw(
            "PATCH", "/Users/" + user, "",
            json::serialize(patch_op({json::object{
                {"op", "add"},
                {"path", "emails"},
                {"value", json::array{json::object{{"value", email}, {"type", "other"}}}}}})),
            {{"If-Match", etag}});
        // 204 by default (200 only when the client asks for the resource back).
        if (patched.status == 204 || patched.status == 200) {
          ++successes;
          const std::lock_guard lock(mutex);
          acknowledged.insert(email);
        } else if (patched.status == 412) {
          ++refused;
        } else if (++other <= 5) {
          ADD_FAILURE() << "PATCH with If-Match " << etag << ": " << patched.describe();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  RecordProperty("acknowledged", successes.load());
  RecordProperty("precondition_failed", refused.load());
  EXPECT_EQ(other.load(), 0) << "every PATCH must answer 204 (or 200) or 412";
  EXPECT_GT(successes.load(), 0);
  for (int which = 0; which < 2; ++which) {
    const HttpResponse got = client(which).get("/Users/" + user);
    ASSERT_EQ(got.status, 200) << got.describe();
    EXPECT_EQ(etag_version(got.header("ETag")), first_version + successes.load())
        << successes.load() << " PATCHes answered 2xx, " << refused.load() << " answered 412";
    EXPECT_EQ(values_of(got.json(), "emails"), acknowledged)
        << "the emails must be exactly those the 2xx PATCHes added, as seen by instance " << which;
  }
}

TEST_F(FleetTest, RotatedTokenIsRejectedByEveryInstanceWithinTheCacheTtl) {
  // Both instances have the old token in their cache.
  for (int which = 0; which < 2; ++which) {
    ASSERT_EQ(client(which).get("/Users").status, 200) << "instance " << which;
  }
  const CliResult rotated =
      cli({"tenant", "rotate-token", tenant_.name, "--grace", "0s", "--json"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.out << rotated.err;
  const auto rotated_at = Clock::now();
  boost::system::error_code ec;
  const std::string new_token = string_field(json::parse(rotated.out, ec), "token");
  ASSERT_GE(new_token.size(), 32u) << rotated.out;

  for (int which = 0; which < 2; ++which) {
    EXPECT_EQ(client(which, new_token).get("/Users").status, 200)
        << "new token on instance " << which;
  }
  bool rejected[2] = {false, false};
  while (!(rejected[0] && rejected[1]) && Clock::now() < rotated_at + kTokenChangeBound) {
    for (int which = 0; which < 2; ++which) {
      if (!rejected[which]) rejected[which] = client(which).get("/Users").status == 401;
    }
    std::this_thread::sleep_for(200ms);
  }
  for (int which = 0; which < 2; ++which) {
    EXPECT_TRUE(rejected[which])
        << "instance " << which << " still accepts the old token "
        << std::chrono::duration_cast<std::chrono::seconds>(kTokenChangeBound).count()
        << " s after rotate-token --grace 0s";
    EXPECT_TRUE(IsScimError(client(which).get("/Users"), 401)) << "instance " << which;
    EXPECT_EQ(client(which, new_token).get("/Users").status, 200)
        << "new token on instance " << which;
  }
}

}  // namespace
}  // namespace scimd::itest
