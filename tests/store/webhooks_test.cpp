// The webhook part of the store contract: endpoints, delivery state, replay and the log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/raw_events.h"
#include "store/store_fixture.h"

namespace scimd::store::testing {
namespace {

using ::testing::ElementsAre;

class WebhookStore : public StoreTest {
 protected:
  std::string url() const { return store_url(GetParam(), dir_); }

  Webhook spec(std::string url = "https://example.test/hook") {
    Webhook w;
    w.url = std::move(url);
    w.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    w.events = {"user.created", "user.deleted"};
    return w;
  }

  DeliveryAttempt attempt(std::int64_t seq, std::int64_t n, std::string outcome, int status) {
    DeliveryAttempt a;
    a.event_seq = seq;
    a.event_id = "evt_" + std::to_string(seq);
    a.attempt = n;
    a.time = "2026-01-01T00:00:0" + std::to_string(n) + ".000Z";
    a.status = status;
    a.latency_ms = 1.5;
    a.outcome = std::move(outcome);
    a.error = a.outcome == "delivered" ? "" : "HTTP " + std::to_string(status);
    return a;
  }
};

TEST_P(WebhookStore, CreateStartsAfterTheNewestEventAndReadsBack) {
  append_raw_events(url(), tenant_, 3);
  auto created = store_->create_webhook(tenant_, spec());
  ASSERT_TRUE(created.ok()) << created.error().detail;
  EXPECT_EQ(created->id.rfind("wh_", 0), 0u);
  EXPECT_GT(created->id.size(), 10u);
  EXPECT_EQ(created->delivered_seq, 3);
  EXPECT_EQ(created->state, "active");
  EXPECT_FALSE(created->created.empty());

  auto got = store_->get_webhook(tenant_, created->id);
  ASSERT_TRUE(got.ok()) << got.error().detail;
  EXPECT_EQ(got->tenant, "acme");
  EXPECT_EQ(got->url, "https://example.test/hook");
  EXPECT_EQ(got->secret, spec().secret);
  EXPECT_THAT(got->events, ElementsAre("user.created", "user.deleted"));
  EXPECT_EQ(got->delivered_seq, 3);
  EXPECT_EQ(got->attempts, 0);
  EXPECT_FALSE(got->failing_since.has_value());
  EXPECT_FALSE(got->next_attempt_at.has_value());
}

TEST_P(WebhookStore, CreateForAMissingTenantIsNotFound) {
  auto created = store_->create_webhook(tenant_ + 100, spec());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, Errc::not_found);
}

TEST_P(WebhookStore, ListIsPerTenantOrEveryTenant) {
  auto other = store_->create_tenant("other");
  ASSERT_TRUE(other.ok());
  auto a = store_->create_webhook(tenant_, spec("https://a.test/"));
  auto b = store_->create_webhook(other->id, spec("https://b.test/"));
  ASSERT_TRUE(a.ok() && b.ok());
  auto mine = store_->list_webhooks(tenant_);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].id, a->id);
  auto all = store_->list_webhooks(std::nullopt);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].tenant.empty() || (*all)[1].tenant.empty(), false);
  // Another tenant's endpoint is invisible through this tenant.
  EXPECT_EQ(store_->get_webhook(tenant_, b->id).error().code, Errc::not_found);
}

TEST_P(WebhookStore, DeleteRemovesAndThenIsNotFound) {
  auto a = store_->create_webhook(tenant_, spec());
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(store_->delete_webhook(tenant_, a->id).ok());
  EXPECT_EQ(store_->get_webhook(tenant_, a->id).error().code, Errc::not_found);
  EXPECT_EQ(store_->delete_webhook(tenant_, a->id).error().code, Errc::not_found);
  EXPECT_TRUE(store_->list_webhooks(tenant_)->empty());
}

