// AdminService over the wire: statistics and backup.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

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
  request.set_directory("relative/path");
  v1::BackupResponse response;
  grpc::Status status = admin_->Backup(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  request.set_directory(dir_.path());  // exists
  status = admin_->Backup(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);

  const std::string backup = dir_.Sub("backup");
  request.set_directory(backup);
  status = admin_->Backup(Ctx().get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(response.directory(), backup);
  EXPECT_GT(response.bytes(), 0u);

  // A second server over the copy answers the same.
  StopServer();
  options_.data_dir = backup;
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::GetStatsResponse stats;
  ASSERT_TRUE(admin_->GetStats(Ctx().get(), v1::GetStatsRequest(), &stats).ok());
  EXPECT_EQ(stats.statements(), 5);
}

}  // namespace
}  // namespace kg::testing
