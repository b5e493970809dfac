#include "store/records.h"

#include <algorithm>

namespace scimd::store {

const std::vector<std::string>& event_types() {
  static const std::vector<std::string> types = {
      "user.created",  "user.updated",     "user.deactivated",   "user.reactivated",
      "user.deleted",  "group.created",    "group.updated",      "group.deleted",
      "group.user_added", "group.user_removed", "user.roles_changed"};
  return types;
}

bool is_event_type(std::string_view type) {
  const auto& types = event_types();
  return std::find(types.begin(), types.end(), type) != types.end();
}

}  // namespace scimd::store
