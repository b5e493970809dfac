// The dispatcher against a real store and the Python receiver on loopback.
#include "delivery/webhook_dispatcher.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

#include "delivery/webhook_receiver_process.h"
#include "delivery/webhook_spec.h"
#include "store/raw_events.h"
#include "store/store_fixture.h"

namespace scimd::delivery {
namespace {

using namespace std::chrono_literals;
using scimd::testing::delivered_seqs;
using scimd::testing::WebhookReceiver;
using store::testing::append_raw_events;

// A loopback port nothing listens on (bound then closed: connecting is refused).
unsigned short closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::vector<std::int64_t> range(std::int64_t from, std::int64_t to) {
  std::vector<std::int64_t> v;
  for (std::int64_t i = from; i <= to; ++i) v.push_back(i);
  return v;
}

class Dispatcher : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Store::open("sqlite:" + db_path());
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    store_ = std::move(opened).value();
    auto tenant = store_->create_tenant("acme");
    ASSERT_TRUE(tenant.ok());
    tenant_ = tenant->id;
    ASSERT_NE(receiver_.start(), 0);
  }
  void TearDown() override {
    if (dispatcher_) dispatcher_->stop();
  }

  std::string db_path() const { return (dir_.path() / "scimd.db").string(); }

  store::Webhook add_endpoint(const std::string& url, std::vector<std::string> events = {}) {
    store::Webhook spec;
    spec.url = url;
    spec.secret = new_webhook_secret();
    spec.events = std::move(events);
    auto created = store_->create_webhook(tenant_, spec);
    EXPECT_TRUE(created.ok()) << created.error().detail;
    receiver_.set("ok", spec.secret);
    return created.ok() ? *created : spec;
  }

  void start(DispatcherOptions options = {}) {
    options.first_retry = options.first_retry == 1000ms ? 50ms : options.first_retry;
    dispatcher_ = std::make_unique<WebhookDispatcher>(store_, options);
    dispatcher_->start();
  }

  // Appends events as a store write would, and tells the dispatcher as the store does.
  std::int64_t append(int n, const std::string& type = "user.created") {
    const auto seq = append_raw_events("sqlite:" + db_path(), tenant_, n, type);
    store_->event_signal().notify();
    return seq;
  }

  bool wait_state(const std::string& id, const std::function<bool(const store::Webhook&)>& done,
                  std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto w = store_->get_webhook(tenant_, id);
      if (w.ok() && done(*w)) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  store::testing::TempDir dir_;
  WebhookReceiver receiver_{dir_.path()};
  std::shared_ptr<store::Store> store_;
  store::TenantId tenant_ = 0;
  std::unique_ptr<WebhookDispatcher> dispatcher_;
};

TEST(RetryDelay, DoublesFromTheFirstRetryUpToTheCap) {
  DispatcherOptions o;
  EXPECT_EQ(retry_delay(o, 1), 1000ms);
  EXPECT_EQ(retry_delay(o, 2), 2000ms);
  EXPECT_EQ(retry_delay(o, 5), 16000ms);
  EXPECT_EQ(retry_delay(o, 12), 2048000ms);
  EXPECT_EQ(retry_delay(o, 13), 3600000ms);  // 4096 s capped at 1 h
  EXPECT_EQ(retry_delay(o, 400), 3600000ms);
}

TEST_F(Dispatcher, DeliversOnlyLaterEventsInOrderSignedAndPersistsProgress) {
  append(3);  // before the endpoint: never sent
  const auto hook = add_endpoint(receiver_.url());
  start();
  append(40);
  ASSERT_TRUE(receiver_.wait_for([](const auto& r) { return r.size() >= 40; }, 15s));
  const auto posts = receiver_.received();
  EXPECT_EQ(delivered_seqs(posts), range(4, 43));
  for (const auto& p : posts) {
    EXPECT_EQ(p.at("verified"), boost::json::value(true)) << boost::json::serialize(p);
    EXPECT_EQ(p.at("user_agent"), "scimd-webhooks/1");
    EXPECT_EQ(p.at("content_type"), "application/json");
    EXPECT_EQ(std::string(p.at("id").as_string()).rfind("evt_", 0), 0u);
  }
  EXPECT_TRUE(wait_state(hook.id, [](const store::Webhook& w) { return w.delivered_seq == 43; }));
  auto log = store_->list_deliveries(tenant_, hook.id, false, 100);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 40u);
  EXPECT_EQ((*log)[0].event_seq, 43);
  EXPECT_EQ((*log)[0].outcome, "delivered");
  EXPECT_EQ((*log)[0].status, 204);
  EXPECT_EQ((*log)[0].attempt, 1);
  EXPECT_GT((*log)[0].latency_ms, 0.0);
}

