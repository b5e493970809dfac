// The store contract, through the Store interface only, for every backend.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/sql/sql_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_fixture.h"

namespace scimd::store::testing {
namespace {

namespace json = boost::json;
using scim::MemberOp;
using scim::MemberRef;
using scim::ResourceKind;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using namespace std::chrono_literals;

std::vector<std::string> member_ids(const Resource& r) {
  std::vector<std::string> ids;
  for (const auto& m : r.members) ids.push_back(m.value);
  return ids;
}

std::vector<std::string> ids_of(const ListPage& page) {
  std::vector<std::string> ids;
  for (const auto& r : page.items) ids.push_back(r.id);
  return ids;
}

// A mutation that sets one attribute and applies member ops.
Mutation set_attr(std::string key, json::value value, std::vector<MemberOp> ops = {}) {
  return [key, value, ops](const Resource& current) -> Result<Change> {
    Change change{current.doc, ops};
    change.doc[key] = value;
    return change;
  };
}

Mutation member_ops(std::vector<MemberOp> ops) {
  return [ops](const Resource& current) -> Result<Change> { return Change{current.doc, ops}; };
}

// ListQuery without designated initializers (-Wmissing-field-initializers).
ListQuery query(std::int64_t start_index = 1, std::int64_t count = 100) {
  ListQuery q;
  q.start_index = start_index;
  q.count = count;
  return q;
}
ListQuery sorted(scim::AttrPath by, SortOrder order = SortOrder::ascending,
                 std::int64_t count = 100) {
  ListQuery q = query(1, count);
  q.sort_by = std::move(by);
  q.sort_order = order;
  return q;
}
ListQuery filtered(const scim::Filter& filter) {
  ListQuery q;
  q.filter = &filter;
  return q;
}

class StoreContract : public StoreTest {};

// --- tenants -------------------------------------------------------------------------------

TEST_P(StoreContract, TenantsCreateFindListDelete) {
  auto beta = store_->create_tenant("beta-2.x_y");
  ASSERT_TRUE(beta.ok()) << beta.error().detail;
  EXPECT_NE(beta->id, tenant_);
  EXPECT_FALSE(beta->created.empty());

  auto found = store_->find_tenant("beta-2.x_y");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, beta->id);
  EXPECT_EQ(store_->find_tenant("nope").error().code, Errc::not_found);

  auto all = store_->list_tenants();
  ASSERT_TRUE(all.ok());
  std::vector<std::string> names;
  for (const auto& t : *all) names.push_back(t.name);
  EXPECT_THAT(names, UnorderedElementsAre("acme", "beta-2.x_y"));

  ASSERT_TRUE(store_->delete_tenant("beta-2.x_y").ok());
  EXPECT_EQ(store_->find_tenant("beta-2.x_y").error().code, Errc::not_found);
  EXPECT_EQ(store_->delete_tenant("beta-2.x_y").error().code, Errc::not_found);
}

TEST_P(StoreContract, TenantNamesAreValidatedAndUnique) {
  for (const char* bad : {"", "Acme", "-acme", ".acme", "_acme", "ac me", "ac/me", "acmé"}) {
    auto r = store_->create_tenant(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid_value) << bad;
  }
  EXPECT_TRUE(store_->create_tenant(std::string(63, 'a')).ok());
  EXPECT_EQ(store_->create_tenant(std::string(64, 'b')).error().code, Errc::invalid_value);
  auto dup = store_->create_tenant("acme");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::uniqueness);
}

TEST_P(StoreContract, TenantSettingsAreReplacedAndReturnedEverywhere) {
  auto fresh = store_->find_tenant("acme");
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh->settings.empty());

  const json::object settings{{"requiredAttributes", json::array{"emails"}},
                              {"nested", json::object{{"n", 3}, {"ok", true}}}};
  ASSERT_TRUE(store_->set_tenant_settings(tenant_, settings).ok());
  ASSERT_TRUE(store_->add_token(tenant_, "cc33").ok());

  auto found = store_->find_tenant("acme");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->settings, settings);
  auto listed = store_->list_tenants();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().settings, settings);
  auto owner = store_->find_token_owner("cc33", std::chrono::system_clock::now());
  ASSERT_TRUE(owner.ok());
  ASSERT_TRUE(owner->has_value());
  EXPECT_EQ((*owner)->settings, settings);

  // Replaced, not merged.
  const json::object replacement{{"other", "x"}};
  ASSERT_TRUE(store_->set_tenant_settings(tenant_, replacement).ok());
  EXPECT_EQ(store_->find_tenant("acme")->settings, replacement);
  // Setting the same value again is still a success.
  EXPECT_TRUE(store_->set_tenant_settings(tenant_, replacement).ok());

  // Other tenants keep their own (empty) settings.
  auto beta = store_->create_tenant("beta");
  ASSERT_TRUE(beta.ok());
  EXPECT_TRUE(beta->settings.empty());
  EXPECT_TRUE(store_->find_tenant("beta")->settings.empty());

  EXPECT_EQ(store_->set_tenant_settings(987654, settings).error().code, Errc::not_found);
}

TEST_P(StoreContract, DeletingATenantDeletesEverythingInIt) {
  auto other = store_->create_tenant("other");
  ASSERT_TRUE(other.ok());
  const std::string user = make_user("alice");
  const std::string group = make_group("team", {{user, "", ""}});
  ASSERT_TRUE(store_->add_token(tenant_, "aa11").ok());
  const std::string kept = make_user("alice", other->id);

  ASSERT_TRUE(store_->delete_tenant("acme").ok());
  const TimePoint now = std::chrono::system_clock::now();
  EXPECT_FALSE(store_->find_token_owner("aa11", now)->has_value());
  EXPECT_EQ(store_->get(tenant_, ResourceKind::user, user, {}).error().code, Errc::not_found);
  EXPECT_EQ(store_->get(tenant_, ResourceKind::group, group, {}).error().code, Errc::not_found);
  EXPECT_TRUE(store_->get(other->id, ResourceKind::user, kept, {}).ok());

  // The name is free again and the new tenant starts empty.
  auto again = store_->create_tenant("acme");
  ASSERT_TRUE(again.ok());
  auto page = store_->list(again->id, ResourceKind::user, {});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 0);
}

