// The shared filter table (tests/scim/filter_cases.h) through the store on every backend: the
// samples are loaded as stored resources (same documents, memberships, created/lastModified
// times) and every filter must select exactly the ids scim::matches() selects.
#include <algorithm>
#include <map>
#include <mutex>
#include <regex>

#include <gtest/gtest.h>

#include "core/text.h"
#include "scim/filter_cases.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_fixture.h"

namespace scimd::store {
namespace {

namespace json = boost::json;
using scim::ResourceKind;
using scim::testing::FilterCase;
using store::testing::TempDir;

class SettableClock final : public Clock {
 public:
  TimePoint now() const override {
    const std::lock_guard lock(mutex_);
    return now_;
  }
  void set(TimePoint t) {
    const std::lock_guard lock(mutex_);
    now_ = t;
  }

 private:
  mutable std::mutex mutex_;
  TimePoint now_{};
};

// Cases a store cannot reproduce: meta.version and meta.location depend on the server, and
// ids are assigned by the store, so a test of an id's spelling (`id sw "u"`) says nothing.
bool reproducible(const FilterCase& c) {
  const std::string f = to_lower(c.filter);
  if (f.find("version") != std::string::npos || f.find("location") != std::string::npos ||
      f.find("$ref") != std::string::npos) {
    return false;
  }
  static const std::regex id_shape(
      R"(((^|[\s(])id|members(\.value)?|groups(\.value)?|(members|groups)\[[^\]]*value)\s+)"
      R"((sw|ew|co|gt|ge|lt|le)\s)");
  return !std::regex_search(f, id_shape);
}

// Whether sample ids in the filter name resources (and so become store ids); the manager's
// value is plain text in the document.
bool names_resources(const FilterCase& c) {
  return to_lower(c.filter).find("manager") == std::string::npos;
}

// The backend's store on a clock the test sets (Store::open has no clock).
Result<std::unique_ptr<Store>> open_with_clock(const std::string& backend, const TempDir& dir,
                                               std::shared_ptr<const Clock> clock) {
  if (backend == "postgres") {
    postgres::PostgresOptions options;
    options.url = testing::store_url(backend, dir);
    options.clock = std::move(clock);
    SCIMD_ASSIGN_OR_RETURN(auto store, postgres::PostgresStore::open(std::move(options)));
    return std::unique_ptr<Store>(std::move(store));
  }
  Options options;
  options.path = (dir.path() / "scimd.db").string();
  options.clock = std::move(clock);
  SCIMD_ASSIGN_OR_RETURN(auto store, sqlite::SqliteStore::open(std::move(options)));
  return std::unique_ptr<Store>(std::move(store));
}

class SharedFilterCases : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!testing::backend_available(GetParam())) {
      GTEST_SKIP() << postgres::PgTestSchema::kSkipReason;
    }
    clock_ = std::make_shared<SettableClock>();
    auto opened = open_with_clock(GetParam(), dir_, clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    store_ = std::move(opened).value();
    tenant_ = store_->create_tenant("acme")->id;
    for (const ResourceKind kind : {ResourceKind::user, ResourceKind::group}) {
      for (const json::object& sample : scim::testing::sample_resources(kind)) {
        load(tenant_, kind, sample);
      }
    }
    // The extra cases' users (u1..u6) in a tenant of their own.
    extra_tenant_ = store_->create_tenant("extra")->id;
    for (const json::object& sample : extra_users())
      load(extra_tenant_, ResourceKind::user, sample);
  }

  static std::vector<json::object> extra_users() {
    std::vector<json::object> users = scim::testing::sample_resources(ResourceKind::user);
    users.push_back(scim::testing::second_work_email_user());
    return users;
  }

  static TimePoint time_of(const json::object& sample, std::string_view field) {
    return *parse_time(sample.at("meta").as_object().at(field).as_string());
  }

