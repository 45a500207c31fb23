// The contract of KvEngine, the seam below the store's logic: what any
// backend must do for the store's format and logic to work unchanged on it.
// Run here against RocksEngine over a real RocksDB in a temp dir; another
// backend joins by adding its factory to kEngines.

#include "storage/kv_engine.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "storage/codec.h"
#include "storage/db_open.h"
#include "tests/testing/test_util.h"

namespace kg::testing {
namespace {

// An engine on a directory; reopening the same directory must find every
// write acknowledged with sync.
struct EngineFactory {
  std::string name;
  std::function<std::shared_ptr<KvEngine>(const std::string& dir)> open;
};

void PrintTo(const EngineFactory& factory, std::ostream* os) { *os << factory.name; }

std::shared_ptr<KvEngine> OpenRocks(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<OpenDb>> db = OpenDb::Open(dir, OpenDb::Mode::kCreate, 8 << 20);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return nullptr;
  std::shared_ptr<OpenDb> owner(std::move(*db));
  return std::shared_ptr<KvEngine>(owner, owner->engine());  // keeps the database open
}

const EngineFactory kEngines[] = {{"rocksdb", OpenRocks}};

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

class KvEngineTest : public ::testing::TestWithParam<EngineFactory> {
 protected:
  void SetUp() override {
    kv_ = GetParam().open(dir_.path());
    ASSERT_NE(kv_, nullptr);
  }

  void MustWrite(const std::function<void(KvBatch&)>& fill, bool sync = false) {
    std::unique_ptr<KvBatch> batch = kv_->NewBatch();
    fill(*batch);
    ASSERT_TRUE(kv_->Write(*batch, sync).ok());
  }

  std::optional<std::string> MustGet(const KvSnapshot* at, int cf, std::string_view key) {
    absl::StatusOr<std::optional<std::string>> v = kv_->Get(at, cf, key);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::nullopt;
  }

  // Every key of `cf` at `at`, first to last.
  std::vector<std::string> Keys(const KvSnapshot* at, int cf) {
    std::vector<std::string> keys;
    std::unique_ptr<KvIterator> it = kv_->NewIterator(at, cf);
    for (it->SeekToFirst(); it->Valid(); it->Next()) keys.emplace_back(it->key());
    EXPECT_TRUE(it->status().ok()) << it->status();
    return keys;
  }

