// CreateBackup / ListBackups over the wire, during a write load, and the
// restore (the kgd binary's --restore_from): every read of the restored
// store answers as the live store answers as of the backup's time.

#include "storage/backup.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

constexpr int kWriters = 3;

class BackupTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(SeedGraph());
  }

  // Writer `w`'s n-th batch: two new entities, a statement between them and
  // one about a seeded entity, so that reads of both change.
  static v1::AssertRequest Batch(int w, int n) {
    v1::AssertRequest request;
    const std::string a = absl::StrCat("actor/w", w, "-", n, "a");
    const std::string b = absl::StrCat("actor/w", w, "-", n, "b");
    *request.add_entities() = MakeEntity(a, "State", a);
    *request.add_entities() = MakeEntity(b, "ArmedGroup", b);
    *request.add_statements() = MakeStatement(a, "supplies", b, "doc/reuters-1", "outlet/reuters");
    *request.add_statements() =
        MakeStatement("actor/turkey", "backs", b, "doc/tass-1", "outlet/tass", 0.5);
    return request;
  }

  // The reads compared: each a response serialised; `as_of` 0 = latest.
  std::vector<std::string> Reads(int64_t as_of) {
    std::vector<std::string> out;
    auto add = [&out](const grpc::Status& status, const google::protobuf::Message& m) {
      out.push_back(status.ok() ? m.DebugString() : absl::StrCat("error ", status.error_code()));
    };
    {
      v1::MatchStatementsRequest req;
      req.mutable_filter()->set_as_of(as_of);
      req.set_page_size(1000);
      v1::StatementsPage page;
      add(graph_->MatchStatements(Ctx().get(), req, &page), page);
    }
    {
      v1::GetStatsRequest req;
      req.mutable_filter()->set_as_of(as_of);
      v1::GetStatsResponse stats;
      grpc::Status s = admin_->GetStats(Ctx().get(), req, &stats);
      // What the store is, not what it did: durability counters and disk
      // size differ between the two processes by nature.
      stats.clear_disk_bytes();
      stats.clear_commits();
      stats.clear_wal_syncs();
      add(s, stats);
    }
    {
      v1::NeighborsRequest req;
      req.set_id("actor/turkey");
      req.set_direction(v1::BOTH);
      req.mutable_filter()->set_as_of(as_of);
      req.set_page_size(1000);
      v1::NeighborsResponse resp;
      add(graph_->Neighbors(Ctx().get(), req, &resp), resp);
    }
    {
      v1::SearchEntitiesRequest req;
      req.set_query("actor/w");
      req.mutable_filter()->set_as_of(as_of);
      req.set_page_size(1000);
      v1::SearchEntitiesResponse resp;
      add(graph_->SearchEntities(Ctx().get(), req, &resp), resp);
    }
    {
      v1::HistoryRequest req;
      req.set_entity("actor/turkey");
      req.mutable_filter()->set_as_of(as_of);
      req.set_page_size(1000);
      v1::HistoryResponse resp;
      add(provenance_->History(Ctx().get(), req, &resp), resp);
    }
    return out;
  }
};

