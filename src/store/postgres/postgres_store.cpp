#include "store/postgres/postgres_store.h"

#include <utility>

#include "store/postgres/pg_batch_writer.h"
#include "store/postgres/pg_executor.h"
#include "store/postgres/pg_migrations.h"

namespace scimd::store::postgres {

namespace {

// The engine owns its pool, so pool, executor and batch writer live exactly as long as the store.
class PgEngine final : public sql::Executor {
 public:
  PgEngine(std::unique_ptr<PgPool> pool, std::size_t write_batch)
      : pool_(std::move(pool)), executor_(*pool_) {
    if (write_batch > 1) {
      batcher_ = std::make_unique<PgBatchWriter>(executor_, *pool_,
                                                 PgBatchWriterOptions{.max_batch = write_batch});
    }
  }
  Status write(const Job& job) override {
    return batcher_ ? batcher_->write(job) : executor_.write(job);
  }
  Result<sql::Lease> read() override { return executor_.read(); }
  sql::Dialect dialect() const override { return sql::Dialect::postgres; }

 private:
  std::unique_ptr<PgPool> pool_;
  PgExecutor executor_;
  std::unique_ptr<PgBatchWriter> batcher_;  // last: its thread stops first
};

Status check_schema(PgPool& pool, bool apply) {
  SCIMD_ASSIGN_OR_RETURN(sql::Lease db, pool.acquire());
  if (apply) return migrate(*db);
  SCIMD_ASSIGN_OR_RETURN(const int version, schema_version(*db));
  const int expected = static_cast<int>(migrations().size());
  if (version != expected) {
    return make_error(Errc::internal, "database schema version " + std::to_string(version) +
                                          ", this scimd needs " + std::to_string(expected) +
                                          " (run `scimd migrate`)");
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<PostgresStore>> PostgresStore::open(PostgresOptions options) {
  if (!options.clock) options.clock = std::make_shared<SystemClock>();
  PgPoolOptions pool_options;
  pool_options.size = options.pool_size;
  auto pool = std::make_unique<PgPool>(options.url, pool_options);
  SCIMD_TRY(check_schema(*pool, options.migrate));
  PgPool* shared_pool = pool.get();
  auto engine = std::make_unique<PgEngine>(std::move(pool), options.write_batch);
  std::unique_ptr<PostgresStore> store(new PostgresStore(std::move(engine), options.clock));
  if (options.listen) {
    EventSignal& signal = store->event_signal();
    store->listener_ = std::make_unique<PgListener>(options.url, std::string(kEventsChannel),
                                                    [&signal] { signal.notify(); });
  }
  if (options.analyze_interval.count() > 0) {
    store->analyzer_ = std::make_unique<PgAnalyzer>(
        [shared_pool] { return shared_pool->acquire(); }, options.analyze_interval);
  }
  return store;
}

}  // namespace scimd::store::postgres