// Writes find a missing tenant through the foreign key, not a lookup before each write.
TEST_P(StoreContract, WritesIntoADeletedTenantAreNotFound) {
  auto gone = store_->create_tenant("gone");
  ASSERT_TRUE(gone.ok());
  const TenantId id = gone->id;
  ASSERT_TRUE(store_->delete_tenant("gone").ok());

  auto user = store_->create(id, ResourceKind::user, user_doc("alice"), {});
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().code, Errc::not_found) << user.error().detail;
  auto group = store_->create(id, ResourceKind::group, group_doc("team"), {});
  ASSERT_FALSE(group.ok());
  EXPECT_EQ(group.error().code, Errc::not_found) << group.error().detail;
  std::vector<sql::SqlStore::NewResource> batch(2);
  batch[0].doc = user_doc("bob");
  batch[1].doc = user_doc("carol");
  auto many = dynamic_cast<sql::SqlStore&>(*store_).create_batch(id, ResourceKind::user,
                                                                 std::move(batch));
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().code, Errc::not_found) << many.error().detail;
  WriteOptions adopt;
  adopt.adopt_unsynced = true;
  auto adopted = store_->create(id, ResourceKind::user, user_doc("dave"), {}, adopt);
  ASSERT_FALSE(adopted.ok());
  EXPECT_EQ(adopted.error().code, Errc::not_found) << adopted.error().detail;

  // The store goes on serving the tenants that exist.
  EXPECT_FALSE(make_user("alice").empty());
}

// --- tokens --------------------------------------------------------------------------------

TEST_P(StoreContract, TokensFindTheirTenantUntilExpired) {
  auto other = store_->create_tenant("other");
  ASSERT_TRUE(other.ok());
  const TimePoint now = std::chrono::system_clock::now();
  ASSERT_TRUE(store_->add_token(tenant_, "hash-a").ok());
  ASSERT_TRUE(store_->add_token(other->id, "hash-b").ok());
  EXPECT_EQ(store_->add_token(tenant_, "hash-a").error().code, Errc::uniqueness);
  EXPECT_EQ(store_->add_token(999999, "hash-z").error().code, Errc::not_found);

  auto owner_a = store_->find_token_owner("hash-a", now);
  ASSERT_TRUE(owner_a.ok() && owner_a->has_value());
  EXPECT_EQ((*owner_a)->name, "acme");
  auto owner_b = store_->find_token_owner("hash-b", now);
  ASSERT_TRUE(owner_b.ok() && owner_b->has_value());
  EXPECT_EQ((*owner_b)->id, other->id);
  EXPECT_FALSE(store_->find_token_owner("hash-c", now)->has_value());

  // Rotation: the old token stays valid for the grace period, then stops.
  ASSERT_TRUE(store_->expire_tokens(tenant_, now + 1h).ok());
  ASSERT_TRUE(store_->add_token(tenant_, "hash-a2").ok());
  EXPECT_TRUE(store_->find_token_owner("hash-a", now + 59min)->has_value());
  EXPECT_FALSE(store_->find_token_owner("hash-a", now + 1h)->has_value());
  EXPECT_TRUE(store_->find_token_owner("hash-a2", now + 2h)->has_value());
  // The other tenant's token is untouched.
  EXPECT_TRUE(store_->find_token_owner("hash-b", now + 2h)->has_value());

  // A later expiry never extends an earlier one; revocation (now) ends both.
  ASSERT_TRUE(store_->expire_tokens(tenant_, now + 5h).ok());
  EXPECT_FALSE(store_->find_token_owner("hash-a", now + 2h)->has_value());
  ASSERT_TRUE(store_->expire_tokens(tenant_, now).ok());
  EXPECT_FALSE(store_->find_token_owner("hash-a2", now)->has_value());
  EXPECT_TRUE(store_->find_token_owner("hash-b", now)->has_value());

  auto tokens = store_->list_tokens(tenant_);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 2u);
  for (const auto& t : *tokens) {
    EXPECT_EQ(t.tenant_id, tenant_);
    ASSERT_TRUE(t.expires_at.has_value());
    EXPECT_EQ(*t.expires_at, format_time(now));
  }
  EXPECT_EQ(store_->expire_tokens(999999, now).error().code, Errc::not_found);
}

// --- users ---------------------------------------------------------------------------------

TEST_P(StoreContract, UserCrud) {
  json::object doc = user_doc("Alice@Example.com");
  doc["name"] = json::object{{"givenName", "Alice"}};
  auto created = store_->create(tenant_, ResourceKind::user, doc, {});
  ASSERT_TRUE(created.ok()) << created.error().detail;
  EXPECT_EQ(created->id.size(), 36u);
  EXPECT_EQ(created->version, 1);
  EXPECT_EQ(created->created, created->last_modified);
  EXPECT_EQ(created->doc, doc);

  auto got = store_->get(tenant_, ResourceKind::user, created->id, {});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->doc, doc);
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->created, created->created);

  auto updated = store_->update(tenant_, ResourceKind::user, created->id, std::nullopt, {},
                                set_attr("title", "CEO"));
  ASSERT_TRUE(updated.ok()) << updated.error().detail;
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->doc.at("title"), "CEO");
  EXPECT_GE(updated->last_modified, created->last_modified);
  EXPECT_EQ(store_->get(tenant_, ResourceKind::user, created->id, {})->doc.at("title"), "CEO");

  ASSERT_TRUE(store_->remove(tenant_, ResourceKind::user, created->id, std::nullopt).ok());
  EXPECT_EQ(store_->get(tenant_, ResourceKind::user, created->id, {}).error().code,
            Errc::not_found);
  EXPECT_EQ(store_->remove(tenant_, ResourceKind::user, created->id, std::nullopt).error().code,
            Errc::not_found);
  EXPECT_EQ(store_
                ->update(tenant_, ResourceKind::user, created->id, std::nullopt, {},
                         set_attr("title", "x"))
                .error()
                .code,
            Errc::not_found);
}

TEST_P(StoreContract, UserNameIsUniquePerTenantCaseInsensitively) {
  const std::string bob = make_user("bob@example.com");
  auto dup = store_->create(tenant_, ResourceKind::user, user_doc("BOB@Example.COM"), {});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::uniqueness);
  EXPECT_THAT(dup.error().detail, ::testing::HasSubstr("userName"));
  EXPECT_THAT(dup.error().detail, ::testing::HasSubstr("BOB@Example.COM"));

  // Renaming another user onto the name collides too; renaming bob onto his own name in
  // another case is fine.
  const std::string carol = make_user("carol");
  auto rename = store_->update(tenant_, ResourceKind::user, carol, std::nullopt, {},
                               set_attr("userName", "Bob@example.com"));
  ASSERT_FALSE(rename.ok());
  EXPECT_EQ(rename.error().code, Errc::uniqueness);
  EXPECT_THAT(rename.error().detail, ::testing::HasSubstr("userName 'Bob@example.com'"));
  auto carol_now = store_->get(tenant_, ResourceKind::user, carol, {});
  ASSERT_TRUE(carol_now.ok());
  EXPECT_EQ(carol_now->doc.at("userName"), "carol");
  EXPECT_EQ(carol_now->version, 1);
  auto recase = store_->update(tenant_, ResourceKind::user, bob, std::nullopt, {},
                               set_attr("userName", "Bob@Example.com"));
  EXPECT_TRUE(recase.ok()) << recase.error().detail;

  // Group displayNames are unique the same way.
  make_group("Sales");
  auto dup_group = store_->create(tenant_, ResourceKind::group, group_doc("sales"), {});
  ASSERT_FALSE(dup_group.ok());
  EXPECT_EQ(dup_group.error().code, Errc::uniqueness);
  EXPECT_THAT(dup_group.error().detail, ::testing::HasSubstr("displayName"));
}

