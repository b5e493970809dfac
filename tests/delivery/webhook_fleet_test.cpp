// Several dispatchers on one database, as several scimd instances behind a load balancer:
// every endpoint is delivered by one of them at a time (its lease), in order and once (at
// least once across a take-over), and a dispatcher that vanishes without releasing its leases
// is replaced once they expire. PostgreSQL: each dispatcher has its own Store object on the
// test's schema; SQLite (one process in production): two dispatchers share one store.
#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "delivery/webhook_dispatcher.h"
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

std::vector<std::int64_t> range(std::int64_t from, std::int64_t to) {
  std::vector<std::int64_t> v;
  for (std::int64_t i = from; i <= to; ++i) v.push_back(i);
  return v;
}

std::filesystem::path made(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  return dir;
}

// One endpoint with its own receiver process (its own directory for the receiver's files).
struct Target {
  explicit Target(const std::filesystem::path& dir) : receiver(made(dir)) {}
  WebhookReceiver receiver;
  store::Webhook hook;
};

class Fleet : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!store::testing::backend_available(GetParam())) {
      GTEST_SKIP() << store::postgres::PgTestSchema::kSkipReason;
    }
    url_ = store::testing::store_url(GetParam(), dir_);
    store_a_ = open();
    store_b_ = GetParam() == "postgres" ? open() : store_a_;
    ASSERT_TRUE(store_a_ && store_b_);
    auto tenant = store_a_->create_tenant("acme");
    ASSERT_TRUE(tenant.ok()) << tenant.error().detail;
    tenant_ = tenant->id;
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
  }

  std::shared_ptr<store::Store> open() {
    auto opened = store::Store::open(url_);
    EXPECT_TRUE(opened.ok()) << opened.error().detail;
    return opened.ok() ? std::shared_ptr<store::Store>(std::move(opened).value()) : nullptr;
  }

  Target& add_target() {
    targets_.push_back(
        std::make_unique<Target>(dir_.path() / ("receiver" + std::to_string(targets_.size()))));
    Target& t = *targets_.back();
    EXPECT_NE(t.receiver.start(), 0);
    store::Webhook spec;
    spec.url = t.receiver.url();
    spec.secret = new_webhook_secret();
    auto created = store_a_->create_webhook(tenant_, spec);
    EXPECT_TRUE(created.ok()) << created.error().detail;
    t.hook = created.ok() ? *created : spec;
    t.receiver.set("ok", spec.secret);
    return t;
  }

  DispatcherOptions options(const std::string& instance) {
    DispatcherOptions o;
    o.instance_id = instance;
    o.lease_ttl = 3s;
    o.timeout = 1s;
    o.first_retry = 50ms;
    o.relist_interval = 200ms;
    o.threads = 2;
    return o;
  }

  std::unique_ptr<WebhookDispatcher> dispatcher(std::shared_ptr<store::Store> store,
                                                DispatcherOptions o) {
    auto d = std::make_unique<WebhookDispatcher>(std::move(store), std::move(o));
    d->start();
    return d;
  }

  // Appends events as another instance's write would (both stores hear of it: the listener
  // would tell B within milliseconds, polling within a second).
  std::int64_t append(int n) {
    const auto seq = append_raw_events(url_, tenant_, n);
    store_a_->event_signal().notify();
    store_b_->event_signal().notify();
    return seq;
  }

  std::int64_t delivered_seq(const Target& t) {
    auto w = store_a_->get_webhook(tenant_, t.hook.id);
    EXPECT_TRUE(w.ok());
    return w.ok() ? w->delivered_seq : -1;
  }

  bool wait_delivered(const Target& t, std::int64_t seq, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (delivered_seq(t) >= seq) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  store::testing::TempDir dir_;
  std::string url_;
  std::shared_ptr<store::Store> store_a_;
  std::shared_ptr<store::Store> store_b_;
  store::TenantId tenant_ = 0;
  std::vector<std::unique_ptr<Target>> targets_;
  std::unique_ptr<WebhookDispatcher> a_;
  std::unique_ptr<WebhookDispatcher> b_;
};

TEST_P(Fleet, TwoInstancesDeliverEveryEventOnceInOrder) {
  for (int i = 0; i < 3; ++i) add_target();
  a_ = dispatcher(store_a_, options("instance-a"));
  b_ = dispatcher(store_b_, options("instance-b"));
  for (int round = 0; round < 4; ++round) {
    append(15);
    std::this_thread::sleep_for(50ms);
  }
  for (auto& t : targets_) {
    ASSERT_TRUE(t->receiver.wait_for([](const auto& r) { return r.size() >= 60; }, 30s));
    ASSERT_TRUE(wait_delivered(*t, 60, 30s));
  }
  std::this_thread::sleep_for(500ms);  // a duplicate would arrive meanwhile
  for (auto& t : targets_) EXPECT_EQ(delivered_seqs(t->receiver.received()), range(1, 60));
}

