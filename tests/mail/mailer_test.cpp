#include "mail/mailer.h"

#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "mail/eml_writer.h"
#include "store/store_fixture.h"

namespace scimd::mail {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using store::testing::TempDir;

// What a fake transport saw, shared with the test (the mailer owns the transport).
struct Outbox {
  std::mutex mutex;
  std::vector<Envelope> sent;
  int fail_next = 0;  // this many deliveries fail before the next succeeds
  bool fail_always = false;
  int attempts = 0;

  std::size_t count() {
    std::lock_guard lock(mutex);
    return sent.size();
  }
};

class FakeTransport final : public Transport {
 public:
  explicit FakeTransport(std::shared_ptr<Outbox> box) : box_(std::move(box)) {}
  Status deliver(const Envelope& envelope) override {
    std::lock_guard lock(box_->mutex);
    ++box_->attempts;
    if (box_->fail_always || box_->fail_next > 0) {
      if (box_->fail_next > 0) --box_->fail_next;
      return make_error(Errc::unavailable, "smtp: 451 try again later");
    }
    box_->sent.push_back(envelope);
    return {};
  }
  std::string success_outcome() const override { return "sent"; }

 private:
  std::shared_ptr<Outbox> box_;
};

json::object invitations(bool enabled) {
  return json::object{{"invitations",
                       json::object{{"enabled", enabled},
                                    {"from", "Acme <no-reply@acme.test>"},
                                    {"subject", "Welcome {{displayName}}"},
                                    {"body", "Hello {{givenName}} ({{email}}) at {{tenant}}: {{loginUrl}}"},
                                    {"login_url", "https://app.acme.test/login"}}}};
}

// The work email is the userName's local part at acme.test (alice@idp.test -> alice@acme.test).
json::object alice_doc(std::string user_name = "alice@idp.test") {
  const std::string work = user_name.substr(0, user_name.find('@')) + "@acme.test";
  return json::object{{"userName", user_name},
                      {"displayName", "Alice Liddell"},
                      {"active", true},
                      {"name", json::object{{"givenName", "Alice"}, {"familyName", "Liddell"}}},
                      {"emails", json::array{json::object{{"value", work},
                                                          {"type", "work"}}}}};
}

class MailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Store::open("sqlite:" + (dir_.path() / "scimd.db").string());
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    store_ = std::move(opened).value();
    tenant_ = store_->create_tenant("acme")->id;
    options_.first_retry = 20ms;
    options_.max_retry = 40ms;
    options_.horizon = 10s;
  }

  Mailer& mailer() {
    if (!mailer_) mailer_ = std::make_unique<Mailer>(store_, std::make_unique<FakeTransport>(box_), options_);
    return *mailer_;
  }

  void enable(bool on) { ASSERT_TRUE(store_->set_tenant_settings(tenant_, invitations(on)).ok()); }

  std::string create(json::object doc, store::Source source = store::Source::scim) {
    store::WriteOptions w;
    w.source = source;
    auto r = store_->create(tenant_, scim::ResourceKind::user, std::move(doc), {}, w);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().detail);
    return r.ok() ? r->id : "";
  }

  void set_active(const std::string& id, bool active) {
    auto r = store_->update(tenant_, scim::ResourceKind::user, id, std::nullopt, {},
                            [active](const store::Resource& current) -> Result<store::Change> {
                              store::Change c;
                              c.doc = current.doc;
                              c.doc["active"] = active;
                              return c;
                            });
    ASSERT_TRUE(r.ok()) << r.error().detail;
  }

  std::vector<store::MailRecord> mail() { return *store_->list_mail(tenant_, 100); }

  TempDir dir_;
  std::shared_ptr<store::Store> store_;
  store::TenantId tenant_ = 0;
  std::shared_ptr<Outbox> box_ = std::make_shared<Outbox>();
  MailerOptions options_;
  std::unique_ptr<Mailer> mailer_;
};

TEST_F(MailerTest, InvitesAUserCreatedThroughScim) {
  enable(true);
  mailer().run_once();
  const std::string id = create(alice_doc());
  mailer().run_once();
  ASSERT_EQ(box_->count(), 1u);
  const Envelope& e = box_->sent[0];
  EXPECT_EQ(e.mail_from, "no-reply@acme.test");
  EXPECT_EQ(e.rcpt_to, "alice@acme.test");
  EXPECT_NE(e.message.find("Subject: Welcome Alice Liddell\r\n"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("Hello Alice (alice@acme.test) at acme: https://app.acme.test/login"),
            std::string::npos)
      << e.message;
  auto records = mail();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].outcome, "sent");
  EXPECT_EQ(records[0].user_id, id);
  EXPECT_EQ(records[0].recipient, "alice@acme.test");
  EXPECT_EQ(records[0].attempts, 1);
  EXPECT_EQ(*store_->consumer_seq(tenant_, kMailConsumer), *store_->last_event_seq(tenant_));
  mailer().run_once();
  EXPECT_EQ(box_->count(), 1u) << "never twice";
}

