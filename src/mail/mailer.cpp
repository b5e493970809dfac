#include "mail/mailer.h"

#include <algorithm>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/crypto.h"
#include "mail/message.h"
#include "mail/template.h"

namespace scimd::mail {

namespace {

using SteadyClock = std::chrono::steady_clock;

bool is_invitation_event(std::string_view type) {
  return type == "user.created" || type == "user.reactivated";
}

// The tenant's invitation settings when enabled and valid; nullopt otherwise.
Result<std::optional<InvitationSettings>> enabled_settings(const store::Tenant& tenant) {
  const auto* raw = tenant.settings.if_contains("invitations");
  if (raw == nullptr) return std::optional<InvitationSettings>();
  SCIMD_ASSIGN_OR_RETURN(InvitationSettings settings, parse_invitation_settings(*raw));
  if (!settings.enabled) return std::optional<InvitationSettings>();
  return std::optional<InvitationSettings>(std::move(settings));
}

std::string domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string("scimd") : std::string(address.substr(at + 1));
}

std::string now_text() { return format_time(std::chrono::system_clock::now()); }

}  // namespace

Mailer::Mailer(std::shared_ptr<store::Store> store, std::unique_ptr<Transport> transport,
               MailerOptions options)
    : store_(std::move(store)), transport_(std::move(transport)), options_(options) {
  if (options_.instance_id.empty()) options_.instance_id = crypto::hex(crypto::random_bytes(8));
  options_.lease_ttl = std::max(options_.lease_ttl, std::chrono::milliseconds(100));
}

Mailer::~Mailer() { stop(); }

void Mailer::start() {
  prime();  // before the server answers (serve starts the mailer first)
  thread_ = std::thread([this] {
    while (true) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
      }
      // Read the generation first: an event committed during the pass wakes the next wait.
      const auto generation = store_->event_signal().generation();
      const auto started = SteadyClock::now();
      auto deadline = started + options_.poll;
      if (const auto due = run_once()) deadline = std::min(deadline, *due);
      {
        std::unique_lock lock(mutex_);
        if (stopped_.wait_until(lock, started + options_.min_pass_gap, [&] { return stopping_; })) {
          return;
        }
      }
      store_->event_signal().wait_until(generation, deadline);
    }
  });
}

void Mailer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stopped_.notify_all();
  store_->event_signal().notify();  // wakes the wait; other waiters just look again
  if (thread_.joinable()) thread_.join();
  if (options_.release_leases_on_stop) {       // a clean stop: the next holder starts from here
    std::vector<store::TenantId> off_tenants;  // a failed save drops its entry
    for (const auto& entry : off_) off_tenants.push_back(entry.first);
    for (const store::TenantId tenant : off_tenants) {
      if (auto off = off_.find(tenant); off != off_.end())
        (void)save_off_cursor(tenant, off->second);
    }
    release_leases();
  }
}

store::LeaseClaim Mailer::claim(store::TenantId tenant) const {
  return store::LeaseClaim{"mail:" + std::to_string(tenant), options_.instance_id};
}

bool Mailer::keep_lease(store::TenantId tenant) {
  const auto now = SteadyClock::now();
  TenantLease& lease = leases_[tenant];
  if (now < lease.retry_at) return false;  // another's, or the store failed a moment ago
  if (lease.held && now - lease.renewed < options_.lease_ttl / 3) return true;
  const store::LeaseClaim c = claim(tenant);
  auto held =
      store_->hold_lease(c.name, c.owner, std::chrono::system_clock::now(), options_.lease_ttl);
  if (!held.ok()) {
    spdlog::warn("mail: tenant {}: cannot take or renew the lease: {}", tenant,
                 held.error().detail);
    lease.retry_at = now + std::chrono::seconds(1);
    if (lease.held && now - lease.renewed >= options_.lease_ttl) drop_lease(tenant);
    return false;
  }
  if (!*held) {
    if (lease.held) spdlog::info("mail: tenant {}: another instance took over", tenant);
    drop_lease(tenant);
    leases_[tenant].retry_at = now + options_.lease_ttl / 3;
    return false;
  }
  lease.held = true;
  lease.renewed = now;
  return true;
}

