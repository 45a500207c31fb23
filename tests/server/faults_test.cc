// Faults: the kgd binary refuses a data directory it cannot use with one
// line and a non-zero exit; a full disk (a size-limited tmpfs as the data
// dir) fails writes with RESOURCE_EXHAUSTED, keeps reads working, turns
// health NOT_SERVING with the reason in GetStats, loses nothing
// acknowledged, and writes resume by themselves once space is freed.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

struct KgdRun {
  int exit_code = -1;
  std::vector<std::string> lines;  // non-empty lines of stdout + stderr
};

// Runs the kgd binary with `args` to completion.
KgdRun RunKgd(const std::string& args) {
  KgdRun run;
  const std::string command = absl::StrCat(KGD_BINARY, " ", args, " 2>&1");
  FILE* out = popen(command.c_str(), "r");
  if (out == nullptr) return run;
  std::string text;
  char buffer[512];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), out)) > 0) text.append(buffer, n);
  const int status = pclose(out);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    run.lines.emplace_back(line);
  }
  return run;
}

// A tmpfs of `megabytes` at `dir`, or why not (not root, no mount allowed).
std::string MountTmpfs(const std::string& dir, int megabytes, bool read_only) {
  std::filesystem::create_directories(dir);
  const std::string data = absl::StrCat("size=", megabytes, "m");
  if (mount("tmpfs", dir.c_str(), "tmpfs", read_only ? MS_RDONLY : 0, data.c_str()) != 0) {
    return absl::StrCat("cannot mount a tmpfs at ", dir, " (", std::strerror(errno),
                        "); this test needs root on a machine that allows mounts");
  }
  return "";
}

class FaultsTest : public ServerTest {
 protected:
  void SetUp() override {
    SetOptions();
    AddCredential("tester", "admin");
  }
  void TearDown() override {
    StopServer();
    for (const std::string& m : mounts_) umount2(m.c_str(), MNT_DETACH);
  }

  // Mounts or skips the test with the reason.
  bool Mount(const std::string& dir, int megabytes, bool read_only) {
    const std::string why = MountTmpfs(dir, megabytes, read_only);
    if (!why.empty()) {
      std::fprintf(stderr, "SKIPPED: %s\n", why.c_str());
      return false;
    }
    mounts_.push_back(dir);
    return true;
  }

  std::vector<std::string> mounts_;
};

TEST_F(FaultsTest, AnUnusableDataDirIsOneLineAndANonZeroExit) {
  // Missing, and cannot be created: its parent is a regular file.
  WriteFile(dir_.Sub("file"), "x");
  KgdRun missing = RunKgd(absl::StrCat(
      "--listen=127.0.0.1:0 --http_listen=127.0.0.1:0 --data_dir=", dir_.Sub("file"), "/db"));
  EXPECT_NE(missing.exit_code, 0);
  ASSERT_EQ(missing.lines.size(), 1u) << absl::StrJoin(missing.lines, "\n");
  EXPECT_TRUE(absl::StartsWith(missing.lines[0], "kgd: ")) << missing.lines[0];
  EXPECT_NE(missing.lines[0].find(dir_.Sub("file")), std::string::npos) << missing.lines[0];

  // Locked: a running kgd holds it.
  ASSERT_NO_FATAL_FAILURE(StartServer());
  KgdRun locked = RunKgd(absl::StrCat("--listen=127.0.0.1:0 --http_listen=127.0.0.1:0 --data_dir=",
                                      options_.data_dir));
  EXPECT_NE(locked.exit_code, 0);
  ASSERT_EQ(locked.lines.size(), 1u) << absl::StrJoin(locked.lines, "\n");
  EXPECT_NE(locked.lines[0].find("in use by another process"), std::string::npos)
      << locked.lines[0];
  // So are the offline tools.
  KgdRun check = RunKgd(absl::StrCat("--check --data_dir=", options_.data_dir));
  EXPECT_EQ(check.exit_code, 1);
  ASSERT_EQ(check.lines.size(), 1u) << absl::StrJoin(check.lines, "\n");
  EXPECT_NE(check.lines[0].find("in use by another process"), std::string::npos);
  StopServer();
  KgdRun consistent = RunKgd(absl::StrCat("--check --data_dir=", options_.data_dir));
  EXPECT_EQ(consistent.exit_code, 0) << absl::StrJoin(consistent.lines, "\n");

  // Read-only: a read-only filesystem.
  const std::string ro = dir_.Sub("ro");
  if (!Mount(ro, 4, /*read_only=*/true)) GTEST_SKIP() << "read-only case needs a mount";
  KgdRun read_only =
      RunKgd(absl::StrCat("--listen=127.0.0.1:0 --http_listen=127.0.0.1:0 --data_dir=", ro, "/db"));
  EXPECT_NE(read_only.exit_code, 0);
  ASSERT_EQ(read_only.lines.size(), 1u) << absl::StrJoin(read_only.lines, "\n");
  EXPECT_NE(read_only.lines[0].find("Read-only file system"), std::string::npos)
      << read_only.lines[0];
}

