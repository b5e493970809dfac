// Durability: every write the server acknowledged (201) survives `kill -9` mid-load.
// Both backends: on SQLite it is the file's durability; on PostgreSQL, that scimd acknowledges
// only committed writes (pg_outage_test.cpp restarts the database itself under load).
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "integration/scimd_fixture.h"

namespace scimd::itest {
namespace {

using Clock = std::chrono::steady_clock;

class CrashTest : public ScimdTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(create_tenant("durable", &tenant_));
    ASSERT_NO_FATAL_FAILURE(start_server());
  }
  Tenant tenant_;
};

TEST_F(CrashTest, AcknowledgedWritesSurviveKill9) {
  constexpr int kWriters = 8;
  constexpr std::size_t kEnoughWrites = 400;
  constexpr auto kMaxLoad = std::chrono::seconds(3);

  std::mutex mutex;
  std::map<std::string, std::string> acknowledged;  // id -> userName
  std::atomic<bool> killed = false;
  std::atomic<int> unexpected = 0;
  const HttpClient writer_http(server().port(), std::chrono::seconds(5));
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      const ScimClient client(writer_http, tenant_.name, tenant_.token);
      for (int i = 0; !killed; ++i) {
        const std::string user_name = "w" + std::to_string(w) + "-" + std::to_string(i) + "@x.com";
        const HttpResponse reply = client.post("/Users", make_user(user_name));
        if (reply.status == 201) {
          const std::string id = string_field(reply.json(), "id");
          const std::lock_guard lock(mutex);
          acknowledged.emplace(id, user_name);
        } else if (reply.status == 0) {
          if (killed) break;  // the server is gone; anything in flight was never acknowledged
          ++unexpected;
          break;
        } else {
          ++unexpected;  // e.g. 500 or 503 under load: not acknowledged, but worth reporting
        }
      }
    });
  }

  const auto load_until = Clock::now() + kMaxLoad;
  while (Clock::now() < load_until) {
    {
      const std::lock_guard lock(mutex);
      if (acknowledged.size() >= kEnoughWrites) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  killed = true;
  server().kill_hard();
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(unexpected.load(), 0) << "writes failed while the server was up";
  ASSERT_GT(acknowledged.size(), 0u) << "no write was acknowledged before the kill";

  ASSERT_NO_FATAL_FAILURE(start_server());
  const ScimClient client = scim(tenant_);
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
  // The restarted server accepts writes.
  EXPECT_FALSE(created_id(client.post("/Users", make_user("after-restart@x.com"))).empty());
}

}  // namespace
}  // namespace scimd::itest
