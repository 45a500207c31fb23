// AdminService over the wire: statistics and backup.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

class AdminTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(SeedGraph());
  }
};

TEST_F(AdminTest, GetStatsCountsPerKindAndPredicate) {
  v1::GetStatsRequest request;
  v1::GetStatsResponse stats;
  grpc::Status status = admin_->GetStats(Ctx().get(), request, &stats);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(stats.entities(), 11);
  EXPECT_EQ(stats.statements(), 5);
  EXPECT_EQ(stats.evidence(), 6);
  EXPECT_EQ(stats.entities_per_kind().at("State"), 2);
  EXPECT_EQ(stats.statements_per_predicate().at("supplies"), 1);
  EXPECT_GT(stats.disk_bytes(), 0u);
}

TEST_F(AdminTest, BackupOpensAsADataDirectory) {
  v1::BackupRequest request;
  request.set_directory("nightly/1");
  v1::BackupResponse response;
  grpc::Status status = admin_->Backup(Ctx().get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  const std::string backup =
      (std::filesystem::canonical(options_.backup_dir) / "nightly" / "1").string();
  EXPECT_EQ(response.directory(), backup);
  EXPECT_GT(response.bytes(), 0u);

  status = admin_->Backup(Ctx().get(), request, &response);  // exists now
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);

  // A second server over the copy answers the same.
  StopServer();
  options_.data_dir = backup;
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::GetStatsResponse stats;
  ASSERT_TRUE(admin_->GetStats(Ctx().get(), v1::GetStatsRequest(), &stats).ok());
  EXPECT_EQ(stats.statements(), 5);
}

TEST_F(AdminTest, BackupStaysUnderTheBackupRoot) {
  const std::filesystem::path outside = dir_.Sub("outside");
  std::filesystem::create_directories(outside);
  std::filesystem::create_directory_symlink(outside,
                                            std::filesystem::path(options_.backup_dir) / "link");
  WriteFile((std::filesystem::path(options_.backup_dir) / "file").string(), "not a directory");
  struct Case {
    std::string directory;
    grpc::StatusCode code;
  };
  for (const Case& c : std::vector<Case>{
           {"", grpc::StatusCode::INVALID_ARGUMENT},
           {dir_.Sub("absolute"), grpc::StatusCode::INVALID_ARGUMENT},
           {"../escape", grpc::StatusCode::INVALID_ARGUMENT},
           {"a/../../escape", grpc::StatusCode::INVALID_ARGUMENT},
           {"./here", grpc::StatusCode::INVALID_ARGUMENT},
           {"link/escape", grpc::StatusCode::PERMISSION_DENIED},
           {"link", grpc::StatusCode::FAILED_PRECONDITION},
           {"file/below", grpc::StatusCode::FAILED_PRECONDITION},
       }) {
    v1::BackupRequest request;
    request.set_directory(c.directory);
    v1::BackupResponse response;
    grpc::Status status = admin_->Backup(Ctx().get(), request, &response);
    EXPECT_EQ(status.error_code(), c.code) << c.directory << ": " << Describe(status);
  }
  EXPECT_TRUE(std::filesystem::is_empty(outside));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("escape")));
}

TEST_F(AdminTest, BackupIsRefusedWithoutABackupRoot) {
  StopServer();
  options_.backup_dir.clear();
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::BackupRequest request;
  request.set_directory("nightly");
  v1::BackupResponse response;
  grpc::Status status = admin_->Backup(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
}

}  // namespace
}  // namespace kg::testing
