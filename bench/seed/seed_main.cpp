// scimd-seed: creates N Entra-shaped users (and optionally groups of them) in an existing
// tenant, through SqlStore::create_batch, the store's create path in batches: every index,
// user_emails row, event and member row is written as a POST would write it. Several threads
// build documents and submit batches, so the single writer never waits for JSON.
//
//   scimd-seed --db sqlite:PATH --tenant NAME --users N [--prefix s] [--threads 4]
//              [--batch 250] [--group NAME:FIRST:COUNT]... [--ids FILE:FIRST:COUNT]...
//
// --group creates a group whose members are users FIRST..FIRST+COUNT-1 of this run; --ids
// writes the ids of users FIRST.. one per line (for the PATCH probe). Prints one JSON line.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "entra_docs.h"
#include "store/sql/sql_store.h"
#include "store/store.h"

namespace {

namespace json = boost::json;
using scimd::scim::ResourceKind;
using scimd::store::sql::SqlStore;
using Clock = std::chrono::steady_clock;

// NAME:FIRST:COUNT, as --group and --ids take it.
struct Range {
  std::string name;
  std::int64_t first = 0;
  std::int64_t count = 0;
};

bool parse_range(const std::string& text, Range& out) {
  const std::size_t b = text.rfind(':');
  const std::size_t a =
      b == std::string::npos || b == 0 ? std::string::npos : text.rfind(':', b - 1);
  if (a == std::string::npos || a == 0) return false;
  try {
    out = {text.substr(0, a), std::stoll(text.substr(a + 1, b - a - 1)),
           std::stoll(text.substr(b + 1))};
  } catch (const std::exception&) {
    return false;
  }
  return out.first >= 0 && out.count >= 0;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

int fail(const std::string& what) {
  std::cerr << "scimd-seed: " << what << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Seed a scimd tenant with Entra-shaped users and groups (bench only)"};
  std::string db, tenant_name, prefix = "s";
  std::int64_t users = 0;
  int threads = 4;
  // Small jobs: each batch is one savepoint of the writer's group commit, and with SQLite's
  // in-memory sub-journal (temp_store=MEMORY) every statement's release inside it costs time in
  // the savepoint's size (2000-user batches spent 72% of the seeder in it at 500k users).
  std::int64_t batch = 250;
  std::vector<std::string> group_specs, id_specs;
  app.add_option("--db", db, "Store URL (sqlite:PATH or postgres://...)")->required();
  app.add_option("--tenant", tenant_name, "An existing tenant (scimd tenant create)")->required();
  app.add_option("--users", users, "Users to create")->required()->check(CLI::NonNegativeNumber);
  app.add_option("--prefix", prefix, "userName prefix: <prefix><i>@example.com");
  app.add_option("--threads", threads, "Threads building and submitting batches")
      ->check(CLI::Range(1, 64));
  app.add_option("--batch", batch, "Users per write transaction")->check(CLI::Range(1, 100000));
  app.add_option("--group", group_specs, "NAME:FIRST:COUNT, a group of users FIRST.. of this run");
  app.add_option("--ids", id_specs, "FILE:FIRST:COUNT, write the ids of users FIRST.. to FILE");
  CLI11_PARSE(app, argc, argv);

  std::vector<Range> groups(group_specs.size()), id_files(id_specs.size());
  for (std::size_t i = 0; i < group_specs.size(); ++i) {
    if (!parse_range(group_specs[i], groups[i]) || groups[i].first + groups[i].count > users) {
      return fail("--group " + group_specs[i] + ": want NAME:FIRST:COUNT within --users");
    }
  }
  for (std::size_t i = 0; i < id_specs.size(); ++i) {
    if (!parse_range(id_specs[i], id_files[i]) || id_files[i].first + id_files[i].count > users) {
      return fail("--ids " + id_specs[i] + ": want FILE:FIRST:COUNT within --users");
    }
  }

  auto opened = scimd::store::Store::open(db);
  if (!opened.ok()) return fail("open " + db + ": " + opened.error().detail);
  // create_batch is the SQL store's (both engines), not part of the Store interface.
  auto* store = dynamic_cast<SqlStore*>(opened->get());
  if (store == nullptr) return fail("the store is not an SQL store");
  auto tenant = store->find_tenant(tenant_name);
  if (!tenant.ok()) return fail(tenant.error().detail);

  std::vector<std::string> ids(static_cast<std::size_t>(users));
  std::atomic<std::int64_t> next{0};
  std::atomic<bool> failed{false};
  std::string first_error;
  std::mutex error_mutex;
  const auto t_users = Clock::now();
  auto worker = [&] {
    while (!failed) {
      const std::int64_t start = next.fetch_add(batch);
      if (start >= users) return;
      const std::int64_t end = std::min(users, start + batch);
      std::vector<SqlStore::NewResource> docs;
      docs.reserve(static_cast<std::size_t>(end - start));
      auto result = [&]() -> scimd::Result<std::vector<std::string>> {
        for (std::int64_t i = start; i < end; ++i) {
          SCIMD_ASSIGN_OR_RETURN(scimd::scim::Incoming in, scimd::bench::entra_user(prefix, i));
          docs.push_back({std::move(in.doc), {}});
        }
        return store->create_batch(tenant->id, ResourceKind::user, std::move(docs));
      }();
      if (!result.ok()) {
        std::lock_guard lock(error_mutex);
        if (!failed.exchange(true)) first_error = result.error().detail;
        return;
      }
      std::move(result->begin(), result->end(), ids.begin() + start);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (failed) return fail("creating users: " + first_error);
  const double user_seconds = seconds_since(t_users);

  json::array group_out;
  for (const Range& g : groups) {
    const auto t0 = Clock::now();
    auto in = scimd::bench::entra_group(g.name);
    if (!in.ok()) return fail("group " + g.name + ": " + in.error().detail);
    std::vector<scimd::scim::MemberRef> members;
    members.reserve(static_cast<std::size_t>(g.count));
    for (std::int64_t i = g.first; i < g.first + g.count; ++i) {
      members.push_back({ids[static_cast<std::size_t>(i)], "", ""});
    }
    auto created = store->create_batch(tenant->id, ResourceKind::group,
                                       {{std::move(in->doc), std::move(members)}});
    if (!created.ok()) return fail("group " + g.name + ": " + created.error().detail);
    group_out.push_back({{"name", g.name},
                         {"id", created->front()},
                         {"members", g.count},
                         {"seconds", seconds_since(t0)}});
  }
  for (const Range& f : id_files) {
    std::ofstream out(f.name);
    for (std::int64_t i = f.first; i < f.first + f.count; ++i)
      out << ids[static_cast<std::size_t>(i)] << '\n';
    if (!out.flush()) return fail("cannot write " + f.name);
  }
  opened->reset();  // closes the store: the writer checkpoints the WAL into the file
  std::cout << json::serialize(json::object{
                   {"tenant", tenant_name},
                   {"users", users},
                   {"user_seconds", user_seconds},
                   {"users_per_second",
                    user_seconds > 0 ? static_cast<double>(users) / user_seconds : 0.0},
                   {"groups", group_out}})
            << "\n";
  return 0;
}
