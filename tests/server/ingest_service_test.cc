// IngestService over the wire: every write, its error paths with their exact
// codes, atomicity, idempotent retry and the bulk stream.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/rpc/status.pb.h"
#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

class IngestTest : public ServerTest {};

TEST_F(IngestTest, UpsertEntitiesWritesAndRecordsPrincipal) {
  v1::UpsertEntitiesRequest request;
  *request.add_entities() = MakeEntity("actor/turkey", "State", "Turkey");
  *request.add_entities() = MakeEntity("actor/russia", "State", "Russia");
  v1::WriteResponse response;
  grpc::Status status = ingest_->UpsertEntities(Ctx("alice").get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(response.entities_written(), 2);
  EXPECT_GT(response.committed_at(), 0);

  // Unchanged records write nothing.
  status = ingest_->UpsertEntities(Ctx("alice").get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(response.entities_written(), 0);
  EXPECT_EQ(response.entities_unchanged(), 2);

  v1::GetEntityRequest get;
  get.set_id("actor/turkey");
  v1::Entity entity;
  status = graph_->GetEntity(Ctx().get(), get, &entity);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(entity.label(), "Turkey");
  EXPECT_EQ(entity.updated_by(), "alice");
}

TEST_F(IngestTest, AssertReturnsIdsAndIsIdempotent) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::AssertRequest request;
  *request.add_statements() =
      MakeStatement("actor/turkey", "supplies", "group/nusra", "doc/reuters-1", "outlet/reuters");
  v1::WriteResponse response;
  grpc::Status status = ingest_->Assert(Ctx().get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  // The seed already holds exactly this evidence: a retry stores nothing new.
  EXPECT_EQ(response.statements_created(), 0);
  EXPECT_EQ(response.evidence_added(), 0);
  EXPECT_EQ(response.evidence_unchanged(), 1);
  ASSERT_EQ(response.statements_size(), 1);
  EXPECT_EQ(response.statements(0).id(), supplies_id_);
  ASSERT_EQ(response.statements(0).evidence_ids_size(), 1);
}

TEST_F(IngestTest, ErrorCodes) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::WriteResponse response;
  {
    v1::AssertRequest empty;
    grpc::Status status = ingest_->Assert(Ctx().get(), empty, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  }
  {
    v1::AssertRequest unknown_predicate;
    *unknown_predicate.add_statements() =
        MakeStatement("actor/turkey", "frobs", "group/nusra", "doc/reuters-1", "outlet/reuters");
    grpc::Status status = ingest_->Assert(Ctx().get(), unknown_predicate, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
    EXPECT_NE(status.error_message().find("statements[0]"), std::string::npos)
        << status.error_message();
  }
  {
    v1::AssertRequest unknown_subject;
    *unknown_subject.add_statements() =
        MakeStatement("actor/nobody", "supplies", "group/nusra", "doc/reuters-1", "outlet/reuters");
    grpc::Status status = ingest_->Assert(Ctx().get(), unknown_subject, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  }
  {
    v1::AssertRequest domain_violation;  // a Town does not supply anyone
    *domain_violation.add_statements() =
        MakeStatement("loc/idlib", "supplies", "group/nusra", "doc/reuters-1", "outlet/reuters");
    grpc::Status status = ingest_->Assert(Ctx().get(), domain_violation, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  }
  {
    v1::AssertRequest bad_grading;
    v1::Statement s =
        MakeStatement("actor/turkey", "supplies", "group/nusra", "doc/reuters-1", "outlet/reuters");
    s.mutable_evidence(0)->set_reliability("Z");
    *bad_grading.add_statements() = s;
    grpc::Status status = ingest_->Assert(Ctx().get(), bad_grading, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
    EXPECT_EQ(status.error_message(),
              "statements[0].evidence[0].reliability: must be A-F, got 'Z'");
  }
  {
    v1::AssertRequest bad_confidence;
    v1::Statement s =
        MakeStatement("actor/turkey", "supplies", "group/nusra", "doc/reuters-1", "outlet/reuters");
    s.mutable_evidence(0)->set_confidence(1.5);
    *bad_confidence.add_statements() = s;
    grpc::Status status = ingest_->Assert(Ctx().get(), bad_confidence, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
    EXPECT_EQ(status.error_message(),
              "statements[0].evidence[0].confidence: must be in [0, 1], got 1.5");
  }
}

TEST_F(IngestTest, OversizedBatchIsResourceExhausted) {
  StopServer();
  options_.limits.max_batch_records = 3;
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::UpsertEntitiesRequest request;
  for (int i = 0; i < 4; ++i) {
    *request.add_entities() = MakeEntity(absl::StrCat("actor/a", i), "State", "A");
  }
  v1::WriteResponse response;
  grpc::Status status = ingest_->UpsertEntities(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(status);
  request.mutable_entities()->RemoveLast();
  status = ingest_->UpsertEntities(Ctx().get(), request, &response);
  EXPECT_TRUE(status.ok()) << Describe(status);
}

TEST_F(IngestTest, FailedBatchChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::AssertRequest request;
  *request.add_entities() = MakeEntity("actor/iran", "State", "Iran");
  *request.add_statements() =
      MakeStatement("actor/iran", "backs", "gov/syria", "doc/reuters-1", "outlet/reuters");
  *request.add_statements() =
      MakeStatement("actor/iran", "backs", "actor/nobody", "doc/reuters-1", "outlet/reuters");
  v1::WriteResponse response;
  grpc::Status status = ingest_->Assert(Ctx().get(), request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);

  v1::GetEntityRequest get;
  get.set_id("actor/iran");
  v1::Entity entity;
  status = graph_->GetEntity(Ctx().get(), get, &entity);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  v1::MatchStatementsRequest match;
  match.set_subject("actor/iran");
  v1::StatementsPage page;
  status = graph_->MatchStatements(Ctx().get(), match, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);

  // The same batch, fixed, goes through whole; sent twice it adds nothing.
  request.mutable_statements()->RemoveLast();
  ASSERT_TRUE(ingest_->Assert(Ctx().get(), request, &response).ok());
  EXPECT_EQ(response.statements_created(), 1);
  EXPECT_EQ(response.evidence_added(), 1);
  ASSERT_TRUE(ingest_->Assert(Ctx().get(), request, &response).ok());
  EXPECT_EQ(response.statements_created(), 0);
  EXPECT_EQ(response.evidence_added(), 0);
  EXPECT_EQ(response.evidence_unchanged(), 1);
}

TEST_F(IngestTest, IngestDocumentInheritsDocumentFields) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::IngestDocumentRequest request;
  *request.mutable_document() = MakeDocument("doc/aa-1", "outlet/tass", "2019-06-01");
  *request.add_entities() = MakeEntity("actor/iran", "State", "Iran");
  v1::Statement s = MakeStatement("actor/iran", "backs", "gov/syria", "", "");
  s.mutable_evidence(0)->clear_reported_on();
  *request.add_statements() = s;
  v1::WriteResponse response;
  grpc::Status status = ingest_->IngestDocument(Ctx("bob").get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(response.entities_written(), 2);
  ASSERT_EQ(response.statements_size(), 1);

  v1::ExplainRequest explain;
  explain.set_statement_id(response.statements(0).id());
  v1::ExplainResponse explained;
  status = provenance_->Explain(Ctx().get(), explain, &explained);
  ASSERT_TRUE(status.ok()) << Describe(status);
  ASSERT_EQ(explained.statement().evidence_size(), 1);
  const v1::Evidence& e = explained.statement().evidence(0);
  EXPECT_EQ(e.document(), "doc/aa-1");
  EXPECT_EQ(e.publisher(), "outlet/tass");
  EXPECT_EQ(e.reported_on(), "2019-06-01");
  EXPECT_EQ(e.ingested_by(), "bob");
}

// Any write's evidence that names no publisher or date takes its document's:
// a document written before, or one in the same batch; what it names wins.
TEST_F(IngestTest, EvidenceTakesItsDocumentsPublisherAndDate) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::AssertRequest earlier;
  *earlier.add_entities() = MakeDocument("doc/aa-3", "outlet/tass", "2019-06-02");
  v1::WriteResponse response;
  ASSERT_TRUE(ingest_->Assert(Ctx().get(), earlier, &response).ok());

  v1::AssertRequest request;
  *request.add_entities() = MakeDocument("doc/aa-4", "outlet/reuters", "2019-06-03");
  *request.add_entities() = MakeEntity("actor/iran", "State", "Iran");
  v1::Statement backs = MakeStatement("actor/iran", "backs", "gov/syria", "doc/aa-3", "");
  backs.mutable_evidence(0)->clear_reported_on();
  *backs.add_evidence() = backs.evidence(0);
  backs.mutable_evidence(1)->set_document("doc/aa-4");
  *backs.add_evidence() = backs.evidence(0);
  backs.mutable_evidence(2)->set_publisher("outlet/reuters");
  backs.mutable_evidence(2)->set_reported_on("2019-07-01");
  backs.mutable_evidence(2)->set_excerpt("named");
  *request.add_statements() = backs;
  grpc::Status status = ingest_->Assert(Ctx().get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  ASSERT_EQ(response.statements_size(), 1);

  v1::ExplainRequest explain;
  explain.set_statement_id(response.statements(0).id());
  v1::ExplainResponse explained;
  ASSERT_TRUE(provenance_->Explain(Ctx().get(), explain, &explained).ok());
  std::set<std::string> sources;
  for (const v1::Evidence& e : explained.statement().evidence()) {
    sources.insert(absl::StrCat(e.document(), " ", e.publisher(), " ", e.reported_on()));
  }
  EXPECT_EQ(sources, (std::set<std::string>{"doc/aa-3 outlet/tass 2019-06-02",
                                            "doc/aa-4 outlet/reuters 2019-06-03",
                                            "doc/aa-3 outlet/reuters 2019-07-01"}));
}

TEST_F(IngestTest, IngestDocumentIsAtomicAndChecksKind) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::IngestDocumentRequest request;
  *request.mutable_document() = MakeDocument("doc/aa-2", "outlet/tass", "2019-06-01");
  *request.add_statements() = MakeStatement("actor/iran", "backs", "gov/syria", "", "");
  v1::WriteResponse response;
  grpc::Status status = ingest_->IngestDocument(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  v1::GetEntityRequest get;
  get.set_id("doc/aa-2");
  v1::Entity entity;
  status = graph_->GetEntity(Ctx().get(), get, &entity);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);

  request.mutable_document()->set_kind("State");
  status = ingest_->IngestDocument(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_EQ(status.error_message(),
            "document.kind: must be Document or one of its sub-kinds, got 'State'");
}

TEST_F(IngestTest, RetractMergeSplit) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::RetractRequest retract;
  retract.set_statement_id(supplies_id_);
  v1::RetractResponse retracted;
  grpc::Status status = ingest_->Retract(Ctx().get(), retract, &retracted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_EQ(status.error_message(), "reason: is required");

  retract.set_reason("misattributed");
  status = ingest_->Retract(Ctx("carol").get(), retract, &retracted);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_GT(retracted.retracted_at(), seeded_at_);
  status = ingest_->Retract(Ctx().get(), retract, &retracted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  retract.set_statement_id(999999);
  status = ingest_->Retract(Ctx().get(), retract, &retracted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);

  // Before the retraction the statement is there; now it is not.
  v1::MatchStatementsRequest match;
  match.set_subject("actor/turkey");
  v1::StatementsPage page;
  ASSERT_TRUE(graph_->MatchStatements(Ctx().get(), match, &page).ok());
  EXPECT_EQ(page.statements_size(), 0);
  match.mutable_filter()->set_as_of(seeded_at_);
  ASSERT_TRUE(graph_->MatchStatements(Ctx().get(), match, &page).ok());
  EXPECT_EQ(page.statements_size(), 1);

  v1::UpsertEntitiesRequest upsert;
  *upsert.add_entities() = MakeEntity("group/hts", "ArmedGroup", "Hay'at Tahrir al-Sham");
  v1::WriteResponse written;
  ASSERT_TRUE(ingest_->UpsertEntities(Ctx().get(), upsert, &written).ok());
  v1::MergeRequest merge;
  merge.set_from("group/hts");
  merge.set_into("group/nusra");
  v1::MergeResponse merged;
  status = ingest_->Merge(Ctx().get(), merge, &merged);
  ASSERT_TRUE(status.ok()) << Describe(status);
  v1::GetEntityRequest get;
  get.set_id("group/hts");
  v1::Entity entity;
  ASSERT_TRUE(graph_->GetEntity(Ctx().get(), get, &entity).ok());
  EXPECT_EQ(entity.merged_into(), "group/nusra");

  v1::SplitRequest split;
  split.set_entity("group/hts");
  status = ingest_->Split(Ctx().get(), split, &merged);
  ASSERT_TRUE(status.ok()) << Describe(status);
  ASSERT_TRUE(graph_->GetEntity(Ctx().get(), get, &entity).ok());
  EXPECT_EQ(entity.merged_into(), "");

  merge.set_from("group/nobody");
  status = ingest_->Merge(Ctx().get(), merge, &merged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  merge.clear_from();
  status = ingest_->Merge(Ctx().get(), merge, &merged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
}

// 100 messages of 1,000 statements each, over 200 entities.
TEST_F(IngestTest, BulkIngestHundredThousandStatements) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  constexpr int kEntities = 200;
  constexpr int kMessages = 100;
  constexpr int kPerMessage = 1000;
  v1::BulkIngestResponse response;
  // A bound, not a timing check: sanitizer builds take minutes here.
  auto context = Ctx("bulk", std::chrono::seconds(1200));
  std::unique_ptr<grpc::ClientWriter<v1::AssertRequest>> writer =
      ingest_->BulkIngest(context.get(), &response);
  v1::AssertRequest first;
  for (int i = 0; i < kEntities; ++i) {
    *first.add_entities() = MakeEntity(absl::StrCat("actor/bulk-", i), "ArmedGroup", "G");
  }
  ASSERT_TRUE(writer->Write(first));
  int64_t total = 0;
  for (int m = 0; m < kMessages; ++m) {
    v1::AssertRequest request;
    for (int j = 0; j < kPerMessage; ++j, ++total) {
      const int a = static_cast<int>(total % kEntities);
      const int b = static_cast<int>((total / kEntities + a + 1) % kEntities);
      v1::Statement s =
          MakeStatement(absl::StrCat("actor/bulk-", a), "clashes_with",
                        absl::StrCat("actor/bulk-", b), "doc/reuters-1", "outlet/reuters");
      s.mutable_evidence(0)->set_excerpt(absl::StrCat("clash ", total));
      *request.add_statements() = std::move(s);
    }
    ASSERT_TRUE(writer->Write(request)) << "message " << m;
  }
  ASSERT_TRUE(writer->WritesDone());
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_FALSE(response.has_failed_index());
  EXPECT_EQ(response.messages_applied(), kMessages + 1);
  EXPECT_EQ(response.entities_written(), kEntities);
  EXPECT_EQ(response.evidence_added(), kMessages * kPerMessage);

  v1::GetStatsRequest stats_request;
  v1::GetStatsResponse stats;
  ASSERT_TRUE(admin_->GetStats(Ctx().get(), stats_request, &stats).ok());
  EXPECT_EQ(stats.evidence(), kMessages * kPerMessage + 6);
}

TEST_F(IngestTest, BulkIngestReportsTheBadMessageByIndex) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::BulkIngestResponse response;
  auto context = Ctx();
  std::unique_ptr<grpc::ClientWriter<v1::AssertRequest>> writer =
      ingest_->BulkIngest(context.get(), &response);
  for (int m = 0; m < 5; ++m) {
    v1::AssertRequest request;
    v1::Statement s =
        MakeStatement("actor/turkey", "supplies", "group/nusra", "doc/tass-1", "outlet/tass");
    s.mutable_evidence(0)->set_excerpt(absl::StrCat("message ", m));
    if (m == 3) s.set_predicate("frobs");
    *request.add_statements() = s;
    // The server may stop reading after the bad message; a failed write
    // only means the stream is already answered.
    if (!writer->Write(request)) break;
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_EQ(status.error_message().rfind("messages[3].statements[0].predicate: ", 0), 0)
      << status.error_message();
  // What was committed before the bad message travels in the details.
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  ASSERT_EQ(details.details_size(), 1);
  v1::BulkIngestResponse committed;
  ASSERT_TRUE(details.details(0).UnpackTo(&committed));
  ASSERT_TRUE(committed.has_failed_index());
  EXPECT_EQ(committed.failed_index(), 3);
  EXPECT_EQ(committed.messages_applied(), 3);
  EXPECT_EQ(committed.evidence_added(), 3);

  v1::MatchStatementsRequest match;
  match.set_subject("actor/turkey");
  match.set_predicate("supplies");
  v1::StatementsPage page;
  ASSERT_TRUE(graph_->MatchStatements(Ctx().get(), match, &page).ok());
  ASSERT_EQ(page.statements_size(), 1);
  EXPECT_EQ(page.statements(0).evidence_size(), 1 + 3);  // the seed's and messages 0-2
}

// The server cannot answer before the deadline (it waits for more messages
// that never come), so the call ends with DEADLINE_EXCEEDED every time.
TEST_F(IngestTest, DeadlineExceeded) {
  std::unique_ptr<grpc::ClientContext> context = Ctx("bulk", std::chrono::seconds(0));
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
  v1::BulkIngestResponse response;
  auto writer = ingest_->BulkIngest(context.get(), &response);
  v1::AssertRequest request;
  *request.add_entities() = MakeEntity("actor/iran", "State", "Iran");
  writer->Write(request);  // may fail once the deadline has passed already
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << Describe(status);
}

TEST_F(IngestTest, ACorrectionIsANewVersionOfTheEvidence) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::AssertRequest request;
  *request.add_statements() = MakeStatement("actor/turkey", "supplies", "group/nusra",
                                            "doc/reuters-1", "outlet/reuters", 0.8);
  request.mutable_statements(0)->mutable_evidence(0)->set_confidence(0.95);
  request.mutable_statements(0)->mutable_evidence(0)->set_reliability("B");
  request.mutable_statements(0)->mutable_evidence(0)->set_credibility(2);
  v1::WriteResponse corrected;
  grpc::Status status = ingest_->Assert(Ctx("alice").get(), request, &corrected);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(corrected.evidence_revised(), 1);
  EXPECT_EQ(corrected.evidence_unchanged(), 0);
  EXPECT_EQ(corrected.evidence_added(), 0);

  // As of before the correction the old values, after it the new ones.
  for (const auto& [as_of, confidence] :
       {std::pair{seeded_at_, 0.8}, std::pair{corrected.committed_at(), 0.95}}) {
    v1::ExplainRequest explain;
    explain.set_statement_id(supplies_id_);
    explain.mutable_filter()->set_as_of(as_of);
    v1::ExplainResponse explained;
    ASSERT_TRUE(provenance_->Explain(Ctx().get(), explain, &explained).ok());
    ASSERT_EQ(explained.statement().evidence_size(), 1);
    EXPECT_EQ(explained.statement().evidence(0).confidence(), confidence) << as_of;
  }

  v1::HistoryRequest history;
  history.set_statement_id(supplies_id_);
  v1::HistoryResponse events;
  ASSERT_TRUE(provenance_->History(Ctx().get(), history, &events).ok());
  const v1::HistoryEvent& last = events.events(events.events_size() - 1);
  EXPECT_EQ(last.type(), v1::HistoryEvent::EVIDENCE_REVISED);
  EXPECT_EQ(last.principal(), "alice");
  EXPECT_EQ(last.revised_from().confidence(), 0.8);
  EXPECT_EQ(last.revised_to().confidence(), 0.95);
  EXPECT_EQ(last.revised_to().reliability(), "B");
  EXPECT_EQ(last.revised_to().credibility(), 2);

  // Re-sent after a retraction: reported as retracted, not unchanged.
  v1::RetractRequest retract;
  retract.set_statement_id(supplies_id_);
  retract.set_reason("withdrawn");
  v1::RetractResponse retracted;
  ASSERT_TRUE(ingest_->Retract(Ctx().get(), retract, &retracted).ok());
  v1::WriteResponse again;
  ASSERT_TRUE(ingest_->Assert(Ctx().get(), request, &again).ok());
  EXPECT_EQ(again.evidence_retracted(), 1);
  EXPECT_EQ(again.evidence_unchanged(), 0);
  ASSERT_EQ(again.retracted_evidence_ids_size(), 1);
  EXPECT_EQ(again.retracted_evidence_ids(0), corrected.statements(0).evidence_ids(0));
}

TEST_F(IngestTest, AKindChangeThatBreaksTheSchemaIsRefused) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::UpsertEntitiesRequest request;
  *request.add_entities() = MakeEntity("actor/turkey", "Town", "Turkey");
  v1::WriteResponse response;
  grpc::Status status = ingest_->UpsertEntities(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  EXPECT_NE(status.error_message().find(absl::StrCat("statement ", supplies_id_)),
            std::string::npos)
      << status.error_message();
  v1::GetEntityRequest get;
  get.set_id("actor/turkey");
  v1::Entity entity;
  ASSERT_TRUE(graph_->GetEntity(Ctx().get(), get, &entity).ok());
  EXPECT_EQ(entity.kind(), "State");

  // A cycle of located_in is refused too.
  v1::AssertRequest cycle;
  *cycle.add_statements() = MakeStatement("loc/idlib", "located_in", "loc/khan-sheikhoun",
                                          "doc/reuters-1", "outlet/reuters");
  v1::WriteResponse written;
  status = ingest_->Assert(Ctx().get(), cycle, &written);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  EXPECT_NE(status.error_message().find("cycle"), std::string::npos) << status.error_message();
}

}  // namespace
}  // namespace kg::testing