TEST_P(StoreContract, TenantsAreIsolated) {
  auto other = store_->create_tenant("other");
  ASSERT_TRUE(other.ok());
  const std::string mine = make_user("same@example.com");
  const std::string theirs = make_user("same@example.com", other->id);  // same name is fine
  ASSERT_FALSE(theirs.empty());

  EXPECT_EQ(store_->get(other->id, ResourceKind::user, mine, {}).error().code, Errc::not_found);
  EXPECT_EQ(
      store_->update(other->id, ResourceKind::user, mine, std::nullopt, {}, set_attr("title", "x"))
          .error()
          .code,
      Errc::not_found);
  EXPECT_EQ(store_->remove(other->id, ResourceKind::user, mine, std::nullopt).error().code,
            Errc::not_found);
  auto listed = store_->list(other->id, ResourceKind::user, {});
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(ids_of(*listed), ElementsAre(theirs));
  EXPECT_TRUE(store_->get(tenant_, ResourceKind::user, mine, {}).ok());

  // A group in one tenant cannot hold a user of another: the id names nothing there.
  auto group = store_->create(other->id, ResourceKind::group, group_doc("g"), {{mine, "", ""}});
  ASSERT_TRUE(group.ok());
  EXPECT_TRUE(group->members.empty());
}

TEST_P(StoreContract, IfMatchAndVersionBumpOnlyOnChange) {
  const std::string id = make_user("dave");
  auto same = store_->update(tenant_, ResourceKind::user, id, 1, {},
                             [](const Resource& r) -> Result<Change> {
                               return Change{r.doc, {}};
                             });
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->version, 1);  // nothing changed

  auto stale = store_->update(tenant_, ResourceKind::user, id, 7, {}, set_attr("title", "x"));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, Errc::precondition_failed);

  auto changed = store_->update(tenant_, ResourceKind::user, id, 1, {}, set_attr("title", "x"));
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->version, 2);
  auto again = store_->update(tenant_, ResourceKind::user, id, 2, {}, set_attr("title", "x"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, 2);  // same value: no change

  EXPECT_EQ(store_->remove(tenant_, ResourceKind::user, id, 1).error().code,
            Errc::precondition_failed);
  EXPECT_TRUE(store_->remove(tenant_, ResourceKind::user, id, 2).ok());
}

TEST_P(StoreContract, FailedMutationChangesNothing) {
  const std::string id = make_user("erin");
  auto failed = store_->update(
      tenant_, ResourceKind::user, id, std::nullopt, {},
      [](const Resource&) -> Result<Change> { return make_error(Errc::invalid_value, "no"); });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, Errc::invalid_value);
  auto got = store_->get(tenant_, ResourceKind::user, id, {});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->doc, user_doc("erin"));
}

// --- groups and members --------------------------------------------------------------------

TEST_P(StoreContract, GroupMembersKeepInsertionOrderAndDropUnknownIds) {
  const std::string u1 = make_user("u1");
  const std::string u2 = make_user("u2");
  const std::string inner = make_group("inner");
  auto group =
      store_->create(tenant_, ResourceKind::group, group_doc("outer"),
                     {{u2, "User Two", ""}, {"no-such-id", "", ""}, {inner, "", ""}, {u1, "", ""}});
  ASSERT_TRUE(group.ok()) << group.error().detail;
  EXPECT_THAT(member_ids(*group), ElementsAre(u2, inner, u1));

  auto got = store_->get(tenant_, ResourceKind::group, group->id, Fetch{true, false});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->members.size(), 3u);
  EXPECT_EQ(got->members[0], (MemberRef{u2, "User Two", "User"}));
  EXPECT_EQ(got->members[1].type, "Group");
  EXPECT_EQ(got->members[2], (MemberRef{u1, "", "User"}));
  // Without Fetch::members no member rows are loaded.
  EXPECT_TRUE(store_->get(tenant_, ResourceKind::group, group->id, {})->members.empty());

  // A group cannot contain itself.
  auto self =
      store_->update(tenant_, ResourceKind::group, group->id, std::nullopt, Fetch{true, false},
                     member_ops({{MemberOp::Kind::add, {{group->id, "", ""}}}}));
  ASSERT_TRUE(self.ok());
  EXPECT_THAT(member_ids(*self), ElementsAre(u2, inner, u1));
  EXPECT_EQ(self->version, 1);
}

// Adds go in a statement per 1,000 ids: order, repeats and displays hold across them.
TEST_P(StoreContract, LargeAddsKeepTheirOrderAndCountRepeatsOnce) {
  std::vector<sql::SqlStore::NewResource> users;
  for (int i = 0; i < 2500; ++i) users.push_back({user_doc("m" + std::to_string(i)), {}});
  auto ids = dynamic_cast<sql::SqlStore&>(*store_).create_batch(tenant_, ResourceKind::user,
                                                                std::move(users));
  ASSERT_TRUE(ids.ok()) << ids.error().detail;
  std::vector<MemberRef> wanted;
  std::vector<std::string> expected;
  for (auto it = ids->rbegin(); it != ids->rend(); ++it) {
    wanted.push_back({*it, "", ""});
    expected.push_back(*it);
  }
  wanted.push_back({expected[1500], "Late name", ""});  // a repeat: no new row, its display
  wanted.push_back({"ghost", "", ""});
  const std::string g = make_group("big");
  const std::int64_t before = *store_->last_event_seq(tenant_);
  auto added = store_->update(tenant_, ResourceKind::group, g, std::nullopt, Fetch{true, false},
                              member_ops({{MemberOp::Kind::add, wanted}}));
  ASSERT_TRUE(added.ok()) << added.error().detail;
  EXPECT_EQ(member_ids(*added), expected);
  EXPECT_EQ(added->members[1500].display, "Late name");
  EXPECT_EQ(added->members[0].type, "User");
  auto events = store_->list_events(tenant_, before, 10000);
  ASSERT_TRUE(events.ok());
  std::size_t user_added = 0;
  for (const Event& e : *events) user_added += e.type == "group.user_added" ? 1 : 0;
  EXPECT_EQ(user_added, 2500u);
}