void Mailer::drop_lease(store::TenantId tenant) {
  leases_[tenant].held = false;
  pending_.erase(tenant);  // the new holder retries it, from the store's cursor
  off_.erase(tenant);
}

bool Mailer::advance_cursor(store::TenantId tenant, std::string_view name, std::int64_t seq) {
  const Status r = store_->set_consumer_seq(claim(tenant), tenant, kMailConsumer, seq);
  if (r.ok()) return true;
  if (r.error().code == Errc::precondition_failed) {
    spdlog::info("mail: tenant {}: lease lost; the new holder continues", name);
    drop_lease(tenant);
    leases_[tenant].retry_at = SteadyClock::now() + options_.lease_ttl / 3;
  } else {
    spdlog::warn("mail: tenant {}: cannot advance the cursor: {}", name, r.error().detail);
  }
  return false;
}

void Mailer::follow_while_off(const store::Tenant& tenant) {
  pending_.erase(tenant.id);
  auto last = store_->last_event_seq(tenant.id);
  if (!last.ok()) return;
  OffCursor& off = off_[tenant.id];
  off.name = tenant.name;
  off.seq = std::max(off.seq, *last);
  if (SteadyClock::now() - off.saved_at >= options_.off_cursor_save) {
    (void)save_off_cursor(tenant.id, off);
  }
}

bool Mailer::save_off_cursor(store::TenantId tenant, OffCursor& off) {
  if (off.seq == off.saved) return true;
  // advance_cursor may drop the lease, and with it this entry: copy what is needed first.
  const std::int64_t seq = off.seq;
  const std::string name = off.name;
  if (!advance_cursor(tenant, name, seq)) return false;
  off.saved = seq;
  off.saved_at = SteadyClock::now();
  return true;
}

void Mailer::release_leases() {
  for (auto& [tenant, lease] : leases_) {
    if (!lease.held) continue;
    const store::LeaseClaim c = claim(tenant);
    if (auto r = store_->release_lease(c.name, c.owner); !r.ok()) {
      spdlog::warn("mail: tenant {}: cannot release the lease (it expires by itself): {}", tenant,
                   r.error().detail);
    }
    lease.held = false;
  }
}

void Mailer::prime() {
  auto tenants = store_->list_tenants();
  if (!tenants.ok()) {
    spdlog::warn("mail: cannot list tenants: {}", tenants.error().detail);
    return;  // tried again at the next pass
  }
  primed_ = true;
  for (const store::Tenant& tenant : *tenants) {
    existed_at_prime_.insert(tenant.id);
    // Another instance holding the lease makes the same decision for it.
    if (keep_lease(tenant.id)) (void)cursor(tenant.id);
  }
}

std::optional<SteadyClock::time_point> Mailer::run_once() {
  if (!primed_) prime();
  auto tenants = store_->list_tenants();
  if (!tenants.ok()) {
    spdlog::warn("mail: cannot list tenants: {}", tenants.error().detail);
    return std::nullopt;
  }
  std::set<store::TenantId> alive;
  for (const store::Tenant& tenant : *tenants) {
    alive.insert(tenant.id);
    if (keep_lease(tenant.id)) run_tenant(tenant);
  }
  std::optional<SteadyClock::time_point> earliest;
  const auto consider = [&](SteadyClock::time_point t) {
    if (!earliest || t < *earliest) earliest = t;
  };
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (!alive.contains(it->first)) {  // tenant deleted meanwhile
      it = pending_.erase(it);
      continue;
    }
    consider(it->second.next_attempt);
    ++it;
  }
  std::erase_if(off_, [&alive](const auto& entry) { return !alive.contains(entry.first); });
  for (auto it = leases_.begin(); it != leases_.end();) {
    if (!alive.contains(it->first)) {  // its lease row goes with the tenant's expiry
      it = leases_.erase(it);
      continue;
    }
    // Renewals keep a held lease from lapsing; tries for another's lease take over a dead one.
    const TenantLease& lease = it->second;
    consider(lease.held ? std::max(lease.renewed + options_.lease_ttl / 3, lease.retry_at)
                        : lease.retry_at);
    ++it;
  }
  return earliest;
}

