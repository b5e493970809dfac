// The directory API's change feed over HTTP on the real binary: a long-poll returns as soon as
// a SCIM write commits, and long-polls beyond their bound neither wait nor hold up SCIM writes.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "core/crypto.h"
#include "integration/scimd_fixture.h"
#include "store/store.h"

namespace scimd::itest {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* kAppKey = "directory-itest-app-key-0123456789";
constexpr int kDefaultFeedWaiters = 16;  // api::ServiceOptions::max_feed_waiters

class DirectoryFeedTest : public ScimdTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(create_tenant("alpha", &alpha_));
    // An app key straight into the database (the admin API is not under test here).
    {
      auto opened = store::Store::open(db_url());
      ASSERT_TRUE(opened.ok()) << opened.error().detail;
      auto tenant = (*opened)->find_tenant("alpha");
      ASSERT_TRUE(tenant.ok()) << tenant.error().detail;
      auto added = (*opened)->add_app_key(tenant->id, "itest", crypto::sha256_hex(kAppKey));
      ASSERT_TRUE(added.ok()) << added.error().detail;
    }
    ASSERT_NO_FATAL_FAILURE(start_server());
  }

  // GET /api/v1/alpha{path} with the app key; the client allows for the longest wait.
  HttpResponse api_get(const std::string& path) const {
    const HttpClient client(http().port(), 45s);
    HttpRequest request;
    request.target = "/api/v1/alpha" + path;
    request.headers.emplace_back("Authorization", std::string("Bearer ") + kAppKey);
    return client.send(request);
  }

  std::string feed_end() const {
    const HttpResponse r = api_get("/events?limit=1000");
    EXPECT_EQ(r.status, 200) << r.describe();
    return string_field(r.json(), "next");
  }

  Tenant alpha_;
};

TEST_F(DirectoryFeedTest, LongPollReturnsWhenAScimWriteCommits) {
  const std::string after = feed_end();
  ASSERT_FALSE(after.empty());
  auto poll = std::async(std::launch::async, [&] {
    const auto start = Clock::now();
    HttpResponse r = api_get("/events?wait=20&after=" + after);
    return std::make_pair(std::move(r), Clock::now() - start);
  });
  std::this_thread::sleep_for(300ms);
  const auto write_start = Clock::now();
  const std::string id = created_id(scim(alpha_).post("/Users", make_user("late@alpha.example")));
  EXPECT_LT(Clock::now() - write_start, 3s) << "a waiting poll must not slow a SCIM write";
  const auto [response, took] = poll.get();
  ASSERT_EQ(response.status, 200) << response.describe();
  const json::value body = response.json();
  const auto& events = body.at("events").as_array();
  ASSERT_FALSE(events.empty()) << response.describe();
  EXPECT_EQ(string_field(events[0], "type"), "user.created");
  EXPECT_EQ(string_field(events[0].at("data").at("resource"), "id"), id);
  EXPECT_EQ(events[0].at("seq").as_int64(), std::stoll(after) + 1);
  EXPECT_LT(took, 10s) << "the poll ends at the write, not at wait=20";
  EXPECT_GE(took, 250ms) << "the poll waited for the write";
}

TEST_F(DirectoryFeedTest, PollsBeyondTheBoundNeitherWaitNorStarveWrites) {
  const std::string after = feed_end();
  constexpr int kPolls = kDefaultFeedWaiters + 4;
  std::vector<std::future<HttpResponse>> polls;
  for (int i = 0; i < kPolls; ++i) {
    polls.push_back(std::async(std::launch::async,
                               [&] { return api_get("/events?wait=20&after=" + after); }));
  }
  std::this_thread::sleep_for(1s);  // let them reach the server and start waiting
  const ScimClient client = scim(alpha_);
  for (int i = 0; i < 5; ++i) {
    const auto start = Clock::now();
    ASSERT_FALSE(created_id(client.post("/Users", make_user("u" + std::to_string(i) + "@a.example")))
                     .empty());
    EXPECT_LT(Clock::now() - start, 3s) << "SCIM write " << i << " was held up";
  }
  int refused = 0, woken = 0;
  const auto deadline = Clock::now() + 15s;
  for (auto& poll : polls) {
    ASSERT_EQ(poll.wait_until(deadline), std::future_status::ready) << "a poll kept waiting";
    const HttpResponse r = poll.get();
    ASSERT_EQ(r.status, 200) << r.describe();
    if (r.header("Retry-After") == "1") {
      ++refused;
    } else {
      ++woken;
      EXPECT_FALSE(r.json().at("events").as_array().empty()) << r.describe();
    }
  }
  EXPECT_EQ(refused, kPolls - kDefaultFeedWaiters);
  EXPECT_EQ(woken, kDefaultFeedWaiters);
}

}  // namespace
}  // namespace scimd::itest
