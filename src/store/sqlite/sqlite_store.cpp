#include "store/sqlite/sqlite_store.h"

#include <utility>

#include "store/sqlite/migrations.h"

namespace scimd::store::sqlite {

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(Options options) {
  if (options.path.empty()) return make_error(Errc::invalid_value, "sqlite store needs a path");
  if (!options.clock) options.clock = std::make_shared<SystemClock>();
  SCIMD_ASSIGN_OR_RETURN(auto writer,
                         Connection::open(options.path, Connection::Mode::writer, options.cache_mib));
  SCIMD_TRY(migrate(*writer));
  // Readers and the checkpointer open after the writer has created the file and switched it
  // to WAL.
  SCIMD_ASSIGN_OR_RETURN(auto reads,
                         ReadPool::open(options.path, options.read_connections, options.cache_mib));
  SCIMD_ASSIGN_OR_RETURN(auto checkpoint_connection,
                         Connection::open(options.path, Connection::Mode::writer));
  auto checkpoints = std::make_unique<Checkpointer>(std::move(checkpoint_connection));
  checkpoints->attach(*writer);
  auto engine = std::make_unique<SqliteExecutor>(std::make_unique<WriteQueue>(std::move(writer)),
                                                 std::move(reads), std::move(checkpoints));
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(engine), options.clock));
}

}  // namespace scimd::store::sqlite
