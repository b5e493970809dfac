// Microsoft Entra ID's provisioning life cycle, replayed against a running scimd: Test
// Connection probes, lookup-before-create, group creation, membership batches, manager,
// attribute updates, disable/enable, member removal, group rename and delete, user delete.
// The two PATCH dialects (default and `aadOptscim062020`) differ only in the operations sent.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "integration/directory_model.h"
#include "integration/http_client.h"

namespace scimd::itest {

struct UserUpdate {
  std::string work_email;
  std::string given_name;
  std::string family_name;
  std::string display_name;
  std::string employee_number;
  std::string user_name;  // empty: unchanged
};

struct EntraDialect {
  std::function<json::array(const std::vector<std::string>& user_ids)> add_members;
  std::function<json::array(const std::vector<std::string>& user_ids)> remove_members;
  std::function<json::array(const std::string& manager_id)> set_manager;
  std::function<json::array(bool active)> set_active;
  std::function<json::array(const UserUpdate& update)> update_user;
  std::function<json::array(const std::string& display_name)> rename_group;
};

inline constexpr std::string_view kManagerPath =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager";
inline constexpr std::string_view kEmployeeNumberPath =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber";

// Runs the whole cycle with `scim` (whose tenant must start empty), checking every user and
// group precisely after every phase. `model` holds the final expected state.
void run_entra_cycle(const ScimClient& scim, const EntraDialect& dialect, DirectoryModel* model);

}  // namespace scimd::itest
