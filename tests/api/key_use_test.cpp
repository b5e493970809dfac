// KeyUseRecorder and TokenAuth's use recording: uses stay in memory until a flush (the
// background interval, an explicit flush, or shutdown), never one write per request.
#include <chrono>
#include <thread>

#include "api/key_use.h"
#include "api/token_auth.h"
#include "service_fixture.h"

namespace scimd::api::testing {
namespace {

using namespace std::chrono_literals;

class KeyUseTest : public ServiceTest {
 protected:
  std::optional<std::string> token_last_used(const std::string& tenant) {
    auto tokens = store_->list_tokens(store_->find_tenant(tenant)->id);
    EXPECT_TRUE(tokens.ok());
    return (*tokens)[0].last_used;
  }
};

// A clock the test sets.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimePoint t) : t_(t) {}
  TimePoint now() const override { return t_; }

 private:
  TimePoint t_;
};

TEST_F(KeyUseTest, AuthenticationRecordsInMemoryAndFlushWritesTheLatestUse) {
  const TimePoint t = *parse_time("2026-12-01T10:00:00.000Z");
  TokenAuth auth(store_, std::make_shared<FixedClock>(t));
  ASSERT_TRUE(auth.authenticate("Bearer " + token_a_, "acme").ok());
  EXPECT_FALSE(auth.authenticate("Bearer " + token_a_, "globex").ok());  // not a use of globex
  EXPECT_FALSE(token_last_used("acme").has_value());  // nothing written per request
  ASSERT_TRUE(auth.flush_uses().ok());
  EXPECT_EQ(token_last_used("acme"), "2026-12-01T10:00:00.000Z");
  EXPECT_FALSE(token_last_used("globex").has_value());
}

TEST_F(KeyUseTest, TheBackgroundThreadFlushesEveryInterval) {
  KeyUseRecorder recorder(store_, 50ms);
  recorder.note(crypto::sha256_hex(token_a_), *parse_time("2026-12-01T10:00:00Z"));
  recorder.note(crypto::sha256_hex(token_a_), *parse_time("2026-12-01T09:00:00Z"));  // older: ignored
  EXPECT_EQ(recorder.pending(), 1u);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!token_last_used("acme") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(token_last_used("acme"), "2026-12-01T10:00:00.000Z");
  EXPECT_EQ(recorder.pending(), 0u);
}

TEST_F(KeyUseTest, PendingUsesAreWrittenWhenTheRecorderStops) {
  {
    KeyUseRecorder recorder(store_, std::chrono::hours(1));
    recorder.note(crypto::sha256_hex(token_b_), *parse_time("2026-12-01T10:00:00Z"));
  }
  EXPECT_EQ(token_last_used("globex"), "2026-12-01T10:00:00.000Z");
}

}  // namespace
}  // namespace scimd::api::testing
