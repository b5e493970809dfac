#include "store/sqlite/checkpointer.h"

#include <spdlog/spdlog.h>

namespace scimd::store::sqlite {

Checkpointer::Checkpointer(std::unique_ptr<Connection> connection, int threshold_frames,
                           int hard_limit_frames)
    : connection_(std::move(connection)),
      threshold_frames_(threshold_frames),
      hard_limit_frames_(hard_limit_frames),
      thread_([this] { run(); }) {}

Checkpointer::~Checkpointer() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Checkpointer::attach(Connection& writer) {
  sqlite3_wal_hook(writer.handle(), &Checkpointer::on_commit, this);
}

int Checkpointer::on_commit(void* self, sqlite3* db, const char* schema, int frames) {
  auto* checkpointer = static_cast<Checkpointer*>(self);
  if (frames >= checkpointer->hard_limit_frames_) {
    // Nothing is appended while the writer itself copies: this pass reaches the last frame.
    checkpointer->inline_checkpoints_.fetch_add(1);
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  // One pass per `threshold` frames appended: a pass after every commit past the threshold
  // copied little each time and cost ~15 % of the CPU of a create load.
  if (frames < checkpointer->frames_seen_) checkpointer->frames_at_last_request_ = 0;  // restarted
  checkpointer->frames_seen_ = frames;
  if (frames - checkpointer->frames_at_last_request_ < checkpointer->threshold_frames_) {
    return SQLITE_OK;
  }
  checkpointer->frames_at_last_request_ = frames;
  {
    const std::lock_guard lock(checkpointer->mutex_);
    checkpointer->wanted_ = true;
  }
  checkpointer->wake_.notify_one();
  return SQLITE_OK;
}

void Checkpointer::run() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || wanted_; });
      if (stopping_) return;
      wanted_ = false;
    }
    int wal_frames = 0;
    int copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(connection_->handle(), "main",
                                             SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied);
    checkpoints_.fetch_add(1);
    // Busy only means another checkpoint ran meanwhile; the next commit past the threshold
    // asks again.
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      spdlog::warn("sqlite: checkpoint failed: {}", sqlite3_errmsg(connection_->handle()));
    }
  }
}

}  // namespace scimd::store::sqlite