std::optional<std::int64_t> Mailer::cursor(store::TenantId tenant) {
  auto seq = store_->consumer_seq(tenant, kMailConsumer);
  if (!seq.ok()) {
    spdlog::warn("mail: tenant {}: cannot read the cursor: {}", tenant, seq.error().detail);
    return std::nullopt;
  }
  if (*seq != 0 || seen_.contains(tenant)) return *seq;
  if (primed_ && !existed_at_prime_.contains(tenant)) {
    seen_.insert(tenant);  // created since the mailer started: every event is new
    return *seq;
  }
  // A tenant the mailer has never followed (or that had no events when it first did): start at
  // its newest event, so existing users are not invited the day invitations are switched on.
  auto last = store_->last_event_seq(tenant);
  if (!last.ok()) return std::nullopt;
  if (*last > 0) {
    if (auto r = store_->set_consumer_seq(claim(tenant), tenant, kMailConsumer, *last); !r.ok()) {
      spdlog::warn("mail: tenant {}: cannot set the cursor: {}", tenant, r.error().detail);
      if (r.error().code == Errc::precondition_failed) drop_lease(tenant);
      return std::nullopt;
    }
  }
  seen_.insert(tenant);
  return *last;
}

void Mailer::run_tenant(const store::Tenant& tenant) {
  auto settings = enabled_settings(tenant);
  if (!settings.ok() && bad_settings_warned_.insert(tenant.id).second) {
    spdlog::warn("mail: tenant {}: invitations disabled by invalid settings: {}", tenant.name,
                 settings.error().detail);
  }
  if (!settings.ok() || !*settings) {
    follow_while_off(tenant);
    return;
  }
  bad_settings_warned_.erase(tenant.id);
  if (auto off = off_.find(tenant.id); off != off_.end()) {  // just switched on
    if (!save_off_cursor(tenant.id, off->second)) return;
    off_.erase(tenant.id);
  }
  auto start = cursor(tenant.id);
  if (!start) return;
  std::int64_t seq = *start;
  while (true) {
    auto events = store_->list_events(tenant.id, seq, options_.batch);
    if (!events.ok()) {
      spdlog::warn("mail: tenant {}: cannot read events: {}", tenant.name, events.error().detail);
      return;
    }
    for (const store::Event& event : *events) {
      if (auto p = pending_.find(tenant.id); p != pending_.end()) {
        if (p->second.seq != event.seq) {
          pending_.erase(p);  // the cursor moved on without us (another process, a reset)
        } else if (SteadyClock::now() < p->second.next_attempt) {
          return;  // keeps the tenant's order: nothing after it goes first
        }
      }
      // Renewed before each event (a send may take a while); lost: the new holder goes on.
      if (!keep_lease(tenant.id)) return;
      if (handle_event(tenant, **settings, event) == Step::hold) return;
      if (!advance_cursor(tenant.id, tenant.name, event.seq)) return;
      seq = event.seq;
    }
    if (static_cast<std::int64_t>(events->size()) < options_.batch) return;
  }
}

