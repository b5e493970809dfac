// The mailer: a background consumer of every tenant's event outbox that sends one invitation
// per user created or reactivated through SCIM, when the tenant has invitations enabled.
//
// Progress is the store's consumer cursor "mail" per tenant, advanced past each event once it
// is handled (sent, written, skipped, or failed after the retry horizon). Events are handled
// in order per tenant: a failing send holds that tenant's later invitations back until it
// succeeds or the horizon passes (then it is marked failed and the mailer moves on); other
// tenants are not held back. While a tenant has invitations off, its cursor still follows its
// events, so turning invitations on later does not invite users who already existed.
//
// Several instances on one database: a tenant's invitations are sent only by the instance
// holding its lease "mail:<tenant id>" (Store::hold_lease), renewed as it works; the cursor
// advances only while the lease is still ours (compare-and-set in the same transaction). A
// dead instance's tenants are taken over once its leases expire. See docs/invitations.md.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "core/time.h"
#include "mail/invitation.h"
#include "mail/transport.h"
#include "store/store.h"

namespace scimd::mail {

struct MailerOptions {
  std::chrono::milliseconds first_retry{std::chrono::seconds(5)};  // doubles per failure
  std::chrono::milliseconds max_retry{std::chrono::minutes(30)};
  std::chrono::milliseconds horizon{std::chrono::hours(24)};  // then: failed, move on
  std::chrono::milliseconds poll{std::chrono::seconds(5)};    // wake-up without a signal
  std::int64_t batch = 100;                                   // events read at once
  // This instance's lease owner id; default: random. Unique per running instance.
  std::string instance_id;
  // How long a tenant's lease lasts without renewal (renewed every third of it, and before
  // each send). A dead instance's tenants move within about lease_ttl * 4/3 (+ poll). Must be
  // well above the transport's longest send.
  std::chrono::milliseconds lease_ttl{std::chrono::seconds(15)};
  // stop() gives the leases up so another instance takes over at once; false: a test
  // simulating a crash.
  bool release_leases_on_stop = true;
  // A tenant with invitations off has its cursor kept at its newest event in memory and written
  // at most this often (and at a clean stop, and when invitations are switched on), instead of
  // one write per pass: for most tenants the mailer then adds no write to the SCIM write path.
  std::chrono::milliseconds off_cursor_save{std::chrono::seconds(30)};
  // Passes start at most this often, however many commits signal meanwhile: under a write load
  // a pass per commit (list tenants, newest seq) would add reads to every write.
  std::chrono::milliseconds min_pass_gap{100};
};

inline constexpr std::string_view kMailConsumer = "mail";

class Mailer {
 public:
  Mailer(std::shared_ptr<store::Store> store, std::unique_ptr<Transport> transport,
         MailerOptions options = {});
  ~Mailer();  // stop()s
  Mailer(const Mailer&) = delete;
  Mailer& operator=(const Mailer&) = delete;

  void start();  // prime(), then the background thread
  // Decides where each tenant that exists now starts (its newest event, if it was never
  // followed), before the server takes requests: a user created in the moment after the start
  // is then invited, not skipped as history. Tenants created later start at their first event.
  // run_once() primes first if start() did not.
  void prime();
  void stop();  // wakes and joins it; an invitation being sent finishes first

  // One pass over every tenant: handles what is due. Returns when the earliest retry is due
  // (nullopt: nothing pending). The thread calls it in a loop; tests call it directly.
  std::optional<std::chrono::steady_clock::time_point> run_once();

 private:
  struct Pending {  // the event a tenant is retrying
    std::int64_t seq = 0;
    std::int64_t mail_id = 0;
    std::int64_t attempts = 0;
    std::chrono::steady_clock::time_point first_failure;
    std::chrono::steady_clock::time_point next_attempt;
  };
  enum class Step { done, hold };  // done: advance past the event; hold: retry later
  struct OffCursor {               // a tenant with invitations off (options.off_cursor_save)
    std::string name;
    std::int64_t seq = 0;     // its newest event seen
    std::int64_t saved = -1;  // what this process last wrote (-1: nothing yet)
    std::chrono::steady_clock::time_point saved_at;
  };
  struct TenantLease {
    bool held = false;
    std::chrono::steady_clock::time_point renewed;   // when the last hold_lease started
    std::chrono::steady_clock::time_point retry_at;  // no attempt before (another's lease)
  };

  void run_tenant(const store::Tenant& tenant);
  Step handle_event(const store::Tenant& tenant, const InvitationSettings& settings,
                    const store::Event& event);
  Step attempt(const store::Tenant& tenant, const store::Event& event, store::MailRecord record,
               const Envelope& envelope);
  std::optional<std::int64_t> cursor(store::TenantId tenant);
  // Takes or renews the tenant's lease when due; false: another instance sends its mail (or
  // the store cannot say), and this one forgets what it was retrying there.
  bool keep_lease(store::TenantId tenant);
  void drop_lease(store::TenantId tenant);
  // set_consumer_seq under the tenant's lease; false (and the lease dropped) if it is lost.
  bool advance_cursor(store::TenantId tenant, std::string_view name, std::int64_t seq);
  // Invitations off: follows the feed without reading it, so switching on starts from then.
  void follow_while_off(const store::Tenant& tenant);
  // Writes an off tenant's cursor if it moved since the last write; false if that failed.
  bool save_off_cursor(store::TenantId tenant, OffCursor& off);
  store::LeaseClaim claim(store::TenantId tenant) const;
  void release_leases();

  std::shared_ptr<store::Store> store_;
  std::unique_ptr<Transport> transport_;
  MailerOptions options_;
  std::map<store::TenantId, Pending> pending_;
  std::set<store::TenantId> seen_;  // tenants whose cursor this process has checked
  bool primed_ = false;
  std::set<store::TenantId> existed_at_prime_;  // history before the mailer: not invited
  std::set<store::TenantId> bad_settings_warned_;
  std::map<store::TenantId, TenantLease> leases_;
  std::map<store::TenantId, OffCursor> off_;

  std::mutex mutex_;
  std::condition_variable stopped_;  // wakes the gap between passes at stop()
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace scimd::mail
