// A fixed pool of read-only connections. With WAL, readers never wait for the writer; a caller
// waits only when every reader is in use.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/sqlite/connection.h"

namespace scimd::store::sqlite {

class ReadPool {
 public:
  static Result<std::unique_ptr<ReadPool>> open(const std::string& path, int size,
                                                int cache_mib = Connection::kDefaultCacheMib);

  // A connection borrowed until the lease ends.
  using Lease = sql::Lease;

  Lease acquire();
  int size() const { return size_; }

 private:
  ReadPool() = default;
  void release(std::unique_ptr<sql::Connection> conn);

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<sql::Connection>> idle_;
  int size_ = 0;
};

}  // namespace scimd::store::sqlite
