// Invitation email end to end: real scimd, real SCIM writes, libcurl talking SMTP to a Python
// sink (tests/integration/smtp_sink.py), or .eml files when no SMTP server is configured.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "integration/scimd_fixture.h"
#include "store/store.h"

namespace scimd::itest {
namespace {

using namespace std::chrono_literals;

// The SMTP sink as a child process; its first stdout line is the port it listens on.
class SmtpSink {
 public:
  explicit SmtpSink(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
  }
  ~SmtpSink() { stop(); }

  // Returns the port (0 on failure).
  unsigned short start(int fail_first = 0, unsigned short port = 0) {
    int fds[2];
    if (pipe(fds) != 0) return 0;
    const std::string script =
        (std::filesystem::path(__FILE__).parent_path() / "smtp_sink.py").string();
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      const std::string fail = std::to_string(fail_first);
      const std::string p = std::to_string(port);
      const std::string d = dir_.string();
      execlp("python3", "python3", script.c_str(), "--dir", d.c_str(), "--fail-first",
             fail.c_str(), "--port", p.c_str(), "--timeout", "120", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    std::string line;
    char c = 0;
    while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
    close(fds[0]);
    port_ = line.empty() ? 0 : static_cast<unsigned short>(std::stoi(line));
    return port_;
  }

  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  // Messages received so far, in order ({"mail_from","rcpt_to","auth_user","data"}).
  std::vector<json::object> messages() const {
    std::vector<json::object> out;
    for (int n = 1;; ++n) {
      const auto path = dir_ / (std::to_string(n) + ".json");
      if (!std::filesystem::exists(path)) return out;
      out.push_back(json::parse(read_file(path)).as_object());
    }
  }

  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = 20s) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (messages().size() < n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(50ms);
    }
    return true;
  }

  unsigned short port() const { return port_; }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

json::object invitation_settings(bool enabled) {
  return json::object{
      {"enabled", enabled},
      {"from", "Acme <no-reply@acme.test>"},
      {"subject", "Welcome to Acme, {{displayName}}"},
      {"body", "Hello {{givenName}} {{familyName}},\nsign in as {{userName}} at {{loginUrl}}\n"},
      {"login_url", "https://app.acme.test/login"}};
}

json::object alice() {
  return make_user("alice@idp.test",
                   json::object{{"displayName", "Alice Liddell"},
                                {"name", json::object{{"givenName", "Alice"}, {"familyName", "Liddell"}}},
                                {"emails", json::array{json::object{{"value", "alice@acme.test"},
                                                                    {"type", "work"}}}}});
}

class InvitationIntegration : public ScimdTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(create_tenant("acme", &acme_)); }
  void TearDown() override {
    for (const char* name : {"SCIMD_SMTP_URL", "SCIMD_SMTP_USER", "SCIMD_SMTP_PASSWORD_FILE",
                             "SCIMD_MAIL_DIR"}) {
      unsetenv(name);
    }
    ScimdTest::TearDown();
    sink_.stop();
  }

  // Written straight into the store before the server starts.
  void set_invitations(bool enabled) {
    auto store = store::Store::open(db_url());
    ASSERT_TRUE(store.ok()) << store.error().detail;
    auto tenant = (*store)->find_tenant("acme");
    ASSERT_TRUE(tenant.ok());
    ASSERT_TRUE((*store)->set_tenant_settings(tenant->id, json::object{{"invitations",
                                                                        invitation_settings(enabled)}})
                    .ok());
  }

  void use_smtp(unsigned short port) {
    setenv("SCIMD_SMTP_URL", ("smtp://127.0.0.1:" + std::to_string(port)).c_str(), 1);
    setenv("SCIMD_SMTP_USER", "mailer", 1);
    const auto password_file = dir_.path() / "smtp-password";
    std::ofstream(password_file) << "s3cret\n";
    setenv("SCIMD_SMTP_PASSWORD_FILE", password_file.c_str(), 1);
  }

  std::vector<store::MailRecord> mail_log() {
    auto store = store::Store::open(db_url());
    if (!store.ok()) return {};
    auto tenant = (*store)->find_tenant("acme");
    auto records = (*store)->list_mail(tenant->id, 100);
    return records.ok() ? *records : std::vector<store::MailRecord>{};
  }

  // The mail log once its newest record has `outcome` (or after 5 s): the mailer records the
  // outcome after the message reached the sink, so the sink seeing it is not enough.
  std::vector<store::MailRecord> mail_log_when(const std::string& outcome) {
    std::vector<store::MailRecord> log;
    for (int i = 0; i < 50; ++i) {
      log = mail_log();
      if (!log.empty() && log[0].outcome == outcome) break;
      std::this_thread::sleep_for(100ms);
    }
    return log;
  }

  Tenant acme_;
  SmtpSink sink_{dir_.path() / "smtp"};
};