TEST_F(BackupTest, BackupDuringWritesRestoresTheStateAsOfItsTime) {
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto ingest = v1::IngestService::NewStub(
          grpc::CreateChannel(Address(), grpc::InsecureChannelCredentials()));
      for (int n = 0; !stop.load() && n < 2000; ++n) {
        v1::WriteResponse response;
        grpc::Status status = ingest->Assert(Ctx().get(), Batch(w, n), &response);
        ASSERT_TRUE(status.ok()) << Describe(status);
        ++written;
      }
    });
  }
  // Backups while the writers write: the second is incremental.
  while (written.load() < 30) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  v1::CreateBackupRequest request;
  request.set_repository("repo");
  v1::BackupInfo first, second;
  grpc::Status status = admin_->CreateBackup(Ctx().get(), request, &first);
  ASSERT_TRUE(status.ok()) << Describe(status);
  const int at_first = written.load();
  while (written.load() < at_first + 30) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  status = admin_->CreateBackup(Ctx().get(), request, &second);
  ASSERT_TRUE(status.ok()) << Describe(status);
  stop = true;
  for (std::thread& t : writers) t.join();

  EXPECT_EQ(first.id(), 1u);
  EXPECT_EQ(second.id(), 2u);
  EXPECT_GT(first.as_of(), 0);
  EXPECT_GT(second.as_of(), first.as_of());
  EXPECT_EQ(first.repository(),
            (std::filesystem::canonical(options_.backup_dir) / "repo").string());
  v1::ListBackupsRequest list;
  list.set_repository("repo");
  v1::ListBackupsResponse listed;
  status = admin_->ListBackups(Ctx().get(), list, &listed);
  ASSERT_TRUE(status.ok()) << Describe(status);
  ASSERT_EQ(listed.backups_size(), 2);
  EXPECT_EQ(listed.backups(0).as_of(), first.as_of());
  EXPECT_EQ(listed.backups(1).as_of(), second.as_of());

  // The live store's answers as of the first backup, then the restored one's.
  const std::vector<std::string> live = Reads(first.as_of());
  ASSERT_NE(live, Reads(0)) << "the writes after the backup must change something";
  const std::string restored = dir_.Sub("restored");
  const std::string command =
      absl::StrCat(KGD_BINARY, " --restore_from=", first.repository(), " --backup_id=1",
                   " --data_dir=", restored, " 2>", dir_.Sub("restore.log"));
  ASSERT_EQ(std::system(command.c_str()), 0) << ReadFile(dir_.Sub("restore.log"));
  EXPECT_NE(ReadFile(dir_.Sub("restore.log")).find("restored backup 1"), std::string::npos);
  // Restoring into it again is refused: it is not empty.
  EXPECT_NE(std::system(command.c_str()), 0);
  EXPECT_NE(ReadFile(dir_.Sub("restore.log")).find("is not empty"), std::string::npos);

  StopServer();
  options_.data_dir = restored;
  ASSERT_NO_FATAL_FAILURE(StartServer());
  EXPECT_EQ(Reads(0), live);
  EXPECT_EQ(Reads(first.as_of()), live);
}

TEST_F(BackupTest, PrunesToTheNewestAndStaysUnderTheRoot) {
  v1::CreateBackupRequest request;
  request.set_repository("daily/repo");
  v1::BackupInfo info;
  for (int i = 0; i < 3; ++i) {
    v1::WriteResponse written;
    ASSERT_TRUE(ingest_->Assert(Ctx().get(), Batch(9, i), &written).ok());
    grpc::Status status = admin_->CreateBackup(Ctx().get(), request, &info);
    ASSERT_TRUE(status.ok()) << Describe(status);
  }
  request.set_keep_last(2);
  ASSERT_TRUE(admin_->CreateBackup(Ctx().get(), request, &info).ok());
  EXPECT_EQ(info.id(), 4u);
  v1::ListBackupsRequest list;
  list.set_repository("daily/repo");
  v1::ListBackupsResponse listed;
  ASSERT_TRUE(admin_->ListBackups(Ctx().get(), list, &listed).ok());
  ASSERT_EQ(listed.backups_size(), 2);
  EXPECT_EQ(listed.backups(0).id(), 3u);
  EXPECT_EQ(listed.backups(1).id(), 4u);

  for (const std::string& bad : {std::string("../x"), dir_.Sub("outside"), std::string("")}) {
    request.set_repository(bad);
    request.set_keep_last(0);
    grpc::Status status = admin_->CreateBackup(Ctx().get(), request, &info);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_NE(status.error_message().find("repository"), std::string::npos) << Describe(status);
  }
  request.set_repository("r");
  request.set_keep_last(-1);
  grpc::Status status = admin_->CreateBackup(Ctx().get(), request, &info);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("keep_last"), std::string::npos);
  list.set_repository("nothing-here");
  status = admin_->ListBackups(Ctx().get(), list, &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);

  // Without --backup_dir, refused.
  StopServer();
  options_.backup_dir.clear();
  ASSERT_NO_FATAL_FAILURE(StartServer());
  request.set_repository("repo");
  request.set_keep_last(0);
  status = admin_->CreateBackup(Ctx().get(), request, &info);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
}

}  // namespace
}  // namespace kg::testing
