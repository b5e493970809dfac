// GET /api/v1/{tenant}/events: order, completeness, verbatim events, cursors, limit, long-poll
// (woken by a write, bounded, not woken by other tenants), retention gaps.
#include <chrono>
#include <future>
#include <thread>

#include "api/directory.h"
#include "directory_fixture.h"

namespace scimd::api::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

class FeedTest : public DirectoryTest {
 protected:
  std::int64_t last_seq(const std::string& name = "acme") {
    auto last = store_->last_event_seq(tenant(name).id);
    EXPECT_TRUE(last.ok());
    return last.ok() ? *last : -1;
  }
  // A few SCIM writes: a user, a group holding it, a deactivation.
  void some_writes() {
    const std::string user = create_user("ann@x.com");
    create_group("Sales", R"([{"value":")" + user + R"("}])");
    const Response r = call("PATCH", "/Users/" + user,
                            R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],)"
                            R"("Operations":[{"op":"replace","path":"active","value":false}]})");
    ASSERT_EQ(r.status, 204) << r.body;
  }
  static std::vector<std::int64_t> seqs(const json::object& body) {
    std::vector<std::int64_t> out;
    for (const auto& e : body.at("events").as_array()) out.push_back(e.at("seq").as_int64());
    return out;
  }
  static std::string next(const json::object& body) {
    return std::string(body.at("next").as_string());
  }
};

TEST_F(FeedTest, EventsAreCompleteOrderedAndVerbatim) {
  some_writes();
  const std::int64_t last = last_seq();
  ASSERT_GE(last, 4) << "user.created, group.created, group.user_added, user.deactivated";
  const Response r = api("GET", "/acme/events");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = json_of(r);
  std::vector<std::int64_t> expected;
  for (std::int64_t s = 1; s <= last; ++s) expected.push_back(s);
  EXPECT_EQ(seqs(body), expected);
  EXPECT_EQ(next(body), std::to_string(last));
  EXPECT_FALSE(body.contains("gap"));
  for (const auto& e : body.at("events").as_array()) {
    for (const char* key : {"id", "type", "time", "tenant", "data"}) {
      EXPECT_TRUE(e.as_object().contains(key)) << key;
    }
    EXPECT_EQ(e.at("tenant"), "acme");
  }
  // Each event is the stored text, byte for byte (what a webhook POST carries).
  auto stored = store_->list_events(tenant("acme").id, 0, 1000);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(static_cast<std::int64_t>(stored->size()), last);
  for (const auto& e : *stored) EXPECT_NE(r.body.find(e.json), std::string::npos) << e.json;
  const auto& types = body.at("events").as_array();
  EXPECT_EQ(types.front().at("type"), "user.created");
  EXPECT_EQ(types.back().at("type"), "user.deactivated");
}

