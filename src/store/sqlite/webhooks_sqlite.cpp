// SqliteStore: webhook endpoints, their delivery state and the delivery log.
#include "store/sqlite/sqlite_store.h"

namespace scimd::store::sqlite {

namespace {
Error todo() { return make_error(Errc::not_implemented, "webhooks: not yet implemented"); }
}  // namespace

Result<Webhook> SqliteStore::create_webhook(TenantId, Webhook) { return todo(); }
Result<std::vector<Webhook>> SqliteStore::list_webhooks(std::optional<TenantId>) { return todo(); }
Result<Webhook> SqliteStore::get_webhook(TenantId, std::string_view) { return todo(); }
Status SqliteStore::delete_webhook(TenantId, std::string_view) { return todo(); }
Status SqliteStore::save_delivery(const Webhook&, const std::vector<DeliveryAttempt>&) { return todo(); }
Result<Webhook> SqliteStore::replay_webhook(TenantId, std::string_view, std::optional<std::int64_t>) {
  return todo();
}
Result<std::vector<DeliveryAttempt>> SqliteStore::list_deliveries(TenantId, std::string_view, bool,
                                                                  std::int64_t) {
  return todo();
}

}  // namespace scimd::store::sqlite
