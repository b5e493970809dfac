// PostgreSQL goes away under load: while writers POST users, the cluster is stopped (fast), stays
// down a few seconds and comes back. scimd must stay up, answer 503 with Retry-After while the
// database is gone, resume by itself, and keep every write it acknowledged. The PostgreSQL twin
// of crash_test's durability check, for the database's side of the wire.
// PostgreSQL only (pg.PostgresOutageTest.*), on a private cluster: restarting the shared test
// cluster would break the tests running beside this one.
#include <gtest/gtest.h>

#include <stdio.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::string cluster_script() {
#ifdef SCIMD_PG_TEST_CLUSTER
  return SCIMD_PG_TEST_CLUSTER;
#else
  return "scripts/pg-test-cluster.sh";
#endif
}

// Runs a shell command; its stdout (stderr goes to the test's), and whether it exited 0.
std::pair<bool, std::string> shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {false, out};
  char buffer[4096];
  while (const std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int status = pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return {status == 0, out};
}

// A PostgreSQL cluster of this test's own (scripts/pg-test-cluster.sh), stopped and deleted on
// destruction. Its directory is straight under the temp dir: as root the cluster belongs to the
// postgres user, who cannot search the fixture's 0700 directory.
class PrivateCluster {
 public:
  PrivateCluster() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "scimd-itest-pg-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    dir_ = pattern;
    auto [ok, url] = shell("bash '" + cluster_script() + "' start '" + dir_ + "'");
    if (!ok || url.rfind("postgres://", 0) != 0) {
      error_ = "pg-test-cluster.sh start printed: " + url;
      return;
    }
    url_ = url;
  }
  ~PrivateCluster() {
    if (!dir_.empty()) (void)shell("bash '" + cluster_script() + "' stop '" + dir_ + "'");
  }
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& url() const { return url_; }
  // Stops the server (fast shutdown), waits `down_seconds`, starts it on the same port.
  bool restart(int down_seconds) const {
    return shell("bash '" + cluster_script() + "' restart '" + dir_ + "' " +
                 std::to_string(down_seconds))
        .first;
  }

 private:
  std::string dir_;
  std::string url_;
  std::string error_;
};

class PostgresOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!on_postgres()) GTEST_SKIP() << kPostgresOnly;
    cluster_.emplace();
    ASSERT_TRUE(cluster_->ok()) << cluster_->error();
    const CliResult created = run_scimd({"tenant", "create", "outage", "--json", "--public-url",
                                         std::string(kPublicUrl), "--db", cluster_->url()},
                                        dir_.path());
    ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
    boost::system::error_code ec;
    token_ = string_field(json::parse(created.out, ec), "token");
    ASSERT_FALSE(token_.empty()) << created.out;
    server_.emplace(cluster_->url(), std::string(kPublicUrl), dir_.path());
    ASSERT_EQ(server_->start(), "");
  }
  void TearDown() override {
    if (server_ && server_->running()) {
      EXPECT_EQ(server_->stop(), 0) << "scimd serve did not exit 0 on SIGTERM after the outage";
    }
    if (HasFailure() && server_) std::cerr << server_->output().substr(0, 20000);
    server_.reset();  // before the cluster goes
    cluster_.reset();
  }

  TempDir dir_;
  std::optional<PrivateCluster> cluster_;
  std::optional<ScimdServer> server_;
  std::string token_;
};

