// Explain's evidence pages over a real store: every record once, in order
// (live, then retracted), aggregates over all records on every page, pages
// pinned to the first page's time, and tokens that continue a listing's
// first records.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "query/provenance.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "tests/query/provenance_testing.h"
#include "tests/testing/test_util.h"

namespace kg {
namespace {

using ::kg::testing::MakeDocument;
using ::kg::testing::MakeEntity;
using ::kg::testing::MakeEvidence;
using ::kg::testing::MakeStatement;
using ::kg::testing::RenderCorroboration;
using ::kg::testing::TempDir;

class EvidencePageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(store_, Store::Open({.path = dir_.Sub("db")}));
    WriteBatch batch;
    batch.entities = {MakeEntity("outlet/a", "MediaOutlet", "A"),
                      MakeEntity("outlet/b", "MediaOutlet", "B"),
                      MakeEntity("actor/x", "State", "X"), MakeEntity("actor/y", "State", "Y")};
    for (int d = 0; d < 3; ++d) {
      batch.entities.push_back(MakeDocument(absl::StrCat("doc/", d), absl::StrCat("Report ", d), "",
                                            "2019-05-11", d == 0 ? "outlet/a" : "outlet/b"));
    }
    ASSERT_OK(store_->Apply(batch, {}).status());
    // Seven records: six support it from three documents, one denies it.
    ASSERT_OK_AND_ASSIGN(WriteResult r, Add(7, 0));
    statement_ = r.statement_ids[0];
    // Two retracted: Explain lists them after the live ones.
    for (int i : {1, 4}) {
      ASSERT_OK(store_->Retract(statement_, r.evidence_ids[0][i], "wrong", {}).status());
    }
  }

  // `n` records numbered from `from`: record i cites doc/(i % 3); the
  // seventh (i == 6) denies.
  absl::StatusOr<WriteResult> Add(int n, int from) {
    std::vector<Evidence> evidence;
    for (int i = from; i < from + n; ++i) {
      evidence.push_back(MakeEvidence({.document = absl::StrCat("doc/", i % 3),
                                       .publisher = i % 3 == 0 ? "outlet/a" : "outlet/b",
                                       .excerpt = absl::StrCat("claim ", i),
                                       .stance = i == 6 ? Stance::kDenies : Stance::kAsserts,
                                       .confidence = 0.5 + i * 0.01}));
    }
    WriteBatch batch;
    batch.statements = {
        MakeStatement("actor/x", "backs", Value::Entity("actor/y"), std::move(evidence))};
    return store_->Apply(batch, {});
  }

  absl::StatusOr<Explanation> Explain(const Filter& filter, EvidencePageRequest page) {
    std::unique_ptr<View> view = store_->NewView();
    return Provenance(*view, Schema::Default()).Explain(statement_, filter, page);
  }

  // Every page of `page_size`, the records' ids in order; checks that each
  // page answers the whole statement as `whole` does.
  std::vector<std::string> AllPages(const Explanation& whole, int32_t page_size) {
    std::vector<std::string> ids;
    EvidencePageRequest page{page_size, ""};
    for (int calls = 0; calls < 100; ++calls) {
      absl::StatusOr<Explanation> x = Explain({}, page);
      EXPECT_TRUE(x.ok()) << x.status();
      if (!x.ok()) break;
      EXPECT_LE(x->statement.evidence.size(), static_cast<size_t>(page_size));
      EXPECT_EQ(x->evidence_total, whole.evidence_total);
      EXPECT_EQ(RenderCorroboration(x->statement.corroboration),
                RenderCorroboration(whole.statement.corroboration));
      EXPECT_EQ(x->dispute_reasons, whole.dispute_reasons);
      for (const Evidence& e : x->statement.evidence) ids.push_back(e.id);
      if (x->next_evidence_token.empty()) break;
      page.page_token = x->next_evidence_token;
    }
    return ids;
  }

