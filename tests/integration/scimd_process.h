// Running the real scimd binary from tests: one-shot CLI commands and a `scimd serve` child
// process. Every wait is bounded, so a hung server fails a test instead of hanging the suite.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace scimd::itest {

// The built scimd binary (SCIMD_BINARY from tests/CMakeLists.txt).
std::string scimd_binary();

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path file(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CliResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs `scimd args...` to completion (killed after `timeout`), capturing stdout and stderr
// through files in `scratch_dir`.
CliResult run_scimd(const std::vector<std::string>& args, const std::filesystem::path& scratch_dir,
                    std::chrono::milliseconds timeout = std::chrono::seconds(20));

// A `scimd serve` child process listening on 127.0.0.1 with an OS-assigned port.
class ScimdServer {
 public:
  // REQUIRES: `db_url` like "sqlite:/tmp/x/scimd.db". Logs go to files in `log_dir`.
  ScimdServer(std::string db_url, std::string public_url, std::filesystem::path log_dir);
  ~ScimdServer();  // stop()s
  ScimdServer(const ScimdServer&) = delete;
  ScimdServer& operator=(const ScimdServer&) = delete;

  // Starts the process and waits (bounded) until it logs its port and /healthz answers.
  // Returns an empty string on success, else what went wrong (with the server's output).
  std::string start(std::chrono::milliseconds timeout = std::chrono::seconds(15));

  // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit code (-1 if it had to be
  // killed, died of a signal, or was not running).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

  // SIGKILL without warning (crash test) and reap.
  void kill_hard();

  bool running() const { return pid_ > 0; }
  unsigned short port() const { return port_; }
  std::string output() const;  // stdout + stderr of the current or last run

 private:
  std::string db_url_;
  std::string public_url_;
  std::filesystem::path log_dir_;
  std::filesystem::path out_path_;
  std::filesystem::path err_path_;
  int runs_ = 0;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

// Reads a whole file; empty if it does not exist.
std::string read_file(const std::filesystem::path& path);

}  // namespace scimd::itest