TEST_P(Fleet, AnInstanceThatDiesIsReplacedWithinTheBoundAndNothingIsLost) {
  Target& t = add_target();
  t.receiver.set("slow", t.hook.secret);  // 20 ms per POST: 100 events take 2 s or more
  auto crashing = options("instance-a");
  crashing.release_leases_on_stop = false;  // as after kill -9: the lease must expire
  a_ = dispatcher(store_a_, crashing);
  append(100);
  ASSERT_TRUE(t.receiver.wait_for([](const auto& r) { return r.size() >= 20; }, 30s));
  b_ = dispatcher(store_b_, options("instance-b"));  // waits: A holds the endpoint
  std::this_thread::sleep_for(500ms);
  a_.reset();  // A "dies" mid-stream (its last batch saved or not)
  const auto died = std::chrono::steady_clock::now();
  const std::int64_t saved_by_a = delivered_seq(t);
  append(20);
  ASSERT_TRUE(wait_delivered(t, 120, 60s));
  // The bound is lease_ttl * 4/3 plus a re-list (about 4.2 s here); a loaded machine gets slack,
  // but a take-over that waited for something else (a restart) would take far longer.
  EXPECT_LT(std::chrono::steady_clock::now() - died, 30s);
  std::this_thread::sleep_for(300ms);

  // Every event arrived, in order; B started right after A's last saved progress, so only
  // A's unsaved tail (at most one batch) can arrive twice.
  const auto seqs = delivered_seqs(t.receiver.received());
  EXPECT_EQ(std::set<std::int64_t>(seqs.begin(), seqs.end()).size(), 120u);
  const auto resumed = std::find(seqs.rbegin(), seqs.rend(), saved_by_a + 1);
  ASSERT_NE(resumed, seqs.rend());
  EXPECT_EQ(std::vector<std::int64_t>(resumed.base() - 1, seqs.end()), range(saved_by_a + 1, 120));
  EXPECT_LE(seqs.size(), 120u + 100u);  // batch_events
}

TEST_P(Fleet, ALostLeaseStopsDeliveryAndItsProgressIsNeverSaved) {
  Target& t = add_target();
  t.receiver.set("slow", t.hook.secret);
  a_ = dispatcher(store_a_, options("instance-a"));
  append(200);
  ASSERT_TRUE(t.receiver.wait_for([](const auto& r) { return r.size() >= 20; }, 30s));

  // Another instance takes the lease (as if A had stalled past its expiry).
  const std::string name = "webhook:" + t.hook.id;
  auto stolen = store_b_->hold_lease(name, "thief", std::chrono::system_clock::now() + 1h, 2h);
  ASSERT_TRUE(stolen.ok() && *stolen);
  const std::int64_t at_theft = delivered_seq(t);
  std::this_thread::sleep_for(3s);  // A notices at its next renewal (every second here)
  const auto count = t.receiver.received().size();
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(t.receiver.received().size(), count) << "A still delivers without its lease";
  EXPECT_EQ(delivered_seq(t), at_theft) << "A saved progress without its lease";
  EXPECT_LT(count, 200u);

  // The thief gives it back; A takes it again, re-reads the store's progress and finishes.
  ASSERT_TRUE(store_b_->release_lease(name, "thief").ok());
  ASSERT_TRUE(wait_delivered(t, 200, 60s));
  std::this_thread::sleep_for(300ms);
  const auto seqs = delivered_seqs(t.receiver.received());
  const auto resumed = std::find(seqs.rbegin(), seqs.rend(), at_theft + 1);
  ASSERT_NE(resumed, seqs.rend());
  EXPECT_EQ(std::vector<std::int64_t>(resumed.base() - 1, seqs.end()), range(at_theft + 1, 200));
}

TEST_P(Fleet, ACleanStopHandsOverAtOnce) {
  Target& t = add_target();
  auto long_lease = [&](const std::string& instance) {
    auto o = options(instance);
    o.lease_ttl = 30s;  // without a release B would wait for this
    o.timeout = 5s;
    return o;
  };
  a_ = dispatcher(store_a_, long_lease("instance-a"));
  append(10);
  ASSERT_TRUE(wait_delivered(t, 10, 30s));
  b_ = dispatcher(store_b_, long_lease("instance-b"));
  std::this_thread::sleep_for(300ms);  // B tried once and was refused
  a_.reset();                          // releases
  const auto stopped = std::chrono::steady_clock::now();
  append(10);
  // B tries again within lease_ttl / 3 (10 s), not after the 30 s the lease had left.
  ASSERT_TRUE(wait_delivered(t, 20, 60s));
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, 25s);
  EXPECT_EQ(delivered_seqs(t.receiver.received()), range(1, 20));
}

INSTANTIATE_TEST_SUITE_P(Backends, Fleet, store::testing::kBackends);

}  // namespace
}  // namespace scimd::delivery
