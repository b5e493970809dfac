// A fresh PostgreSQL schema for one test on the cluster named by SCIMD_TEST_PG_URL. ctest runs
// test processes in parallel on one cluster, so every test works in its own schema: url()
// gives a URL whose connections have it as their search_path (libpq `options` parameter), and
// the schema is dropped with the object.
//
//   void SetUp() override {
//     if (!PgTestSchema::configured()) GTEST_SKIP() << PgTestSchema::kSkipReason;
//     schema_.emplace("contract");
//     ASSERT_TRUE(schema_->ok()) << schema_->error();
//     … PgPool pool(schema_->url()) …
//   }
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>

#include "store/postgres/pg_connection.h"

namespace scimd::store::postgres {

class PgTestSchema {
 public:
  static constexpr const char* kSkipReason =
      "SCIMD_TEST_PG_URL is not set (scripts/test.sh sets it)";

  // The cluster's URL from SCIMD_TEST_PG_URL, "" when unset.
  static std::string base_url() {
    const char* url = std::getenv("SCIMD_TEST_PG_URL");
    return url != nullptr ? url : "";
  }
  static bool configured() { return !base_url().empty(); }

  // `label`: lower-case letters, digits and '_' (it becomes part of the schema's name).
  explicit PgTestSchema(std::string_view label) {
    static std::atomic<int> counter{0};
    // pid and counter keep concurrent processes and tests apart; the random part keeps a rerun
    // apart from what a killed run left behind.
    name_ = "t_" + std::string(label) + "_" + std::to_string(getpid()) + "_" +
            std::to_string(counter++) + "_" + std::to_string(std::random_device{}() % 100000);
    const std::string base = base_url();
    url_ = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           name_;
    auto admin = PgConnection::open(base);
    if (!admin.ok()) {
      error_ = admin.error().detail;
      return;
    }
    const Status created = (*admin)->exec("CREATE SCHEMA " + name_);
    if (!created.ok()) error_ = created.error().detail;
  }
  ~PgTestSchema() {
    if (!error_.empty()) return;
    auto admin = PgConnection::open(base_url());
    if (admin.ok()) (void)(*admin)->exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
  }
  PgTestSchema(const PgTestSchema&) = delete;
  PgTestSchema& operator=(const PgTestSchema&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }
  // SCIMD_TEST_PG_URL with this schema as the search_path of every connection.
  const std::string& url() const { return url_; }

 private:
  std::string name_;
  std::string url_;
  std::string error_;
};

}  // namespace scimd::store::postgres
