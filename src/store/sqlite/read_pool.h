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
  static Result<std::unique_ptr<ReadPool>> open(const std::string& path, int size);

  // A connection borrowed from the pool, returned when the lease ends.
  class Lease {
   public:
    Lease(ReadPool& pool, std::unique_ptr<Connection> conn)
        : pool_(&pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_.get(); }

   private:
    ReadPool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  Lease acquire();
  int size() const { return size_; }

 private:
  ReadPool() = default;
  void release(std::unique_ptr<Connection> conn);

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int size_ = 0;
};

}  // namespace scimd::store::sqlite