  static std::vector<std::string> Ids(const std::vector<Evidence>& evidence) {
    std::vector<std::string> ids;
    for (const Evidence& e : evidence) ids.push_back(e.id);
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  StatementId statement_ = 0;
};

TEST_F(EvidencePageTest, PagesListEveryRecordOnceWithTheWholeAggregates) {
  ASSERT_OK_AND_ASSIGN(Explanation whole, Explain({}, {1000, ""}));
  ASSERT_EQ(whole.evidence_total, 7);
  ASSERT_EQ(whole.statement.evidence.size(), 7u);
  EXPECT_TRUE(whole.next_evidence_token.empty());
  EXPECT_EQ(whole.statement.corroboration.evidence_count, 5);
  EXPECT_TRUE(whole.disputed);
  // Live first, then retracted.
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(whole.statement.evidence[i].retracted_at != 0, i >= 5) << i;
  }
  for (int32_t page_size : {1, 2, 3, 5, 6}) {
    EXPECT_EQ(AllPages(whole, page_size), Ids(whole.statement.evidence)) << page_size;
  }
}

TEST_F(EvidencePageTest, APageCitesItsOwnDocuments) {
  ASSERT_OK_AND_ASSIGN(Explanation first, Explain({}, {1, ""}));
  ASSERT_EQ(first.statement.evidence.size(), 1u);
  ASSERT_EQ(first.documents.size(), 1u);
  EXPECT_EQ(first.documents[0].id, first.statement.evidence[0].document);
  EXPECT_EQ(first.documents[0].title, absl::StrCat("Report ", first.documents[0].id.substr(4)));
}

TEST_F(EvidencePageTest, LaterPagesReadAsOfTheFirst) {
  ASSERT_OK_AND_ASSIGN(Explanation first, Explain({}, {4, ""}));
  ASSERT_FALSE(first.next_evidence_token.empty());
  ASSERT_OK(Add(3, 10).status());  // three more records after the first page
  std::vector<std::string> ids = Ids(first.statement.evidence);
  std::string token = first.next_evidence_token;
  while (!token.empty()) {
    ASSERT_OK_AND_ASSIGN(Explanation x, Explain({}, {4, token}));
    EXPECT_EQ(x.evidence_total, 7);
    EXPECT_EQ(x.as_of, first.as_of);
    for (const Evidence& e : x.statement.evidence) ids.push_back(e.id);
    token = x.next_evidence_token;
  }
  EXPECT_EQ(ids.size(), 7u);
  ASSERT_OK_AND_ASSIGN(Explanation now, Explain({}, {1000, ""}));
  EXPECT_EQ(now.evidence_total, 10);
}

TEST_F(EvidencePageTest, TokensBelongToTheirStatementAndFilter) {
  ASSERT_OK_AND_ASSIGN(Explanation first, Explain({}, {2, ""}));
  Filter other;
  other.min_reliability = 'E';
  EXPECT_EQ(Explain(other, {2, first.next_evidence_token}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Explain({}, {2, "garbage"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Explain({}, {-1, ""}).status().code(), absl::StatusCode::kInvalidArgument);
  absl::Status too_many = Explain({}, {1001, ""}).status();
  EXPECT_EQ(too_many.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(too_many.message(), "evidence_page_size: at most 1000 allowed, got 1001");
}

TEST_F(EvidencePageTest, TokenAfterAListedPrefixContinuesIt) {
  std::unique_ptr<View> view = store_->NewView();
  Pattern pattern;
  pattern.subject = "actor/x";
  ASSERT_OK_AND_ASSIGN(Page<Statement> match, view->Match(pattern, {}, 10, ""));
  ASSERT_EQ(match.items.size(), 1u);
  const std::vector<Evidence>& listed = match.items[0].evidence;
  ASSERT_EQ(listed.size(), 5u);  // the live records
  ASSERT_OK_AND_ASSIGN(Explanation whole, Explain({}, {1000, ""}));
  const std::vector<std::string> all = Ids(whole.statement.evidence);

  // Shown: the first two. The token goes on with the third.
  const std::string token = EvidencePageToken(statement_, {}, match.as_of, &listed[1]);
  ASSERT_OK_AND_ASSIGN(Explanation rest, Explain({}, {1000, token}));
  EXPECT_EQ(Ids(rest.statement.evidence), std::vector<std::string>(all.begin() + 2, all.end()));
  // Without a record shown, from the first.
  ASSERT_OK_AND_ASSIGN(
      Explanation again,
      Explain({}, {1000, EvidencePageToken(statement_, {}, match.as_of, nullptr)}));
  EXPECT_EQ(Ids(again.statement.evidence), all);
}

}  // namespace
}  // namespace kg
