// Damaged files: bytes flipped in an SST, a truncated WAL tail, a damaged
// MANIFEST. The store never answers wrongly: it refuses to open naming the
// file, or a read (and the offline check) fails with DATA_LOSS naming it,
// or (a torn WAL tail) it opens with everything before the tear.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "storage/check.h"
#include "storage/db_open.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kg::testing {
namespace {

class DamageTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    MustApply(BaseEntities());
    for (int b = 0; b < 20; ++b) {
      WriteBatch batch;
      for (int i = 0; i < 20; ++i) {
        batch.statements.push_back(MakeStatement(
            "inc/strike-1", "description", Value::String(absl::StrCat("note ", b, "-", i)),
            {MakeEvidence("doc/tass-1", "outlet/tass", 0.5,
                          absl::StrCat(std::string(200, 'x'), b, "-", i))}));
      }
      MustApply(batch);
    }
    before_ = MatchText({});
    ASSERT_FALSE(before_.empty());
  }

  std::string Db() { return dir_.Sub("db"); }

  // Closes the store and writes its memtables into SST files.
  void FlushAndClose() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<OpenDb>> db =
        OpenDb::Open(Db(), OpenDb::Mode::kExisting, 1 << 20);
    ASSERT_TRUE(db.ok()) << db.status();
    rocksdb::FlushOptions flush;
    ASSERT_TRUE((*db)->db()->Flush(flush, (*db)->cfs()).ok());
  }

  // Files of the database whose name ends with `suffix`, largest first.
  std::vector<std::filesystem::path> Files(const std::string& suffix) {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(Db())) {
      const std::string name = e.path().filename().string();
      if (name.size() >= suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        out.push_back(e.path());
      }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return std::filesystem::file_size(a) > std::filesystem::file_size(b);
    });
    return out;
  }

  static void Flip(const std::filesystem::path& file, size_t offset, size_t n) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    std::string bytes(n, '\0');
    f.seekg(static_cast<std::streamoff>(offset));
    f.read(bytes.data(), static_cast<std::streamsize>(n));
    for (char& c : bytes) c = static_cast<char>(~c);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(bytes.data(), static_cast<std::streamsize>(n));
  }

  std::string before_;
};

TEST_F(DamageTest, FlippedBytesInAnSstAreDataLossNamingTheFileNeverAWrongAnswer) {
  ASSERT_NO_FATAL_FAILURE(FlushAndClose());
  const std::vector<std::filesystem::path> ssts = Files(".sst");
  ASSERT_FALSE(ssts.empty());
  const std::filesystem::path damaged = ssts.front();
  Flip(damaged, std::filesystem::file_size(damaged) / 3, 64);
  const std::string name = damaged.filename().string();

  // Offline, the check stops at the damaged block and names the file.
  absl::StatusOr<CheckReport> check = CheckDatabase({.path = Db()});
  ASSERT_FALSE(check.ok()) << check->ToString();
  EXPECT_EQ(check.status().code(), absl::StatusCode::kDataLoss) << check.status();
  EXPECT_NE(check.status().message().find(name), std::string::npos) << check.status();

  // Online: the store refuses to open naming the file, or every read is
  // either the answer from before or DATA_LOSS naming the file.
  absl::StatusOr<std::unique_ptr<Store>> s = Store::Open({.path = Db()});
  if (!s.ok()) {
    EXPECT_EQ(s.status().code(), absl::StatusCode::kDataLoss) << s.status();
    EXPECT_NE(s.status().message().find(name), std::string::npos) << s.status();
    return;
  }
  store_ = std::move(*s);
  std::unique_ptr<View> view = store_->NewView();
  absl::StatusOr<Page<Statement>> page = view->Match({}, {}, 0, "");
  view.reset();
  if (page.ok()) {
    EXPECT_EQ(Render(page->items), before_);
  } else {
    EXPECT_EQ(page.status().code(), absl::StatusCode::kDataLoss) << page.status();
    EXPECT_NE(page.status().message().find(name), std::string::npos) << page.status();
  }
}

TEST_F(DamageTest, ATruncatedWalTailKeepsEverythingBeforeIt) {
  store_.reset();  // a clean close keeps the writes in the WAL (no flush)
  const std::vector<std::filesystem::path> logs = Files(".log");
  ASSERT_FALSE(logs.empty());
  const std::filesystem::path wal = logs.front();
  std::filesystem::resize_file(wal, std::filesystem::file_size(wal) - 100);
  Reopen();
  // The last batch (the torn record) is gone, everything before it is there.
  std::unique_ptr<View> view = store_->NewView();
  ASSERT_OK_AND_ASSIGN(Page<Statement> page, view->Match({}, {}, 0, ""));
  EXPECT_EQ(page.items.size(), 19u * 20u);
  const std::string after = Render(page.items);
  EXPECT_EQ(before_.substr(0, after.size()), after.substr(0, after.size()));
  view.reset();  // a view must not outlive its store
  store_.reset();
  ASSERT_OK_AND_ASSIGN(CheckReport report, CheckDatabase({.path = Db()}));
  EXPECT_TRUE(report.ok()) << report.ToString();
}

TEST_F(DamageTest, ADamagedManifestRefusesToOpenNamingIt) {
  ASSERT_NO_FATAL_FAILURE(FlushAndClose());
  const std::vector<std::filesystem::path> manifests = Files("");
  std::filesystem::path manifest;
  for (const auto& f : manifests) {
    if (f.filename().string().rfind("MANIFEST-", 0) == 0) manifest = f;
  }
  ASSERT_FALSE(manifest.empty());
  // Inside the first record, past its 7-byte header: its checksum fails
  // wherever the records fall. (A flip that lands on a header of the last
  // block can make it read as a record cut short by a crash, which RocksDB
  // takes for the end of the manifest.)
  Flip(manifest, 8, 16);
  absl::StatusOr<std::unique_ptr<Store>> s = Store::Open({.path = Db()});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kDataLoss) << s.status();
  EXPECT_NE(s.status().message().find("MANIFEST"), std::string::npos) << s.status();
  absl::StatusOr<CheckReport> check = CheckDatabase({.path = Db()});
  ASSERT_FALSE(check.ok());
  EXPECT_NE(check.status().message().find("MANIFEST"), std::string::npos) << check.status();
}

}  // namespace
}  // namespace kg::testing
