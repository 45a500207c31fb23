// Evidence at scale over the wire: what one write may add to a statement,
// a statement with 100,000 evidence records read page by page through a
// default client (4 MiB receive limit), listings that carry a bounded part
// of each statement's evidence, and pages that shrink to fit the response
// limit and resume without loss or duplicates.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

// A default gRPC client's receive limit.
constexpr size_t kDefaultClientLimit = 4 << 20;

class EvidencePagingTest : public ServerTest {
 protected:
  // Outlets, documents doc/0..doc/(documents - 1) and two states.
  void AddSources(int documents) {
    v1::UpsertEntitiesRequest request;
    *request.add_entities() = MakeEntity("outlet/reuters", "MediaOutlet", "Reuters");
    *request.add_entities() = MakeEntity("actor/turkey", "State", "Turkey");
    *request.add_entities() = MakeEntity("actor/qatar", "State", "Qatar");
    for (int d = 0; d < documents; ++d) {
      *request.add_entities() = MakeDocument(absl::StrCat("doc/", d), "outlet/reuters", "2019-05");
    }
    v1::WriteResponse response;
    grpc::Status status = ingest_->UpsertEntities(Ctx().get(), request, &response);
    ASSERT_TRUE(status.ok()) << Describe(status);
  }

  // actor/turkey backs actor/qatar with records [from, from + n): record i
  // cites doc/(i % documents), quotes `excerpt_bytes` of text, and the
  // record numbered `denial` denies it.
  static v1::AssertRequest Records(int from, int n, int documents, size_t excerpt_bytes = 0,
                                   int denial = -1) {
    v1::AssertRequest request;
    v1::Statement* st = request.add_statements();
    st->set_subject("actor/turkey");
    st->set_predicate("backs");
    st->mutable_object()->set_entity("actor/qatar");
    for (int i = from; i < from + n; ++i) {
      v1::Evidence* e = st->add_evidence();
      e->set_document(absl::StrCat("doc/", i % documents));
      e->set_publisher("outlet/reuters");
      std::string excerpt = absl::StrCat("claim ", i);
      excerpt.resize(std::max(excerpt.size(), excerpt_bytes), '.');
      e->set_excerpt(excerpt);
      e->set_confidence(0.1 + (i % 7) * 0.1);
      e->set_stance(i == denial ? v1::DENIES : v1::ASSERTS);
    }
    return request;
  }

  // IngestDocument of doc/new with `records` records for the statement.
  static v1::IngestDocumentRequest NewDocument(int records) {
    v1::IngestDocumentRequest request;
    *request.mutable_document() = MakeDocument("doc/new", "outlet/reuters", "2019-06");
    *request.add_statements() = Records(0, records, 3).statements(0);
    return request;
  }

