#include "store/postgres/pg_pool.h"

#include <condition_variable>
#include <mutex>
#include <vector>

#include "store/postgres/pg_connection.h"

namespace scimd::store::postgres {

// Lives as long as the pool or any lease, whichever is last.
struct PgPool::Shared {
  std::string url;
  PgPoolOptions options;
  mutable std::mutex mu;
  std::condition_variable freed;  // a connection came back or a slot opened
  std::vector<std::unique_ptr<PgConnection>> idle;
  std::size_t open = 0;  // lent + idle + being opened; never above options.size

  // Takes back a lent connection, or drops it if it is no longer fit to lend.
  void give_back(std::unique_ptr<PgConnection> conn) {
    if (conn->healthy() && conn->in_transaction()) {
      // A lease dropped mid-transaction (an early return): its work must not leak into the
      // next borrower's statements.
      if (!conn->exec("ROLLBACK").ok() || conn->in_transaction()) conn.reset();
    }
    if (conn && !conn->healthy()) conn.reset();
    if (conn) conn->clear_last_sqlstate();
    {
      const std::lock_guard lock(mu);
      if (conn) {
        idle.push_back(std::move(conn));
      } else {
        --open;
      }
    }
    freed.notify_one();
  }

  sql::Lease lend(std::shared_ptr<Shared> self, std::unique_ptr<PgConnection> conn) {
    return sql::Lease(
        std::move(conn), [self = std::move(self)](std::unique_ptr<sql::Connection> c) {
          // The pool only ever lends PgConnections.
          self->give_back(std::unique_ptr<PgConnection>(static_cast<PgConnection*>(c.release())));
        });
  }
};

PgPool::PgPool(std::string url, PgPoolOptions options) : shared_(std::make_shared<Shared>()) {
  shared_->url = std::move(url);
  shared_->options = options;
  if (shared_->options.size == 0) shared_->options.size = 1;
}

PgPool::~PgPool() = default;

Result<sql::Lease> PgPool::acquire() {
  Shared& s = *shared_;
  const auto deadline = std::chrono::steady_clock::now() + s.options.acquire_timeout;
  std::unique_lock lock(s.mu);
  while (true) {
    const bool ready = s.freed.wait_until(
        lock, deadline, [&] { return !s.idle.empty() || s.open < s.options.size; });
    if (!ready) {
      return make_error(Errc::unavailable, "all " + std::to_string(s.options.size) +
                                               " PostgreSQL connections busy (waited " +
                                               std::to_string(s.options.acquire_timeout.count()) +
                                               " ms)");
    }
    if (s.idle.empty()) break;
    // Most recently used first: it is the likeliest to be alive and warm.
    std::unique_ptr<PgConnection> conn = std::move(s.idle.back());
    s.idle.pop_back();
    lock.unlock();
    if (conn->still_connected()) return s.lend(shared_, std::move(conn));
    conn.reset();  // closed by the server while idle (a restart): open a fresh one instead
    lock.lock();
    --s.open;
  }
  ++s.open;  // reserve the slot while connecting outside the lock
  lock.unlock();
  auto opened = PgConnection::open(s.url);
  if (!opened.ok()) {
    {
      const std::lock_guard relock(s.mu);
      --s.open;
    }
    s.freed.notify_one();
    return std::move(opened).error();
  }
  return s.lend(shared_, std::move(opened).value());
}

Status PgPool::ping() {
  SCIMD_ASSIGN_OR_RETURN(sql::Lease lease, acquire());
  SCIMD_ASSIGN_OR_RETURN(sql::Statement probe, lease->prepare("SELECT 1"));
  return probe.run();
}

std::size_t PgPool::size() const { return shared_->options.size; }

std::size_t PgPool::open_connections() const {
  const std::lock_guard lock(shared_->mu);
  return shared_->open;
}

std::size_t PgPool::idle_connections() const {
  const std::lock_guard lock(shared_->mu);
  return shared_->idle.size();
}

}  // namespace scimd::store::postgres