  void load(TenantId tenant, ResourceKind kind, const json::object& sample) {
    json::object doc = sample;
    for (const char* server_owned : {"id", "meta", "schemas", "groups", "members"}) {
      doc.erase(server_owned);
    }
    std::vector<scim::MemberRef> members;
    if (const json::value* list = sample.if_contains("members")) {
      for (const json::value& m : list->as_array()) {
        const json::object& o = m.as_object();
        const json::value* display = o.if_contains("display");
        members.push_back({store_ids_.at(std::string(o.at("value").as_string())),
                           display ? std::string(display->as_string()) : "", ""});
      }
    }
    const TimePoint created = time_of(sample, "created");
    const TimePoint modified = time_of(sample, "lastModified");
    clock_->set(created);
    json::object first = doc;
    if (modified != created) first["__pending"] = true;  // changed at lastModified below
    auto r = store_->create(tenant, kind, first, members);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    if (modified != created) {
      clock_->set(modified);
      auto updated = store_->update(tenant, kind, r->id, std::nullopt, {},
                                    [&](const Resource&) -> Result<Change> {
                                      return Change{doc, {}};
                                    });
      ASSERT_TRUE(updated.ok()) << updated.error().detail;
      ASSERT_EQ(updated->last_modified, format_time(modified));
    }
    const std::string sample_id(sample.at("id").as_string());
    if (tenant == tenant_) store_ids_[sample_id] = r->id;
    sample_ids_[r->id] = sample_id;
  }

  // Sample ids quoted in a filter become store ids.
  std::string with_store_ids(std::string text) const {
    for (const auto& [sample_id, store_id] : store_ids_) {
      const std::string quoted = "\"" + sample_id + "\"";
      for (auto pos = text.find(quoted); pos != std::string::npos; pos = text.find(quoted, pos)) {
        text.replace(pos, quoted.size(), "\"" + store_id + "\"");
        pos += store_id.size() + 2;
      }
    }
    return text;
  }

  TempDir dir_;
  std::shared_ptr<SettableClock> clock_;
  std::unique_ptr<Store> store_;
  TenantId tenant_ = 0;
  TenantId extra_tenant_ = 0;
  std::map<std::string, std::string> store_ids_;
  std::map<std::string, std::string> sample_ids_;
};

TEST_P(SharedFilterCases, SqlAgreesWithTheTable) {
  int run = 0;
  for (const FilterCase& c : scim::testing::filter_cases()) {
    if (!reproducible(c)) continue;
    ++run;
    auto filter = scim::parse_filter(names_resources(c) ? with_store_ids(c.filter) : c.filter);
    ASSERT_TRUE(filter.ok()) << c.filter << ": " << filter.error().detail;
    ListQuery query;
    query.count = 1000;
    query.filter = &*filter;
    auto page = store_->list(tenant_, c.kind, query);
    ASSERT_TRUE(page.ok()) << c.filter << ": " << page.error().detail;
    std::vector<std::string> actual;
    for (const Resource& r : page->items) actual.push_back(sample_ids_.at(r.id));
    EXPECT_EQ(actual, c.expected_ids) << c.filter;
    EXPECT_EQ(page->total, static_cast<std::int64_t>(c.expected_ids.size())) << c.filter;
  }
  EXPECT_GT(run, 100);
}

// Users with several emails: every email is found, by index (sqlite_store_test.cpp checks the
// plans), and SQL, matches() and the table agree.
TEST_P(SharedFilterCases, ExtraEmailCasesAgreeWithMatchesAndTheTable) {
  const std::vector<json::object> users = extra_users();
  for (const FilterCase& c : scim::testing::extra_user_cases()) {
    auto filter = scim::parse_filter(c.filter);
    ASSERT_TRUE(filter.ok()) << c.filter << ": " << filter.error().detail;
    ASSERT_TRUE(scim::validate_filter(c.kind, *filter).ok()) << c.filter;
    std::vector<std::string> by_matches;
    for (const json::object& user : users) {
      if (scim::matches(c.kind, *filter, user)) by_matches.emplace_back(user.at("id").as_string());
    }
    EXPECT_EQ(by_matches, c.expected_ids) << "matches(): " << c.filter;

    ListQuery query;
    query.count = 1000;
    query.filter = &*filter;
    auto page = store_->list(extra_tenant_, c.kind, query);
    ASSERT_TRUE(page.ok()) << c.filter << ": " << page.error().detail;
    std::vector<std::string> actual;
    for (const Resource& r : page->items) actual.push_back(sample_ids_.at(r.id));
    EXPECT_EQ(actual, c.expected_ids) << "SQL: " << c.filter;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SharedFilterCases, testing::kBackends);

}  // namespace
}  // namespace scimd::store
