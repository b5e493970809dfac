#include "store/retention.h"

#include <thread>

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace scimd::store::testing {
namespace {

using namespace std::chrono_literals;

class RetentionTest : public StoreTest {};

TEST_P(RetentionTest, PrunesEventsAndLogsPastTheirRetention) {
  make_user("alice");  // one user.created event, now
  ProvisioningEntry e;
  e.tenant_id = tenant_;
  e.time = format_time(std::chrono::system_clock::now());
  e.client = "other";
  e.method = "GET";
  e.path = "/scim/v2/acme/Users";
  e.status = 200;
  ASSERT_TRUE(store_->append_provisioning({e}).ok());
  ASSERT_EQ(store_->list_events(tenant_, 0, 10)->size(), 1u);

  RetentionOptions options;  // 90 d of events, 30 d of logs
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(*prune_once(*store_, options, now), 0);
  // 40 days later the log row goes, the event stays.
  EXPECT_EQ(*prune_once(*store_, options, now + std::chrono::hours(24 * 40)), 1);
  EXPECT_EQ(store_->list_events(tenant_, 0, 10)->size(), 1u);
  ProvisioningQuery q;
  q.tenant_id = tenant_;
  EXPECT_TRUE(store_->list_provisioning(q)->empty());
  // 100 days later the event goes too; the tenant's sequence does not restart.
  EXPECT_EQ(*prune_once(*store_, options, now + std::chrono::hours(24 * 100)), 1);
  EXPECT_TRUE(store_->list_events(tenant_, 0, 10)->empty());
  EXPECT_EQ(*store_->last_event_seq(tenant_), 1);
}

TEST_P(RetentionTest, ThePrunerRunsAtStartAndStopsPromptly) {
  make_user("alice");
  RetentionOptions options;
  options.event_retention = -1h;  // everything is "old": the pass at start removes it
  auto shared = std::shared_ptr<Store>(std::move(store_));
  RetentionPruner pruner(shared, options);
  pruner.start();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!shared->list_events(tenant_, 0, 10)->empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(shared->list_events(tenant_, 0, 10)->empty());
  const auto stopping = std::chrono::steady_clock::now();
  pruner.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 2s) << "the hourly wait is interrupted";
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionTest, kBackends);

}  // namespace
}  // namespace scimd::store::testing
