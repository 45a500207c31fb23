// Store::Retract when the writer may retract only its own evidence.

#include <gtest/gtest.h>

#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kg::testing {
namespace {

class RetractOwnershipTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    MustApply(BaseEntities());
    // One statement, one evidence record per principal.
    AddEvidence("alice", "doc/reuters-1", "outlet/reuters");
    AddEvidence("bob", "doc/tass-1", "outlet/tass");
    AddEvidence("alice via gateway", "doc/tass-1", "outlet/reuters");
  }

  void AddEvidence(const std::string& principal, const std::string& doc,
                   const std::string& publisher) {
    WriteBatch b;
    b.statements.push_back(MakeStatement("actor/turkey", "supplies",
                                         Value::Entity("actor/opposition"),
                                         {MakeEvidence(doc, publisher, 0.5, principal)}));
    absl::StatusOr<WriteResult> r = store_->Apply(b, {.principal = principal});
    ASSERT_TRUE(r.ok()) << r.status();
    sid_ = r->statement_ids[0];
    ids_[principal] = r->evidence_ids[0][0];
  }

  // "ingested_by retracted_by" per evidence record, in id order.
  std::string State() {
    absl::StatusOr<Statement> st = store_->NewView()->GetStatement(sid_, {}, true);
    if (!st.ok()) return st.status().ToString();
    std::vector<std::string> lines;
    for (const Evidence& e : st->evidence) {
      lines.push_back(
          absl::StrCat(e.ingested_by, " ", e.retracted_by.empty() ? "-" : e.retracted_by));
    }
    std::sort(lines.begin(), lines.end());
    return absl::StrJoin(lines, "\n");
  }

  static WriteContext Own(std::string principal) {
    return {.principal = std::move(principal), .may_retract_others = false};
  }

  StatementId sid_ = 0;
  std::map<std::string, std::string> ids_;
};

TEST_F(RetractOwnershipTest, OthersEvidenceIsRefusedAndNothingChanges) {
  const std::string before = State();
  const TxTime t = store_->NewView()->snapshot_time();
  absl::StatusOr<TxTime> r = store_->Retract(sid_, ids_["bob"], "mine now", Own("alice"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(r.status().message(),
            absl::StrCat("evidence_id: ", ids_["bob"],
                         " belongs to 'bob'; 'alice' may retract only its own evidence"));
  // Retracting every live record is refused whole: alice's stay live too.
  r = store_->Retract(sid_, "", "all of it", Own("alice"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("'bob'"), absl::string_view::npos);

  std::unique_ptr<View> view = store_->NewView();
  EXPECT_EQ(view->snapshot_time(), t);
  EXPECT_EQ(State(), before);
  ASSERT_OK_AND_ASSIGN(Page<HistoryEvent> h, view->StatementHistory(sid_, kLatest, 0, ""));
  for (const HistoryEvent& e : h.items) {
    EXPECT_NE(e.type, HistoryEvent::Type::kEvidenceRetracted);
  }
}

TEST_F(RetractOwnershipTest, OwnEvidenceIncludingDelegatedWrites) {
  // alice retracts what she wrote through the gateway, and the gateway
  // retracts what she wrote herself.
  ASSERT_OK(store_->Retract(sid_, ids_["alice via gateway"], "dup", Own("alice")));
  ASSERT_OK(store_->Retract(sid_, ids_["alice"], "dup", Own("alice via gateway")));
  EXPECT_EQ(State(),
            "alice alice via gateway\n"
            "alice via gateway alice\n"
            "bob -");
  // A delegated writer does not own what the delegate's other principals wrote.
  EXPECT_EQ(store_->Retract(sid_, ids_["bob"], "x", Own("alice via gateway")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->Retract(sid_, ids_["bob"], "x", Own("gateway")).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_OK(store_->Retract(sid_, "", "withdrawn", Own("bob via gateway")));
  EXPECT_EQ(State(),
            "alice alice via gateway\n"
            "alice via gateway alice\n"
            "bob bob via gateway");
}

TEST_F(RetractOwnershipTest, RetractAllSkipsOnlyAlreadyRetractedRecords) {
  // bob's record retracted already: "every live one" of alice's passes.
  ASSERT_OK(store_->Retract(sid_, ids_["bob"], "wrong", {.principal = "bob"}));
  ASSERT_OK(store_->Retract(sid_, "", "withdrawn", Own("alice")));
  EXPECT_EQ(State(),
            "alice alice\n"
            "alice via gateway alice\n"
            "bob bob");
}

TEST_F(RetractOwnershipTest, AllowedByDefault) {
  ASSERT_OK(store_->Retract(sid_, ids_["bob"], "editor", {.principal = "carol"}));
  EXPECT_EQ(State(),
            "alice -\n"
            "alice via gateway -\n"
            "bob carol");
}

}  // namespace
}  // namespace kg::testing