TEST_F(MailerTest, NothingWhenInvitationsAreOffAndEarlierUsersAreNotInvitedLater) {
  mailer().run_once();
  create(alice_doc());
  mailer().run_once();
  EXPECT_EQ(box_->count(), 0u);
  EXPECT_TRUE(mail().empty());
  enable(true);
  create(alice_doc("bob@idp.test"));
  mailer().run_once();
  ASSERT_EQ(box_->count(), 1u);
  EXPECT_NE(box_->sent[0].rcpt_to.find("bob@acme.test"), std::string::npos)
      << "only the user created after invitations were turned on";
}

TEST_F(MailerTest, AnOffTenantsCursorIsWrittenLazilyAndAtACleanStop) {
  create(alice_doc());
  mailer().run_once();  // the first pass writes the cursor at once
  const std::int64_t first = *store_->last_event_seq(tenant_);
  EXPECT_EQ(*store_->consumer_seq(tenant_, kMailConsumer), first);
  create(alice_doc("bob@idp.test"));
  create(alice_doc("cy@idp.test"));
  mailer().run_once();  // within off_cursor_save: kept in memory, no write on the write path
  EXPECT_EQ(*store_->consumer_seq(tenant_, kMailConsumer), first);
  mailer_->stop();
  EXPECT_EQ(*store_->consumer_seq(tenant_, kMailConsumer), *store_->last_event_seq(tenant_));
  EXPECT_EQ(box_->count(), 0u);
}

TEST_F(MailerTest, AnOffTenantsCursorIsWrittenOncePerSaveInterval) {
  options_.off_cursor_save = 0ms;
  mailer().run_once();
  create(alice_doc());
  mailer().run_once();
  EXPECT_EQ(*store_->consumer_seq(tenant_, kMailConsumer), *store_->last_event_seq(tenant_));
}

TEST_F(MailerTest, SwitchingOnStartsAfterTheEventsSeenWhileOffEvenIfNotYetWritten) {
  mailer().run_once();
  create(alice_doc());  // seen while off, cursor not written yet
  mailer().run_once();
  enable(true);
  create(alice_doc("bob@idp.test"));
  mailer().run_once();
  ASSERT_EQ(box_->count(), 1u);
  EXPECT_NE(box_->sent[0].rcpt_to.find("bob@acme.test"), std::string::npos);
}

TEST_F(MailerTest, ExistingHistoryIsNotMailedWhenTheMailerFirstSeesATenant) {
  enable(true);
  create(alice_doc());  // before any mailer ran
  mailer().run_once();
  EXPECT_EQ(box_->count(), 0u);
  create(alice_doc("bob@idp.test"));
  mailer().run_once();
  EXPECT_EQ(box_->count(), 1u);
}

TEST_F(MailerTest, AUserCreatedBeforeTheFirstPassOfARunningMailerIsStillInvited) {
  // The mailer primes when it starts (serve starts it before taking requests); what comes after
  // is new, however late the first pass sees it.
  enable(true);
  mailer().prime();
  create(alice_doc());
  mailer().run_once();
  EXPECT_EQ(box_->count(), 1u);
}

TEST_F(MailerTest, ATenantCreatedWhileTheMailerRunsHasItsFirstUsersInvited) {
  mailer().run_once();
  const store::TenantId beta = store_->create_tenant("beta")->id;
  ASSERT_TRUE(store_->set_tenant_settings(beta, invitations(true)).ok());
  ASSERT_TRUE(store_->create(beta, scim::ResourceKind::user, alice_doc(), {}).ok());
  mailer().run_once();  // first sight of beta: its history is all new
  EXPECT_EQ(box_->count(), 1u);
}

TEST_F(MailerTest, UsersTheProductCreatedAreNotInvited) {
  enable(true);
  mailer().run_once();
  create(alice_doc(), store::Source::api);
  mailer().run_once();
  EXPECT_EQ(box_->count(), 0u);
}

TEST_F(MailerTest, ReactivationSendsAnotherInvitation) {
  enable(true);
  mailer().run_once();
  const std::string id = create(alice_doc());
  mailer().run_once();
  set_active(id, false);
  mailer().run_once();
  EXPECT_EQ(box_->count(), 1u) << "deactivation sends nothing";
  set_active(id, true);
  mailer().run_once();
  EXPECT_EQ(box_->count(), 2u);
}

