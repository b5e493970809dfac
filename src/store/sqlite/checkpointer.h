// Moves committed pages from the WAL into the database file on a thread of its own.
//
// SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1000 frames: the
// writer copies and syncs those pages while every queued write waits behind it. Here the
// writer's WAL hook only signals this thread, once per `threshold` frames appended, and the
// thread runs a PASSIVE checkpoint on its own connection beside the writer and the readers (WAL
// allows that); the next writer restarts the WAL once every frame has been copied. Under a write
// load that never pauses the thread may never catch up to the last frame, so past a hard limit
// the writer checkpoints inline, as SQLite would, and the WAL stays bounded.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "store/sqlite/connection.h"

namespace scimd::store::sqlite {

class Checkpointer {
 public:
  static constexpr int kDefaultThresholdFrames = 1000;   // SQLite's own default (4 MiB)
  static constexpr int kDefaultHardLimitFrames = 16000;  // 64 MiB of 4 KiB pages

  // `connection`: a read-write connection of its own to the same database.
  explicit Checkpointer(std::unique_ptr<Connection> connection,
                        int threshold_frames = kDefaultThresholdFrames,
                        int hard_limit_frames = kDefaultHardLimitFrames);
  // Stops the thread; a checkpoint in progress finishes first.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Takes over `writer`'s checkpoints: installs the WAL hook (which switches SQLite's automatic
  // checkpoint off for that connection). This object must outlive `writer`.
  void attach(Connection& writer);

  // Checkpoints run so far by the thread, and by the writer past the hard limit.
  std::uint64_t checkpoints() const { return checkpoints_.load(); }
  std::uint64_t inline_checkpoints() const { return inline_checkpoints_.load(); }

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
  void run();

  std::unique_ptr<Connection> connection_;
  const int threshold_frames_;
  const int hard_limit_frames_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;
  // The WAL hook's own (the writer's thread): frames at its last commit and at its last signal.
  int frames_seen_ = 0;
  int frames_at_last_request_ = 0;
  bool stopping_ = false;
  std::atomic<std::uint64_t> checkpoints_{0};
  std::atomic<std::uint64_t> inline_checkpoints_{0};
  std::thread thread_;  // last: starts after everything it uses exists
};

}  // namespace scimd::store::sqlite
