#include "http/session_registry.h"

#include <utility>
#include <vector>

#include "http/session.h"

namespace scimd::http {

bool SessionRegistry::add(const std::shared_ptr<Session>& session) {
  const std::lock_guard lock(mutex_);
  if (draining_) return false;
  sessions_.emplace(session.get(), session);
  return true;
}

void SessionRegistry::remove(const Session* session) {
  std::function<void()> on_empty;
  {
    const std::lock_guard lock(mutex_);
    sessions_.erase(session);
    if (draining_ && sessions_.empty()) std::swap(on_empty, on_empty_);
  }
  if (on_empty) on_empty();
}

void SessionRegistry::drain(std::function<void()> on_empty) {
  std::vector<std::shared_ptr<Session>> live;
  {
    const std::lock_guard lock(mutex_);
    draining_ = true;
    for (const auto& [key, weak] : sessions_) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
    // With sessions left, the last remove() calls on_empty; otherwise it is called below.
    if (!sessions_.empty()) {
      on_empty_ = std::move(on_empty);
      on_empty = nullptr;
    }
  }
  // Outside the lock: releasing the last reference runs ~Session, which calls remove().
  for (const auto& session : live) session->drain();
  live.clear();
  if (on_empty) on_empty();
}

void SessionRegistry::forget_on_empty() {
  const std::lock_guard lock(mutex_);
  on_empty_ = nullptr;
}

std::size_t SessionRegistry::size() const {
  const std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace scimd::http
