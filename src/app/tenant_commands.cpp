#include <fstream>
#include <iostream>
#include <iterator>

#include <boost/json.hpp>

#include "api/service.h"
#include "api/tenant_settings.h"
#include "app/commands.h"
#include "core/crypto.h"
#include "core/ids.h"
#include "mail/invitation.h"
#include "store/store.h"

namespace scimd::app {

namespace {

int fail(const Error& e) {
  std::cerr << "scimd: " << e.detail << "\n";
  return 1;
}

// Makes a token, stores only its hash, and prints it once.
int issue_token(store::Store& s, const store::Tenant& tenant, const TenantConfig& config) {
  const std::string token = new_secret_token();
  if (auto r = s.add_token(tenant.id, crypto::sha256_hex(token)); !r.ok()) return fail(r.error());
  const std::string url = api::tenant_url(config.public_url, tenant.name);
  if (config.json) {
    boost::json::object o{{"tenant", tenant.name}, {"tenant_url", url}, {"token", token}};
    std::cout << boost::json::serialize(o) << std::endl;
  } else {
    std::cout << "Tenant:       " << tenant.name << "\n"
              << "Tenant URL:   " << url << "\n"
              << "Secret Token: " << token << "\n"
              << "(The token is shown only this once; scimd keeps only its SHA-256.)" << std::endl;
  }
  return 0;
}

Result<std::unique_ptr<store::Store>> open_store(const std::string& db) {
  if (db.empty()) return make_error(Errc::invalid_value, "--db (or SCIMD_DB) is required, e.g. sqlite:scimd.db");
  return store::Store::open(db, store::Store::Use::one_shot);
}

}  // namespace

int tenant_create(const TenantConfig& config) {
  auto s = open_store(config.db);
  if (!s.ok()) return fail(s.error());
  auto tenant = (*s)->create_tenant(config.name);
  if (!tenant.ok()) return fail(tenant.error());
  return issue_token(**s, *tenant, config);
}

int tenant_list(const TenantConfig& config) {
  auto s = open_store(config.db);
  if (!s.ok()) return fail(s.error());
  auto tenants = (*s)->list_tenants();
  if (!tenants.ok()) return fail(tenants.error());
  if (config.json) {
    boost::json::array arr;
    for (const auto& t : *tenants) {
      arr.emplace_back(boost::json::object{{"tenant", t.name},
                                           {"tenant_url", api::tenant_url(config.public_url, t.name)},
                                           {"created", t.created}});
    }
    std::cout << boost::json::serialize(arr) << std::endl;
    return 0;
  }
  for (const auto& t : *tenants) {
    std::cout << t.name << "\t" << api::tenant_url(config.public_url, t.name) << "\t" << t.created << "\n";
  }
  return 0;
}

int tenant_rotate_token(const TenantConfig& config) {
  const auto grace = parse_duration(config.grace);
  if (!grace) {
    std::cerr << "scimd: --grace must be a duration like 30s, 15m, 24h or 7d\n";
    return 2;
  }
  auto s = open_store(config.db);
  if (!s.ok()) return fail(s.error());
  auto tenant = (*s)->find_tenant(config.name);
  if (!tenant.ok()) return fail(tenant.error());
  const TimePoint until = std::chrono::system_clock::now() + *grace;
  if (auto r = (*s)->expire_tokens(tenant->id, until); !r.ok()) return fail(r.error());
  return issue_token(**s, *tenant, config);
}

int tenant_revoke_token(const TenantConfig& config) {
  auto s = open_store(config.db);
  if (!s.ok()) return fail(s.error());
  auto tenant = (*s)->find_tenant(config.name);
  if (!tenant.ok()) return fail(tenant.error());
  if (auto r = (*s)->expire_tokens(tenant->id, std::chrono::system_clock::now()); !r.ok()) {
    return fail(r.error());
  }
  std::cout << "Revoked every token of tenant " << tenant->name
            << "; running servers stop accepting them within 5 seconds.\n";
  return 0;
}

int tenant_delete(const TenantConfig& config) {
  auto s = open_store(config.db);
  if (!s.ok()) return fail(s.error());
  if (auto r = (*s)->delete_tenant(config.name); !r.ok()) return fail(r.error());
  std::cout << "Deleted tenant " << config.name << " with all its users, groups and tokens.\n";
  return 0;
}

namespace {
// The file's JSON, validated as invitation settings. Errors: invalid_value naming the problem.
Result<boost::json::value> read_invitations(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(Errc::invalid_value, "--invitations-file: cannot read " + path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec) return make_error(Errc::invalid_value, "--invitations-file: not JSON: " + ec.message());
  SCIMD_TRY(mail::parse_invitation_settings(value));
  return value;
}
}  // namespace

int tenant_set(const TenantConfig& config) {
  auto s = open_store(config.db);
  if (!s.ok()) return fail(s.error());
  auto tenant = (*s)->find_tenant(config.name);
  if (!tenant.ok()) return fail(tenant.error());
  boost::json::object settings = tenant->settings;
  if (config.clear_required) {
    api::set_required_attributes(settings, scim::ResourceKind::user, {});
    api::set_required_attributes(settings, scim::ResourceKind::group, {});
  }
  const auto apply = [&](scim::ResourceKind kind, const std::vector<std::string>& specs) -> int {
    if (specs.empty()) return 0;
    std::vector<api::RequiredAttribute> required;
    for (const auto& spec : specs) {
      auto r = api::parse_requirement(kind, spec);
      if (!r.ok()) return fail(r.error());
      required.push_back(std::move(r).value());
    }
    api::set_required_attributes(settings, kind, required);
    return 0;
  };
  if (int rc = apply(scim::ResourceKind::user, config.require_user); rc != 0) return rc;
  if (int rc = apply(scim::ResourceKind::group, config.require_group); rc != 0) return rc;
  if (!config.invitations_file.empty()) {
    auto invitations = read_invitations(config.invitations_file);
    if (!invitations.ok()) return fail(invitations.error());
    settings["invitations"] = std::move(invitations).value();
  }
  if (auto r = (*s)->set_tenant_settings(tenant->id, settings); !r.ok()) return fail(r.error());
  // Running servers pick the change up with the tenant's next token lookup (within 5 s).
  std::cout << boost::json::serialize(boost::json::object{{"tenant", tenant->name}, {"settings", settings}})
            << std::endl;
  return 0;
}

int migrate(const std::string& db) {
  auto s = open_store(db);  // opening applies pending migrations
  if (!s.ok()) return fail(s.error());
  std::cout << "The store is at the current schema version.\n";
  return 0;
}

}  // namespace scimd::app
