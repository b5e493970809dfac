// The subcommands of the scimd binary; each returns the process exit code.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "app/mail_wiring.h"

namespace scimd::app {

struct ServeConfig {
  std::string db;
  std::string listen = "127.0.0.1:8080";
  std::string public_url;  // default: http://{listen}
  std::size_t max_body_bytes = 1 << 20;
  int threads = 0;  // I/O threads; 0 = one per core
  std::int64_t max_page_size = 1000;
  std::int64_t default_page_size = 100;
  MailFlags mail;  // invitation mail and retention (app/mail_wiring.h)
  std::string webhook_horizon = "72h";  // failure streak after which an endpoint is dead
  std::string webhook_timeout = "10s";  // one webhook POST, connecting included
  std::string admin_key_file;  // --admin-key-file; else SCIMD_ADMIN_KEY (app/admin_key.h)
  // Fleet coordination (docs/deploy.md): this instance's name in the leases table (default:
  // random per start) and how long a dead instance's webhook and mail leases last.
  std::string instance_id;
  std::string lease_ttl = "15s";
};
int serve(const ServeConfig& config);

// scimd webhook add|list|remove|replay|deliveries (webhook_commands.cpp).
struct WebhookConfig {
  std::string db;
  std::string tenant;
  std::string url;
  std::vector<std::string> events;  // add: types to send (none: all)
  std::string id;                   // remove, replay, deliveries
  std::int64_t from_seq = 0;        // replay: 0 = resume where delivery stands
  bool failures_only = false;       // deliveries
  std::int64_t limit = 50;          // deliveries
  bool json = false;
};
int webhook_add(const WebhookConfig& config);
int webhook_list(const WebhookConfig& config);
int webhook_remove(const WebhookConfig& config);
int webhook_replay(const WebhookConfig& config);
int webhook_deliveries(const WebhookConfig& config);

struct TenantConfig {
  std::string db;
  std::string name;
  std::string public_url;
  bool json = false;
  std::string grace = "0s";
  // tenant set
  std::vector<std::string> require_user;   // --require
  std::vector<std::string> require_group;  // --require-group
  bool clear_required = false;
  std::string invitations_file;  // --invitations-file: JSON object (mail/invitation.h)
};
int tenant_create(const TenantConfig& config);
int tenant_list(const TenantConfig& config);
int tenant_rotate_token(const TenantConfig& config);
int tenant_revoke_token(const TenantConfig& config);
int tenant_delete(const TenantConfig& config);
int tenant_set(const TenantConfig& config);
int migrate(const std::string& db);

}  // namespace scimd::app
