// Last-used times of SCIM tokens and app keys. Authenticating only notes the time in memory;
// a background thread writes what accumulated through Store::note_key_use, one write per
// interval at most, so a request never waits for a write to record its use.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "core/result.h"
#include "core/time.h"
#include "store/store.h"

namespace scimd::api {

inline constexpr std::chrono::seconds kKeyUseFlushInterval{30};
// Distinct keys remembered between flushes; beyond it new keys wait for the next interval.
inline constexpr std::size_t kKeyUseMaxPending = 100000;

class KeyUseRecorder {
 public:
  explicit KeyUseRecorder(std::shared_ptr<store::Store> store,
                          std::chrono::milliseconds interval = kKeyUseFlushInterval);
  // Stops the thread and writes what is still pending.
  ~KeyUseRecorder();
  KeyUseRecorder(const KeyUseRecorder&) = delete;
  KeyUseRecorder& operator=(const KeyUseRecorder&) = delete;

  // Remembers that the key with this SHA-256 (hex) was used at `when` (the latest use wins).
  void note(std::string sha256_hex, TimePoint when);
  // Writes every pending use now (one store write; none when nothing is pending). Uses that
  // fail to be written are dropped: last-used is informational, and retrying forever would
  // let the map grow while the store is down.
  Status flush();
  std::size_t pending() const;

 private:
  void run();

  std::shared_ptr<store::Store> store_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::unordered_map<std::string, TimePoint> pending_;
  std::thread thread_;   // last: starts after everything it uses exists
};

}  // namespace scimd::api