TEST_F(Dispatcher, SkipsTypesTheEndpointDoesNotSubscribeTo) {
  const auto hook = add_endpoint(receiver_.url(), {"user.deleted"});
  start();
  append(5, "user.created");
  append(2, "user.deleted");
  append(5, "user.created");
  ASSERT_TRUE(wait_state(hook.id, [](const store::Webhook& w) { return w.delivered_seq == 12; }));
  EXPECT_EQ(delivered_seqs(receiver_.received()), (std::vector<std::int64_t>{6, 7}));
}

TEST_F(Dispatcher, RetriesWithBackoffUntilTheReceiverRecovers) {
  const auto hook = add_endpoint(receiver_.url());
  receiver_.set("500", hook.secret);
  start();
  append(5);
  ASSERT_TRUE(receiver_.wait_for([](const auto& r) { return r.size() >= 3; }, 10s));
  // Nothing past the first event while it fails: strictly in order.
  for (const auto& p : receiver_.received()) {
    EXPECT_EQ(boost::json::parse(p.at("body").as_string()).at("seq").as_int64(), 1);
  }
  auto failing = store_->get_webhook(tenant_, hook.id);
  ASSERT_TRUE(failing.ok());
  EXPECT_GE(failing->attempts, 1);
  EXPECT_TRUE(failing->failing_since.has_value());
  EXPECT_EQ(failing->last_error, "HTTP 500");
  receiver_.set("ok", hook.secret);
  ASSERT_TRUE(wait_state(hook.id, [](const store::Webhook& w) { return w.delivered_seq == 5; }));
  EXPECT_EQ(delivered_seqs(receiver_.received()), range(1, 5));
  auto healed = store_->get_webhook(tenant_, hook.id);
  EXPECT_EQ(healed->attempts, 0);
  EXPECT_FALSE(healed->failing_since.has_value());
  auto failures = store_->list_deliveries(tenant_, hook.id, true, 100);
  ASSERT_TRUE(failures.ok());
  ASSERT_GE(failures->size(), 2u);
  EXPECT_EQ(failures->back().attempt, 1);
  EXPECT_EQ(failures->back().status, 500);
  EXPECT_EQ(failures->back().outcome, "retrying");
  EXPECT_EQ((*failures)[0].attempt, static_cast<std::int64_t>(failures->size()));
}