TEST_F(PostgresOutageTest, WritesGet503DuringARestartAndEveryAcknowledgedOneSurvives) {
  constexpr int kWriters = 4;
  constexpr int kDownSeconds = 3;
  constexpr std::size_t kEnoughBefore = 60;
  constexpr std::size_t kEnoughAfter = 30;
  constexpr auto kMaxPhase = 15s;  // bounds each load phase; the whole test stays under 60 s

  std::mutex mutex;
  std::map<std::string, std::string> acknowledged;  // id -> userName
  std::atomic<std::size_t> acknowledged_after_restart = 0;
  std::atomic<bool> restarted = false;
  std::atomic<bool> stop = false;
  std::atomic<int> unavailable = 0;
  std::atomic<int> without_retry_after = 0;
  std::atomic<int> unexpected = 0;
  // Longer than scimd's connect_timeout (5 s), so a request scimd holds while it reconnects is
  // not cut short by the client.
  const HttpClient writer_http(server_->port(), 30s);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      const ScimClient client(writer_http, "outage", token_);
      for (int i = 0; !stop; ++i) {
        const std::string user_name = "w" + std::to_string(w) + "-" + std::to_string(i) + "@x.com";
        const HttpResponse reply = client.post("/Users", make_user(user_name));
        if (reply.status == 201) {
          const std::string id = string_field(reply.json(), "id");
          const std::lock_guard lock(mutex);
          acknowledged.emplace(id, user_name);
          if (restarted) ++acknowledged_after_restart;
        } else if (reply.status == 503) {
          ++unavailable;
          if (reply.header("Retry-After").empty()) ++without_retry_after;
          std::this_thread::sleep_for(100ms);  // a client backs off; keeps the log readable
        } else if (++unexpected <= 5) {
          // Includes status 0: scimd itself stopped answering.
          ADD_FAILURE() << "POST " << user_name << ": " << reply.describe() << " " << reply.error;
        }
      }
    });
  }
  // A load balancer's view: /healthz says 503 while PostgreSQL is away, 200 again after.
  std::atomic<int> health_unavailable = 0;
  std::thread prober([&] {
    const HttpClient health(server_->port(), 10s);
    while (!stop) {
      const HttpResponse r =
          health.send(HttpRequest{.method = "GET", .target = "/healthz", .headers = {}, .body = ""});
      if (r.status == 503) ++health_unavailable;
      std::this_thread::sleep_for(100ms);
    }
  });
  const auto acknowledged_count = [&] {
    const std::lock_guard lock(mutex);
    return acknowledged.size();
  };

  const auto before_until = Clock::now() + kMaxPhase;
  while (acknowledged_count() < kEnoughBefore && Clock::now() < before_until) {
    std::this_thread::sleep_for(20ms);
  }
  const std::size_t before = acknowledged_count();
  const bool restart_ok = cluster_->restart(kDownSeconds);
  restarted = true;
  const auto after_until = Clock::now() + kMaxPhase;
  while (acknowledged_after_restart < kEnoughAfter && Clock::now() < after_until) {
    std::this_thread::sleep_for(20ms);
  }
  stop = true;
  for (std::thread& writer : writers) writer.join();
  prober.join();

  RecordProperty("acknowledged", static_cast<int>(acknowledged_count()));
  RecordProperty("unavailable", unavailable.load());
  ASSERT_TRUE(restart_ok) << "pg-test-cluster.sh restart failed";
  EXPECT_GT(before, 0u) << "no write was acknowledged before the outage";
  EXPECT_EQ(unexpected.load(), 0) << "every answer must be 201 or 503";
  EXPECT_GT(unavailable.load(), 0) << "no 503 during " << kDownSeconds << " s without PostgreSQL";
  EXPECT_EQ(without_retry_after.load(), 0)
      << "of " << unavailable.load() << " 503s lacked Retry-After";
  EXPECT_GE(acknowledged_after_restart.load(), kEnoughAfter)
      << "service did not resume within "
      << std::chrono::duration_cast<std::chrono::seconds>(kMaxPhase).count()
      << " s of PostgreSQL's return";

  EXPECT_GT(health_unavailable.load(), 0) << "/healthz never said 503 while PostgreSQL was down";

  const HttpClient http(server_->port());
  EXPECT_EQ(http.send(HttpRequest{.method = "GET", .target = "/healthz", .headers = {}, .body = ""})
                .status,
            200);
  const ScimClient client(http, "outage", token_);
  std::size_t missing = 0;
  for (const auto& [id, user_name] : acknowledged) {
    const HttpResponse got = client.get("/Users/" + id);
    if (got.status != 200 || string_field(got.json(), "userName") != user_name) {
      if (++missing <= 5)
        ADD_FAILURE() << "acknowledged user " << id << " lost: " << got.describe();
    }
  }
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged writes";
  const HttpResponse listed = client.get("/Users", "count=0");
  ASSERT_TRUE(IsListResponse(listed));
  EXPECT_GE(int_field(listed.json(), "totalResults"),
            static_cast<std::int64_t>(acknowledged.size()));
}

}  // namespace
}  // namespace scimd::itest
