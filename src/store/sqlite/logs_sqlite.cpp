// SqliteStore: consumer cursors, the mail log and the provisioning log.
#include "store/sqlite/sqlite_store.h"

namespace scimd::store::sqlite {

namespace {
Error todo() { return make_error(Errc::not_implemented, "logs: not yet implemented"); }
}  // namespace

Result<std::int64_t> SqliteStore::consumer_seq(TenantId, std::string_view) { return todo(); }
Status SqliteStore::set_consumer_seq(TenantId, std::string_view, std::int64_t) { return todo(); }
Result<std::int64_t> SqliteStore::save_mail(const MailRecord&) { return todo(); }
Result<std::vector<MailRecord>> SqliteStore::list_mail(TenantId, std::int64_t) { return todo(); }
Status SqliteStore::append_provisioning(const std::vector<ProvisioningEntry>&) { return todo(); }
Result<std::vector<ProvisioningEntry>> SqliteStore::list_provisioning(const ProvisioningQuery&) {
  return todo();
}
Result<std::vector<StatusCount>> SqliteStore::summarize_provisioning(TenantId, std::string_view) {
  return todo();
}
Result<std::int64_t> SqliteStore::prune_logs(TimePoint) { return todo(); }

}  // namespace scimd::store::sqlite