TEST_P(StoreContract, MemberOpsApplyInOrder) {
  const std::string a = make_user("a");
  const std::string b = make_user("b");
  const std::string c = make_user("c");
  const std::string g = make_group("g", {{a, "", ""}, {b, "", ""}});
  const Fetch members{true, false};

  // Okta: remove X then add X in one PATCH leaves X a member (at the end now).
  auto r1 = store_->update(
      tenant_, ResourceKind::group, g, std::nullopt, members,
      member_ops({{MemberOp::Kind::remove, {{a, "", ""}}}, {MemberOp::Kind::add, {{a, "A", ""}}}}));
  ASSERT_TRUE(r1.ok()) << r1.error().detail;
  EXPECT_THAT(member_ids(*r1), ElementsAre(b, a));
  EXPECT_EQ(r1->version, 2);

  // add of an existing member keeps its place; a new display is taken.
  auto r2 = store_->update(tenant_, ResourceKind::group, g, std::nullopt, members,
                           member_ops({{MemberOp::Kind::add, {{b, "Bee", ""}, {c, "", ""}}}}));
  ASSERT_TRUE(r2.ok());
  EXPECT_THAT(member_ids(*r2), ElementsAre(b, a, c));
  EXPECT_EQ(r2->members[0].display, "Bee");
  EXPECT_EQ(r2->version, 3);

  // Adding what is there already, removing what is absent: no change, no new version.
  auto r3 = store_->update(tenant_, ResourceKind::group, g, std::nullopt, members,
                           member_ops({{MemberOp::Kind::add, {{b, "", ""}}},
                                       {MemberOp::Kind::remove, {{"absent", "", ""}}}}));
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(r3->version, 3);
  EXPECT_EQ(r3->members[0].display, "Bee");

  // replace_all keeps the survivors' order and appends the new ones.
  auto r4 = store_->update(
      tenant_, ResourceKind::group, g, std::nullopt, members,
      member_ops({{MemberOp::Kind::replace_all, {{c, "", ""}, {b, "", ""}, {"ghost", "", ""}}}}));
  ASSERT_TRUE(r4.ok());
  EXPECT_THAT(member_ids(*r4), ElementsAre(b, c));
  EXPECT_EQ(r4->version, 4);

  // remove_all then add: exactly the added.
  auto r5 = store_->update(
      tenant_, ResourceKind::group, g, std::nullopt, members,
      member_ops({{MemberOp::Kind::remove_all, {}}, {MemberOp::Kind::add, {{a, "", ""}}}}));
  ASSERT_TRUE(r5.ok());
  EXPECT_THAT(member_ids(*r5), ElementsAre(a));

  // The mutation sees the members it asked for.
  std::vector<std::string> seen;
  auto r6 = store_->update(tenant_, ResourceKind::group, g, std::nullopt, members,
                           [&](const Resource& current) -> Result<Change> {
                             seen = member_ids(current);
                             return Change{current.doc, {}};
                           });
  ASSERT_TRUE(r6.ok());
  EXPECT_THAT(seen, ElementsAre(a));
}

TEST_P(StoreContract, DeletingAUserOrGroupRemovesItsMemberships) {
  const std::string a = make_user("a");
  const std::string b = make_user("b");
  const std::string child = make_group("child", {{a, "", ""}});
  const std::string parent = make_group("parent", {{a, "", ""}, {b, "", ""}, {child, "", ""}});

  ASSERT_TRUE(store_->remove(tenant_, ResourceKind::user, a, std::nullopt).ok());
  auto p = store_->get(tenant_, ResourceKind::group, parent, Fetch{true, false});
  ASSERT_TRUE(p.ok());
  EXPECT_THAT(member_ids(*p), ElementsAre(b, child));
  EXPECT_EQ(p->version, 2);  // losing a member is a change of the group
  EXPECT_TRUE(
      store_->get(tenant_, ResourceKind::group, child, Fetch{true, false})->members.empty());

  ASSERT_TRUE(store_->remove(tenant_, ResourceKind::group, child, std::nullopt).ok());
  EXPECT_THAT(member_ids(*store_->get(tenant_, ResourceKind::group, parent, Fetch{true, false})),
              ElementsAre(b));
  // A new user reusing nothing is not a member of anything.
  EXPECT_TRUE(store_->get(tenant_, ResourceKind::user, b, Fetch{false, true}).ok());
}

TEST_P(StoreContract, FetchGroupsListsDirectGroups) {
  const std::string a = make_user("a");
  const std::string g1 = make_group("Engineering", {{a, "", ""}});
  const std::string g2 = make_group("All");
  make_group("Outer", {{g2, "", ""}});  // nested: not direct for a
  ASSERT_TRUE(store_
                  ->update(tenant_, ResourceKind::group, g2, std::nullopt, {},
                           member_ops({{MemberOp::Kind::add, {{a, "", ""}}}}))
                  .ok());
  auto user = store_->get(tenant_, ResourceKind::user, a, Fetch{false, true});
  ASSERT_TRUE(user.ok());
  ASSERT_EQ(user->groups.size(), 2u);
  EXPECT_EQ(user->groups[0].value, g1);
  EXPECT_EQ(user->groups[0].display, "Engineering");
  EXPECT_EQ(user->groups[1].value, g2);
  EXPECT_EQ(user->groups[1].display, "All");
  EXPECT_TRUE(store_->get(tenant_, ResourceKind::user, a, {})->groups.empty());

  auto page = store_->list(tenant_, ResourceKind::user, [] {
    ListQuery q;
    q.fetch = Fetch{false, true};
    return q;
  }());
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].groups.size(), 2u);
}

// --- lists ---------------------------------------------------------------------------------

