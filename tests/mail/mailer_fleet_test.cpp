// Several mailers on one database, as several scimd instances: each tenant's invitations are
// sent by the one holding its lease, each once, and a mailer that vanishes without releasing
// is replaced once its leases expire. PostgreSQL: a Store object per mailer on the test's
// schema; SQLite: the mailers share one store.
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "mail/mailer.h"
#include "store/store_fixture.h"

namespace scimd::mail {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

struct Sent {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> mails;  // (instance, event id)

  std::vector<std::pair<std::string, std::string>> all() {
    std::lock_guard lock(mutex);
    return mails;
  }
};

class RecordingTransport final : public Transport {
 public:
  RecordingTransport(std::shared_ptr<Sent> sent, std::string instance)
      : sent_(std::move(sent)), instance_(std::move(instance)) {}
  Status deliver(const Envelope& envelope) override {
    std::lock_guard lock(sent_->mutex);
    sent_->mails.emplace_back(instance_, envelope.event_id);
    return {};
  }
  std::string success_outcome() const override { return "sent"; }

 private:
  std::shared_ptr<Sent> sent_;
  std::string instance_;
};

json::object invitations() {
  return json::object{{"invitations", json::object{{"enabled", true},
                                                   {"from", "Acme <no-reply@acme.test>"},
                                                   {"subject", "Welcome"},
                                                   {"body", "Hello {{email}}"}}}};
}

class MailFleet : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!store::testing::backend_available(GetParam())) {
      GTEST_SKIP() << store::postgres::PgTestSchema::kSkipReason;
    }
    url_ = store::testing::store_url(GetParam(), dir_);
    store_a_ = open();
    store_b_ = GetParam() == "postgres" ? open() : store_a_;
    ASSERT_TRUE(store_a_ && store_b_);
    for (const char* name : {"acme", "globex"}) {
      auto tenant = store_a_->create_tenant(name);
      ASSERT_TRUE(tenant.ok()) << tenant.error().detail;
      ASSERT_TRUE(store_a_->set_tenant_settings(tenant->id, invitations()).ok());
      tenants_.push_back(tenant->id);
    }
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

  std::unique_ptr<Mailer> mailer(std::shared_ptr<store::Store> store, const std::string& instance,
                                 bool release = true) {
    MailerOptions o;
    o.instance_id = instance;
    o.lease_ttl = 3s;
    o.poll = 200ms;
    o.first_retry = 20ms;
    o.release_leases_on_stop = release;
    auto m = std::make_unique<Mailer>(std::move(store),
                                      std::make_unique<RecordingTransport>(sent_, instance), o);
    m->start();
    return m;
  }

  // Creates users through SCIM in every tenant (through store A, as a request would).
  void create_users(const std::string& prefix, int per_tenant) {
    store::WriteOptions w;
    w.source = store::Source::scim;
    for (store::TenantId tenant : tenants_) {
      for (int i = 0; i < per_tenant; ++i) {
        const std::string name = prefix + std::to_string(i) + "@acme.test";
        auto r = store_a_->create(tenant, scim::ResourceKind::user,
                                  json::object{{"userName", name}, {"active", true}}, {}, w);
        ASSERT_TRUE(r.ok()) << r.error().detail;
      }
    }
    store_b_->event_signal().notify();  // what B's listener (or its polling) would do
  }

  bool wait_sent(std::size_t distinct, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (distinct_ids().size() >= distinct) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  std::set<std::string> distinct_ids() {
    std::set<std::string> ids;
    for (const auto& [instance, id] : sent_->all()) ids.insert(id);
    return ids;
  }

  // Mailers wait for a tenant's first pass to set its cursor to the newest event; until a
  // pass has seen every tenant, users created now would count as history.
  void wait_cursors() {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      bool all = true;
      for (store::TenantId tenant : tenants_) {
        auto held = store_a_->hold_lease("mail:" + std::to_string(tenant), "probe",
                                         std::chrono::system_clock::now(), 1ms);
        all = all && held.ok() && !*held;  // someone holds it: a mailer has seen the tenant
      }
      if (all) {
        std::this_thread::sleep_for(300ms);  // the holder's pass reads the cursor next
        return;
      }
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "no mailer took the tenants' leases";
  }

  store::testing::TempDir dir_;
  std::string url_;
  std::shared_ptr<store::Store> store_a_;
  std::shared_ptr<store::Store> store_b_;
  std::vector<store::TenantId> tenants_;
  std::shared_ptr<Sent> sent_ = std::make_shared<Sent>();
  std::unique_ptr<Mailer> a_;
  std::unique_ptr<Mailer> b_;
};

TEST_P(MailFleet, TwoInstancesSendEveryInvitationOnce) {
  a_ = mailer(store_a_, "instance-a");
  b_ = mailer(store_b_, "instance-b");
  wait_cursors();
  create_users("u", 15);
  ASSERT_TRUE(wait_sent(30, 30s));
  std::this_thread::sleep_for(700ms);  // a duplicate would arrive meanwhile
  EXPECT_EQ(sent_->all().size(), 30u);
  EXPECT_EQ(distinct_ids().size(), 30u);
}

TEST_P(MailFleet, AnInstanceThatDiesIsReplacedAndNoInvitationIsLost) {
  a_ = mailer(store_a_, "instance-a", /*release*/ false);  // as after kill -9
  wait_cursors();
  create_users("first", 5);
  ASSERT_TRUE(wait_sent(10, 30s));
  b_ = mailer(store_b_, "instance-b");
  std::this_thread::sleep_for(300ms);
  a_.reset();
  const auto died = std::chrono::steady_clock::now();
  create_users("second", 5);
  ASSERT_TRUE(wait_sent(20, 60s));
  // lease_ttl * 4/3 plus a poll is the bound (about 4.2 s); slack for a loaded machine.
  EXPECT_LT(std::chrono::steady_clock::now() - died, 30s);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(distinct_ids().size(), 20u);
  // The cursor advances after each send: a crash between the two re-sends at most one per
  // tenant (at least once).
  EXPECT_LE(sent_->all().size(), 20u + tenants_.size());
  std::size_t by_b = 0;
  for (const auto& [instance, id] : sent_->all()) by_b += instance == "instance-b" ? 1 : 0;
  EXPECT_GE(by_b, 10u) << "the survivor sent the later invitations";
}

TEST_P(MailFleet, ALostLeaseStopsSendingUntilItIsBack) {
  a_ = mailer(store_a_, "instance-a");
  wait_cursors();
  const std::string name = "mail:" + std::to_string(tenants_[0]);
  // Another instance takes the first tenant's lease (as if A had stalled past its expiry).
  auto stolen = store_b_->hold_lease(name, "thief", std::chrono::system_clock::now() + 1h, 2h);
  ASSERT_TRUE(stolen.ok() && *stolen);
  // A renews every lease_ttl / 3 (1 s); within that window it could still send one (the new
  // holder would send it again: at least once). Past it, A has noticed.
  std::this_thread::sleep_for(1500ms);
  create_users("u", 3);
  ASSERT_TRUE(wait_sent(3, 30s));  // the other tenant's
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(distinct_ids().size(), 3u) << "A sent for a tenant whose lease it had lost";
  ASSERT_TRUE(store_b_->release_lease(name, "thief").ok());
  ASSERT_TRUE(wait_sent(6, 30s));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(sent_->all().size(), 6u);
}

INSTANTIATE_TEST_SUITE_P(Backends, MailFleet, store::testing::kBackends);

}  // namespace
}  // namespace scimd::mail
