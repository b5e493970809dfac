#include "integration/scimd_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "integration/http_client.h"

extern char** environ;

namespace scimd::itest {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(10);

// Spawns `scimd args...` with stdin from /dev/null and stdout/stderr to the given files.
// posix_spawn rather than fork: the test process may have threads.
pid_t spawn_scimd(const std::vector<std::string>& args, const std::filesystem::path& out_path,
                  const std::filesystem::path& err_path) {
  const std::string binary = scimd_binary();
  std::vector<std::string> argv_storage;
  argv_storage.push_back(binary);
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// Waits up to `timeout` for `pid` to exit. Returns the raw wait status, or nullopt on timeout.
std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0) return -1;  // not our child any more: nothing to wait for
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
}

int exit_code_of(int wait_status) { return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1; }

}  // namespace

std::string scimd_binary() {
#ifdef SCIMD_BINARY
  return SCIMD_BINARY;
#else
  const char* from_env = std::getenv("SCIMD_BINARY");
  return from_env ? from_env : "scimd";
#endif
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "scimd-itest-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

CliResult run_scimd(const std::vector<std::string>& args, const std::filesystem::path& scratch_dir,
                    std::chrono::milliseconds timeout) {
  static std::atomic<int> counter = 0;
  const std::string stem = "cli-" + std::to_string(++counter);
  const auto out_path = scratch_dir / (stem + ".out");
  const auto err_path = scratch_dir / (stem + ".err");
  CliResult result;
  const pid_t pid = spawn_scimd(args, out_path, err_path);
  if (pid < 0) {
    result.err = "posix_spawn failed for " + scimd_binary();
    return result;
  }
  const std::optional<int> status = wait_for_exit(pid, timeout);
  if (!status) {
    result.timed_out = true;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  } else {
    result.exit_code = exit_code_of(*status);
  }
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

ScimdServer::ScimdServer(std::string db_url, std::string public_url, std::filesystem::path log_dir)
    : db_url_(std::move(db_url)),
      public_url_(std::move(public_url)),
      log_dir_(std::move(log_dir)) {}

ScimdServer::~ScimdServer() { stop(); }

std::string ScimdServer::output() const {
  return "--- scimd stdout ---\n" + read_file(out_path_) + "--- scimd stderr ---\n" +
         read_file(err_path_);
}

std::string ScimdServer::start(std::chrono::milliseconds timeout) {
  if (running()) return "already running";
  const std::string stem = "serve-" + std::to_string(++runs_);
  out_path_ = log_dir_ / (stem + ".out");
  err_path_ = log_dir_ / (stem + ".err");
  port_ = 0;
  pid_ = spawn_scimd(
      {"serve", "--db", db_url_, "--listen", "127.0.0.1:0", "--public-url", public_url_}, out_path_,
      err_path_);
  if (pid_ < 0) return "posix_spawn failed for " + scimd_binary();

  const auto deadline = Clock::now() + timeout;
  const std::regex port_pattern(R"re("port"\s*:\s*(\d+))re");
  // Phase 1: the readiness line on stdout.
  while (port_ == 0) {
    std::istringstream lines(read_file(out_path_));
    for (std::string line; std::getline(lines, line);) {
      std::smatch match;
      if (line.find("listening") != std::string::npos &&
          std::regex_search(line, match, port_pattern)) {
        port_ = static_cast<unsigned short>(std::stoi(match[1].str()));
        break;
      }
    }
    if (port_ != 0) break;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return "scimd serve exited (status " + std::to_string(exit_code_of(status)) +
             ") before announcing its port\n" + output();
    }
    if (Clock::now() >= deadline) {
      stop();
      return "scimd serve did not log a \"listening\" line with a port in time\n" + output();
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  // Phase 2: /healthz answers 200.
  HttpClient client(port_);
  while (true) {
    const HttpResponse health =
        client.send(HttpRequest{.method = "GET", .target = "/healthz", .headers = {}, .body = ""});
    if (health.status == 200) return "";
    if (Clock::now() >= deadline) {
      const std::string why = "GET /healthz never answered 200 (last status " +
                              std::to_string(health.status) + " " + health.error + ")\n";
      stop();
      return why + output();
    }
    std::this_thread::sleep_for(kPollInterval * 5);
  }
}

int ScimdServer::stop(std::chrono::milliseconds grace) {
  if (!running()) return -1;
  const pid_t pid = pid_;
  pid_ = -1;
  kill(pid, SIGTERM);
  if (const std::optional<int> status = wait_for_exit(pid, grace)) return exit_code_of(*status);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

void ScimdServer::kill_hard() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace scimd::itest