TEST_P(WebhookStore, SaveDeliveryStoresStateAndAppendsAttempts) {
  auto w = store_->create_webhook(tenant_, spec());
  ASSERT_TRUE(w.ok());
  Webhook state = *w;
  state.attempts = 2;
  state.failing_since = "2026-01-01T00:00:01.000Z";
  state.next_attempt_at = "2026-01-01T00:00:05.000Z";
  state.last_error = "HTTP 500";
  ASSERT_TRUE(store_->save_delivery(state, {attempt(1, 1, "retrying", 500),
                                            attempt(1, 2, "retrying", 500)})
                  .ok());
  state.delivered_seq = 1;
  state.attempts = 0;
  state.failing_since.reset();
  state.next_attempt_at.reset();
  state.last_error.clear();
  ASSERT_TRUE(store_->save_delivery(state, {attempt(1, 3, "delivered", 204)}).ok());

  auto got = store_->get_webhook(tenant_, w->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->delivered_seq, 1);
  EXPECT_EQ(got->attempts, 0);
  EXPECT_FALSE(got->failing_since.has_value());

  auto log = store_->list_deliveries(tenant_, w->id, false, 10);
  ASSERT_TRUE(log.ok()) << log.error().detail;
  ASSERT_EQ(log->size(), 3u);
  EXPECT_EQ((*log)[0].attempt, 3);  // newest first
  EXPECT_EQ((*log)[0].outcome, "delivered");
  EXPECT_EQ((*log)[0].status, 204);
  EXPECT_DOUBLE_EQ((*log)[0].latency_ms, 1.5);
  EXPECT_EQ((*log)[0].event_id, "evt_1");
  EXPECT_EQ((*log)[2].attempt, 1);
  EXPECT_EQ((*log)[2].error, "HTTP 500");

  auto failures = store_->list_deliveries(tenant_, w->id, true, 10);
  ASSERT_TRUE(failures.ok());
  ASSERT_EQ(failures->size(), 2u);
  EXPECT_EQ((*failures)[0].outcome, "retrying");
  EXPECT_EQ(store_->list_deliveries(tenant_, w->id, false, 1)->size(), 1u);
}

TEST_P(WebhookStore, SaveDeliveryForADeletedEndpointIsNotFound) {
  auto w = store_->create_webhook(tenant_, spec());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(store_->delete_webhook(tenant_, w->id).ok());
  EXPECT_EQ(store_->save_delivery(*w, {attempt(1, 1, "delivered", 200)}).error().code,
            Errc::not_found);
}

TEST_P(WebhookStore, ReplayRevivesADeadEndpointAndCanRewind) {
  append_raw_events(url(), tenant_, 5);
  auto w = store_->create_webhook(tenant_, spec());
  ASSERT_TRUE(w.ok());
  Webhook dead = *w;
  dead.state = "dead";
  dead.attempts = 40;
  dead.failing_since = "2026-01-01T00:00:01.000Z";
  dead.next_attempt_at = "2026-01-01T01:00:01.000Z";
  dead.last_error = "connection refused";
  ASSERT_TRUE(store_->save_delivery(dead, {}).ok());

  const auto generation = store_->event_signal().generation();
  auto revived = store_->replay_webhook(tenant_, w->id, std::nullopt);
  ASSERT_TRUE(revived.ok()) << revived.error().detail;
  EXPECT_EQ(revived->state, "active");
  EXPECT_EQ(revived->attempts, 0);
  EXPECT_FALSE(revived->failing_since.has_value());
  EXPECT_FALSE(revived->next_attempt_at.has_value());
  EXPECT_EQ(revived->delivered_seq, 5);  // unchanged without from_seq
  EXPECT_NE(store_->event_signal().generation(), generation);  // the dispatcher is woken

  auto rewound = store_->replay_webhook(tenant_, w->id, 2);
  ASSERT_TRUE(rewound.ok());
  EXPECT_EQ(rewound->delivered_seq, 1);  // event 2 is next

  EXPECT_EQ(store_->replay_webhook(tenant_, "wh_missing", std::nullopt).error().code,
            Errc::not_found);
  EXPECT_EQ(store_->replay_webhook(tenant_, w->id, 0).error().code, Errc::invalid_value);
}

TEST_P(WebhookStore, DeliveriesOfAMissingEndpointAreNotFound) {
  EXPECT_EQ(store_->list_deliveries(tenant_, "wh_missing", false, 10).error().code,
            Errc::not_found);
}

TEST_P(WebhookStore, DeletingTheTenantDeletesItsEndpoints) {
  auto w = store_->create_webhook(tenant_, spec());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(store_->delete_tenant("acme").ok());
  EXPECT_TRUE(store_->list_webhooks(std::nullopt)->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookStore, kBackends);

}  // namespace
}  // namespace scimd::store::testing
