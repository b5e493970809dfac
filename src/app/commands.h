// The subcommands of the scimd binary; each returns the process exit code.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace scimd::app {

struct ServeConfig {
  std::string db;
  std::string listen = "127.0.0.1:8080";
  std::string public_url;  // default: http://{listen}
  std::size_t max_body_bytes = 1 << 20;
  int threads = 0;  // I/O threads; 0 = one per core
  std::int64_t max_page_size = 1000;
  std::int64_t default_page_size = 100;
};
int serve(const ServeConfig& config);

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
};
int tenant_create(const TenantConfig& config);
int tenant_list(const TenantConfig& config);
int tenant_rotate_token(const TenantConfig& config);
int tenant_revoke_token(const TenantConfig& config);
int tenant_delete(const TenantConfig& config);
int tenant_set(const TenantConfig& config);
int migrate(const std::string& db);

}  // namespace scimd::app