TEST_F(FeedTest, CursorContinuesAndLimitBoundsAPage) {
  some_writes();
  const std::int64_t last = last_seq();
  ASSERT_GE(last, 4);
  std::vector<std::int64_t> walked;
  std::string cursor;
  for (int i = 0; i <= last; ++i) {
    const Response r =
        api("GET", "/acme/events?limit=1" + (cursor.empty() ? "" : "&after=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto body = json_of(r);
    const auto page = seqs(body);
    ASSERT_LE(page.size(), 1u);
    if (page.empty()) {
      EXPECT_EQ(next(body), cursor) << "an empty page keeps the cursor";
      break;
    }
    walked.push_back(page[0]);
    cursor = next(body);
    EXPECT_EQ(cursor, std::to_string(page[0]));
  }
  ASSERT_EQ(static_cast<std::int64_t>(walked.size()), last);
  for (std::int64_t i = 0; i < last; ++i) EXPECT_EQ(walked[i], i + 1);
  const auto two = json_of(api("GET", "/acme/events?after=1&limit=2"));
  EXPECT_EQ(seqs(two), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(next(two), "3");
}

TEST_F(FeedTest, EmptyFeedAnswersAtOnceFromZero) {
  const auto start = Clock::now();
  const Response r = api("GET", "/acme/events?wait=0");
  EXPECT_LT(Clock::now() - start, 1s);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = json_of(r);
  EXPECT_TRUE(body.at("events").as_array().empty());
  EXPECT_EQ(next(body), "0");
  EXPECT_FALSE(body.contains("gap"));
}

TEST_F(FeedTest, PreRegistrationIsAnApiSourcedEvent) {
  ASSERT_EQ(api("POST", "/acme/users", R"({"userName":"pre@x.com"})").status, 201);
  const auto events = json_of(api("GET", "/acme/events")).at("events").as_array();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("type"), "user.created");
  EXPECT_EQ(events[0].at("data").at("source"), "api");
  EXPECT_EQ(events[0].at("data").at("resource").at("synced"), false);
}

TEST_F(FeedTest, LongPollReturnsWhenAWriteCommits) {
  some_writes();
  const std::string after = std::to_string(last_seq());
  auto writer = std::async(std::launch::async, [this] {
    std::this_thread::sleep_for(200ms);
    create_user("late@x.com");
  });
  const auto start = Clock::now();
  const Response r = api("GET", "/acme/events?wait=5&after=" + after);
  const auto took = Clock::now() - start;
  writer.get();
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = json_of(r);
  ASSERT_FALSE(body.at("events").as_array().empty()) << r.body;
  EXPECT_EQ(body.at("events").as_array()[0].at("type"), "user.created");
  EXPECT_EQ(body.at("events").as_array()[0].at("seq"), std::stoll(after) + 1);
  EXPECT_LT(took, 4s);
}

TEST_F(FeedTest, LongPollEndsEmptyWhenTimeRunsOut) {
  const auto start = Clock::now();
  const Response r = api("GET", "/acme/events?wait=1");
  const auto took = Clock::now() - start;
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json_of(r).at("events").as_array().empty());
  EXPECT_EQ(next(json_of(r)), "0");
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 4s);
}

TEST_F(FeedTest, OtherTenantsWritesDoNotEndTheWait) {
  create_user("ann@x.com");  // acme waits from its newest event
  const std::string after = std::to_string(last_seq());
  auto other = std::async(std::launch::async, [this] {
    std::this_thread::sleep_for(200ms);
    const Response r =
        call("POST", "/Users",
             R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"g@x.com"})",
             token_b_, "globex");
    EXPECT_EQ(r.status, 201) << r.body;
  });
  const auto start = Clock::now();
  const Response r = api("GET", "/acme/events?wait=1&after=" + after);
  const auto took = Clock::now() - start;
  other.get();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json_of(r).at("events").as_array().empty()) << r.body;
  EXPECT_GE(took, 900ms);
  EXPECT_GE(last_seq("globex"), 1);
}

TEST_F(FeedTest, LongPollsBeyondTheBoundAnswerAtOnce) {
  std::vector<std::future<Response>> waiting;
  for (int i = 0; i < kMaxFeedWaiters; ++i) {
    waiting.push_back(
        std::async(std::launch::async, [this] { return api("GET", "/acme/events?wait=10"); }));
  }
  std::this_thread::sleep_for(500ms);  // let them reach their wait
  const auto start = Clock::now();
  const Response refused = api("GET", "/acme/events?wait=10");
  EXPECT_LT(Clock::now() - start, 2s);
  ASSERT_EQ(refused.status, 200) << refused.body;
  EXPECT_EQ(header(refused, "Retry-After"), "1");
  EXPECT_TRUE(json_of(refused).at("events").as_array().empty());
  // A write releases the waiting ones with it.
  const auto write_time = Clock::now();
  create_user("wake@x.com");
  for (auto& w : waiting) {
    const Response r = w.get();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(json_of(r).at("events").as_array().size(), 1u) << r.body;
    EXPECT_EQ(header(r, "Retry-After"), "");
  }
  EXPECT_LT(Clock::now() - write_time, 5s);
  // Their places are free again: a new poll waits (and is woken by the next write).
  auto again =
      std::async(std::launch::async, [this] { return api("GET", "/acme/events?wait=10&after=1"); });
  std::this_thread::sleep_for(300ms);
  create_user("wake2@x.com");
  const Response r = again.get();
  EXPECT_EQ(header(r, "Retry-After"), "");
  EXPECT_EQ(json_of(r).at("events").as_array().size(), 1u) << r.body;
}

