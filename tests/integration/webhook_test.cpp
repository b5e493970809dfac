// Webhooks end to end: real scimd, real SCIM writes, the Python receiver that verifies every
// signature with its own HMAC code (tests/integration/webhook_receiver.py).
#include <stdlib.h>

#include <set>
#include <thread>

#include "delivery/webhook_receiver_process.h"
#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

using namespace std::chrono_literals;
using scimd::testing::delivered_seqs;
using scimd::testing::WebhookReceiver;

std::vector<std::int64_t> range(std::int64_t from, std::int64_t to) {
  std::vector<std::int64_t> v;
  for (std::int64_t i = from; i <= to; ++i) v.push_back(i);
  return v;
}

// Event ids of 2xx-answered POSTs.
std::vector<std::string> delivered_ids(const std::vector<json::object>& posts) {
  std::vector<std::string> ids;
  for (const auto& p : posts) {
    if (p.at("answered").as_int64() / 100 == 2) ids.emplace_back(p.at("id").as_string());
  }
  return ids;
}

class WebhookIntegration : public ScimdTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(create_tenant("acme", &acme_));
    std::filesystem::create_directories(dir_.path() / "rx");
    ASSERT_NE(receiver_.start(), 0);
  }
  void TearDown() override {
    unsetenv("SCIMD_WEBHOOK_HORIZON");
    ScimdTest::TearDown();
  }

  // `scimd webhook add` for acme; remembers the id and tells the receiver the secret.
  void add_webhook() {
    const CliResult r = cli({"webhook", "add", "--tenant", "acme", "--url", receiver_.url(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json::object o = json::parse(r.out).as_object();
    hook_id_ = std::string(o.at("id").as_string());
    secret_ = std::string(o.at("secret").as_string());
    receiver_.set("ok", secret_);
  }

  json::object webhook_state() {
    const CliResult r = cli({"webhook", "list", "--tenant", "acme", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const json::array arr = json::parse(r.out).as_array();
    EXPECT_EQ(arr.size(), 1u);
    return arr.empty() ? json::object{} : arr[0].as_object();
  }

  // Creates users u<from>..u<to> over one keep-alive connection.
  void create_users(int from, int to) {
    std::vector<HttpRequest> requests;
    const ScimClient client = scim(acme_);
    for (int i = from; i <= to; ++i) {
      HttpRequest req;
      req.method = "POST";
      req.target = client.target("/Users");
      req.headers = {{"Authorization", "Bearer " + acme_.token}};
      req.body = json::serialize(make_user("u" + std::to_string(i)));
      requests.push_back(std::move(req));
    }
    const auto responses = http().send_on_one_connection(requests);
    ASSERT_EQ(responses.size(), requests.size());
    for (const auto& r : responses) ASSERT_EQ(r.status, 201) << r.describe();
  }

  bool wait_delivered(std::size_t n, std::chrono::milliseconds timeout = 30s) {
    return receiver_.wait_for([n](const auto& posts) { return delivered_seqs(posts).size() >= n; },
                              timeout);
  }

  Tenant acme_;
  WebhookReceiver receiver_{dir_.path() / "rx"};
  std::string hook_id_;
  std::string secret_;
};

TEST_F(WebhookIntegration, EveryPostIsSignedAndPythonVerifiesIt) {
  ASSERT_NO_FATAL_FAILURE(add_webhook());
  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_NO_FATAL_FAILURE(create_users(1, 3));
  ASSERT_TRUE(wait_delivered(3));
  const auto posts = receiver_.received();
  ASSERT_EQ(posts.size(), 3u);
  for (const auto& p : posts) {
    EXPECT_EQ(p.at("verified"), json::value(true)) << json::serialize(p);
    const json::object body = json::parse(p.at("body").as_string()).as_object();
    EXPECT_EQ(body.at("type"), "user.created");
    EXPECT_EQ(body.at("id"), p.at("id"));  // webhook-id is the event id
    EXPECT_EQ(body.at("tenant"), "acme");
  }
  // A wrong secret fails the receiver's check: the verification can fail.
  receiver_.set("ok", "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX");
  ASSERT_NO_FATAL_FAILURE(create_users(4, 4));
  ASSERT_TRUE(wait_delivered(4));
  EXPECT_EQ(receiver_.received().back().at("verified"), json::value(false));
}

TEST_F(WebhookIntegration, AThousandRapidChangesArriveInOrderExactlyOnce) {
  ASSERT_NO_FATAL_FAILURE(add_webhook());
  ASSERT_NO_FATAL_FAILURE(start_server());
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([this, w] { create_users(w * 250 + 1, w * 250 + 250); });
  }
  for (auto& t : writers) t.join();
  ASSERT_TRUE(wait_delivered(1000, 60s));
  std::this_thread::sleep_for(300ms);  // nothing more may come
  const auto posts = receiver_.received();
  EXPECT_EQ(delivered_seqs(posts), range(1, 1000));
  const auto ids = delivered_ids(posts);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1000u);
}

TEST_F(WebhookIntegration, FailingThenHealthyReceiverGetsEverythingInOrder) {
  ASSERT_NO_FATAL_FAILURE(add_webhook());
  receiver_.set("500", secret_);
  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_NO_FATAL_FAILURE(create_users(1, 10));
  ASSERT_TRUE(receiver_.wait_for([](const auto& p) { return p.size() >= 2; }, 20s));
  EXPECT_EQ(webhook_state().at("state"), "active");
  receiver_.set("ok", secret_);
  ASSERT_TRUE(wait_delivered(10));

  // Down (port closed) while changes happen, then up again on the same port.
  const unsigned short port = receiver_.port();
  receiver_.stop();
  ASSERT_NO_FATAL_FAILURE(create_users(11, 20));
  std::this_thread::sleep_for(1500ms);
  ASSERT_EQ(receiver_.start(port), port);
  ASSERT_TRUE(wait_delivered(20, 30s));
  const auto posts = receiver_.received();
  EXPECT_EQ(delivered_seqs(posts), range(1, 20));
  const auto ids = delivered_ids(posts);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 20u);
  const CliResult failures = cli({"webhook", "deliveries", "--tenant", "acme", hook_id_, "--failures", "--json"});
  ASSERT_EQ(failures.exit_code, 0) << failures.err;
  const json::array log = json::parse(failures.out).as_array();
  ASSERT_GE(log.size(), 2u);
  bool saw_500 = false, saw_refused = false;
  for (const auto& a : log) {
    saw_500 |= a.at("status").as_int64() == 500;
    saw_refused |= std::string(a.at("error").as_string()).find("refused") != std::string::npos;
  }
  EXPECT_TRUE(saw_500);
  EXPECT_TRUE(saw_refused);
}

TEST_F(WebhookIntegration, KillDashNineMidDeliveryLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(add_webhook());
  receiver_.set("slow", secret_);  // ~50 events/s, so the kill lands mid-stream
  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_NO_FATAL_FAILURE(create_users(1, 300));
  ASSERT_TRUE(receiver_.wait_for([](const auto& p) { return p.size() >= 20; }, 20s));
  server().kill_hard();
  std::this_thread::sleep_for(300ms);  // a POST the receiver was still answering gets recorded
  const std::size_t before_kill = delivered_seqs(receiver_.received()).size();
  ASSERT_LT(before_kill, 300u);
  receiver_.set("ok", secret_);
  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_TRUE(wait_delivered(300, 60s));
  std::this_thread::sleep_for(300ms);

  const auto seqs = delivered_seqs(receiver_.received());
  // Before the kill: 1..k in order. After: resumes at or before k+1, in order, up to 300.
  std::vector<std::int64_t> first(seqs.begin(), seqs.begin() + static_cast<long>(before_kill));
  ASSERT_EQ(first, range(1, static_cast<std::int64_t>(before_kill)));
  std::vector<std::int64_t> after(seqs.begin() + static_cast<long>(before_kill), seqs.end());
  ASSERT_FALSE(after.empty());
  EXPECT_LE(after.front(), static_cast<std::int64_t>(before_kill) + 1);
  EXPECT_EQ(after, range(after.front(), 300));  // duplicates only of ids already seen
  std::set<std::int64_t> all(seqs.begin(), seqs.end());
  EXPECT_EQ(all.size(), 300u);
}

TEST_F(WebhookIntegration, PastTheHorizonTheEndpointIsDeadUntilReplayed) {
  ASSERT_NO_FATAL_FAILURE(add_webhook());
  const unsigned short port = receiver_.port();
  receiver_.stop();
  setenv("SCIMD_WEBHOOK_HORIZON", "2s", 1);
  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_NO_FATAL_FAILURE(create_users(1, 3));
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline && webhook_state().at("state") != "dead") {
    std::this_thread::sleep_for(200ms);
  }
  const json::object dead = webhook_state();
  ASSERT_EQ(dead.at("state"), "dead") << json::serialize(dead);
  EXPECT_EQ(dead.at("delivered_seq").as_int64(), 0);
  const CliResult log = cli({"webhook", "deliveries", "--tenant", "acme", hook_id_, "--json"});
  ASSERT_EQ(log.exit_code, 0);
  EXPECT_EQ(json::parse(log.out).as_array()[0].at("outcome"), "dead");
  EXPECT_NE(server().output().find("dead"), std::string::npos);

  ASSERT_EQ(receiver_.start(port), port);
  receiver_.set("ok", secret_);
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(receiver_.received().empty());  // dead: nothing is tried
  const CliResult replay = cli({"webhook", "replay", "--tenant", "acme", hook_id_});
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  ASSERT_TRUE(wait_delivered(3, 20s));
  EXPECT_EQ(delivered_seqs(receiver_.received()), range(1, 3));
  EXPECT_EQ(webhook_state().at("state"), "active");
}

}  // namespace
}  // namespace scimd::itest
