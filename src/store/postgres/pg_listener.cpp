#include "store/postgres/pg_listener.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "store/postgres/pg_connection.h"

namespace scimd::store::postgres {

namespace {

using Ms = std::chrono::milliseconds;

constexpr Ms kFirstBackoff{100};
constexpr Ms kMaxBackoff{5000};
// A listening connection idles: the poll wakes this often anyway to check the connection's
// status (the keepalives below notice a silently vanished server).
constexpr int kIdlePollMs = 10000;

struct ConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnCloser>;

// As PgConnection::open: a bounded connect and keepalives; the URL's own settings win.
ConnPtr connect(const std::string& url) {
  ConnPtr conn(connect_with_defaults(url, "scimd-listener"));
  if (conn && PQstatus(conn.get()) == CONNECTION_OK) {
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
  }
  return conn;
}

std::string reason(PGconn* conn) {
  if (conn == nullptr) return "out of memory";
  std::string text = PQerrorMessage(conn);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

PgListener::PgListener(std::string url, std::string channel, std::function<void()> on_notify)
    : url_(std::move(url)), channel_(std::move(channel)), on_notify_(std::move(on_notify)) {
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  thread_ = std::thread([this] { run(); });
}

PgListener::~PgListener() {
  stopping_ = true;
  if (stop_fd_ >= 0) {
    const std::uint64_t one = 1;
    (void)!write(stop_fd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
  if (stop_fd_ >= 0) close(stop_fd_);
}

bool PgListener::pause(Ms duration) {
  if (stopping_) return false;
  pollfd fd{stop_fd_, POLLIN, 0};
  (void)poll(&fd, 1, static_cast<int>(duration.count()));
  return !stopping_;
}

void PgListener::run() {
  Ms backoff = kFirstBackoff;
  bool warned = false;
  while (!stopping_) {
    ConnPtr conn = connect(url_);
    bool ok = conn && PQstatus(conn.get()) == CONNECTION_OK;
    if (ok) {
      // The channel is ours (a fixed identifier), not input.
      PGresult* listen = PQexec(conn.get(), ("LISTEN " + channel_).c_str());
      ok = PQresultStatus(listen) == PGRES_COMMAND_OK;
      PQclear(listen);
    }
    if (!ok) {
      if (!warned) {  // once per outage, not once per retry
        spdlog::warn("postgres listener: cannot listen for other instances' events (retrying): {}",
                     reason(conn.get()));
        warned = true;
      }
      conn.reset();
      if (!pause(backoff)) return;
      backoff = std::min(backoff * 2, kMaxBackoff);
      continue;
    }
    if (warned) spdlog::info("postgres listener: listening again");
    warned = false;
    backoff = kFirstBackoff;
    ++connects_;
    listening_ = true;
    on_notify_();  // whatever was committed while we were not listening

    const int socket = PQsocket(conn.get());
    while (!stopping_) {
      pollfd fds[2] = {{socket, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
      const int ready = poll(fds, 2, kIdlePollMs);
      if (ready < 0 && errno != EINTR) break;
      if (stopping_ || (fds[1].revents & POLLIN) != 0) break;
      if (ready > 0 && fds[0].revents != 0) {
        if (PQconsumeInput(conn.get()) == 0) break;  // the server went away
        bool notified = false;
        while (PGnotify* n = PQnotifies(conn.get())) {
          notified = true;
          PQfreemem(n);
        }
        if (notified) on_notify_();
      }
      if (PQstatus(conn.get()) != CONNECTION_OK) break;
    }
    listening_ = false;
    if (stopping_) return;
    spdlog::warn("postgres listener: connection lost, reconnecting: {}", reason(conn.get()));
    warned = true;
    conn.reset();
    if (!pause(backoff)) return;
  }
}

}  // namespace scimd::store::postgres