TEST_F(FeedTest, StopWaitingEndsPollsForShutdown) {
  auto waiting = std::async(std::launch::async, [this] {
    const auto start = Clock::now();
    Response r = api("GET", "/acme/events?wait=20");
    return std::make_pair(std::move(r), Clock::now() - start);
  });
  std::this_thread::sleep_for(300ms);
  service_->stop_waiting();
  const auto [r, took] = waiting.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(json_of(r).at("events").as_array().empty());
  EXPECT_LT(took, 5s);
  // Later polls do not wait either.
  const auto start = Clock::now();
  EXPECT_EQ(api("GET", "/acme/events?wait=20").status, 200);
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST_F(FeedTest, PrunedEventsAreAGap) {
  some_writes();
  const std::int64_t before = last_seq();
  ASSERT_GE(before, 1);
  auto pruned = store_->prune_events(std::chrono::system_clock::now() + 1h);
  ASSERT_TRUE(pruned.ok());
  ASSERT_EQ(*pruned, before);

  // Everything after the cursor is gone: no events, a gap, and the cursor to resync from.
  const auto empty = json_of(api("GET", "/acme/events?wait=5"));  // a gap never waits
  EXPECT_TRUE(empty.at("events").as_array().empty());
  EXPECT_EQ(empty.at("gap"), true);
  EXPECT_EQ(next(empty), std::to_string(before));

  create_user("after-prune@x.com");
  const auto partial = json_of(api("GET", "/acme/events?after=0"));
  ASSERT_FALSE(partial.at("events").as_array().empty());
  EXPECT_EQ(partial.at("events").as_array()[0].at("seq"), before + 1);
  EXPECT_EQ(partial.at("gap"), true);
  // From the resync cursor on, nothing is missing.
  const auto whole = json_of(api("GET", "/acme/events?after=" + std::to_string(before)));
  EXPECT_FALSE(whole.contains("gap"));
  EXPECT_EQ(whole.at("events").as_array().size(), partial.at("events").as_array().size());
}

TEST_F(FeedTest, ACursorAheadOfTheFeedIsAGap) {
  create_user("ann@x.com");
  const std::int64_t last = last_seq();
  const auto body = json_of(api("GET", "/acme/events?after=999&wait=5"));
  EXPECT_TRUE(body.at("events").as_array().empty());
  EXPECT_EQ(body.at("gap"), true);
  EXPECT_EQ(next(body), std::to_string(last));
}

TEST(DirectoryMayWait, OnlyFeedReadsWithAWait) {
  const auto req = [](std::string method, std::string target) {
    Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    return r;
  };
  EXPECT_TRUE(directory_may_wait(req("GET", "/api/v1/acme/events?wait=5")));
  EXPECT_TRUE(directory_may_wait(req("GET", "/api/v1/acme/events?after=3&WAIT=1")));
  EXPECT_TRUE(directory_may_wait(req("HEAD", "/api/v1/acme/events?wait=5")));
  EXPECT_TRUE(directory_may_wait(req("GET", "/%61pi/v1/acme/events?wait=5")));
  EXPECT_FALSE(directory_may_wait(req("GET", "/api/v1/acme/events")));
  EXPECT_FALSE(directory_may_wait(req("GET", "/api/v1/acme/events?wait=0")));
  EXPECT_FALSE(directory_may_wait(req("GET", "/api/v1/acme/events?wait=99")));  // a 400
  EXPECT_FALSE(directory_may_wait(req("GET", "/api/v1/acme/users?wait=5")));
  EXPECT_TRUE(directory_may_wait(req("GET", "/api/v1/acme/%65vents?wait=5")));
  EXPECT_FALSE(
      directory_may_wait(req("GET", "/scim/v2/acme/Users?filter=x%20eq%20%22events%22&wait=5")));
  EXPECT_FALSE(directory_may_wait(req("POST", "/api/v1/acme/events?wait=5")));
  EXPECT_FALSE(directory_may_wait(req("GET", "/scim/v2/acme/events?wait=5")));
  // And the service asks it for GETs.
  EXPECT_TRUE(Service::may_block(req("GET", "/api/v1/acme/events?wait=5")));
  EXPECT_FALSE(Service::may_block(req("GET", "/api/v1/acme/events")));
}

}  // namespace
}  // namespace scimd::api::testing