  // What a refused write must have left alone: no statement of
  // actor/turkey, no doc/new.
  void ExpectNothingStored() {
    v1::MatchStatementsRequest match;
    match.set_subject("actor/turkey");
    v1::StatementsPage page;
    ASSERT_TRUE(graph_->MatchStatements(Ctx().get(), match, &page).ok());
    EXPECT_EQ(page.statements_size(), 0);
    v1::GetEntityRequest get;
    get.set_id("doc/new");
    v1::Entity entity;
    EXPECT_EQ(graph_->GetEntity(Ctx().get(), get, &entity).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }

  // Every Explain page of statement `id`: the records' ids, each page's
  // statement (without evidence) checked against the first's; the pages and
  // the largest page's bytes.
  std::vector<std::string> ExplainAll(uint64_t id, int32_t page_size, size_t byte_limit, int* pages,
                                      size_t* max_bytes = nullptr) {
    v1::ExplainRequest request;
    request.set_statement_id(id);
    request.set_evidence_page_size(page_size);
    std::vector<std::string> ids;
    std::string first;
    for (*pages = 0; *pages < 100000; ++*pages) {
      v1::ExplainResponse response;
      grpc::Status status = provenance_->Explain(Ctx().get(), request, &response);
      EXPECT_TRUE(status.ok()) << Describe(status);
      if (!status.ok()) break;
      EXPECT_LE(response.ByteSizeLong(), byte_limit);
      if (max_bytes != nullptr) *max_bytes = std::max(*max_bytes, response.ByteSizeLong());
      for (const v1::Evidence& e : response.statement().evidence()) ids.push_back(e.id());
      const std::string next = response.statement().evidence_page_token();
      response.mutable_statement()->clear_evidence();
      response.mutable_statement()->clear_evidence_page_token();
      response.clear_documents();
      if (*pages == 0) first = response.SerializeAsString();
      EXPECT_EQ(response.SerializeAsString(), first) << "page " << *pages;
      if (next.empty()) break;
      request.set_evidence_page_token(next);
    }
    ++*pages;
    return ids;
  }

  // The ids a Match listing's pages hold, each page at most `byte_limit`.
  std::vector<uint64_t> MatchAll(const std::string& subject, size_t byte_limit, int* pages) {
    v1::MatchStatementsRequest request;
    request.set_subject(subject);
    std::vector<uint64_t> ids;
    for (*pages = 1; *pages < 10000; ++*pages) {
      v1::StatementsPage page;
      grpc::Status status = graph_->MatchStatements(Ctx().get(), request, &page);
      EXPECT_TRUE(status.ok()) << Describe(status);
      if (!status.ok()) break;
      EXPECT_LE(page.ByteSizeLong(), byte_limit);
      EXPECT_GT(page.statements_size(), 0);
      for (const v1::Statement& s : page.statements()) ids.push_back(s.id());
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    return ids;
  }

  static size_t Distinct(const std::vector<std::string>& ids) {
    return std::set<std::string>(ids.begin(), ids.end()).size();
  }
};

// 100,000 records written 1,000 per BulkIngest message (the default limit
// per statement), then read whole through Explain and listed by Match.
TEST_F(EvidencePagingTest, HundredThousandRecordsStayReadable) {
  // Pages of 10,000: each page reads all the records (for the aggregates).
  StopServer();
  options_.limits.max_page_size = 10000;
  ASSERT_NO_FATAL_FAILURE(StartServer());
  constexpr int kRecords = 100000;
  constexpr int kDocuments = 50;
  ASSERT_NO_FATAL_FAILURE(AddSources(kDocuments));
  const auto t0 = std::chrono::steady_clock::now();
  {
    // A hang guard only: under the sanitizers the stream takes minutes.
    auto context = Ctx("bulk", std::chrono::minutes(10));
    v1::BulkIngestResponse response;
    auto writer = ingest_->BulkIngest(context.get(), &response);
    // The last record denies: the first page must already say so.
    for (int from = 0; from < kRecords; from += 1000) {
      ASSERT_TRUE(writer->Write(Records(from, 1000, kDocuments, 0, kRecords - 1)));
    }
    ASSERT_TRUE(writer->WritesDone());
    grpc::Status status = writer->Finish();
    ASSERT_TRUE(status.ok()) << Describe(status);
    ASSERT_EQ(response.evidence_added(), kRecords);
  }
  const auto t1 = std::chrono::steady_clock::now();

  v1::MatchStatementsRequest match;
  match.set_subject("actor/turkey");
  v1::StatementsPage listed;
  grpc::Status status = graph_->MatchStatements(Ctx().get(), match, &listed);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_LT(listed.ByteSizeLong(), kDefaultClientLimit);
  ASSERT_EQ(listed.statements_size(), 1);
  const v1::Statement& st = listed.statements(0);
  EXPECT_EQ(st.evidence_total(), kRecords);
  EXPECT_EQ(st.evidence_size(), 10);
  ASSERT_FALSE(st.evidence_page_token().empty());
  const v1::Corroboration& c = st.corroboration();
  EXPECT_EQ(c.evidence_count(), kRecords);
  EXPECT_EQ(c.independent_sources(), kDocuments);
  EXPECT_EQ(c.supporting(), kRecords - 1);
  EXPECT_EQ(c.denying(), 1);
  EXPECT_TRUE(c.disputed());

  int pages = 0;
  size_t page_bytes = 0;
  const std::vector<std::string> ids =
      ExplainAll(st.id(), 10000, kDefaultClientLimit, &pages, &page_bytes);
  const auto t2 = std::chrono::steady_clock::now();
  EXPECT_EQ(ids.size(), static_cast<size_t>(kRecords));
  EXPECT_EQ(Distinct(ids), static_cast<size_t>(kRecords));
  EXPECT_EQ(pages, kRecords / 10000);
  // The listing's first ten are Explain's first ten.
  for (int i = 0; i < st.evidence_size(); ++i) EXPECT_EQ(st.evidence(i).id(), ids[i]);

  v1::ExplainRequest explain;
  explain.set_statement_id(st.id());
  v1::ExplainResponse first;
  ASSERT_TRUE(provenance_->Explain(Ctx().get(), explain, &first).ok());
  EXPECT_EQ(first.statement().corroboration().SerializeAsString(), c.SerializeAsString());
  EXPECT_TRUE(first.disputed());
  EXPECT_EQ(first.statement().evidence_size(), 100);  // the server's default page
  EXPECT_EQ(first.statement().evidence_total(), kRecords);

  // The listed statement's token goes on with the eleventh record.
  explain.set_evidence_page_token(st.evidence_page_token());
  explain.set_evidence_page_size(5);
  v1::ExplainResponse rest;
  ASSERT_TRUE(provenance_->Explain(Ctx().get(), explain, &rest).ok());
  ASSERT_EQ(rest.statement().evidence_size(), 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(rest.statement().evidence(i).id(), ids[10 + i]);

  const auto ms = [](auto d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  std::printf(
      "100,000 records: written in %lld ms, read in %d Explain pages in %lld ms; Match "
      "response %zu bytes, largest Explain page %zu bytes\n",
      static_cast<long long>(ms(t1 - t0)), pages, static_cast<long long>(ms(t2 - t1)),
      listed.ByteSizeLong(), page_bytes);
}

TEST_F(EvidencePagingTest, TooMuchEvidenceForOneStatementIsRefusedAndChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(AddSources(3));
  v1::WriteResponse response;
  v1::AssertRequest request = Records(0, 1001, 3);
  grpc::Status status = ingest_->Assert(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(status);
  EXPECT_EQ(status.error_message(),
            "statements[0].evidence: 1001 records exceed --max_evidence_per_statement 1000");

  // The same statement twice in one request counts once, together.
  request = Records(0, 600, 3);
  *request.add_statements() = Records(600, 600, 3).statements(0);
  status = ingest_->Assert(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(status);
  EXPECT_EQ(status.error_message(),
            "statements[1].evidence: 1200 records (with statements[0], the same statement) "
            "exceed --max_evidence_per_statement 1000");

  status = ingest_->IngestDocument(Ctx().get(), NewDocument(1001), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(status);

  {
    auto context = Ctx("bulk");
    v1::BulkIngestResponse bulk;
    auto writer = ingest_->BulkIngest(context.get(), &bulk);
    writer->Write(Records(0, 1001, 3));
    writer->WritesDone();
    status = writer->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(status);
    EXPECT_EQ(status.error_message().rfind("messages[0].statements[0].evidence: 1001 records", 0),
              0u)
        << Describe(status);
  }

  ASSERT_NO_FATAL_FAILURE(ExpectNothingStored());

  // At the limit it goes through.
  status = ingest_->Assert(Ctx().get(), Records(0, 1000, 3), &response);
  EXPECT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(response.evidence_added(), 1000);
}

TEST_F(EvidencePagingTest, EvidenceCountsInTheBatchRecords) {
  StopServer();
  options_.limits.max_batch_records = 10;
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_NO_FATAL_FAILURE(AddSources(3));  // 6 entities: within the limit
  v1::WriteResponse response;
  // One statement with ten records is eleven records.
  grpc::Status status = ingest_->Assert(Ctx().get(), Records(0, 10, 3), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(status);
  EXPECT_EQ(status.error_message(),
            "entities + statements + evidence: 11 records exceed the limit 10 per request");
  status = ingest_->IngestDocument(Ctx().get(), NewDocument(9), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(status);
  EXPECT_EQ(status.error_message(),
            "document + entities + statements + evidence: 11 records exceed the limit 10 per "
            "request");
  ASSERT_NO_FATAL_FAILURE(ExpectNothingStored());

  status = ingest_->Assert(Ctx().get(), Records(0, 9, 3), &response);
  EXPECT_TRUE(status.ok()) << Describe(status);
}

// A small response limit makes the pages cut cheaply: each response stays
// under it, and the pages together hold every item once.
class ShrinkToFitTest : public EvidencePagingTest {
 protected:
  static constexpr int32_t kLimit = 64 << 10;

  void SetUp() override {
    SetOptions();
    AddCredential("tester", "admin");
    options_.limits.max_message_bytes = kLimit;
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }
};

TEST_F(ShrinkToFitTest, ExplainPagesShrinkAndResume) {
  ASSERT_NO_FATAL_FAILURE(AddSources(4));
  // 300 records of 2 KiB: a page of 100 would be ~200 KiB.
  uint64_t id = 0;
  for (int from = 0; from < 300; from += 100) {
    v1::WriteResponse response;
    grpc::Status status = ingest_->Assert(Ctx().get(), Records(from, 100, 4, 2048, 150), &response);
    ASSERT_TRUE(status.ok()) << Describe(status);
    id = response.statements(0).id();
  }
  int pages = 0;
  const std::vector<std::string> ids = ExplainAll(id, 100, kLimit, &pages);
  EXPECT_EQ(ids.size(), 300u);
  EXPECT_EQ(Distinct(ids), 300u);
  EXPECT_GE(pages, 300 * 2048 / kLimit);
  EXPECT_LT(pages, 300);
}

TEST_F(ShrinkToFitTest, ListingPagesShrinkAndResume) {
  ASSERT_NO_FATAL_FAILURE(AddSources(1));
  // 120 statements (actor/turkey supplies group/g<i>), each with three
  // records of 1 KiB from one document: ~3 KiB a statement.
  for (int batch = 0; batch < 4; ++batch) {
    v1::AssertRequest request;
    for (int i = batch * 30; i < batch * 30 + 30; ++i) {
      *request.add_entities() = MakeEntity(absl::StrCat("group/g", i), "ArmedGroup", "G");
      for (int k = 0; k < 3; ++k) {
        v1::Statement s = MakeStatement("actor/turkey", "supplies", absl::StrCat("group/g", i),
                                        "doc/0", "outlet/reuters");
        s.mutable_evidence(0)->set_excerpt(std::string(1024, static_cast<char>('a' + k)));
        *request.add_statements() = s;
      }
    }
    v1::WriteResponse response;
    grpc::Status status = ingest_->Assert(Ctx().get(), request, &response);
    ASSERT_TRUE(status.ok()) << Describe(status);
  }
  int pages = 0;
  std::vector<uint64_t> ids = MatchAll("actor/turkey", kLimit, &pages);
  EXPECT_EQ(ids.size(), 120u);
  EXPECT_EQ(std::set<uint64_t>(ids.begin(), ids.end()).size(), 120u);
  EXPECT_GT(pages, 2);  // 120 x ~3 KiB does not fit one page of 64 KiB

  // ListClaims of the document: the same statements, cut the same way.
  v1::ListClaimsRequest claims;
  claims.set_document("doc/0");
  claims.set_page_size(1000);
  std::set<uint64_t> claimed;
  int claim_pages = 0;
  for (; claim_pages < 1000; ++claim_pages) {
    v1::StatementsPage page;
    grpc::Status status = provenance_->ListClaims(Ctx().get(), claims, &page);
    ASSERT_TRUE(status.ok()) << Describe(status);
    EXPECT_LE(page.ByteSizeLong(), static_cast<size_t>(kLimit));
    for (const v1::Statement& s : page.statements()) {
      EXPECT_TRUE(claimed.insert(s.id()).second) << s.id();
      EXPECT_EQ(s.evidence_total(), 3);
    }
    if (page.next_page_token().empty()) break;
    claims.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(claimed.size(), 120u);
  EXPECT_GT(claim_pages, 1);
}

TEST_F(ShrinkToFitTest, AnItemThatCannotFitIsResourceExhausted) {
  ASSERT_NO_FATAL_FAILURE(AddSources(1));
  // Ten records of 50 KiB: listed, one statement is ~500 KiB.
  v1::WriteResponse response;
  grpc::Status status = ingest_->Assert(Ctx().get(), Records(0, 10, 1, 50 << 10), &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  v1::MatchStatementsRequest match;
  match.set_subject("actor/turkey");
  v1::StatementsPage page;
  status = graph_->MatchStatements(Ctx().get(), match, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(status);
  EXPECT_EQ(status.error_message().rfind("statements[0]: ", 0), 0u) << Describe(status);
  // Explain still reads it, a record a page.
  int pages = 0;
  EXPECT_EQ(ExplainAll(response.statements(0).id(), 0, kLimit, &pages).size(), 10u);
  EXPECT_EQ(pages, 10);
}

}  // namespace
}  // namespace kg::testing
