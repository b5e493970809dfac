// scimd: a multi-tenant SCIM 2.0 provisioning server. See README.md for the commands.
#include <CLI/CLI.hpp>

#include "app/commands.h"

int main(int argc, char** argv) {
  using namespace scimd::app;
  CLI::App app{"scimd: multi-tenant SCIM 2.0 provisioning server"};
  app.require_subcommand(1);

  ServeConfig serve_config;
  auto* serve_cmd = app.add_subcommand("serve", "Serve SCIM for every tenant in the store");
  serve_cmd->add_option("--db", serve_config.db, "Store URL, e.g. sqlite:/var/lib/scimd/scimd.db")
      ->envname("SCIMD_DB");
  serve_cmd->add_option("--listen", serve_config.listen, "HOST:PORT to listen on (PORT 0: any free port)")
      ->envname("SCIMD_LISTEN");
  serve_cmd->add_option("--public-url", serve_config.public_url,
                        "URL clients reach scimd at (default http://HOST:PORT)")
      ->envname("SCIMD_PUBLIC_URL");
  serve_cmd->add_option("--max-body", serve_config.max_body_bytes, "Largest request body in bytes")
      ->envname("SCIMD_MAX_BODY");
  serve_cmd->add_option("--threads", serve_config.threads, "I/O threads (0: one per core, and on PostgreSQL at least pool_size)")
      ->envname("SCIMD_THREADS");
  serve_cmd->add_option("--max-page-size", serve_config.max_page_size,
                        "Most resources one list page returns")
      ->envname("SCIMD_MAX_PAGE_SIZE")
      ->check(CLI::Range(1, 100000));
  serve_cmd->add_option("--default-page-size", serve_config.default_page_size,
                        "Page size when the client gives no count")
      ->envname("SCIMD_DEFAULT_PAGE_SIZE")
      ->check(CLI::Range(1, 100000));

  serve_cmd->add_option("--webhook-horizon", serve_config.webhook_horizon,
                        "How long an endpoint may keep failing before it is dead (e.g. 72h)")
      ->envname("SCIMD_WEBHOOK_HORIZON");
  serve_cmd->add_option("--webhook-timeout", serve_config.webhook_timeout,
                        "Time limit of one webhook POST (e.g. 10s)")
      ->envname("SCIMD_WEBHOOK_TIMEOUT");
  serve_cmd->add_option("--admin-key-file", serve_config.admin_key_file,
                        "File holding the admin key for /admin/v1 (wins over SCIMD_ADMIN_KEY; "
                        "neither: the admin API is off)");

  serve_cmd->add_option("--smtp-url", serve_config.mail.smtp_url,
                        "SMTP server for invitations: smtp://host:port or smtps://host:port "
                        "(none: .eml files in --mail-dir)")
      ->envname("SCIMD_SMTP_URL");
  serve_cmd->add_option("--smtp-user", serve_config.mail.smtp_user, "SMTP AUTH user")
      ->envname("SCIMD_SMTP_USER");
  serve_cmd->add_option("--smtp-password-file", serve_config.mail.smtp_password_file,
                        "File whose first line is the SMTP AUTH password")
      ->envname("SCIMD_SMTP_PASSWORD_FILE");
  serve_cmd->add_flag("--smtp-starttls", serve_config.mail.smtp_starttls,
                      "Require STARTTLS on smtp:// (never send in clear text)")
      ->envname("SCIMD_SMTP_STARTTLS");
  serve_cmd->add_option("--mail-dir", serve_config.mail.mail_dir,
                        "Where invitations go as .eml files when there is no --smtp-url "
                        "(default: 'mail' beside the SQLite file)")
      ->envname("SCIMD_MAIL_DIR");
  serve_cmd->add_option("--event-retention", serve_config.mail.event_retention,
                        "How long events are kept (e.g. 90d)")
      ->envname("SCIMD_EVENT_RETENTION");
  serve_cmd->add_option("--log-retention", serve_config.mail.log_retention,
                        "How long the provisioning log, webhook attempts and mail records are kept (e.g. 30d)")
      ->envname("SCIMD_LOG_RETENTION");
  serve_cmd->add_option("--instance-id", serve_config.instance_id,
                        "This instance's name in the leases table, e.g. the pod name (default: random per start)")
      ->envname("SCIMD_INSTANCE_ID");
  serve_cmd->add_option("--lease-ttl", serve_config.lease_ttl,
                        "How long a webhook or mail lease outlives a dead instance (e.g. 15s; min 3s)")
      ->envname("SCIMD_LEASE_TTL");

  TenantConfig tenant_config;
  auto* tenant_cmd = app.add_subcommand("tenant", "Manage tenants and their Secret Tokens");
  tenant_cmd->require_subcommand(1);
  const auto common = [&tenant_config](CLI::App* cmd, bool named) {
    if (named) cmd->add_option("NAME", tenant_config.name, "Tenant name")->required();
    cmd->add_option("--db", tenant_config.db, "Store URL, e.g. sqlite:scimd.db")->envname("SCIMD_DB");
    cmd->add_option("--public-url", tenant_config.public_url, "URL clients reach scimd at")
        ->envname("SCIMD_PUBLIC_URL")
        ->default_val("http://127.0.0.1:8080");
    cmd->add_flag("--json", tenant_config.json, "Print one JSON object");
  };
  auto* create_cmd = tenant_cmd->add_subcommand("create", "Create a tenant; prints its Tenant URL and Secret Token");
  common(create_cmd, true);
  auto* list_cmd = tenant_cmd->add_subcommand("list", "List tenants");
  common(list_cmd, false);
  auto* rotate_cmd = tenant_cmd->add_subcommand(
      "rotate-token", "Issue a new Secret Token; old tokens keep working until --grace ends");
  common(rotate_cmd, true);
  rotate_cmd->add_option("--grace", tenant_config.grace, "How long old tokens keep working (e.g. 0s, 1h, 7d)");
  auto* revoke_cmd = tenant_cmd->add_subcommand("revoke-token", "Revoke every token of a tenant");
  common(revoke_cmd, true);
  auto* delete_cmd = tenant_cmd->add_subcommand("delete", "Delete a tenant and all its data");
  common(delete_cmd, true);

  auto* set_cmd = tenant_cmd->add_subcommand("set", "Change a tenant's settings and print them");
  common(set_cmd, true);
  set_cmd->add_option("--require", tenant_config.require_user,
                      "User attribute every user must have, e.g. emails.work or name.givenName "
                      "(repeat; replaces the list)");
  set_cmd->add_option("--require-group", tenant_config.require_group,
                      "Group attribute every group must have (repeat; replaces the list)");
  set_cmd->add_option("--invitations-file", tenant_config.invitations_file,
                      "JSON object with the tenant's invitation email settings "
                      "(docs/invitations.md); replaces them");
  set_cmd->add_flag("--clear-required", tenant_config.clear_required,
                    "Remove every required-attribute rule");

  WebhookConfig webhook_config;
  auto* webhook_cmd = app.add_subcommand("webhook", "Manage a tenant's webhook endpoints");
  webhook_cmd->require_subcommand(1);
  const auto webhook_common = [&webhook_config](CLI::App* cmd) {
    cmd->add_option("--db", webhook_config.db, "Store URL, e.g. sqlite:scimd.db")->envname("SCIMD_DB");
    cmd->add_option("--tenant", webhook_config.tenant, "Tenant name")->required();
    cmd->add_flag("--json", webhook_config.json, "Print JSON");
  };
  auto* webhook_add_cmd = webhook_cmd->add_subcommand("add", "Add an endpoint; prints its id and signing secret");
  webhook_common(webhook_add_cmd);
  webhook_add_cmd->add_option("--url", webhook_config.url, "http(s) URL to POST events to")->required();
  webhook_add_cmd->add_option("--events", webhook_config.events, "Event types to send (repeat; default all)");
  auto* webhook_list_cmd = webhook_cmd->add_subcommand("list", "List endpoints and where delivery stands");
  webhook_common(webhook_list_cmd);
  auto* webhook_remove_cmd = webhook_cmd->add_subcommand("remove", "Remove an endpoint");
  webhook_common(webhook_remove_cmd);
  webhook_remove_cmd->add_option("ID", webhook_config.id, "Endpoint id (wh_...)")->required();
  auto* webhook_replay_cmd = webhook_cmd->add_subcommand(
      "replay", "Revive a dead endpoint; with --from-seq re-send from that event on");
  webhook_common(webhook_replay_cmd);
  webhook_replay_cmd->add_option("ID", webhook_config.id, "Endpoint id (wh_...)")->required();
  webhook_replay_cmd->add_option("--from-seq", webhook_config.from_seq, "First event seq to send again")
      ->check(CLI::PositiveNumber);
  auto* webhook_deliveries_cmd = webhook_cmd->add_subcommand("deliveries", "Show the delivery log, newest first");
  webhook_common(webhook_deliveries_cmd);
  webhook_deliveries_cmd->add_option("ID", webhook_config.id, "Endpoint id (wh_...)")->required();
  webhook_deliveries_cmd->add_flag("--failures", webhook_config.failures_only, "Only failed attempts");
  webhook_deliveries_cmd->add_option("--limit", webhook_config.limit, "Most attempts to show")
      ->check(CLI::Range(1, 10000));

  std::string migrate_db;
  auto* migrate_cmd = app.add_subcommand("migrate", "Apply pending store migrations and exit");
  migrate_cmd->add_option("--db", migrate_db, "Store URL")->envname("SCIMD_DB");

  CLI11_PARSE(app, argc, argv);

  if (*serve_cmd) return serve(serve_config);
  if (*create_cmd) return tenant_create(tenant_config);
  if (*list_cmd) return tenant_list(tenant_config);
  if (*rotate_cmd) return tenant_rotate_token(tenant_config);
  if (*revoke_cmd) return tenant_revoke_token(tenant_config);
  if (*delete_cmd) return tenant_delete(tenant_config);
  if (*set_cmd) return tenant_set(tenant_config);
  if (*migrate_cmd) return migrate(migrate_db);
  if (*webhook_add_cmd) return webhook_add(webhook_config);
  if (*webhook_list_cmd) return webhook_list(webhook_config);
  if (*webhook_remove_cmd) return webhook_remove(webhook_config);
  if (*webhook_replay_cmd) return webhook_replay(webhook_config);
  if (*webhook_deliveries_cmd) return webhook_deliveries(webhook_config);
  return 2;
}
