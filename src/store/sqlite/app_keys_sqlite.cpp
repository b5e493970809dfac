// SqliteStore: app keys for the directory API, and last-used times of tokens and keys.
#include "store/sqlite/sqlite_store.h"

namespace scimd::store::sqlite {

namespace {
Error todo() { return make_error(Errc::not_implemented, "app keys: not yet implemented"); }
}  // namespace

Result<AppKey> SqliteStore::add_app_key(TenantId, std::string_view, std::string_view) { return todo(); }
Result<std::vector<AppKey>> SqliteStore::list_app_keys(TenantId) { return todo(); }
Status SqliteStore::revoke_app_key(TenantId, std::int64_t) { return todo(); }
Result<std::optional<Tenant>> SqliteStore::find_app_key_owner(std::string_view) { return todo(); }
Status SqliteStore::note_key_use(const std::vector<std::pair<std::string, TimePoint>>&) { return todo(); }

}  // namespace scimd::store::sqlite
