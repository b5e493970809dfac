// Runs tests/integration/webhook_receiver.py (a Python stdlib receiver that verifies Standard
// Webhooks signatures itself) as a child process, and reads what it recorded.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

namespace scimd::testing {

inline std::filesystem::path webhook_receiver_script() {
  return std::filesystem::path(__FILE__).parent_path().parent_path() / "integration" /
         "webhook_receiver.py";
}

class WebhookReceiver {
 public:
  // Files live in `dir`: received.jsonl (one line per POST) and control.json.
  explicit WebhookReceiver(std::filesystem::path dir)
      : log_(dir / "received.jsonl"), control_(dir / "control.json") {}
  ~WebhookReceiver() { stop(); }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  // Starts on `port` (0: any free port); returns the port, 0 on failure.
  unsigned short start(unsigned short port = 0) {
    int fds[2];
    if (pipe(fds) != 0) return 0;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      const std::string script = webhook_receiver_script().string();
      const std::string port_text = std::to_string(port);
      execlp("python3", "python3", script.c_str(), "--port", port_text.c_str(), "--log",
             log_.c_str(), "--control", control_.c_str(), "--lifetime", "300",
             static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    std::string line;
    char c = 0;
    while (read(fds[0], &c, 1) == 1 && c != '\n') line.push_back(c);
    close(fds[0]);
    port_ = line.empty() ? 0 : static_cast<unsigned short>(std::stoi(line));
    return port_;
  }

  // Closes the port at once (SIGKILL), as a crashed receiver would.
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  void set(const std::string& mode, const std::string& secret) {
    const std::filesystem::path tmp = control_.string() + ".tmp";
    std::ofstream(tmp) << boost::json::serialize(boost::json::object{{"mode", mode}, {"secret", secret}});
    std::filesystem::rename(tmp, control_);  // atomic: the receiver never reads half a file
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  unsigned short port() const { return port_; }

  // Every recorded POST, in arrival order.
  std::vector<boost::json::object> received() const {
    std::vector<boost::json::object> out;
    std::ifstream in(log_);
    std::string line;
    while (std::getline(in, line)) {
      boost::system::error_code ec;
      auto v = boost::json::parse(line, ec);
      if (!ec && v.is_object()) out.push_back(v.as_object());
    }
    return out;
  }

  // Waits (bounded) until `done(received())` holds; returns whether it did.
  bool wait_for(const std::function<bool(const std::vector<boost::json::object>&)>& done,
                std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done(received())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done(received());
  }

 private:
  std::filesystem::path log_;
  std::filesystem::path control_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

// The `seq` of each POST's body whose answer was 2xx, in arrival order.
inline std::vector<std::int64_t> delivered_seqs(const std::vector<boost::json::object>& posts) {
  std::vector<std::int64_t> seqs;
  for (const auto& p : posts) {
    if (p.at("answered").as_int64() / 100 != 2) continue;
    boost::system::error_code ec;
    auto body = boost::json::parse(p.at("body").as_string(), ec);
    if (!ec && body.is_object()) seqs.push_back(body.as_object().at("seq").as_int64());
  }
  return seqs;
}

}  // namespace scimd::testing
