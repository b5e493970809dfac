// kill -9 never loses an acknowledged write: a child process creates users and reports each id
// once create() has returned; the parent kills it mid-run, reopens the store and finds every
// reported id.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace scimd::store::testing {
namespace {

using scim::ResourceKind;

[[noreturn]] void run_child(const std::string& url, int out_fd) {
  auto opened = Store::open(url);
  if (!opened.ok()) _exit(2);
  auto tenant = (*opened)->create_tenant("acme");
  if (!tenant.ok()) _exit(3);
  const std::string header = std::to_string(tenant->id) + "\n";
  if (write(out_fd, header.data(), header.size()) < 0) _exit(4);
  for (int i = 0;; ++i) {
    auto r =
        (*opened)->create(tenant->id, ResourceKind::user, user_doc("user" + std::to_string(i)), {});
    if (!r.ok()) _exit(5);
    const std::string line = r->id + "\n";
    if (write(out_fd, line.data(), line.size()) < 0) _exit(6);
  }
}

TEST(StoreDurability, AcknowledgedWritesSurviveKill9) {
  TempDir dir;
  const std::string url = store_url("sqlite", dir);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    run_child(url, fds[1]);
  }
  close(fds[1]);

  // Read acknowledged ids until enough have arrived, then kill the child mid-write.
  constexpr std::size_t kBeforeKill = 150;
  std::string received;
  std::size_t lines = 0;
  char buf[4096];
  bool killed = false;
  while (true) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;  // EOF: the child is gone and everything it wrote has been read
    received.append(buf, static_cast<std::size_t>(n));
    lines = static_cast<std::size_t>(std::count(received.begin(), received.end(), '\n'));
    if (!killed && lines > kBeforeKill) {
      ASSERT_EQ(kill(child, SIGKILL), 0);
      killed = true;
    }
  }
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  // Only complete lines were acknowledged.
  std::vector<std::string> acknowledged;
  std::size_t start = 0;
  for (std::size_t end; (end = received.find('\n', start)) != std::string::npos; start = end + 1) {
    acknowledged.push_back(received.substr(start, end - start));
  }
  ASSERT_GT(acknowledged.size(), kBeforeKill);
  const TenantId tenant = std::stoll(acknowledged.front());
  acknowledged.erase(acknowledged.begin());

  auto reopened = Store::open(url);
  ASSERT_TRUE(reopened.ok()) << reopened.error().detail;
  for (const std::string& id : acknowledged) {
    EXPECT_TRUE((*reopened)->get(tenant, ResourceKind::user, id, {}).ok()) << id;
  }
  ListQuery all;
  all.count = 0;
  auto page = (*reopened)->list(tenant, ResourceKind::user, all);
  ASSERT_TRUE(page.ok());
  EXPECT_GE(page->total, static_cast<std::int64_t>(acknowledged.size()));
}

}  // namespace
}  // namespace scimd::store::testing
