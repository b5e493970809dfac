// The live connections of a server, so that a graceful shutdown can reach every one of them.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace scimd::http {

class Session;

class SessionRegistry {
 public:
  // False once draining has begun: the caller closes the new connection instead.
  bool add(const std::shared_ptr<Session>& session);
  void remove(const Session* session);
  // Marks the registry draining and asks every live session to drain; on_empty runs once, on
  // whatever thread removes the last session (or at once if there is none).
  void drain(std::function<void()> on_empty);
  // Drops on_empty: called before the server's event loop is destroyed.
  void forget_on_empty();
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;
  bool draining_ = false;
  std::function<void()> on_empty_;
};

}  // namespace scimd::http
