// The SQLite engine of the store: one writer thread with group commit (write_queue.h), a
// pool of read-only connections (read_pool.h) and a checkpoint thread (checkpointer.h) under
// the shared SQL logic (sql/sql_store.h).
#pragma once

#include <cstdint>
#include <memory>

#include "store/sql/sql_store.h"
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/read_pool.h"
#include "store/sqlite/write_queue.h"

namespace scimd::store::sqlite {

// Writes go through the write queue; reads borrow from the read pool.
class SqliteExecutor final : public sql::Executor {
 public:
  // Without a checkpointer the writer keeps SQLite's automatic checkpoints.
  SqliteExecutor(std::unique_ptr<WriteQueue> writes, std::unique_ptr<ReadPool> reads,
                 std::unique_ptr<Checkpointer> checkpoints = nullptr)
      : checkpoints_(std::move(checkpoints)), writes_(std::move(writes)), reads_(std::move(reads)) {}
  Status write(const Job& job) override { return writes_->submit(job); }
  Result<sql::Lease> read() override { return reads_->acquire(); }
  sql::Dialect dialect() const override { return sql::Dialect::sqlite; }

  int read_connections() const { return reads_->size(); }
  std::uint64_t commit_count() const { return writes_->commit_count(); }
  std::uint64_t checkpoint_count() const { return checkpoints_ ? checkpoints_->checkpoints() : 0; }

 private:
  std::unique_ptr<Checkpointer> checkpoints_;  // first (destroyed last): the writer's WAL hook
  std::unique_ptr<WriteQueue> writes_;
  std::unique_ptr<ReadPool> reads_;
};

class SqliteStore final : public sql::SqlStore {
 public:
  // Creates the file if needed, applies pending migrations, starts the writer thread.
  // Errors: unavailable (cannot open), internal (migration failed).
  static Result<std::unique_ptr<SqliteStore>> open(Options options);

  // Connections in the read pool.
  int read_connections() const { return engine().read_connections(); }
  // Write transactions committed so far; fewer than the writes when group commit batched them.
  std::uint64_t commit_count() const { return engine().commit_count(); }
  // WAL checkpoints run by the checkpoint thread so far.
  std::uint64_t checkpoint_count() const { return engine().checkpoint_count(); }

 private:
  using SqlStore::SqlStore;
  const SqliteExecutor& engine() const { return static_cast<const SqliteExecutor&>(executor()); }
};

}  // namespace scimd::store::sqlite
