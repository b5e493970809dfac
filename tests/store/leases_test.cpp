// The store contract for leases (one instance at a time for background work) and the writes
// guarded by them; and, on PostgreSQL, two Store objects on one schema as two instances:
// racing for a lease, and a commit through one waking the other's event signal (LISTEN/NOTIFY).
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/postgres/pg_connection.h"
#include "store/postgres/postgres_store.h"
#include "store/store_fixture.h"

namespace scimd::store::testing {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = std::chrono::sys_days{std::chrono::year{2026} / 12 / 2} + 5h;
constexpr std::chrono::milliseconds kTtl = 10s;

class LeaseStore : public StoreTest {
 protected:
  bool hold(std::string_view owner, TimePoint now, std::string_view name = "webhook:wh_1") {
    auto held = store_->hold_lease(name, owner, now, kTtl);
    EXPECT_TRUE(held.ok()) << held.error().detail;
    return held.ok() && *held;
  }

  Webhook make_webhook() {
    Webhook spec;
    spec.url = "https://example.test/hook";
    spec.secret = "whsec_c2VjcmV0";
    auto created = store_->create_webhook(tenant_, spec);
    EXPECT_TRUE(created.ok()) << created.error().detail;
    return created.ok() ? *created : spec;
  }

  static DeliveryAttempt delivered(const Webhook& hook, std::int64_t seq) {
    DeliveryAttempt a;
    a.webhook_id = hook.id;
    a.event_seq = seq;
    a.event_id = "ev_" + std::to_string(seq);
    a.attempt = 1;
    a.status = 204;
    a.outcome = "delivered";
    return a;
  }
};

TEST_P(LeaseStore, AFreeLeaseIsTakenAndItsOwnerRenewsIt) {
  EXPECT_TRUE(hold("a", kT0));
  EXPECT_TRUE(hold("a", kT0 + 5s));
  EXPECT_TRUE(hold("a", kT0 + 14s));   // renewed at +5 s: valid until +15 s
  EXPECT_FALSE(hold("b", kT0 + 23s));  // renewed at +14 s: valid until +24 s
}

TEST_P(LeaseStore, AnotherOwnerIsRefusedWhileItIsHeld) {
  EXPECT_TRUE(hold("a", kT0));
  EXPECT_FALSE(hold("b", kT0));
  EXPECT_FALSE(hold("b", kT0 + kTtl - 1ms));
  EXPECT_TRUE(hold("a", kT0 + 1s));  // a refusal does not disturb the holder
  // Leases are independent by name.
  EXPECT_TRUE(hold("b", kT0, "webhook:wh_2"));
  EXPECT_TRUE(hold("b", kT0, "mail:1"));
}

TEST_P(LeaseStore, AnExpiredLeaseIsTakenOverAndTheOldOwnerIsRefused) {
  EXPECT_TRUE(hold("a", kT0));
  EXPECT_TRUE(hold("b", kT0 + kTtl));  // expired at exactly its expiry
  EXPECT_FALSE(hold("a", kT0 + kTtl + 1s));
  EXPECT_TRUE(hold("b", kT0 + kTtl + 1s));
}

TEST_P(LeaseStore, ReleaseFreesOnlyTheOwnersLease) {
  EXPECT_TRUE(hold("a", kT0));
  ASSERT_TRUE(store_->release_lease("webhook:wh_1", "b").ok());
  EXPECT_FALSE(hold("b", kT0 + 1s));
  ASSERT_TRUE(store_->release_lease("webhook:wh_1", "a").ok());
  EXPECT_TRUE(hold("b", kT0 + 1s));
  ASSERT_TRUE(store_->release_lease("webhook:nothing", "a").ok());  // not held: no error
}

TEST_P(LeaseStore, LogRetentionRemovesLeasesLongExpiredAndKeepsLiveOnes) {
  // A deleted endpoint's or a dead instance's lease row would otherwise stay forever.
  EXPECT_TRUE(hold("a", kT0, "webhook:gone"));
  EXPECT_TRUE(hold("a", kT0 + 24h, "webhook:live"));
  auto pruned = store_->prune_logs(kT0 + 1h);
  ASSERT_TRUE(pruned.ok()) << pruned.error().detail;
  EXPECT_EQ(*pruned, 1);
  EXPECT_FALSE(hold("b", kT0 + 24h + 1s, "webhook:live")) << "the live lease was kept";
  EXPECT_EQ(*store_->prune_logs(kT0 + 1h), 0);
}

TEST_P(LeaseStore, DeliveryProgressIsSavedOnlyByTheLeaseHolder) {
  Webhook hook = make_webhook();
  const Webhook created = hook;  // the stored delivery state each save expects, in turn
  const std::string name = "webhook:" + hook.id;
  const LeaseClaim a{name, "a"};
  const LeaseClaim b{name, "b"};

  // Never taken: refused.
  hook.delivered_seq = 1;
  auto refused = store_->save_delivery(a, created, hook, {delivered(hook, 1)});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::precondition_failed);

