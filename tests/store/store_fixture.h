// A fresh store for each test, named by backend so the contract suite runs against every
// backend: SQLite in a temporary directory, PostgreSQL in a fresh schema of the test cluster
// (SCIMD_TEST_PG_URL; those tests skip without it).
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "store/pg_test_schema.h"
#include "store/store.h"

namespace scimd::store::testing {

// A temporary directory removed with everything in it when the object goes away; for the
// PostgreSQL backend it also holds the test's schema.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "scimd-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

  // A fresh schema on the test cluster, made on first use and dropped with the directory.
  const postgres::PgTestSchema& schema() const {
    if (!schema_) schema_ = std::make_unique<postgres::PgTestSchema>("store");
    return *schema_;
  }

 private:
  std::filesystem::path path_;
  mutable std::unique_ptr<postgres::PgTestSchema> schema_;
};

// Whether a backend can run here (PostgreSQL needs the test cluster).
inline bool backend_available(const std::string& backend) {
  return backend != "postgres" || postgres::PgTestSchema::configured();
}

// The store URL for a backend in a directory.
inline std::string store_url(const std::string& backend, const TempDir& dir) {
  if (backend == "sqlite") return "sqlite:" + (dir.path() / "scimd.db").string();
  if (backend == "postgres") {
    EXPECT_TRUE(dir.schema().ok()) << dir.schema().error();
    return dir.schema().url();
  }
  ADD_FAILURE() << "unknown backend " << backend;
  return {};
}

inline boost::json::object user_doc(const std::string& user_name) {
  return boost::json::object{{"userName", user_name}, {"active", true}};
}

inline boost::json::object group_doc(const std::string& display_name) {
  return boost::json::object{{"displayName", display_name}};
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!backend_available(GetParam())) GTEST_SKIP() << postgres::PgTestSchema::kSkipReason;
    auto opened = Store::open(store_url(GetParam(), dir_));
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    store_ = std::move(opened).value();
    auto tenant = store_->create_tenant("acme");
    ASSERT_TRUE(tenant.ok()) << tenant.error().detail;
    tenant_ = tenant->id;
  }

  // Creates a user and returns its id (fails the test on error).
  std::string make_user(const std::string& user_name, TenantId tenant = 0) {
    auto r = store_->create(tenant == 0 ? tenant_ : tenant, scim::ResourceKind::user,
                            user_doc(user_name), {});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().detail);
    return r.ok() ? r->id : std::string();
  }

  std::string make_group(const std::string& display_name,
                         const std::vector<scim::MemberRef>& members = {}) {
    auto r = store_->create(tenant_, scim::ResourceKind::group, group_doc(display_name), members);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().detail);
    return r.ok() ? r->id : std::string();
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  TenantId tenant_ = 0;
};

inline const auto kBackends = ::testing::Values(std::string("sqlite"), std::string("postgres"));

}  // namespace scimd::store::testing
