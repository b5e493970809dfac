// Consumer cursors, the mail log and the provisioning log, against every backend.
#include <chrono>

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace scimd::store::testing {
namespace {

using namespace std::chrono_literals;

class LogsTest : public StoreTest {
 protected:
  ProvisioningEntry entry(std::string time, int status, std::string resource_id = "") {
    ProvisioningEntry e;
    e.tenant_id = tenant_;
    e.time = std::move(time);
    e.client = "okta";
    e.method = status == 201 ? "POST" : "GET";
    e.path = "/scim/v2/acme/Users";
    e.resource_id = std::move(resource_id);
    e.status = status;
    e.latency_ms = 1.5;
    if (status >= 400) {
      e.scim_type = "invalidValue";
      e.detail = "bad";
    }
    e.request_id = "req-" + std::to_string(status);
    return e;
  }

  std::vector<int> statuses(const ProvisioningQuery& q) {
    auto r = store_->list_provisioning(q);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().detail);
    std::vector<int> out;
    if (r.ok()) {
      for (const auto& e : *r) out.push_back(e.status);
    }
    return out;
  }
};

TEST_P(LogsTest, ConsumerSeqStartsAtZeroAndIsKeptPerTenantAndName) {
  EXPECT_EQ(*store_->consumer_seq(tenant_, "mail"), 0);
  ASSERT_TRUE(store_->set_consumer_seq(tenant_, "mail", 7).ok());
  ASSERT_TRUE(store_->set_consumer_seq(tenant_, "mail", 9).ok());
  EXPECT_EQ(*store_->consumer_seq(tenant_, "mail"), 9);
  EXPECT_EQ(*store_->consumer_seq(tenant_, "other"), 0);
  const TenantId beta = store_->create_tenant("beta")->id;
  EXPECT_EQ(*store_->consumer_seq(beta, "mail"), 0);
}

TEST_P(LogsTest, MailIsInsertedUpdatedAndListedNewestFirst) {
  MailRecord m;
  m.tenant_id = tenant_;
  m.event_id = "evt_1";
  m.user_id = "u1";
  m.recipient = "a@acme.test";
  m.time = "2026-01-01T00:00:00.000Z";
  m.attempts = 1;
  m.outcome = "retrying";
  m.error = "451 try later";
  auto id = store_->save_mail(m);
  ASSERT_TRUE(id.ok()) << id.error().detail;
  EXPECT_GT(*id, 0);
  m.id = *id;
  m.attempts = 2;
  m.outcome = "sent";
  m.error = "";
  m.time = "2026-01-01T00:00:05.000Z";
  ASSERT_EQ(*store_->save_mail(m), *id);
  MailRecord second = m;
  second.id = 0;
  second.event_id = "evt_2";
  ASSERT_TRUE(store_->save_mail(second).ok());

  auto listed = store_->list_mail(tenant_, 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].event_id, "evt_2");
  EXPECT_EQ((*listed)[1].id, *id);
  EXPECT_EQ((*listed)[1].attempts, 2);
  EXPECT_EQ((*listed)[1].outcome, "sent");
  EXPECT_EQ((*listed)[1].time, "2026-01-01T00:00:05.000Z");
  EXPECT_EQ(store_->list_mail(tenant_, 1)->size(), 1u);

  m.id = 999999;
  auto missing = store_->save_mail(m);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST_P(LogsTest, ProvisioningQueriesFilterAndPageNewestFirst) {
  ASSERT_TRUE(store_
                  ->append_provisioning({entry("2026-01-01T00:00:00.000Z", 200),
                                         entry("2026-01-01T00:01:00.000Z", 201, "u1"),
                                         entry("2026-01-01T00:02:00.000Z", 400, "u1"),
                                         entry("2026-01-01T00:03:00.000Z", 409),
                                         entry("2026-01-01T00:04:00.000Z", 204, "u2")})
                  .ok());
  ProvisioningQuery q;
  q.tenant_id = tenant_;
  EXPECT_EQ(statuses(q), (std::vector<int>{204, 409, 400, 201, 200}));

  auto all = store_->list_provisioning(q);
  const auto& first = all->back();
  EXPECT_EQ(first.client, "okta");
  EXPECT_EQ(first.method, "GET");
  EXPECT_EQ(first.path, "/scim/v2/acme/Users");
  EXPECT_DOUBLE_EQ(first.latency_ms, 1.5);
  EXPECT_EQ(first.request_id, "req-200");
  EXPECT_EQ((*all)[2].scim_type, "invalidValue");
  EXPECT_EQ((*all)[2].detail, "bad");

  ProvisioningQuery errors = q;
  errors.errors_only = true;
  EXPECT_EQ(statuses(errors), (std::vector<int>{409, 400}));

  ProvisioningQuery by_resource = q;
  by_resource.resource_id = "u1";
  EXPECT_EQ(statuses(by_resource), (std::vector<int>{400, 201}));

  ProvisioningQuery window = q;
  window.since = "2026-01-01T00:01:00.000Z";
  window.until = "2026-01-01T00:03:00.000Z";
  EXPECT_EQ(statuses(window), (std::vector<int>{400, 201}));

  ProvisioningQuery page = q;
  page.limit = 2;
  auto first_page = store_->list_provisioning(page);
  ASSERT_EQ(first_page->size(), 2u);
  page.before_id = first_page->back().id;
  EXPECT_EQ(statuses(page), (std::vector<int>{400, 201}));

  const TenantId beta = store_->create_tenant("beta")->id;
  ProvisioningQuery other = q;
  other.tenant_id = beta;
  EXPECT_TRUE(statuses(other).empty());
}

TEST_P(LogsTest, SummaryCountsPerStatusSince) {
  ASSERT_TRUE(store_
                  ->append_provisioning({entry("2026-01-01T00:00:00.000Z", 200),
                                         entry("2026-01-02T00:00:00.000Z", 200),
                                         entry("2026-01-02T00:01:00.000Z", 200),
                                         entry("2026-01-02T00:02:00.000Z", 409)})
                  .ok());
  auto summary = store_->summarize_provisioning(tenant_, "2026-01-02T00:00:00.000Z");
  ASSERT_TRUE(summary.ok()) << summary.error().detail;
  ASSERT_EQ(summary->size(), 2u);
  EXPECT_EQ((*summary)[0].status, 200);
  EXPECT_EQ((*summary)[0].count, 2);
  EXPECT_EQ((*summary)[1].status, 409);
  EXPECT_EQ((*summary)[1].count, 1);
}

// The log is written after the request; the tenant may be gone by then. Its entries are
// dropped, and the rest of the batch is kept.
TEST_P(LogsTest, EntriesOfADeletedTenantDoNotSinkTheirBatch) {
  auto doomed = store_->create_tenant("doomed");
  ASSERT_TRUE(doomed.ok());
  ProvisioningEntry orphan = entry("2026-01-02T00:00:00.000Z", 204);
  orphan.tenant_id = doomed->id;
  ASSERT_TRUE(store_->delete_tenant("doomed").ok());
  ASSERT_TRUE(store_->append_provisioning({entry("2026-01-02T00:00:00.000Z", 200), orphan,
                                           entry("2026-01-02T00:00:01.000Z", 201)})
                  .ok());
  ProvisioningQuery q;
  q.tenant_id = tenant_;
  auto listed = store_->list_provisioning(q);
  ASSERT_TRUE(listed.ok()) << listed.error().detail;
  EXPECT_EQ(listed->size(), 2u);
}

// A batch goes in as statements of several rows (64, 32, ... 1): every entry of a batch that is
// not a sum of equal chunks (100 = 64 + 32 + 4) lands once, in order, with its own fields, and a
// deleted tenant's entries in the middle of a chunk are the only ones dropped.
TEST_P(LogsTest, ALargeBatchKeepsEveryEntryInOrder) {
  auto doomed = store_->create_tenant("doomed");
  ASSERT_TRUE(doomed.ok());
  ASSERT_TRUE(store_->delete_tenant("doomed").ok());
  std::vector<ProvisioningEntry> batch;
  for (int i = 0; i < 103; ++i) {
    ProvisioningEntry e = entry("2026-01-02T00:00:00.000Z", 200 + i, "u" + std::to_string(i));
    e.latency_ms = i + 0.25;
    e.detail = i % 7 == 0 ? "it's \"odd\" \\ text" : "";
    if (i == 40 || i == 90) e.tenant_id = doomed->id;  // inside the 64- and 32-row statements
    batch.push_back(std::move(e));
  }
  ASSERT_TRUE(store_->append_provisioning(batch).ok());
  ProvisioningQuery q;
  q.tenant_id = tenant_;
  q.limit = 500;
  auto listed = store_->list_provisioning(q);
  ASSERT_TRUE(listed.ok()) << listed.error().detail;
  ASSERT_EQ(listed->size(), 101u);
  std::vector<ProvisioningEntry> kept(listed->rbegin(), listed->rend());  // oldest first
  std::size_t k = 0;
  for (int i = 0; i < 103; ++i) {
    if (i == 40 || i == 90) continue;
    const ProvisioningEntry& e = kept[k++];
    EXPECT_EQ(e.status, 200 + i);
    EXPECT_EQ(e.resource_id, "u" + std::to_string(i));
    EXPECT_DOUBLE_EQ(e.latency_ms, i + 0.25);
    EXPECT_EQ(e.detail, batch[i].detail);
    EXPECT_EQ(e.request_id, batch[i].request_id);
  }
}

TEST_P(LogsTest, PruneLogsDeletesOnlyOlderEntriesAndMail) {
  ASSERT_TRUE(store_
                  ->append_provisioning({entry("2026-01-01T00:00:00.000Z", 200),
                                         entry("2026-03-01T00:00:00.000Z", 200)})
                  .ok());
  MailRecord old_mail;
  old_mail.tenant_id = tenant_;
  old_mail.event_id = "evt_old";
  old_mail.time = "2026-01-01T00:00:00.000Z";
  old_mail.outcome = "sent";
  ASSERT_TRUE(store_->save_mail(old_mail).ok());
  MailRecord new_mail = old_mail;
  new_mail.event_id = "evt_new";
  new_mail.time = "2026-03-01T00:00:00.000Z";
  ASSERT_TRUE(store_->save_mail(new_mail).ok());

  auto cutoff = parse_time("2026-02-01T00:00:00Z");
  ASSERT_TRUE(cutoff);
  auto pruned = store_->prune_logs(*cutoff);
  ASSERT_TRUE(pruned.ok()) << pruned.error().detail;
  EXPECT_EQ(*pruned, 2);
  ProvisioningQuery q;
  q.tenant_id = tenant_;
  EXPECT_EQ(store_->list_provisioning(q)->size(), 1u);
  auto mail = store_->list_mail(tenant_, 10);
  ASSERT_EQ(mail->size(), 1u);
  EXPECT_EQ((*mail)[0].event_id, "evt_new");
  EXPECT_EQ(*store_->prune_logs(*cutoff), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, LogsTest, kBackends);

}  // namespace
}  // namespace scimd::store::testing