Mailer::Step Mailer::handle_event(const store::Tenant& tenant, const InvitationSettings& settings,
                                  const store::Event& event) {
  if (!is_invitation_event(event.type)) return Step::done;
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(event.json, ec);
  const boost::json::value* data =
      ec || !parsed.is_object() ? nullptr : parsed.get_object().if_contains("data");
  if (data == nullptr || !data->is_object()) {
    spdlog::warn("mail: tenant {}: event {} has no data object", tenant.name, event.id);
    return Step::done;
  }
  const auto* source = data->get_object().if_contains("source");
  if (source == nullptr || !source->is_string() || source->get_string() != "scim") {
    return Step::done;  // the product made this user itself (/api/v1): it knows about it
  }
  const auto* resource = data->get_object().if_contains("resource");
  static const boost::json::object kEmpty;
  const boost::json::object& user =
      resource != nullptr && resource->is_object() ? resource->get_object() : kEmpty;

  store::MailRecord record;
  record.tenant_id = tenant.id;
  record.event_id = event.id;
  if (const auto* id = user.if_contains("id"); id != nullptr && id->is_string()) {
    record.user_id = std::string(id->get_string());
  }
  record.recipient = invitation_recipient(user);
  if (record.recipient.empty()) {
    record.time = now_text();
    record.outcome = "skipped";
    record.error = "no email address (no emails value and userName is not an address)";
    spdlog::info("mail: tenant {}: user {} not invited: {}", tenant.name, record.user_id,
                 record.error);
    if (auto r = store_->save_mail(record); !r.ok()) {
      spdlog::warn("mail: cannot record a skipped invitation: {}", r.error().detail);
    }
    return Step::done;
  }
  const TemplateVars vars =
      invitation_vars(user, record.recipient, tenant.name, settings.login_url);
  MessageParts parts;
  parts.from = settings.from;
  parts.to = record.recipient;
  parts.subject = render_template(settings.subject, vars);
  parts.body = render_template(settings.body, vars);
  // Stable per event, so a retried message is recognisably the same one.
  parts.message_id = event.id + "@" + domain_of(mailbox_address(settings.from));
  parts.date = std::chrono::system_clock::now();
  Envelope envelope{mailbox_address(settings.from), record.recipient, event.id,
                    build_message(parts)};
  return attempt(tenant, event, std::move(record), envelope);
}

Mailer::Step Mailer::attempt(const store::Tenant& tenant, const store::Event& event,
                             store::MailRecord record, const Envelope& envelope) {
  const auto now = SteadyClock::now();
  auto p = pending_.find(tenant.id);
  if (p != pending_.end() && p->second.seq == event.seq) {
    record.id = p->second.mail_id;
    record.attempts = p->second.attempts;
  }
  const Status delivered = transport_->deliver(envelope);
  record.attempts += 1;
  record.time = now_text();
  if (delivered.ok()) {
    record.outcome = transport_->success_outcome();
    record.error.clear();
    spdlog::info("mail: tenant {}: invitation {} to {} ({}, attempt {})", tenant.name, event.id,
                 record.recipient, record.outcome, record.attempts);
    if (auto r = store_->save_mail(record); !r.ok()) {
      spdlog::warn("mail: cannot record an invitation: {}", r.error().detail);
    }
    pending_.erase(tenant.id);
    return Step::done;
  }
  record.error = delivered.error().detail;
  if (p == pending_.end() || p->second.seq != event.seq) {
    p = pending_.insert_or_assign(tenant.id, Pending{event.seq, 0, 0, now, now}).first;
  }
  Pending& pending = p->second;
  pending.attempts = record.attempts;
  if (now - pending.first_failure >= options_.horizon) {
    record.outcome = "failed";
    spdlog::error("mail: tenant {}: invitation {} to {} failed after {} attempts: {}", tenant.name,
                  event.id, record.recipient, record.attempts, record.error);
    if (auto r = store_->save_mail(record); !r.ok()) {
      spdlog::warn("mail: cannot record an invitation: {}", r.error().detail);
    }
    pending_.erase(p);
    return Step::done;
  }
  // 5 s, 10 s, 20 s, ... up to max_retry (the shift is bounded so it cannot overflow).
  const auto factor = std::int64_t{1} << std::min<std::int64_t>(record.attempts - 1, 30);
  const auto delay =
      std::min<std::chrono::milliseconds>(options_.first_retry * factor, options_.max_retry);
  pending.next_attempt = now + delay;
  record.outcome = "retrying";
  spdlog::warn("mail: tenant {}: invitation {} to {} failed (attempt {}), retry in {} ms: {}",
               tenant.name, event.id, record.recipient, record.attempts, delay.count(),
               record.error);
  auto saved = store_->save_mail(record);
  if (saved.ok()) {
    pending.mail_id = *saved;
  } else {
    spdlog::warn("mail: cannot record an invitation: {}", saved.error().detail);
  }
  return Step::hold;
}

}  // namespace scimd::mail