  TempDir dir_;
  std::shared_ptr<KvEngine> kv_;
};

TEST_P(KvEngineTest, GetReadsEachColumnFamilyApart) {
  EXPECT_EQ(MustGet(nullptr, codec::kDict, "a"), std::nullopt);
  MustWrite([](KvBatch& b) {
    b.Put(codec::kDict, "a", "in dict");
    b.Put(codec::kRdict, "a", "in rdict");
  });
  EXPECT_EQ(MustGet(nullptr, codec::kDict, "a"), "in dict");
  EXPECT_EQ(MustGet(nullptr, codec::kRdict, "a"), "in rdict");
  EXPECT_EQ(MustGet(nullptr, codec::kMeta, "a"), std::nullopt);
}

TEST_P(KvEngineTest, BatchAppliesAllItsWritesUnderOneNewSequence) {
  MustWrite([](KvBatch& b) {
    b.Put(codec::kMeta, "k1", "old");
    b.Put(codec::kMeta, "k2", "gone soon");
  });
  const uint64_t before = kv_->LatestSequence();
  std::unique_ptr<KvBatch> batch = kv_->NewBatch();
  batch->Put(codec::kMeta, "k1", "new");
  batch->Delete(codec::kMeta, "k2");
  batch->Put(codec::kMeta, "k3", "added");
  EXPECT_EQ(batch->Count(), 3);
  // Nothing is visible before Write.
  EXPECT_EQ(MustGet(nullptr, codec::kMeta, "k1"), "old");
  ASSERT_TRUE(kv_->Write(*batch, /*sync=*/false).ok());
  EXPECT_GT(kv_->LatestSequence(), before);
  EXPECT_EQ(MustGet(nullptr, codec::kMeta, "k1"), "new");
  EXPECT_EQ(MustGet(nullptr, codec::kMeta, "k2"), std::nullopt);
  EXPECT_EQ(MustGet(nullptr, codec::kMeta, "k3"), "added");
}

TEST_P(KvEngineTest, SnapshotSeesNoLaterWrite) {
  MustWrite([](KvBatch& b) { b.Put(codec::kSpo, "x", "1"); });
  std::unique_ptr<KvSnapshot> at = kv_->NewSnapshot();
  EXPECT_EQ(at->sequence(), kv_->LatestSequence());
  MustWrite([](KvBatch& b) {
    b.Put(codec::kSpo, "x", "2");
    b.Put(codec::kSpo, "y", "2");
  });
  EXPECT_EQ(MustGet(at.get(), codec::kSpo, "x"), "1");
  EXPECT_EQ(MustGet(at.get(), codec::kSpo, "y"), std::nullopt);
  EXPECT_EQ(Keys(at.get(), codec::kSpo), std::vector<std::string>({"x"}));
  EXPECT_EQ(MustGet(nullptr, codec::kSpo, "x"), "2");
  EXPECT_EQ(Keys(nullptr, codec::kSpo), std::vector<std::string>({"x", "y"}));
  EXPECT_LT(at->sequence(), kv_->LatestSequence());
}

TEST_P(KvEngineTest, ScansInUnsignedByteOrderBothWays) {
  const std::vector<std::string> sorted = {
      Bytes({0x00}), Bytes({0x00, 0x00}), "a",           "ab",
      "b",           Bytes({0x7f}),       Bytes({0x80}), Bytes({0xff, 0x01})};
  MustWrite([&](KvBatch& b) {
    for (auto i = sorted.rbegin(); i != sorted.rend(); ++i) b.Put(codec::kPos, *i, "v" + *i);
  });
  EXPECT_EQ(Keys(nullptr, codec::kPos), sorted);

  std::unique_ptr<KvIterator> it = kv_->NewIterator(nullptr, codec::kPos);
  it->Seek("aa");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "ab");
  EXPECT_EQ(it->value(), "vab");
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "a");
  it->SeekForPrev("az");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "ab");
  it->SeekForPrev("ab");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "ab");
  it->SeekToLast();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), Bytes({0xff, 0x01}));
  it->Next();
  EXPECT_FALSE(it->Valid());
  it->Seek(Bytes({0xff, 0x02}));
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST_P(KvEngineTest, MultiGetAnswersEachKeyInOrder) {
  MustWrite([](KvBatch& b) {
    b.Put(codec::kRdict, "1", "one");
    b.Put(codec::kRdict, "3", "three");
  });
  std::unique_ptr<KvSnapshot> at = kv_->NewSnapshot();
  MustWrite([](KvBatch& b) { b.Put(codec::kRdict, "2", "two"); });
  const std::vector<std::string_view> keys = {"3", "2", "1", "3"};
  std::vector<absl::StatusOr<std::optional<std::string>>> latest =
      kv_->MultiGet(nullptr, codec::kRdict, keys);
  ASSERT_EQ(latest.size(), 4u);
  for (const auto& v : latest) ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*latest[0], "three");
  EXPECT_EQ(*latest[1], "two");
  EXPECT_EQ(*latest[2], "one");
  EXPECT_EQ(*latest[3], "three");
  std::vector<absl::StatusOr<std::optional<std::string>>> then =
      kv_->MultiGet(at.get(), codec::kRdict, keys);
  ASSERT_TRUE(then[1].ok());
  EXPECT_EQ(*then[1], std::nullopt);
  EXPECT_TRUE(kv_->MultiGet(nullptr, codec::kRdict, {}).empty());
}

TEST_P(KvEngineTest, DeleteRangeRemovesTheHalfOpenRangeOnly) {
  MustWrite([](KvBatch& b) {
    for (const char* k : {"a", "b", "ba", "c", "d"}) b.Put(codec::kFeed, k, "");
  });
  MustWrite([](KvBatch& b) { b.DeleteRange(codec::kFeed, "b", "c"); });
  EXPECT_EQ(Keys(nullptr, codec::kFeed), std::vector<std::string>({"a", "c", "d"}));
}

TEST_P(KvEngineTest, SyncedAndLoggedWritesSurviveReopening) {
  MustWrite([](KvBatch& b) { b.Put(codec::kMeta, "synced", "1"); }, /*sync=*/true);
  MustWrite([](KvBatch& b) { b.Put(codec::kMeta, "logged", "2"); });
  ASSERT_TRUE(kv_->SyncLog().ok());
  EXPECT_GT(kv_->DiskBytes(), 0u);
  kv_.reset();
  kv_ = GetParam().open(dir_.path());
  ASSERT_NE(kv_, nullptr);
  EXPECT_EQ(MustGet(nullptr, codec::kMeta, "synced"), "1");
  EXPECT_EQ(MustGet(nullptr, codec::kMeta, "logged"), "2");
}

INSTANTIATE_TEST_SUITE_P(Engines, KvEngineTest, ::testing::ValuesIn(kEngines),
                         [](const ::testing::TestParamInfo<EngineFactory>& info) {
                           return info.param.name;
                         });

TEST(WithContextTest, PrefixesTheMessageAndKeepsTheCode) {
  const absl::Status s = WithContext(absl::DataLossError("rocksdb: Corruption: bad block"), "feed");
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "feed: rocksdb: Corruption: bad block");
  EXPECT_TRUE(WithContext(absl::OkStatus(), "feed").ok());
}

}  // namespace
}  // namespace kg::testing
