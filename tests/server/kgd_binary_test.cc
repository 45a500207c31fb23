// The kgd binary: starts on port 0, reports its port through --port_file,
// answers health checks, and exits 0 after SIGTERM.

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/testing/test_util.h"

namespace kg::testing {
namespace {

// Reads the port kgd writes into the FIFO, waiting at most `timeout_ms` for
// it (a bound against a kgd that died before writing, not a timing check).
int ReadPort(const std::string& fifo, int timeout_ms) {
  const int fd = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  if (fd < 0) return -1;
  std::string text;
  pollfd p{fd, POLLIN, 0};
  while (text.find('\n') == std::string::npos && poll(&p, 1, timeout_ms) > 0) {
    char buffer[32];
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n > 0) {
      text.append(buffer, n);
    } else if (n == 0 && !text.empty()) {
      break;  // writer closed after writing
    } else if (n < 0 && errno != EAGAIN) {
      break;
    }
  }
  close(fd);
  int port = -1;
  return absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &port) ? port : -1;
}

TEST(KgdBinaryTest, ServesHealthAndExitsCleanlyOnSigterm) {
  TempDir dir;
  const std::string fifo = dir.Sub("port");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::vector<std::string> args = {
      KGD_BINARY, "--listen=127.0.0.1:0", absl::StrCat("--port_file=", fifo),
      absl::StrCat("--data_dir=", dir.Sub("data")), "--grace_period=5"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execv(argv[0], argv.data());
    _exit(127);
  }
  const int port = ReadPort(fifo, 60000);
  if (port <= 0) kill(pid, SIGKILL);
  ASSERT_GT(port, 0);

  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = health->Check(&context, grpc::health::v1::HealthCheckRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int wait_status = 0;
  ASSERT_EQ(waitpid(pid, &wait_status, 0), pid);
  ASSERT_TRUE(WIFEXITED(wait_status)) << wait_status;
  EXPECT_EQ(WEXITSTATUS(wait_status), 0);
}

}  // namespace
}  // namespace kg::testing
