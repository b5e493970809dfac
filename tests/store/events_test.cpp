// The transactional outbox: which events each write appends, in order, with what payload; role
// recomputation from the group→role mapping; adoption of pre-registered users.
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "store/sql/sql_store.h"
#include "store/store.h"
#include "store_fixture.h"

namespace scimd::store::testing {
namespace {

namespace json = boost::json;
using scim::ResourceKind;

class EventsTest : public StoreTest {
 protected:
  // Every event after `after`, parsed.
  std::vector<json::object> events_after(std::int64_t after, TenantId tenant = 0) {
    auto events = store_->list_events(tenant == 0 ? tenant_ : tenant, after, 10000);
    EXPECT_TRUE(events.ok()) << (events.ok() ? "" : events.error().detail);
    std::vector<json::object> out;
    if (!events.ok()) return out;
    for (const Event& e : *events) out.push_back(json::parse(e.json).as_object());
    return out;
  }
  std::vector<std::string> types_after(std::int64_t after) {
    std::vector<std::string> types;
    for (const auto& e : events_after(after)) types.emplace_back(e.at("type").as_string());
    return types;
  }
  std::int64_t last() { return *store_->last_event_seq(tenant_); }

  Result<Resource> patch(ResourceKind kind, const std::string& id,
                         std::function<void(json::object&)> edit,
                         std::vector<scim::MemberOp> ops = {}) {
    return store_->update(tenant_, kind, id, std::nullopt, {},
                          [&](const Resource& current) -> Result<Change> {
                            Change change{current.doc, ops};
                            edit(change.doc);
                            return change;
                          });
  }

  void map_roles(json::array mapping) {
    auto tenant = store_->find_tenant("acme");
    ASSERT_TRUE(tenant.ok());
    json::object settings = tenant->settings;
    settings["role_mapping"] = std::move(mapping);
    ASSERT_TRUE(store_->set_tenant_settings(tenant_, settings).ok());
  }

  std::vector<std::string> roles_of(const std::string& user_id) {
    auto user = store_->get(tenant_, ResourceKind::user, user_id, {});
    EXPECT_TRUE(user.ok());
    return user.ok() ? user->roles : std::vector<std::string>{};
  }
};

TEST_P(EventsTest, CreateAppendsOneEventWithTheWholeObject) {
  const std::string id = make_user("ada@example.com");
  const auto events = events_after(0);
  ASSERT_EQ(events.size(), 1u);
  const json::object& e = events[0];
  EXPECT_EQ(e.at("type"), "user.created");
  EXPECT_EQ(e.at("seq"), 1);
  EXPECT_EQ(e.at("tenant"), "acme");
  EXPECT_TRUE(e.at("id").as_string().starts_with("evt_"));
  EXPECT_FALSE(e.at("time").as_string().empty());
  const json::object& data = e.at("data").as_object();
  EXPECT_EQ(data.at("source"), "scim");
  EXPECT_EQ(data.at("resource").at("id"), json::value(id));
  EXPECT_EQ(data.at("resource").at("userName"), "ada@example.com");
  EXPECT_EQ(data.at("resource").at("synced"), true);
  EXPECT_EQ(last(), 1);
}

TEST_P(EventsTest, AWriteWithMoreEventsThanOneStatementHoldsNumbersThemAllInOrder) {
  std::vector<sql::SqlStore::NewResource> users;
  for (int i = 0; i < 1200; ++i) {
    users.push_back({json::object{{"userName", "u" + std::to_string(i) + "@example.com"}}, {}});
  }
  auto& sql_store = dynamic_cast<sql::SqlStore&>(*store_);
  auto ids = sql_store.create_batch(tenant_, ResourceKind::user, std::move(users));
  ASSERT_TRUE(ids.ok()) << ids.error().detail;
  std::vector<scim::MemberRef> members;
  for (const std::string& id : *ids) members.push_back({id, "", ""});
  const std::int64_t before = last();
  auto group =
      store_->create(tenant_, ResourceKind::group, json::object{{"displayName", "All"}}, members);
  ASSERT_TRUE(group.ok()) << group.error().detail;
  auto stored = store_->list_events(tenant_, before, 10000);
  ASSERT_TRUE(stored.ok()) << stored.error().detail;
  ASSERT_EQ(stored->size(), 1201u);  // group.created, then one group.user_added per member
  std::set<std::string> event_ids;
  for (std::size_t i = 0; i < stored->size(); ++i) {
    const Event& e = (*stored)[i];
    const json::object payload = json::parse(e.json).as_object();
    EXPECT_EQ(e.seq, before + 1 + static_cast<std::int64_t>(i));
    EXPECT_EQ(payload.at("seq"), e.seq);
    EXPECT_EQ(payload.at("tenant"), "acme");
    EXPECT_EQ(payload.at("id"), json::value(e.id));
    EXPECT_EQ(payload.at("type"), i == 0 ? "group.created" : "group.user_added");
    event_ids.insert(e.id);
  }
  EXPECT_EQ(event_ids.size(), stored->size());
  EXPECT_EQ(last(), before + 1201);
}

TEST_P(EventsTest, UpdatesNameTheirKindAndWhatChanged) {
  const std::string id = make_user("ada@example.com");
  ASSERT_TRUE(patch(ResourceKind::user, id, [](json::object& d) { d["title"] = "CTO"; }).ok());
  ASSERT_TRUE(patch(ResourceKind::user, id, [](json::object& d) { d["active"] = false; }).ok());
  ASSERT_TRUE(patch(ResourceKind::user, id, [](json::object& d) { d["active"] = true; }).ok());
  ASSERT_TRUE(patch(ResourceKind::user, id, [](json::object&) {}).ok());  // no change, no event
  EXPECT_EQ(types_after(1),
            (std::vector<std::string>{"user.updated", "user.deactivated", "user.reactivated"}));
  const auto events = events_after(1);
  const json::array& changes = events[1].at("data").at("changes").as_array();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].at("attribute"), "active");
  EXPECT_EQ(changes[0].at("old"), true);
  EXPECT_EQ(changes[0].at("new"), false);
  EXPECT_EQ(events[0].at("data").at("changes").at(0).at("new"), "CTO");
}