// Lists read each resource's side rows in the same statement (as JSON on the way): every item
// carries its own, in insertion order, with any text intact, whichever paging reads them.
TEST_P(StoreContract, ListedResourcesCarryTheirOwnSideRowsInOrder) {
  const std::string a = make_user("a");
  const std::string b = make_user("b");
  const std::string c = make_user("c");
  const std::string odd = "Eng \"R&D\" \\ O'Brien \u00e9\u6f22";  // quotes, backslash, UTF-8
  const std::string g1 = make_group(odd, {{b, odd, ""}, {a, "", ""}});
  const std::string g2 = make_group("All", {{a, "A", ""}, {g1, "", ""}});
  auto groups_of = [](const Resource& r) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& g : r.groups) out.emplace_back(g.value, g.display);
    return out;
  };
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  const std::vector<Pairs> expected_users = {{{g1, odd}, {g2, "All"}}, {{g1, odd}}, {}};

  ListQuery by_index = query(1, 2);
  by_index.fetch = Fetch{false, true};
  auto first = store_->list(tenant_, ResourceKind::user, by_index);
  by_index.start_index = 3;
  auto rest = store_->list(tenant_, ResourceKind::user, by_index);
  ASSERT_TRUE(first.ok() && rest.ok());
  EXPECT_EQ(first->total, 3);
  EXPECT_EQ(rest->total, 3);
  ASSERT_EQ(first->items.size(), 2u);
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(groups_of(first->items[0]), expected_users[0]);
  EXPECT_EQ(groups_of(first->items[1]), expected_users[1]);
  EXPECT_EQ(groups_of(rest->items[0]), expected_users[2]);

  ListQuery by_cursor = query(1, 3);
  by_cursor.fetch = Fetch{false, true};
  by_cursor.cursor = "";
  auto cursor_page = store_->list(tenant_, ResourceKind::user, by_cursor);
  ASSERT_TRUE(cursor_page.ok());
  ASSERT_EQ(cursor_page->items.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(groups_of(cursor_page->items[i]), expected_users[i]);

  ListQuery groups = query();
  groups.fetch = Fetch{true, false};
  auto listed = store_->list(tenant_, ResourceKind::group, groups);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->items.size(), 2u);
  EXPECT_EQ(listed->items[0].doc.at("displayName").as_string(), odd);
  EXPECT_THAT(listed->items[0].members,
              ElementsAre(scim::MemberRef{b, odd, "User"}, scim::MemberRef{a, "", "User"}));
  EXPECT_THAT(listed->items[1].members,
              ElementsAre(scim::MemberRef{a, "A", "User"}, scim::MemberRef{g1, "", "Group"}));
  // Without the fetch nothing is read.
  auto bare = store_->list(tenant_, ResourceKind::group, query());
  ASSERT_TRUE(bare.ok());
  EXPECT_TRUE(bare->items[0].members.empty());
}


TEST_P(StoreContract, ListPagesAreExactAndStable) {
  std::vector<std::string> ids;
  for (int i = 0; i < 23; ++i) ids.push_back(make_user("user" + std::to_string(100 - i)));
  std::vector<std::string> seen;
  for (std::int64_t start = 1; start <= 23; start += 10) {
    auto page = store_->list(tenant_, ResourceKind::user, query(start, 10));
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->total, 23);
    EXPECT_EQ(page->items.size(), start == 21 ? 3u : 10u);
    for (const auto& r : page->items) seen.push_back(r.id);
  }
  EXPECT_EQ(seen, ids);  // creation order, no gaps, no repeats

  auto count_only = store_->list(tenant_, ResourceKind::user, query(1, 0));
  ASSERT_TRUE(count_only.ok());
  EXPECT_EQ(count_only->total, 23);
  EXPECT_TRUE(count_only->items.empty());
  auto beyond = store_->list(tenant_, ResourceKind::user, query(50));
  ASSERT_TRUE(beyond.ok());
  EXPECT_EQ(beyond->total, 23);
  EXPECT_TRUE(beyond->items.empty());
  auto below_one = store_->list(tenant_, ResourceKind::user, query(-3, 2));
  ASSERT_TRUE(below_one.ok());
  EXPECT_THAT(ids_of(*below_one), ElementsAre(ids[0], ids[1]));
}

TEST_P(StoreContract, ListSortsWithMissingValuesLast) {
  auto make = [&](const std::string& name, std::optional<std::string> title) {
    json::object doc = user_doc(name);
    if (title) doc["title"] = *title;
    auto r = store_->create(tenant_, ResourceKind::user, doc, {});
    EXPECT_TRUE(r.ok());
    return r->id;
  };
  const std::string c = make("charlie", "b");
  const std::string a = make("Alpha", std::nullopt);
  const std::string b = make("bravo", "A");
  const std::string d = make("delta", "c");

  ListQuery by_name = sorted(scim::AttrPath{"", "userName", ""});
  EXPECT_THAT(ids_of(*store_->list(tenant_, ResourceKind::user, by_name)), ElementsAre(a, b, c, d));
  by_name.sort_order = SortOrder::descending;
  EXPECT_THAT(ids_of(*store_->list(tenant_, ResourceKind::user, by_name)), ElementsAre(d, c, b, a));

  ListQuery by_title = sorted(scim::AttrPath{"", "title", ""});
  EXPECT_THAT(ids_of(*store_->list(tenant_, ResourceKind::user, by_title)),
              ElementsAre(b, c, d, a));
  by_title.sort_order = SortOrder::descending;
  EXPECT_THAT(ids_of(*store_->list(tenant_, ResourceKind::user, by_title)),
              ElementsAre(d, c, b, a));

  ListQuery by_created = sorted(scim::AttrPath{"", "meta", "created"}, SortOrder::ascending, 2);
  EXPECT_THAT(ids_of(*store_->list(tenant_, ResourceKind::user, by_created)), ElementsAre(c, a));
}

TEST_P(StoreContract, ListByFilterFindsCaseInsensitiveUserName) {
  const std::string id = make_user("Test.User@Okta.local");
  make_user("other@okta.local");
  auto filter = scim::parse_filter(R"(userName eq "test.user@okta.LOCAL")");
  ASSERT_TRUE(filter.ok());
  auto page = store_->list(tenant_, ResourceKind::user, filtered(*filter));
  ASSERT_TRUE(page.ok()) << page.error().detail;
  EXPECT_EQ(page->total, 1);
  EXPECT_THAT(ids_of(*page), ElementsAre(id));

  auto none = scim::parse_filter(R"(userName eq "8c0a2b3e-0000-4000-8000-000000000000")");
  auto empty = store_->list(tenant_, ResourceKind::user, filtered(*none));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->total, 0);
}