TEST_F(FaultsTest, ADiskFullStopsWritesNotReadsAndWritesResumeWhenSpaceIsFreed) {
  const std::string disk = dir_.Sub("disk");
  if (!Mount(disk, 48, /*read_only=*/false)) GTEST_SKIP() << "disk full needs a tmpfs mount";
  // Space to free later.
  {
    std::ofstream filler(disk + "/filler", std::ios::binary);
    const std::string chunk(1 << 20, 'f');
    for (int i = 0; i < 12; ++i) filler << chunk;
  }
  options_.data_dir = disk + "/db";
  options_.min_free_disk_bytes = 8 << 20;  // of the 48 MiB
  ASSERT_NO_FATAL_FAILURE(StartServer());

  // Writes of ~200 KB each until the disk refuses one.
  std::vector<std::string> acknowledged;
  grpc::Status refused;
  const std::string padding(60 << 10, 'p');
  v1::AssertRequest base;
  *base.add_entities() = MakeEntity("outlet/o", "MediaOutlet", "O");
  *base.add_entities() = MakeEntity("doc/d", "Document", "D");
  *base.add_entities() = MakeEntity("actor/s", "State", "S");
  for (int call = 0; call < 2000 && refused.ok(); ++call) {
    v1::AssertRequest request = base;
    for (int k = 0; k < 3; ++k) {
      const std::string object = absl::StrCat("actor/o", call, "-", k);
      *request.add_entities() = MakeEntity(object, "State", object);
      v1::Statement s = MakeStatement("actor/s", "backs", object, "doc/d", "outlet/o");
      s.mutable_evidence(0)->set_excerpt(absl::StrCat(object, padding));
      *request.add_statements() = s;
    }
    v1::WriteResponse response;
    grpc::Status status = ingest_->Assert(Ctx().get(), request, &response);
    if (status.ok()) {
      for (int k = 0; k < 3; ++k) acknowledged.push_back(absl::StrCat("actor/o", call, "-", k));
    } else {
      refused = status;
    }
  }
  ASSERT_FALSE(refused.ok()) << "the disk never filled";
  EXPECT_TRUE(refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
              refused.error_code() == grpc::StatusCode::UNAVAILABLE)
      << Describe(refused);
  EXPECT_GT(acknowledged.size(), 0u);

  auto count = [&]() -> int {
    v1::MatchStatementsRequest req;
    req.set_subject("actor/s");
    req.set_page_size(20);  // ~1.2 MB a page: under the client's 4 MB message limit
    int n = 0;
    for (int page = 0; page < 1000; ++page) {
      v1::StatementsPage resp;
      grpc::Status s = graph_->MatchStatements(Ctx().get(), req, &resp);
      if (!s.ok()) return -1;
      n += resp.statements_size();
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return n;
  };
  // Reads go on and see every acknowledged write.
  EXPECT_EQ(count(), static_cast<int>(acknowledged.size()));
  // Health turns NOT_SERVING (checked once a second) and GetStats says why.
  auto health = grpc::health::v1::Health::NewStub(channel_);
  auto serving = [&] {
    grpc::health::v1::HealthCheckResponse response;
    return health->Check(Ctx().get(), {}, &response).ok() &&
           response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  };
  for (int i = 0; i < 100 && serving(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(serving());
  v1::GetStatsResponse stats;
  ASSERT_TRUE(admin_->GetStats(Ctx().get(), {}, &stats).ok());
  EXPECT_NE(stats.write_error(), "");
  EXPECT_NE(stats.write_error().find("disk full"), std::string::npos) << stats.write_error();
  EXPECT_TRUE(stats.write_error_recoverable());

  // Space freed: writes resume without a restart (retried, as a client would).
  std::filesystem::remove(disk + "/filler");
  v1::AssertRequest small = base;
  *small.add_entities() = MakeEntity("actor/after", "State", "After");
  *small.add_statements() = MakeStatement("actor/s", "backs", "actor/after", "doc/d", "outlet/o");
  grpc::Status resumed;
  for (int i = 0; i < 300; ++i) {
    v1::WriteResponse response;
    resumed = ingest_->Assert(Ctx().get(), small, &response);
    if (resumed.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(resumed.ok()) << Describe(resumed);
  acknowledged.push_back("actor/after");
  for (int i = 0; i < 100 && !serving(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(serving());
  ASSERT_TRUE(admin_->GetStats(Ctx().get(), {}, &stats).ok());
  EXPECT_EQ(stats.write_error(), "");

  // Nothing acknowledged was lost, across a restart too.
  EXPECT_EQ(count(), static_cast<int>(acknowledged.size()));
  StopServer();
  ASSERT_NO_FATAL_FAILURE(StartServer());
  EXPECT_EQ(count(), static_cast<int>(acknowledged.size()));
  StopServer();
  KgdRun check = RunKgd(absl::StrCat("--check --data_dir=", options_.data_dir));
  EXPECT_EQ(check.exit_code, 0) << absl::StrJoin(check.lines, "\n");
}

// Without the reserve RocksDB itself meets the full disk: its background
// error turns health NOT_SERVING with the reason in GetStats, reads go on,
// and a restart once space is freed has everything acknowledged. One
// writer: a WAL sync never runs beside a failing append.
TEST_F(FaultsTest, ARocksDbBackgroundErrorTurnsHealthNotServingWithTheReason) {
  const std::string disk = dir_.Sub("disk");
  if (!Mount(disk, 32, /*read_only=*/false)) GTEST_SKIP() << "needs a tmpfs mount";
  {
    std::ofstream filler(disk + "/filler", std::ios::binary);
    const std::string chunk(1 << 20, 'f');
    for (int i = 0; i < 8; ++i) filler << chunk;
  }
  options_.data_dir = disk + "/db";
  options_.min_free_disk_bytes = 0;
  ASSERT_NO_FATAL_FAILURE(StartServer());
  int acknowledged = 0;
  grpc::Status refused;
  const std::string padding(60 << 10, 'p');
  for (int call = 0; call < 2000 && refused.ok(); ++call) {
    v1::AssertRequest request;
    *request.add_entities() = MakeEntity("outlet/o", "MediaOutlet", "O");
    *request.add_entities() = MakeEntity("doc/d", "Document", "D");
    *request.add_entities() = MakeEntity("actor/s", "State", "S");
    const std::string object = absl::StrCat("actor/o", call);
    *request.add_entities() = MakeEntity(object, "State", object);
    v1::Statement st = MakeStatement("actor/s", "backs", object, "doc/d", "outlet/o");
    st.mutable_evidence(0)->set_excerpt(absl::StrCat(object, padding));
    *request.add_statements() = st;
    v1::WriteResponse response;
    refused = ingest_->Assert(Ctx().get(), request, &response);
    if (refused.ok()) ++acknowledged;
  }
  ASSERT_FALSE(refused.ok()) << "the disk never filled";
  EXPECT_TRUE(refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
              refused.error_code() == grpc::StatusCode::UNAVAILABLE)
      << Describe(refused);
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckResponse checked;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(health->Check(Ctx().get(), {}, &checked).ok());
    if (checked.status() != grpc::health::v1::HealthCheckResponse::SERVING) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(checked.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  v1::GetStatsResponse stats;
  ASSERT_TRUE(admin_->GetStats(Ctx().get(), {}, &stats).ok());
  EXPECT_NE(stats.write_error().find("writes stopped after a"), std::string::npos)
      << stats.write_error();
  EXPECT_NE(stats.write_error().find("No space"), std::string::npos) << stats.write_error();
  // Reads go on.
  v1::GetEntityRequest get;
  get.set_id("actor/o0");
  v1::Entity entity;
  EXPECT_TRUE(graph_->GetEntity(Ctx().get(), get, &entity).ok());
  // Space freed and kgd restarted: every acknowledged write is there.
  StopServer();
  std::filesystem::remove(disk + "/filler");
  ASSERT_NO_FATAL_FAILURE(StartServer());
  int found = 0;
  for (int call = 0; call < acknowledged; ++call) {
    get.set_id(absl::StrCat("actor/o", call));
    found += graph_->GetEntity(Ctx().get(), get, &entity).ok() ? 1 : 0;
  }
  EXPECT_EQ(found, acknowledged);
}

}  // namespace
}  // namespace kg::testing