TEST_P(EventsTest, MembershipChangesAreEventsOfTheirOwn) {
  const std::string ada = make_user("ada");
  const std::string bob = make_user("bob");
  const std::string group = make_group("Engineering", {{ada, "Ada", ""}});
  EXPECT_EQ(types_after(2), (std::vector<std::string>{"group.created", "group.user_added"}));
  const std::int64_t before = last();
  scim::MemberOp add{scim::MemberOp::Kind::add, {{bob, "", ""}, {ada, "", ""}}};  // ada: no-op
  scim::MemberOp remove{scim::MemberOp::Kind::remove, {{ada, "", ""}}};
  ASSERT_TRUE(patch(ResourceKind::group, group, [](json::object&) {}, {add, remove}).ok());
  const auto events = events_after(before);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].at("type"), "group.user_added");
  EXPECT_EQ(events[0].at("data").at("member").at("id"), json::value(bob));
  EXPECT_EQ(events[0].at("data").at("group").at("displayName"), "Engineering");
  EXPECT_EQ(events[1].at("type"), "group.user_removed");
  EXPECT_EQ(events[1].at("data").at("member").at("id"), json::value(ada));
}

TEST_P(EventsTest, DeletingAMemberRemovesItFromItsGroups) {
  const std::string ada = make_user("ada");
  make_group("Engineering", {{ada, "", ""}});
  const std::int64_t before = last();
  ASSERT_TRUE(store_->remove(tenant_, ResourceKind::user, ada, std::nullopt).ok());
  EXPECT_EQ(types_after(before), (std::vector<std::string>{"user.deleted", "group.user_removed"}));
}

TEST_P(EventsTest, AFailedWriteAppendsNothing) {
  make_user("ada");
  auto dup = store_->create(tenant_, ResourceKind::user, user_doc("ADA"), {});
  ASSERT_FALSE(dup.ok());
  auto rejected = store_->update(tenant_, ResourceKind::user, "nope", std::nullopt, {},
                                 [](const Resource& r) -> Result<Change> {
                                   return Change{r.doc, {}};
                                 });
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(last(), 1);
  EXPECT_EQ(events_after(0).size(), 1u);
}

