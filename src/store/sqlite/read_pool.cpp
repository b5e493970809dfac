#include "store/sqlite/read_pool.h"

#include <utility>

namespace scimd::store::sqlite {

Result<std::unique_ptr<ReadPool>> ReadPool::open(const std::string& path, int size,
                                                 int cache_mib) {
  std::unique_ptr<ReadPool> pool(new ReadPool());
  for (int i = 0; i < (size < 1 ? 1 : size); ++i) {
    SCIMD_ASSIGN_OR_RETURN(auto conn, Connection::open(path, Connection::Mode::reader, cache_mib));
    pool->idle_.push_back(std::move(conn));
  }
  pool->size_ = static_cast<int>(pool->idle_.size());
  return pool;
}

ReadPool::Lease ReadPool::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !idle_.empty(); });
  std::unique_ptr<sql::Connection> conn = std::move(idle_.back());
  idle_.pop_back();
  return Lease(std::move(conn), [this](std::unique_ptr<sql::Connection> back) {
    release(std::move(back));
  });
}

void ReadPool::release(std::unique_ptr<sql::Connection> conn) {
  {
    const std::lock_guard lock(mutex_);
    idle_.push_back(std::move(conn));
  }
  available_.notify_one();
}

}  // namespace scimd::store::sqlite