TEST_F(MailerTest, NoAddressIsRecordedAsSkipped) {
  enable(true);
  mailer().run_once();
  create(json::object{{"userName", "carol"}});
  mailer().run_once();
  EXPECT_EQ(box_->count(), 0u);
  auto records = mail();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].outcome, "skipped");
  EXPECT_NE(records[0].error.find("no email"), std::string::npos);
}

TEST_F(MailerTest, FailuresAreRetriedWithBackoffInOrder) {
  enable(true);
  mailer().run_once();
  box_->fail_next = 2;
  create(alice_doc());
  create(alice_doc("bob@idp.test"));
  auto due = mailer().run_once();
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(box_->count(), 0u);
  EXPECT_EQ(mail()[0].outcome, "retrying");
  EXPECT_NE(mail()[0].error.find("451"), std::string::npos);
  mailer().run_once();  // not due yet: nothing tried, bob waits behind alice
  EXPECT_EQ(box_->attempts, 1);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (box_->count() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
    mailer().run_once();
  }
  ASSERT_EQ(box_->count(), 2u);
  EXPECT_EQ(box_->sent[0].rcpt_to, "alice@acme.test");
  EXPECT_NE(box_->sent[1].rcpt_to.find("bob@acme.test"), std::string::npos);
  auto records = mail();  // newest first
  ASSERT_EQ(records.size(), 2u) << "one record per invitation, updated by each attempt";
  EXPECT_EQ(records[1].outcome, "sent");
  EXPECT_EQ(records[1].attempts, 3);
  EXPECT_EQ(records[0].attempts, 1);
}

TEST_F(MailerTest, AfterTheHorizonTheInvitationFailsAndTheNextOneGoes) {
  options_.horizon = 0ms;
  enable(true);
  mailer().run_once();
  box_->fail_next = 1;
  create(alice_doc());
  create(alice_doc("bob@idp.test"));
  mailer().run_once();
  ASSERT_EQ(box_->count(), 1u);
  EXPECT_NE(box_->sent[0].rcpt_to.find("bob@acme.test"), std::string::npos);
  auto records = mail();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].outcome, "failed");
  EXPECT_EQ(records[0].outcome, "sent");
}

TEST_F(MailerTest, OneTenantFailingDoesNotHoldAnother) {
  enable(true);
  const store::TenantId beta = store_->create_tenant("beta")->id;
  ASSERT_TRUE(store_->set_tenant_settings(beta, invitations(true)).ok());
  mailer().run_once();
  box_->fail_next = 1;
  create(alice_doc());  // acme: fails first
  ASSERT_TRUE(store_->create(beta, scim::ResourceKind::user, alice_doc("bob@idp.test"), {}).ok());
  mailer().run_once();
  ASSERT_EQ(box_->count(), 1u);
  EXPECT_NE(box_->sent[0].rcpt_to.find("bob@acme.test"), std::string::npos);
}

TEST_F(MailerTest, TheThreadWakesOnNewEvents) {
  enable(true);
  options_.poll = 60s;  // only the event signal can wake it in time
  mailer().start();
  std::this_thread::sleep_for(100ms);
  create(alice_doc());
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (box_->count() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(box_->count(), 1u);
  mailer().stop();
}

TEST(EmlWriter, WritesTheMessageAtomically) {
  TempDir dir;
  EmlWriter writer(dir.path() / "mail", nullptr);
  Envelope e{"a@acme.test", "b@acme.test", "evt_123", "Subject: x\r\n\r\nbody\r\n"};
  ASSERT_TRUE(writer.deliver(e).ok());
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(dir.path() / "mail")) files.push_back(f.path());
  ASSERT_EQ(files.size(), 1u) << "no temporary file left behind";
  const std::string name = files[0].filename().string();
  EXPECT_TRUE(name.ends_with("-evt_123.eml")) << name;
  std::ifstream in(files[0], std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, e.message);
  EXPECT_EQ(writer.success_outcome(), "written");
}

TEST(EmlWriter, AnUnwritableDirectoryIsAnError) {
  TempDir dir;
  std::ofstream(dir.path() / "file") << "x";
  EmlWriter writer(dir.path() / "file" / "mail", nullptr);
  auto r = writer.deliver(Envelope{"a@x.test", "b@x.test", "evt_1", "m"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::unavailable);
}

}  // namespace
}  // namespace scimd::mail