TEST_P(EventsTest, SequencesArePerTenantAndGapless) {
  auto other = store_->create_tenant("globex");
  ASSERT_TRUE(other.ok());
  for (int i = 0; i < 5; ++i) make_user("u" + std::to_string(i));
  make_user("x", other->id);
  EXPECT_EQ(last(), 5);
  EXPECT_EQ(*store_->last_event_seq(other->id), 1);
  const auto events = events_after(0);
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].at("seq"), static_cast<std::int64_t>(i + 1));
  }
  const auto page = store_->list_events(tenant_, 2, 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].seq, 3);
}

// Concurrent writes share transactions on PostgreSQL (group commit), and their events one
// statement per tenant: each tenant's numbers stay gapless, each event keeps its own write's
// time and object.
TEST_P(EventsTest, ConcurrentWritesOfTwoTenantsNumberTheirEventsWithoutGaps) {
  auto other = store_->create_tenant("globex");
  ASSERT_TRUE(other.ok());
  const TenantId tenants[] = {tenant_, other->id};
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 25; ++i) {
        const std::string name = "w" + std::to_string(w) + "u" + std::to_string(i);
        auto made = store_->create(tenants[(w + i) % 2], ResourceKind::user, user_doc(name), {});
        EXPECT_TRUE(made.ok()) << made.error().detail;
      }
    });
  }
  for (std::thread& t : writers) t.join();
  for (const TenantId tenant : tenants) {
    const auto events = events_after(0, tenant);
    ASSERT_EQ(events.size(), 100u);
    for (std::size_t i = 0; i < events.size(); ++i) {
      const json::object& e = events[i];
      EXPECT_EQ(e.at("seq"), static_cast<std::int64_t>(i + 1));
      EXPECT_EQ(e.at("tenant"), tenant == tenant_ ? "acme" : "globex");
      const json::object& user = e.at("data").at("resource").as_object();
      auto stored = store_->get(tenant, ResourceKind::user, std::string(user.at("id").as_string()), {});
      ASSERT_TRUE(stored.ok());
      EXPECT_EQ(e.at("time"), json::value(stored->created));
      EXPECT_EQ(user.at("userName"), stored->doc.at("userName"));
    }
  }
}

TEST_P(EventsTest, WritesWakeTheEventSignal) {
  const auto seen = store_->event_signal().generation();
  make_user("ada");
  EXPECT_NE(store_->event_signal().generation(), seen);
}

TEST_P(EventsTest, RolesFollowMembershipOfMappedGroups) {
  map_roles({json::object{{"group", "Admins"}, {"role", "admin"}},
             json::object{{"group", "ext-42"}, {"role", "billing"}}});
  const std::string ada = make_user("ada");
  const std::string bob = make_user("bob");
  const std::string admins = make_group("Admins", {{ada, "", ""}});
  EXPECT_EQ(roles_of(ada), (std::vector<std::string>{"admin"}));
  EXPECT_TRUE(roles_of(bob).empty());
  auto events = events_after(0);
  EXPECT_EQ(events.back().at("type"), "user.roles_changed");
  EXPECT_EQ(events.back().at("data").at("changes").at(0).at("new"), json::array{"admin"});

  // A group matched by externalId, whatever its name.
  auto billing = store_->create(tenant_, ResourceKind::group,
                                json::object{{"displayName", "Finance"}, {"externalId", "ext-42"}},
                                {{ada, "", ""}, {bob, "", ""}});
  ASSERT_TRUE(billing.ok());
  EXPECT_EQ(roles_of(ada), (std::vector<std::string>{"admin", "billing"}));
  EXPECT_EQ(roles_of(bob), (std::vector<std::string>{"billing"}));

  // Leaving a group, renaming a group, deleting a group: roles follow.
  scim::MemberOp remove{scim::MemberOp::Kind::remove, {{bob, "", ""}}};
  ASSERT_TRUE(patch(ResourceKind::group, billing->id, [](json::object&) {}, {remove}).ok());
  EXPECT_TRUE(roles_of(bob).empty());
  ASSERT_TRUE(
      patch(ResourceKind::group, admins, [](json::object& d) { d["displayName"] = "Ops"; }).ok());
  EXPECT_EQ(roles_of(ada), (std::vector<std::string>{"billing"}));
  ASSERT_TRUE(store_->remove(tenant_, ResourceKind::group, billing->id, std::nullopt).ok());
  EXPECT_TRUE(roles_of(ada).empty());
  EXPECT_EQ(types_after(last() - 2),
            (std::vector<std::string>{"group.deleted", "user.roles_changed"}));
}

