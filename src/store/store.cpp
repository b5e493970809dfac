#include "store/store.h"

#include "store/sqlite/sqlite_store.h"

namespace scimd::store {

Result<std::unique_ptr<Store>> Store::open(std::string_view url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.substr(0, kSqlite.size()) == kSqlite) {
    Options options;
    options.path = std::string(url.substr(kSqlite.size()));
    SCIMD_ASSIGN_OR_RETURN(auto store, sqlite::SqliteStore::open(std::move(options)));
    return std::unique_ptr<Store>(std::move(store));
  }
  return make_error(Errc::invalid_value,
                    "unknown store URL '" + std::string(url) + "' (expected sqlite:PATH)");
}

}  // namespace scimd::store
