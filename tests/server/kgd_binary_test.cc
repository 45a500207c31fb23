// The kgd binary: starts on port 0, reports its port through --port_file,
// answers health checks, re-reads its credentials on SIGHUP, and exits 0
// after SIGTERM.

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
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "kg/v1/kg.grpc.pb.h"
#include "server/sha256.h"
#include "tests/testing/test_util.h"

namespace kg::testing {
namespace {

namespace v1 = ::kg::v1;

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

// A kgd child process on 127.0.0.1 port 0 with its stderr on a pipe.
struct Kgd {
  pid_t pid = -1;
  int port = -1;
  int stderr_fd = -1;

  // Reads kgd's stderr until a line containing `text` (false at EOF).
  bool AwaitLog(const std::string& text) {
    std::string seen;
    char buffer[256];
    while (seen.find(text) == std::string::npos) {
      const ssize_t n = read(stderr_fd, buffer, sizeof(buffer));
      if (n <= 0) return false;
      seen.append(buffer, n);
    }
    return true;
  }
};

Kgd StartKgd(const TempDir& dir, std::vector<std::string> flags) {
  Kgd kgd;
  const std::string fifo = dir.Sub("port");
  if (mkfifo(fifo.c_str(), 0600) != 0) return kgd;
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return kgd;
  std::vector<std::string> args = {KGD_BINARY,
                                   "--listen=127.0.0.1:0",
                                   "--http_listen=127.0.0.1:0",
                                   absl::StrCat("--port_file=", fifo),
                                   absl::StrCat("--data_dir=", dir.Sub("data")),
                                   "--grace_period=5"};
  args.insert(args.end(), flags.begin(), flags.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  kgd.pid = fork();
  if (kgd.pid == 0) {
    dup2(pipe_fds[1], STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  kgd.stderr_fd = pipe_fds[0];
  kgd.port = ReadPort(fifo, 60000);
  if (kgd.port <= 0 && kgd.pid > 0) kill(kgd.pid, SIGKILL);
  return kgd;
}

// Listening TCP sockets of process `pid`: its socket inodes that
// /proc/net/tcp and tcp6 list in state LISTEN (0A).
int ListeningSockets(pid_t pid) {
  std::set<std::string> inodes;
  std::error_code error;
  for (const auto& fd :
       std::filesystem::directory_iterator(absl::StrCat("/proc/", pid, "/fd"), error)) {
    const std::string target = std::filesystem::read_symlink(fd.path(), error).string();
    if (absl::StartsWith(target, "socket:[")) inodes.insert(target.substr(8, target.size() - 9));
  }
  int listening = 0;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::vector<std::string> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
      if (fields.size() > 9 && fields[3] == "0A" && inodes.count(fields[9]) > 0) ++listening;
    }
  }
  return listening;
}

std::shared_ptr<grpc::Channel> ChannelTo(const Kgd& kgd) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", kgd.port),
                             grpc::InsecureChannelCredentials());
}

// Sends SIGTERM and expects a clean exit 0.
void StopKgd(Kgd& kgd) {
  ASSERT_EQ(kill(kgd.pid, SIGTERM), 0);
  int wait_status = 0;
  ASSERT_EQ(waitpid(kgd.pid, &wait_status, 0), kgd.pid);
  close(kgd.stderr_fd);
  ASSERT_TRUE(WIFEXITED(wait_status)) << wait_status;
  EXPECT_EQ(WEXITSTATUS(wait_status), 0);
}

grpc::StatusCode WhoAmI(const std::shared_ptr<grpc::Channel>& channel, const std::string& token) {
  auto admin = v1::AdminService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  context.AddMetadata("authorization", "Bearer " + token);
  v1::WhoAmIResponse response;
  return admin->WhoAmI(&context, v1::WhoAmIRequest(), &response).error_code();
}

TEST(KgdBinaryTest, ServesHealthAndExitsCleanlyOnSigterm) {
  TempDir dir;
  Kgd kgd = StartKgd(dir, {});
  ASSERT_GT(kgd.port, 0);

  auto health = grpc::health::v1::Health::NewStub(ChannelTo(kgd));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = health->Check(&context, grpc::health::v1::HealthCheckRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  // Port 0 for gRPC and for HTTP: one socket each, the reported ports.
  EXPECT_EQ(ListeningSockets(kgd.pid), 2);
  ASSERT_NO_FATAL_FAILURE(StopKgd(kgd));
}

TEST(KgdBinaryTest, VersionNamesTheReleaseAndBuildType) {
  FILE* out = popen(absl::StrCat(KGD_BINARY, " --version").c_str(), "r");
  ASSERT_NE(out, nullptr);
  char line[256] = {};
  ASSERT_NE(std::fgets(line, sizeof(line), out), nullptr);
  EXPECT_EQ(pclose(out), 0);
  EXPECT_TRUE(absl::StartsWith(line, "kgd 0.")) << line;
  EXPECT_EQ(std::string(line).find("Debug build"), std::string::npos) << line;
}

TEST(KgdBinaryTest, SighupReloadsTheCredentials) {
  TempDir dir;
  const std::string tokens = dir.Sub("tokens");
  WriteFile(tokens, absl::StrCat("alice writer ", server::Sha256Hex("alice-token"), "\nbob reader ",
                                 server::Sha256Hex("bob-token"), "\n"));
  Kgd kgd = StartKgd(dir, {"--auth_tokens=" + tokens});
  ASSERT_GT(kgd.port, 0);
  std::shared_ptr<grpc::Channel> channel = ChannelTo(kgd);
  EXPECT_EQ(WhoAmI(channel, "alice-token"), grpc::StatusCode::OK);
  EXPECT_EQ(WhoAmI(channel, "bob-token"), grpc::StatusCode::OK);

  // A broken file keeps the old credentials.
  WriteFile(tokens, "alice writer\n");
  ASSERT_EQ(kill(kgd.pid, SIGHUP), 0);
  ASSERT_TRUE(kgd.AwaitLog("keeping the old credentials"));
  EXPECT_EQ(WhoAmI(channel, "bob-token"), grpc::StatusCode::OK);

  // Revoking bob takes effect without a restart.
  WriteFile(tokens, absl::StrCat("alice writer ", server::Sha256Hex("alice-token"), "\n"));
  ASSERT_EQ(kill(kgd.pid, SIGHUP), 0);
  ASSERT_TRUE(kgd.AwaitLog("loaded 1 credential(s)"));
  EXPECT_EQ(WhoAmI(channel, "bob-token"), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(WhoAmI(channel, "alice-token"), grpc::StatusCode::OK);
  ASSERT_NO_FATAL_FAILURE(StopKgd(kgd));
}

}  // namespace
}  // namespace kg::testing