TEST_P(StoreContract, EveryEmailIsFoundAndLookupsFollowUpdates) {
  json::object doc = user_doc("mails");
  doc["emails"] = json::array{json::object{{"value", "One@Corp.example"}, {"type", "work"}},
                              json::object{{"value", "two@corp.example"}, {"type", "work"}}};
  auto created = store_->create(tenant_, ResourceKind::user, doc, {});
  ASSERT_TRUE(created.ok());
  make_user("bystander");
  auto find = [&](const std::string& text) {
    auto filter = scim::parse_filter(text);
    EXPECT_TRUE(filter.ok()) << text;
    auto page = store_->list(tenant_, ResourceKind::user, filtered(*filter));
    EXPECT_TRUE(page.ok()) << text;
    return page.ok() ? ids_of(*page) : std::vector<std::string>{"error"};
  };
  const std::string by_second = R"(emails[type eq "work"].value eq "TWO@corp.example")";
  const std::string by_third = R"(emails[type eq "work"].value eq "three@corp.example")";
  EXPECT_THAT(find(by_second), ElementsAre(created->id));
  EXPECT_THAT(find(R"(emails.value eq "one@corp.example")"), ElementsAre(created->id));

  // Replace the second email: the old one is gone, the new one is found.
  json::array emails{json::object{{"value", "One@Corp.example"}, {"type", "work"}},
                     json::object{{"value", "three@corp.example"}, {"type", "work"}}};
  ASSERT_TRUE(
      store_->update(tenant_, ResourceKind::user, created->id, {}, {}, set_attr("emails", emails))
          .ok());
  EXPECT_TRUE(find(by_second).empty());
  EXPECT_THAT(find(by_third), ElementsAre(created->id));

  // Same email, other tenant: isolated.
  auto other = store_->create_tenant("other");
  ASSERT_TRUE(other.ok());
  json::object look_alike = user_doc("mails");
  look_alike["emails"] = emails;
  ASSERT_TRUE(store_->create(other->id, ResourceKind::user, look_alike, {}).ok());
  EXPECT_THAT(find(by_third), ElementsAre(created->id));

  ASSERT_TRUE(store_->remove(tenant_, ResourceKind::user, created->id, {}).ok());
  EXPECT_TRUE(find(by_third).empty());
}

// --- cursor paging (RFC 9865) --------------------------------------------------------------

ListQuery with_cursor(ListQuery q, std::optional<std::string> cursor) {
  q.cursor = std::move(cursor);
  return q;
}

// Creates users named prefix0..prefix{n-1} from several threads (group commit keeps it fast);
// `title_of(i)`, when given, sets a title (nullopt: none). Returns nothing: the store's
// creation order is read back with list().
void make_users(Store& store, TenantId tenant, int n, const std::string& prefix,
                const std::function<std::optional<std::string>(int)>& title_of = {}) {
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < n; i += kThreads) {
        json::object doc = user_doc(prefix + std::to_string(i));
        if (title_of) {
          if (auto title = title_of(i)) doc["title"] = *title;
        }
        auto r = store.create(tenant, ResourceKind::user, doc, {});
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().detail);
      }
    });
  }
  for (auto& th : threads) th.join();
}

// Every id of a query, by index paging (the reference order).
std::vector<std::string> all_ids(Store& store, TenantId tenant, ListQuery q) {
  q.cursor.reset();
  q.start_index = 1;
  q.count = 100000;
  auto page = store.list(tenant, ResourceKind::user, q);
  EXPECT_TRUE(page.ok());
  return page.ok() ? ids_of(*page) : std::vector<std::string>();
}

struct Walk {
  std::vector<std::vector<std::string>> pages;
  std::vector<ListPage> raw;
};

// Follows next cursors from the first page (or back along previous cursors from `start`).
Walk walk(Store& store, TenantId tenant, const ListQuery& q, bool backward = false,
          std::optional<std::string> start = std::string()) {
  Walk out;
  std::optional<std::string> cursor = std::move(start);
  for (int guard = 0; cursor && guard < 1000; ++guard) {
    auto page = store.list(tenant, ResourceKind::user, with_cursor(q, cursor));
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().detail);
    if (!page.ok()) break;
    out.pages.push_back(ids_of(*page));
    cursor = backward ? page->previous_cursor : page->next_cursor;
    out.raw.push_back(std::move(*page));
  }
  return out;
}

std::vector<std::string> flatten(const std::vector<std::vector<std::string>>& pages) {
  std::vector<std::string> all;
  for (const auto& p : pages) all.insert(all.end(), p.begin(), p.end());
  return all;
}

TEST_P(StoreContract, CursorWalksForwardAndBackThroughEveryRowOnce) {
  make_users(*store_, tenant_, 250, "walker");
  const std::vector<std::string> expected = all_ids(*store_, tenant_, query());
  ASSERT_EQ(expected.size(), 250u);

  const Walk forward = walk(*store_, tenant_, query(1, 100));
  ASSERT_EQ(forward.pages.size(), 3u);
  EXPECT_EQ(forward.pages[0].size(), 100u);
  EXPECT_EQ(forward.pages[1].size(), 100u);
  EXPECT_EQ(forward.pages[2].size(), 50u);
  EXPECT_EQ(flatten(forward.pages), expected);
  for (const ListPage& page : forward.raw) EXPECT_EQ(page.total, 250);
  EXPECT_FALSE(forward.raw[0].previous_cursor);
  EXPECT_TRUE(forward.raw[1].previous_cursor);
  EXPECT_TRUE(forward.raw[2].previous_cursor);
  EXPECT_FALSE(forward.raw[2].next_cursor);
  // URL-safe text.
  for (const char c : *forward.raw[0].next_cursor) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;
  }

  // Back from the last page: exactly the earlier pages, the first without a previous cursor.
  const Walk back = walk(*store_, tenant_, query(1, 100), true, forward.raw[2].previous_cursor);
  ASSERT_EQ(back.pages.size(), 2u);
  EXPECT_EQ(back.pages[0], forward.pages[1]);
  EXPECT_EQ(back.pages[1], forward.pages[0]);
  EXPECT_FALSE(back.raw[1].previous_cursor);
  ASSERT_TRUE(back.raw[1].next_cursor);
  // And forward again from a page reached backwards.
  auto again = store_->list(tenant_, ResourceKind::user,
                            with_cursor(query(1, 100), back.raw[1].next_cursor));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ids_of(*again), forward.pages[1]);

  // The page size may change between pages; startIndex is ignored with a cursor.
  auto small = store_->list(tenant_, ResourceKind::user,
                            with_cursor(query(77, 3), forward.raw[0].next_cursor));
  ASSERT_TRUE(small.ok());
  EXPECT_THAT(ids_of(*small), ElementsAre(expected[100], expected[101], expected[102]));
}