  ASSERT_TRUE(hold("a", kT0, name));
  auto saved = store_->save_delivery(a, created, hook, {delivered(hook, 1)});
  ASSERT_TRUE(saved.ok() && *saved);
  const Webhook by_a = hook;

  // b takes over after a's lease expired and moves on; a, slow, tries to save older progress.
  ASSERT_TRUE(hold("b", kT0 + kTtl + 1s, name));
  Webhook by_b = hook;
  by_b.delivered_seq = 5;
  saved = store_->save_delivery(b, by_a, by_b, {delivered(hook, 5)});
  ASSERT_TRUE(saved.ok() && *saved);
  hook.delivered_seq = 2;
  refused = store_->save_delivery(a, by_a, hook, {delivered(hook, 2)});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::precondition_failed);

  auto stored = store_->get_webhook(tenant_, hook.id);
  ASSERT_TRUE(stored.ok()) << stored.error().detail;
  EXPECT_EQ(stored->delivered_seq, 5);
  auto attempts = store_->list_deliveries(tenant_, hook.id, false, 10);
  ASSERT_TRUE(attempts.ok()) << attempts.error().detail;
  ASSERT_EQ(attempts->size(), 2u);  // the refused save recorded nothing
  EXPECT_EQ((*attempts)[0].event_seq, 5);
  EXPECT_EQ((*attempts)[1].event_seq, 1);

  // A deleted endpoint is still not_found for the holder.
  ASSERT_TRUE(store_->delete_webhook(tenant_, hook.id).ok());
  EXPECT_EQ(store_->save_delivery(b, by_b, by_b, {}).error().code, Errc::not_found);
}

TEST_P(LeaseStore, AReplayBetweenReadAndSaveIsNotOverwritten) {
  Webhook hook = make_webhook();
  const std::string name = "webhook:" + hook.id;
  const LeaseClaim a{name, "a"};
  ASSERT_TRUE(hold("a", kT0, name));
  const Webhook before = hook;
  hook.delivered_seq = 4;
  auto saved = store_->save_delivery(a, before, hook, {delivered(hook, 4)});
  ASSERT_TRUE(saved.ok() && *saved);

  // The holder read seq 4 and delivered on to 9; meanwhile an operator rewound to event 1.
  ASSERT_TRUE(store_->replay_webhook(tenant_, hook.id, 1).ok());
  Webhook ahead = hook;
  ahead.delivered_seq = 9;
  saved = store_->save_delivery(a, hook, ahead, {delivered(hook, 9)});
  ASSERT_TRUE(saved.ok()) << saved.error().detail;
  EXPECT_FALSE(*saved) << "the round's progress must not overwrite the rewind";

  auto stored = store_->get_webhook(tenant_, hook.id);
  ASSERT_TRUE(stored.ok()) << stored.error().detail;
  EXPECT_EQ(stored->delivered_seq, 0);
  auto attempts = store_->list_deliveries(tenant_, hook.id, false, 10);
  ASSERT_TRUE(attempts.ok()) << attempts.error().detail;
  EXPECT_EQ(attempts->size(), 1u);  // nothing written by the refused save

  // Saved against the stored state, the same progress goes through.
  saved = store_->save_delivery(a, *stored, ahead, {delivered(hook, 9)});
  ASSERT_TRUE(saved.ok() && *saved);
}

TEST_P(LeaseStore, TheMailCursorAdvancesOnlyForTheLeaseHolder) {
  const std::string name = "mail:" + std::to_string(tenant_);
  ASSERT_TRUE(hold("a", kT0, name));
  ASSERT_TRUE(store_->set_consumer_seq(LeaseClaim{name, "a"}, tenant_, "mail", 3).ok());
  ASSERT_TRUE(hold("b", kT0 + kTtl, name));
  ASSERT_TRUE(store_->set_consumer_seq(LeaseClaim{name, "b"}, tenant_, "mail", 7).ok());
  const Status refused = store_->set_consumer_seq(LeaseClaim{name, "a"}, tenant_, "mail", 4);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::precondition_failed);
  EXPECT_EQ(*store_->consumer_seq(tenant_, "mail"), 7);
}