TEST_F(Dispatcher, GoesDeadPastTheHorizonAndReplayResumes) {
  const unsigned short port = closed_port();
  const auto hook = add_endpoint("http://127.0.0.1:" + std::to_string(port) + "/hook");
  DispatcherOptions options;
  options.horizon = std::chrono::seconds(1);
  start(options);
  append(3);
  ASSERT_TRUE(wait_state(hook.id, [](const store::Webhook& w) { return w.state == "dead"; }));
  auto log = store_->list_deliveries(tenant_, hook.id, false, 100);
  ASSERT_TRUE(log.ok());
  ASSERT_GE(log->size(), 2u);
  EXPECT_EQ((*log)[0].outcome, "dead");
  EXPECT_EQ((*log)[0].status, 0);
  EXPECT_NE((*log)[0].error.find("refused"), std::string::npos) << (*log)[0].error;
  const auto attempts_when_dead = log->size();
  std::this_thread::sleep_for(1500ms);  // dead: no more attempts
  EXPECT_EQ(store_->list_deliveries(tenant_, hook.id, false, 100)->size(), attempts_when_dead);

  // The receiver comes up on that port; a replay resumes where delivery stood.
  receiver_.stop();
  ASSERT_EQ(receiver_.start(port), port);
  receiver_.set("ok", hook.secret);
  ASSERT_TRUE(store_->replay_webhook(tenant_, hook.id, std::nullopt).ok());
  ASSERT_TRUE(wait_state(hook.id, [](const store::Webhook& w) {
    return w.state == "active" && w.delivered_seq == 3;
  }));
  EXPECT_EQ(delivered_seqs(receiver_.received()), range(1, 3));
}

TEST_F(Dispatcher, ReplayFromASeqResendsAndNewAndDeletedEndpointsAreFollowed) {
  start();
  const auto first = add_endpoint(receiver_.url());  // created after start: picked up
  append(4);
  ASSERT_TRUE(wait_state(first.id, [](const store::Webhook& w) { return w.delivered_seq == 4; }));
  ASSERT_TRUE(store_->replay_webhook(tenant_, first.id, 2).ok());
  ASSERT_TRUE(receiver_.wait_for([](const auto& r) { return r.size() >= 7; }, 10s));
  EXPECT_EQ(delivered_seqs(receiver_.received()), (std::vector<std::int64_t>{1, 2, 3, 4, 2, 3, 4}));

  ASSERT_TRUE(store_->delete_webhook(tenant_, first.id).ok());
  std::this_thread::sleep_for(1500ms);  // one re-list
  append(2);
  std::this_thread::sleep_for(1000ms);
  EXPECT_EQ(receiver_.received().size(), 7u);
}

TEST_F(Dispatcher, AReplayDuringDeliveryWinsOverTheRoundsProgress) {
  const auto hook = add_endpoint(receiver_.url());
  receiver_.set("slow", hook.secret);  // 20 ms per POST: 60 events take over a second
  start();
  append(60);
  // Generous bounds: on a loaded machine 120 POSTs to the Python receiver took over 15 s
  // (wait_for returns as soon as the condition holds).
  ASSERT_TRUE(receiver_.wait_for([](const auto& r) { return r.size() >= 10; }, 30s));
  ASSERT_TRUE(store_->replay_webhook(tenant_, hook.id, 1).ok());
  receiver_.set("ok", hook.secret);
  ASSERT_TRUE(receiver_.wait_for(
      [](const auto& r) {
        const auto seqs = delivered_seqs(r);
        return std::count(seqs.begin(), seqs.end(), 60) >= 1 &&
               std::count(seqs.begin(), seqs.end(), 1) >= 2;
      },
      60s));
  // After the rewind everything from 1 came again, in order, up to 60.
  const auto seqs = delivered_seqs(receiver_.received());
  const auto second_one = std::find(seqs.begin() + 1, seqs.end(), 1);
  ASSERT_NE(second_one, seqs.end());
  EXPECT_EQ(std::vector<std::int64_t>(second_one, seqs.end()), range(1, 60));
}

TEST_F(Dispatcher, StopsPromptlyAndResumesFromThePersistedSeq) {
  const auto hook = add_endpoint(receiver_.url());
  start();
  append(30);
  ASSERT_TRUE(receiver_.wait_for([](const auto& r) { return r.size() >= 30; }, 10s));
  const auto before = std::chrono::steady_clock::now();
  dispatcher_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  dispatcher_.reset();
  append(10);
  start();
  ASSERT_TRUE(wait_state(hook.id, [](const store::Webhook& w) { return w.delivered_seq == 40; }));
  EXPECT_EQ(delivered_seqs(receiver_.received()), range(1, 40));
}

}  // namespace
}  // namespace scimd::delivery