TEST_P(StoreContract, CursorFollowsSortOrderFilterAndMissingValues) {
  // Titles with ties and gaps: ties and missing values order by creation.
  make_users(*store_, tenant_, 60, "sorted", [](int i) -> std::optional<std::string> {
    if (i % 7 == 0) return std::nullopt;
    return "T" + std::to_string(i % 5);
  });
  auto filter = scim::parse_filter(R"(userName sw "sorted1" or userName ew "7")");
  ASSERT_TRUE(filter.ok());
  for (const SortOrder order : {SortOrder::ascending, SortOrder::descending}) {
    for (const char* by : {"userName", "title"}) {
      for (const scim::Filter* f : std::vector<const scim::Filter*>{nullptr, &*filter}) {
        ListQuery q = sorted(scim::AttrPath{"", by, ""}, order, 4);
        q.filter = f;
        const std::vector<std::string> expected = all_ids(*store_, tenant_, q);
        ASSERT_FALSE(expected.empty());
        const Walk forward = walk(*store_, tenant_, q);
        EXPECT_EQ(flatten(forward.pages), expected) << by;
        for (const ListPage& page : forward.raw) {
          EXPECT_EQ(page.total, static_cast<std::int64_t>(expected.size()));
        }
        const Walk back = walk(*store_, tenant_, q, true, forward.raw.back().previous_cursor);
        std::vector<std::vector<std::string>> back_pages = back.pages;
        std::reverse(back_pages.begin(), back_pages.end());
        back_pages.push_back(forward.pages.back());
        EXPECT_EQ(flatten(back_pages), expected) << by;
      }
    }
  }
  // userName descending, spelled out.
  ListQuery desc = sorted(scim::AttrPath{"", "userName", ""}, SortOrder::descending, 25);
  const Walk names = walk(*store_, tenant_, desc);
  std::vector<std::string> user_names;
  for (const ListPage& page : names.raw) {
    for (const Resource& r : page.items) user_names.emplace_back(r.doc.at("userName").as_string());
  }
  ASSERT_EQ(user_names.size(), 60u);
  EXPECT_TRUE(std::is_sorted(user_names.rbegin(), user_names.rend()));
}

TEST_P(StoreContract, CursorPagesNeitherRepeatNorSkipRowsThatStayPut) {
  make_users(*store_, tenant_, 40, "stay");
  for (const bool by_name : {false, true}) {
    ListQuery q = by_name ? sorted(scim::AttrPath{"", "userName", ""}, SortOrder::ascending, 10)
                          : query(1, 10);
    const std::vector<std::string> before = all_ids(*store_, tenant_, q);
    std::vector<std::string> seen;
    std::set<std::string> removed;
    auto page = store_->list(tenant_, ResourceKind::user, with_cursor(q, ""));
    ASSERT_TRUE(page.ok());
    int round = 0;
    while (true) {
      for (const auto& id : ids_of(*page)) seen.push_back(id);
      if (!page->next_cursor) break;
      // Between pages: delete a row already seen and one not yet seen, add rows that sort
      // before and after the cursor.
      const std::string seen_victim = seen[seen.size() / 2];
      if (!removed.contains(seen_victim)) {
        ASSERT_TRUE(store_->remove(tenant_, ResourceKind::user, seen_victim, {}).ok());
        removed.insert(seen_victim);
      }
      for (const auto& id : before) {
        if (std::find(seen.begin(), seen.end(), id) == seen.end() && !removed.contains(id)) {
          ASSERT_TRUE(store_->remove(tenant_, ResourceKind::user, id, {}).ok());
          removed.insert(id);
          break;
        }
      }
      make_user("aaa-early" + std::to_string(by_name) + "-" + std::to_string(round));
      make_user("zzz-late" + std::to_string(by_name) + "-" + std::to_string(round));
      ++round;
      page = store_->list(tenant_, ResourceKind::user, with_cursor(q, page->next_cursor));
      ASSERT_TRUE(page.ok()) << page.error().detail;
    }
    const std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << "a row was returned twice";
    for (const auto& id : before) {
      if (!removed.contains(id)) {
        EXPECT_TRUE(unique.contains(id)) << "skipped " << id;
      }
    }
    // Refill for the next round.
    make_users(*store_, tenant_, static_cast<int>(removed.size()),
               std::string("refill") + (by_name ? "n" : "s"));
  }
}

TEST_P(StoreContract, CursorAfterEverythingPastItWasDeletedLeadsBack) {
  make_users(*store_, tenant_, 6, "gone");
  const std::vector<std::string> ids = all_ids(*store_, tenant_, query());
  auto first = store_->list(tenant_, ResourceKind::user, with_cursor(query(1, 3), ""));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->next_cursor);
  for (std::size_t i = 3; i < ids.size(); ++i) {
    ASSERT_TRUE(store_->remove(tenant_, ResourceKind::user, ids[i], {}).ok());
  }
  auto empty =
      store_->list(tenant_, ResourceKind::user, with_cursor(query(1, 3), first->next_cursor));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->items.empty());
  EXPECT_EQ(empty->total, 3);
  EXPECT_FALSE(empty->next_cursor);
  ASSERT_TRUE(empty->previous_cursor);
  auto back =
      store_->list(tenant_, ResourceKind::user, with_cursor(query(1, 3), empty->previous_cursor));
  ASSERT_TRUE(back.ok());
  EXPECT_THAT(ids_of(*back), ElementsAre(ids[0], ids[1], ids[2]));
  EXPECT_FALSE(back->previous_cursor);
}

TEST_P(StoreContract, CursorsFromOtherQueriesOrGarbageAreInvalid) {
  make_users(*store_, tenant_, 5, "check");
  auto filter = scim::parse_filter(R"(userName sw "check")");
  auto other_filter = scim::parse_filter(R"(userName sw "chec")");
  ASSERT_TRUE(filter.ok() && other_filter.ok());
  ListQuery base = sorted(scim::AttrPath{"", "userName", ""}, SortOrder::ascending, 2);
  base.filter = &*filter;
  auto first = store_->list(tenant_, ResourceKind::user, with_cursor(base, ""));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->next_cursor);
  const std::string cursor = *first->next_cursor;
  EXPECT_TRUE(store_->list(tenant_, ResourceKind::user, with_cursor(base, cursor)).ok());

  auto expect_invalid = [&](const ListQuery& q, ResourceKind kind = ResourceKind::user,
                            TenantId tenant = 0) {
    auto r = store_->list(tenant == 0 ? tenant_ : tenant, kind, q);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::invalid_cursor) << r.error().detail;
  };
  ListQuery other = base;
  other.filter = &*other_filter;
  expect_invalid(with_cursor(other, cursor));
  other = base;
  other.filter = nullptr;
  expect_invalid(with_cursor(other, cursor));
  other = base;
  other.sort_order = SortOrder::descending;
  expect_invalid(with_cursor(other, cursor));
  other = base;
  other.sort_by = scim::AttrPath{"", "title", ""};
  expect_invalid(with_cursor(other, cursor));
  other = base;
  other.sort_by.reset();
  expect_invalid(with_cursor(other, cursor));
  // A users cursor on groups (a query both kinds accept).
  make_group("g1");
  auto plain = store_->list(tenant_, ResourceKind::user, with_cursor(query(1, 2), ""));
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE(plain->next_cursor);
  expect_invalid(with_cursor(query(1, 2), plain->next_cursor), ResourceKind::group);
  auto beta = store_->create_tenant("beta");
  ASSERT_TRUE(beta.ok());
  expect_invalid(with_cursor(base, cursor), ResourceKind::user, beta->id);

  for (const std::string& garbage :
       {std::string("!!!"), std::string("abc"), std::string("AAAA"), cursor + "=",
        cursor.substr(0, cursor.size() - 1), cursor.substr(1), std::string(200, 'A'),
        std::string("eyJhIjoxfQ")}) {
    expect_invalid(with_cursor(base, garbage));
  }
  // The count does not take part: count 0 still checks the cursor.
  other = base;
  other.count = 0;
  expect_invalid(with_cursor(other, "not a cursor"));
}