TEST_P(LeaseStore, OfManyRacingForAnExpiredLeaseExactlyOneWins) {
  ASSERT_TRUE(hold("old", kT0));
  // PostgreSQL: every contender is its own instance (Store object); SQLite: one process.
  std::vector<std::unique_ptr<Store>> stores;
  constexpr int kContenders = 6;
  for (int i = 0; i < kContenders; ++i) {
    if (GetParam() == "sqlite") break;
    auto opened = Store::open(store_url(GetParam(), dir_));
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    stores.push_back(std::move(opened).value());
  }
  for (int round = 0; round < 5; ++round) {
    const TimePoint now = kT0 + (round + 1) * (kTtl + 1s);
    std::atomic<int> winners = 0;
    std::atomic<int> errors = 0;
    std::vector<std::thread> threads;
    for (int i = 0; i < kContenders; ++i) {
      Store& store = stores.empty() ? *store_ : *stores[static_cast<std::size_t>(i)];
      threads.emplace_back([&, i] {
        auto held = store.hold_lease("webhook:wh_1", "c" + std::to_string(i), now, kTtl);
        if (!held.ok()) ++errors;
        if (held.ok() && *held) ++winners;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(errors.load(), 0);
    EXPECT_EQ(winners.load(), 1) << "round " << round;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, LeaseStore, kBackends);

// PostgreSQL only: two instances on one schema.
class CrossInstanceWake : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!backend_available("postgres")) GTEST_SKIP() << postgres::PgTestSchema::kSkipReason;
    url_ = store_url("postgres", dir_);
    auto a = Store::open(url_);
    ASSERT_TRUE(a.ok()) << a.error().detail;
    a_ = std::move(a).value();
    auto b = Store::open(url_);
    ASSERT_TRUE(b.ok()) << b.error().detail;
    b_ = std::move(b).value();
    auto tenant = a_->create_tenant("acme");
    ASSERT_TRUE(tenant.ok()) << tenant.error().detail;
    tenant_ = tenant->id;
  }

  // Commits a user through A and says whether B's signal moved within `within`.
  bool write_on_a_wakes_b(const std::string& user_name, std::chrono::milliseconds within) {
    const auto seen = b_->event_signal().generation();
    auto created = a_->create(tenant_, scim::ResourceKind::user, user_doc(user_name), {});
    EXPECT_TRUE(created.ok()) << created.error().detail;
    return b_->event_signal().wait_until(seen, std::chrono::steady_clock::now() + within);
  }

  // Waits until B's listener has LISTEN in effect (a NOTIFY before it is not heard).
  bool wait_listening(std::chrono::seconds limit, int min_connects = 1) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    auto& pg = static_cast<postgres::PostgresStore&>(*b_);
    while (std::chrono::steady_clock::now() < deadline) {
      if (pg.listening() && pg.listener_connects() >= min_connects) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  TempDir dir_;
  std::string url_;
  std::unique_ptr<Store> a_;
  std::unique_ptr<Store> b_;
  TenantId tenant_ = 0;
};

TEST_F(CrossInstanceWake, ACommitOnOneInstanceWakesTheOthersWaiters) {
  ASSERT_TRUE(wait_listening(30s));
  // Polling elsewhere is seconds; the notification takes milliseconds. 10 s is a loaded machine's
  // worst case, not a speed claim.
  EXPECT_TRUE(write_on_a_wakes_b("ann", 10s));
  EXPECT_TRUE(write_on_a_wakes_b("bob", 10s));
}

TEST_F(CrossInstanceWake, TheListenerReconnectsAfterTheServerDropsIt) {
  ASSERT_TRUE(wait_listening(30s));
  // Ends every listener connection on the cluster (others' tests reconnect just the same).
  auto admin = postgres::PgConnection::open(url_);
  ASSERT_TRUE(admin.ok()) << admin.error().detail;
  ASSERT_TRUE((*admin)
                  ->exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE application_name = 'scimd-listener'")
                  .ok());
  ASSERT_TRUE(wait_listening(60s, 2)) << "the listener did not come back";
  EXPECT_TRUE(write_on_a_wakes_b("cy", 10s));
}

}  // namespace
}  // namespace scimd::store::testing