TEST_F(InvitationIntegration, AUserCreatedThroughScimGetsOneEmail) {
  ASSERT_NE(sink_.start(), 0);
  use_smtp(sink_.port());
  ASSERT_NO_FATAL_FAILURE(set_invitations(true));
  ASSERT_NO_FATAL_FAILURE(start_server());
  const HttpResponse created = scim(acme_).post("/Users", alice());
  ASSERT_EQ(created.status, 201) << created.describe();
  ASSERT_TRUE(sink_.wait_for(1));
  const json::object m = sink_.messages()[0];
  EXPECT_EQ(m.at("mail_from"), "no-reply@acme.test");
  EXPECT_EQ(m.at("rcpt_to"), (json::array{"alice@acme.test"}));
  EXPECT_EQ(m.at("auth_user"), "mailer");
  const std::string data(m.at("data").as_string());
  EXPECT_NE(data.find("Subject: Welcome to Acme, Alice Liddell\r\n"), std::string::npos) << data;
  EXPECT_NE(data.find("To: alice@acme.test\r\n"), std::string::npos) << data;
  EXPECT_NE(data.find("Hello Alice Liddell,\r\nsign in as alice@idp.test at https://app.acme.test/login"),
            std::string::npos)
      << data;
  // An update is not an invitation (users the product creates through /api/v1 are not
  // invited either: tests/mail/mailer_test.cpp).
  const std::string id = created_id(created);
  ASSERT_EQ(scim(acme_).patch("/Users/" + id, patch_op(json::array{json::object{
                                                  {"op", "replace"}, {"path", "displayName"}, {"value", "A. L."}}}))
                .status / 100,
            2);
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(sink_.messages().size(), 1u);
  const auto log = mail_log_when("sent");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].outcome, "sent");
  EXPECT_EQ(log[0].user_id, id);
}

TEST_F(InvitationIntegration, ReactivationSendsAnotherEmail) {
  ASSERT_NE(sink_.start(), 0);
  use_smtp(sink_.port());
  ASSERT_NO_FATAL_FAILURE(set_invitations(true));
  ASSERT_NO_FATAL_FAILURE(start_server());
  const std::string id = created_id(scim(acme_).post("/Users", alice()));
  ASSERT_TRUE(sink_.wait_for(1));
  const auto set_active = [&](bool active) {
    const HttpResponse r = scim(acme_).patch(
        "/Users/" + id, patch_op(json::array{json::object{{"op", "Replace"}, {"path", "active"},
                                                          {"value", active ? "True" : "False"}}}));
    EXPECT_EQ(r.status / 100, 2) << r.describe();
  };
  set_active(false);
  set_active(true);
  ASSERT_TRUE(sink_.wait_for(2));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(sink_.messages().size(), 2u);
}

TEST_F(InvitationIntegration, NothingIsSentWhenInvitationsAreOff) {
  ASSERT_NE(sink_.start(), 0);
  use_smtp(sink_.port());
  ASSERT_NO_FATAL_FAILURE(set_invitations(false));
  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_EQ(scim(acme_).post("/Users", alice()).status, 201);
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(sink_.messages().empty());
  EXPECT_TRUE(mail_log().empty());
}

TEST_F(InvitationIntegration, ARefusingServerIsRetriedAndTheMailSentLater) {
  ASSERT_NE(sink_.start(/*fail_first=*/1), 0);
  use_smtp(sink_.port());
  ASSERT_NO_FATAL_FAILURE(set_invitations(true));
  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_EQ(scim(acme_).post("/Users", alice()).status, 201);
  // 451 first, then the retry 5 s later is accepted.
  ASSERT_TRUE(sink_.wait_for(1, 20s));
  const auto log = mail_log_when("sent");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].outcome, "sent");
  EXPECT_EQ(log[0].attempts, 2);
  EXPECT_NE(server().output().find("451"), std::string::npos) << "the failure is logged";
}

TEST_F(InvitationIntegration, ADownServerIsRetriedUntilItIsBack) {
  const unsigned short port = sink_.start();
  ASSERT_NE(port, 0);
  sink_.stop();  // nobody listens on the port now: connection refused
  use_smtp(port);
  ASSERT_NO_FATAL_FAILURE(set_invitations(true));
  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_EQ(scim(acme_).post("/Users", alice()).status, 201) << "SCIM never waits for mail";
  std::this_thread::sleep_for(1s);
  auto log = mail_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].outcome, "retrying");
  EXPECT_FALSE(log[0].error.empty());
  ASSERT_EQ(sink_.start(0, port), port);
  ASSERT_TRUE(sink_.wait_for(1, 20s));
  log = mail_log_when("sent");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].outcome, "sent");
}

TEST_F(InvitationIntegration, WithoutSmtpAnEmlFileIsWritten) {
  const auto mail_dir = dir_.path() / "outbox";
  setenv("SCIMD_MAIL_DIR", mail_dir.c_str(), 1);
  // Through the CLI this time: tenant set --invitations-file validates and stores it.
  const auto settings_file = dir_.path() / "invitations.json";
  std::ofstream(settings_file) << json::serialize(invitation_settings(true));
  const CliResult set = cli({"tenant", "set", "acme", "--invitations-file", settings_file.string()});
  ASSERT_EQ(set.exit_code, 0) << set.out << set.err;
  std::ofstream(settings_file) << R"({"enabled":true,"from":"a@b.test","subject":"{{nope}}","body":"b"})";
  const CliResult bad = cli({"tenant", "set", "acme", "--invitations-file", settings_file.string()});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("nope"), std::string::npos) << bad.err;
  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_EQ(scim(acme_).post("/Users", alice()).status, 201);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::vector<std::filesystem::path> files;
  while (files.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    if (!std::filesystem::exists(mail_dir)) continue;
    for (const auto& f : std::filesystem::directory_iterator(mail_dir)) {
      if (f.path().extension() == ".eml") files.push_back(f.path());
    }
  }
  ASSERT_EQ(files.size(), 1u);
  EXPECT_NE(files[0].filename().string().find("-evt_"), std::string::npos);
  const std::string data = read_file(files[0]);
  EXPECT_NE(data.find("To: alice@acme.test\r\n"), std::string::npos) << data;
  EXPECT_NE(data.find("Subject: Welcome to Acme, Alice Liddell\r\n"), std::string::npos) << data;
  const auto log = mail_log_when("written");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].outcome, "written");
}

}  // namespace
}  // namespace scimd::itest