TEST_P(StoreContract, CursorWithCountZeroGivesOnlyTheTotal) {
  make_users(*store_, tenant_, 5, "zero");
  auto first = store_->list(tenant_, ResourceKind::user, with_cursor(query(1, 2), ""));
  ASSERT_TRUE(first.ok());
  for (const std::optional<std::string>& cursor :
       {std::optional<std::string>(""), first->next_cursor}) {
    auto page = store_->list(tenant_, ResourceKind::user, with_cursor(query(1, 0), cursor));
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->total, 5);
    EXPECT_TRUE(page->items.empty());
    EXPECT_FALSE(page->next_cursor);
    EXPECT_FALSE(page->previous_cursor);
  }
  // An empty result has no cursors.
  auto none = scim::parse_filter(R"(userName eq "nobody")");
  ASSERT_TRUE(none.ok());
  ListQuery q = filtered(*none);
  auto empty = store_->list(tenant_, ResourceKind::user, with_cursor(q, ""));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->total, 0);
  EXPECT_FALSE(empty->next_cursor);
  EXPECT_FALSE(empty->previous_cursor);
  // Index paging never returns cursors.
  auto indexed = store_->list(tenant_, ResourceKind::user, query(1, 2));
  ASSERT_TRUE(indexed.ok());
  EXPECT_FALSE(indexed->next_cursor);
}

// --- concurrency ---------------------------------------------------------------------------

TEST_P(StoreContract, ConcurrentCreatesAllLand) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 200;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> created(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = store_->create(tenant_, ResourceKind::user,
                                user_doc("t" + std::to_string(t) + "-" + std::to_string(i)), {});
        if (r.ok()) {
          created[t].push_back(r->id);
        } else {
          ++failures;
        }
        // Reads run beside the writes.
        if (i % 50 == 0) (void)store_->list(tenant_, ResourceKind::user, query(1, 5));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto page = store_->list(tenant_, ResourceKind::user, query(1, 0));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, kThreads * kPerThread);
  std::set<std::string> unique;
  for (const auto& ids : created) unique.insert(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST_P(StoreContract, StoreOpensAgainWithItsData) {
  const std::string id = make_user("persisted");
  store_.reset();
  auto reopened = Store::open(store_url(GetParam(), dir_));
  ASSERT_TRUE(reopened.ok()) << reopened.error().detail;
  auto got = (*reopened)->get(tenant_, ResourceKind::user, id, {});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->doc.at("userName"), "persisted");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, kBackends);

TEST(StoreOpen, RejectsUnknownSchemesAndUnopenablePaths) {
  auto unknown = Store::open("mysql://localhost/db");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, Errc::invalid_value);
  auto unopenable = Store::open("sqlite:/nonexistent-dir/for/sure/scimd.db");
  ASSERT_FALSE(unopenable.ok());
  EXPECT_EQ(unopenable.error().code, Errc::unavailable);
}

TEST(StoreOpen, SqliteUrlOptions) {
  TempDir dir;
  const std::string path = (dir.path() / "scimd.db").string();
  auto opened = Store::open("sqlite:" + path + "?read_connections=7");
  ASSERT_TRUE(opened.ok()) << opened.error().detail;
  auto* sqlite = dynamic_cast<sqlite::SqliteStore*>(opened->get());
  ASSERT_NE(sqlite, nullptr);
  EXPECT_EQ(sqlite->read_connections(), 7);
  EXPECT_TRUE((*opened)->create_tenant("acme").ok());
  opened->reset();
  auto plain = Store::open("sqlite:" + path);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(dynamic_cast<sqlite::SqliteStore*>(plain->get())->read_connections(), 4);
  EXPECT_TRUE((*plain)->find_tenant("acme").ok());  // the same file, options aside

  auto cached = Store::open("sqlite:" + path + "?cache_mib=64&read_connections=2");
  ASSERT_TRUE(cached.ok()) << cached.error().detail;
  cached->reset();

  for (const std::string bad :
       {"?read_connections=0", "?read_connections=65", "?read_connections=x", "?cache_mib=0",
        "?cache_mib=4097", "?cache_mib=8MiB",
        "?read_connections=", "?read_connections", "?read_connections=2&cache=1", "?cache=1",
        "?read_connections=2&", "?read_connections=2 "}) {
    auto r = Store::open("sqlite:" + path + bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid_value) << bad;
  }
}

// scimd's own options in a PostgreSQL URL are checked before anything connects.
TEST(StoreOpen, PostgresUrlOptionsAreChecked) {
  for (const std::string bad : {"?pool_size=0", "?pool_size=257", "?write_batch=0",
                                "?write_batch=1025", "?write_batch=x", "?write_batch="}) {
    auto r = Store::open("postgres://scimd@127.0.0.1:1/scimd" + bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid_value) << bad << ": " << r.error().detail;
  }
}

// The serving threads cover a PostgreSQL pool; SQLite reads wait on nothing.
TEST(StoreOpen, WaitingReadsAreThePostgresPoolSize) {
  EXPECT_EQ(Store::waiting_reads("postgres://scimd@127.0.0.1:1/scimd"), 8);
  EXPECT_EQ(Store::waiting_reads("postgresql://scimd@db/scimd?sslmode=disable&pool_size=24"), 24);
  EXPECT_EQ(Store::waiting_reads("postgres://scimd@db/scimd?pool_size=0"), 0);
  EXPECT_EQ(Store::waiting_reads("sqlite:/tmp/scimd.db?read_connections=16"), 0);
  EXPECT_EQ(Store::waiting_reads("mysql://db"), 0);
}

}  // namespace
}  // namespace scimd::store::testing