TEST_P(EventsTest, ChangingTheMappingRecomputesEveryone) {
  const std::string ada = make_user("ada");
  make_group("Sales", {{ada, "", ""}});
  EXPECT_TRUE(roles_of(ada).empty());
  map_roles({json::object{{"group", "sales"}, {"role", "seller"}}});  // displayName: any case
  EXPECT_EQ(roles_of(ada), (std::vector<std::string>{"seller"}));
  map_roles({});
  EXPECT_TRUE(roles_of(ada).empty());
  EXPECT_EQ(types_after(last() - 2),
            (std::vector<std::string>{"user.roles_changed", "user.roles_changed"}));
}

TEST_P(EventsTest, ProductUsersAreUnsyncedUntilAdopted) {
  auto pre = store_->create(
      tenant_, ResourceKind::user,
      json::object{
          {"userName", "ada@acme.test"},
          {"emails", json::array{json::object{{"value", "ada@acme.test"}, {"type", "work"}}}}},
      {}, WriteOptions{Source::api, false});
  ASSERT_TRUE(pre.ok());
  EXPECT_FALSE(pre->synced);
  EXPECT_EQ(events_after(0).at(0).at("data").at("source"), "api");

  // Policy "conflict": the identity provider's create is refused.
  auto refused = store_->create(tenant_, ResourceKind::user, user_doc("ADA@acme.test"), {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::uniqueness);

  // The product put its user in a group; the create's result shows what the store kept.
  auto group =
      store_->create(tenant_, ResourceKind::group, json::object{{"displayName", "Ops"}},
                     {{pre->id, "", ""}, {"no-such-id", "", ""}}, WriteOptions{Source::api, false});
  ASSERT_TRUE(group.ok()) << group.error().detail;
  ASSERT_EQ(group->members.size(), 1u);
  EXPECT_EQ(group->members[0].value, pre->id);
  EXPECT_EQ(group->members[0].type, "User");

  // Policy "adopt", matched by work email under another userName.
  json::object from_entra{
      {"userName", "ada.lovelace@acme.test"},
      {"externalId", "entra-1"},
      {"emails", json::array{json::object{{"value", "Ada@acme.test"}, {"type", "work"}}}}};
  const std::int64_t before = last();
  auto adopted =
      store_->create(tenant_, ResourceKind::user, from_entra, {}, WriteOptions{Source::scim, true});
  ASSERT_TRUE(adopted.ok()) << adopted.error().detail;
  EXPECT_EQ(adopted->id, pre->id);
  EXPECT_TRUE(adopted->synced);
  EXPECT_EQ(adopted->doc.at("externalId"), "entra-1");
  ASSERT_EQ(adopted->groups.size(), 1u);  // adopted with its groups, as a read would show
  EXPECT_EQ(adopted->groups[0].value, group->id);
  auto stored = store_->get(tenant_, ResourceKind::user, pre->id, {});
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->synced);
  EXPECT_EQ(stored->doc.at("userName"), "ada.lovelace@acme.test");
  const auto events = events_after(before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("type"), "user.updated");

  // A synced user is never adopted twice: the next create with that userName conflicts.
  auto again = store_->create(tenant_, ResourceKind::user, user_doc("ada.lovelace@acme.test"), {},
                              WriteOptions{Source::scim, true});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::uniqueness);
}

TEST_P(EventsTest, PruneDropsOldEvents) {
  make_user("ada");
  auto pruned = store_->prune_events(SystemClock().now() + std::chrono::hours(1));
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  EXPECT_TRUE(events_after(0).empty());
  EXPECT_EQ(last(), 1);  // the sequence never goes back
  make_user("bob");
  EXPECT_EQ(last(), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventsTest, kBackends);

}  // namespace
}  // namespace scimd::store::testing
