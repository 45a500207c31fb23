// Import and Export over the wire: every format in and out, round trips
// that compare every entity, statement and evidence record field by field,
// idempotent re-import, and bad input that names its line and column and
// keeps what was committed before it.

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/rpc/status.pb.h"
#include "storage/schema.h"
#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

std::string DemoPath() { return std::string(KG_SOURCE_DIR) + "/tools/demo/idlib.jsonl"; }

class ImportExportTest : public ServerTest {
 protected:
  using ServerTest::Import;

  // Sends `data` of `format` to Import in chunks of `chunk` bytes.
  grpc::Status Import(const std::string& data, const std::string& format,
                      v1::ImportResponse* response, size_t chunk = 4096) {
    v1::ImportOptions options;
    options.set_format(format);
    return Import(data, options, response, chunk);
  }

  void Restart() {
    StopServer();
    options_.data_dir = dir_.Sub(absl::StrCat("data-", ++restarts_));
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  int restarts_ = 0;
};

TEST_F(ImportExportTest, JsonLinesInAnyChunkingThenIdempotent) {
  const std::string demo = ReadFile(DemoPath());
  v1::ImportResponse first;
  ASSERT_TRUE(Import(demo, "jsonl", &first, /*chunk=*/7).ok());
  EXPECT_EQ(first.counts().messages_applied(), 13);
  EXPECT_EQ(first.counts().statements_created(), 83);
  EXPECT_EQ(first.counts().evidence_added(), 84);
  EXPECT_EQ(first.lines_read(), 13);
  EXPECT_EQ(first.bytes_read(), static_cast<int64_t>(demo.size()));
  v1::ImportResponse again;
  ASSERT_TRUE(Import(demo, "jsonl", &again).ok());
  EXPECT_EQ(again.counts().statements_created(), 0);
  EXPECT_EQ(again.counts().evidence_added(), 0);
  EXPECT_EQ(again.counts().evidence_unchanged(), 84);
}

TEST_F(ImportExportTest, EveryFormatRoundTripsTheDemoGraphFieldByField) {
  v1::ImportResponse loaded;
  ASSERT_TRUE(Import(ReadFile(DemoPath()), "jsonl", &loaded).ok());
  const std::vector<std::string> original = Content();
  ASSERT_GT(original.size(), 100u);
  for (const std::string format : {"jsonl", "nquads", "ntriples"}) {
    SCOPED_TRACE(format);
    const std::string exported = Export(format);
    ASSERT_FALSE(exported.empty());
    ASSERT_NO_FATAL_FAILURE(Restart());
    v1::ImportResponse imported;
    const grpc::Status status = Import(exported, format, &imported, /*chunk=*/1000);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(imported.counts().statements_created(), 83);
    EXPECT_EQ(imported.counts().evidence_added(), 84);
    EXPECT_EQ(Content(), original);
  }
}

TEST_F(ImportExportTest, ADocumentExportHasItsStatementsAndTheEntitiesTheyName) {
  v1::ImportResponse loaded;
  ASSERT_TRUE(Import(ReadFile(DemoPath()), "jsonl", &loaded).ok());
  const std::string nquads = Export("nquads", "doc/idlib-2019-05-11");
  ASSERT_TRUE(absl::StrContains(nquads, "<urn:kgd:id:doc/idlib-2019-05-11> ."));
  EXPECT_FALSE(absl::StrContains(nquads, "<urn:kgd:id:doc/demo-gazetteer> ."));
  ASSERT_NO_FATAL_FAILURE(Restart());
  v1::ImportResponse imported;
  const grpc::Status status = Import(nquads, "nquads", &imported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(imported.counts().statements_created(), 10);
}

// The statements of an export, as "subject predicate object" with the
// publishers of their evidence.
std::set<std::string> ExportedStatements(const std::string& jsonl) {
  std::set<std::string> out;
  for (absl::string_view line : absl::StrSplit(jsonl, '\n', absl::SkipEmpty())) {
    v1::AssertRequest request;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(
                    google::protobuf::StringPiece(line.data(), line.size()), &request)
                    .ok());
    for (const v1::Statement& s : request.statements()) {
      std::set<std::string> publishers;
      for (const v1::Evidence& e : s.evidence()) publishers.insert(e.publisher());
      out.insert(absl::StrCat(s.subject(), " ", s.predicate(), " ", s.object().entity(), " ",
                              absl::StrJoin(publishers, ",")));
    }
  }
  return out;
}

TEST_F(ImportExportTest, APublisherExportHasOnlyItsEvidence) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::ExportRequest request;
  request.set_format("jsonl");
  request.set_publisher("outlet/tass");
  EXPECT_EQ(ExportedStatements(Export(request)),
            (std::set<std::string>{"actor/russia backs gov/syria outlet/tass",
                                   "inc/strike-1 perpetrated_by actor/russia outlet/tass"}));
}

TEST_F(ImportExportTest, ASubgraphExportImportsOnItsOwn) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::ExportRequest request;
  request.set_format("nquads");
  request.mutable_subgraph()->add_seeds("loc/idlib");
  request.mutable_subgraph()->set_direction(v1::IN);
  request.mutable_subgraph()->set_max_depth(2);
  const std::string nquads = Export(request);
  ASSERT_NO_FATAL_FAILURE(Restart());
  v1::ImportResponse imported;
  const grpc::Status status = Import(nquads, "nquads", &imported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  request.set_format("jsonl");
  request.clear_subgraph();
  EXPECT_EQ(ExportedStatements(Export(request)),
            (std::set<std::string>{"loc/khan-sheikhoun located_in loc/idlib outlet/reuters",
                                   "inc/strike-1 occurred_in loc/khan-sheikhoun outlet/reuters"}));

  request.mutable_subgraph()->add_seeds("loc/idlib");
  request.set_document("doc/reuters-1");
  auto context = Ctx();
  auto reader = graph_->Export(context.get(), request);
  v1::ExportChunk chunk;
  EXPECT_FALSE(reader->Read(&chunk));
  const grpc::Status both = reader->Finish();
  EXPECT_EQ(both.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(both.error_message(), "document, publisher, subgraph: at most one"))
      << both.error_message();
}

TEST_F(ImportExportTest, ForeignRdfMapsOrFailsWithTheListOfUnmappedIris) {
  const std::string nquads =
      "<urn:kgd:id:actor/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
      "<urn:kgd:vocab:State> .\n"
      "<urn:kgd:id:actor/a> <http://www.w3.org/2000/01/rdf-schema#label> \"A\" .\n"
      "<urn:kgd:id:actor/b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
      "<urn:kgd:vocab:State> .\n"
      "<urn:kgd:id:actor/b> <http://www.w3.org/2000/01/rdf-schema#label> \"B\"@en .\n"
      "<urn:kgd:id:doc/d> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
      "<urn:kgd:vocab:Document> .\n"
      "<urn:kgd:id:doc/d> <http://www.w3.org/2000/01/rdf-schema#label> \"D\" .\n"
      "<urn:kgd:id:actor/a> <http://example.org/likes> <urn:kgd:id:actor/b> "
      "<urn:kgd:id:doc/d> .\n"
      "<urn:kgd:id:actor/a> <urn:kgd:vocab:backs> <urn:kgd:id:actor/b> <urn:kgd:id:doc/d> .\n";
  v1::ImportResponse refused;
  const grpc::Status status = Import(nquads, "nquads", &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "line 7, column 1"))
      << status.error_message();
  EXPECT_TRUE(absl::StrContains(status.error_message(), "<http://example.org/likes>"));
  v1::GetStatsResponse stats;
  ASSERT_TRUE(admin_->GetStats(Ctx().get(), {}, &stats).ok());
  EXPECT_EQ(stats.statements(), 0);

  v1::ImportOptions skip;
  skip.set_format("nquads");
  skip.set_skip_unmapped(true);
  v1::ImportResponse imported;
  ASSERT_TRUE(Import(nquads, skip, &imported).ok());
  EXPECT_EQ(imported.skipped_unmapped(), 1);
  EXPECT_EQ(imported.counts().statements_created(), 1);
  v1::GetEntityRequest get;
  get.set_id("actor/b");
  v1::Entity b;
  ASSERT_TRUE(graph_->GetEntity(Ctx().get(), get, &b).ok());
  EXPECT_EQ(b.label(), "B");  // a language tag is dropped
}

TEST_F(ImportExportTest, BadSyntaxNamesLineAndColumnAndKeepsEarlierBatches) {
  const std::string good =
      "<urn:kgd:id:actor/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
      "<urn:kgd:vocab:State> .\n"
      "<urn:kgd:id:actor/a> <http://www.w3.org/2000/01/rdf-schema#label> \"A\" .\n"
      "<urn:kgd:id:actor/c> <http://www.w3.org/2000/01/rdf-schema#label> \"C\" .\n";
  const std::string bad = "<urn:kgd:id:actor/b> <urn:kgd:vocab:backs> \"unterminated .\n";
  v1::ImportOptions options;
  options.set_format("ntriples");
  options.set_batch_records(1);
  v1::ImportResponse response;
  const grpc::Status status = Import(good + bad, options, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "line 4, column "))
      << status.error_message();
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  v1::ImportResponse committed;
  ASSERT_TRUE(details.details(0).UnpackTo(&committed));
  EXPECT_EQ(committed.counts().messages_applied(), 1);
  EXPECT_EQ(committed.counts().entities_written(), 1);
  EXPECT_EQ(committed.counts().failed_index(), 1);
  v1::GetEntityRequest get;
  get.set_id("actor/a");
  v1::Entity a;
  EXPECT_TRUE(graph_->GetEntity(Ctx().get(), get, &a).ok());
}

TEST_F(ImportExportTest, OptionsAreChecked) {
  v1::ImportResponse response;
  grpc::Status status = Import("", "turtle", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "chunks[0].options.format: unknown format"))
      << status.error_message();
  v1::ImportOptions options;
  options.set_format("jsonl");
  options.set_batch_records(1 << 30);
  status = Import("", options, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  v1::ExportRequest request;
  request.set_format("csv");
  auto context = Ctx();
  auto reader = graph_->Export(context.get(), request);
  v1::ExportChunk chunk;
  EXPECT_FALSE(reader->Read(&chunk));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ImportExportTest, AClientThatGoesAwayLeavesOnlyWholeBatches) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::GetStatsResponse before;
  ASSERT_TRUE(admin_->GetStats(Ctx().get(), {}, &before).ok());
  // JSON Lines: each line one batch of an actor and two statements about it.
  auto line = [](int i) {
    v1::AssertRequest request;
    const std::string id = absl::StrCat("actor/a", i);
    *request.add_entities() = MakeEntity(id, "ArmedGroup", id);
    *request.add_statements() =
        MakeStatement("actor/turkey", "backs", id, "doc/reuters-1", "outlet/reuters");
    *request.add_statements() =
        MakeStatement("actor/russia", "opposes", id, "doc/tass-1", "outlet/tass");
    std::string json;
    EXPECT_TRUE(google::protobuf::util::MessageToJsonString(request, &json).ok());
    return json + "\n";
  };
  auto context = Ctx();
  v1::ImportResponse response;
  auto writer = ingest_->Import(context.get(), &response);
  v1::ImportChunk chunk;
  chunk.mutable_options()->set_format("jsonl");
  ASSERT_TRUE(writer->Write(chunk));
  for (int i = 0; i < 50; ++i) {
    std::string text = line(i);
    v1::ImportChunk part;
    // Lines split across chunks: a batch is whole only once its line is.
    part.set_data(text.substr(0, text.size() / 2));
    ASSERT_TRUE(writer->Write(part));
    part.set_data(text.substr(text.size() / 2));
    if (i == 49) break;  // the last line's second half is never sent
    ASSERT_TRUE(writer->Write(part));
  }
  context->TryCancel();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  v1::GetStatsResponse after;
  ASSERT_TRUE(admin_->GetStats(Ctx().get(), {}, &after).ok());
  const int64_t batches = after.entities() - before.entities();
  EXPECT_LE(batches, 49);
  EXPECT_EQ(after.statements() - before.statements(), 2 * batches);
  EXPECT_EQ(after.evidence() - before.evidence(), 2 * batches);
}

// gen.py's N-Quads in its own vocabulary (tools/bench/gen.vocabulary), checked
// against the TSV files gen.py writes beside them: every statement once, every
// provenance row one evidence record with its document's publisher and date
// and its confidence.
TEST_F(ImportExportTest, AForeignVocabularyMapsTheBenchmarkWorkload) {
  const std::string data = dir_.Sub("gen");
  const std::string gen = absl::StrCat(
      "/usr/bin/python3 ", KG_SHARED_DATA,
      "/../bench/gen.py --statements 2000 --seed 5 --nq-parts 2 --out ", data, " >/dev/null");
  ASSERT_EQ(std::system(gen.c_str()), 0) << gen;
  // Entities, then documents, then statements: a statement names entities of
  // either part.
  std::string entities, documents, statements;
  for (const char* part : {"/nq/part-000.nq", "/nq/part-001.nq"}) {
    for (absl::string_view line : absl::StrSplit(ReadFile(data + part), '\n', absl::SkipEmpty())) {
      std::string& to = !absl::EndsWith(line, "<urn:kg:meta> .")            ? statements
                        : absl::StartsWith(line, "<http://kg.example/doc/") ? documents
                                                                            : entities;
      absl::StrAppend(&to, line, "\n");
    }
  }
  v1::ImportOptions options;
  options.set_format("nquads");
  options.set_base_iri("http://kg.example/");
  options.set_mapping(ReadFile(std::string(KG_SOURCE_DIR) + "/tools/bench/gen.vocabulary"));
  v1::ImportResponse response;
  const grpc::Status status =
      Import(entities + documents + statements, options, &response, 1 << 16);
  ASSERT_TRUE(status.ok()) << status.error_message();

  std::vector<std::vector<std::string>> stmts, prov;
  for (absl::string_view line :
       absl::StrSplit(ReadFile(data + "/statements.tsv"), '\n', absl::SkipEmpty())) {
    stmts.push_back(absl::StrSplit(line, '\t'));
  }
  for (absl::string_view line :
       absl::StrSplit(ReadFile(data + "/provenance.tsv"), '\n', absl::SkipEmpty())) {
    prov.push_back(absl::StrSplit(line, '\t'));
  }
  EXPECT_EQ(response.counts().statements_created(), static_cast<int64_t>(stmts.size()));
  EXPECT_EQ(response.counts().evidence_added(), static_cast<int64_t>(prov.size()));
  EXPECT_EQ(response.skipped_unmapped(), static_cast<int64_t>(stmts.size()));  // <urn:kg:asserted>

  // Every 50th provenance row, read back.
  for (size_t i = 0; i < prov.size(); i += 50) {
    const std::vector<std::string>& row = prov[i];  // sid doc publisher date confidence
    const std::vector<std::string>& st = stmts[std::stoul(row[0])];  // sid s p o
    v1::MatchStatementsRequest match;
    match.set_subject("e/" + st[1]);
    match.set_predicate(st[2]);
    match.mutable_object()->set_entity("e/" + st[3]);
    v1::StatementsPage page;
    ASSERT_TRUE(graph_->MatchStatements(Ctx().get(), match, &page).ok());
    ASSERT_EQ(page.statements_size(), 1) << row[0];
    const v1::Evidence* found = nullptr;
    for (const v1::Evidence& e : page.statements(0).evidence()) {
      if (e.document() == "doc/" + row[1]) found = &e;
    }
    ASSERT_NE(found, nullptr) << "statement " << row[0] << ", document " << row[1];
    EXPECT_EQ(found->publisher(), "e/" + row[2]);
    EXPECT_EQ(found->reported_on(), row[3]);
    EXPECT_DOUBLE_EQ(found->confidence(), std::stod(row[4]));
  }
  v1::GetEntityRequest get;
  get.set_id("e/" + stmts[0][1]);
  v1::Entity subject;
  ASSERT_TRUE(graph_->GetEntity(Ctx().get(), get, &subject).ok());
  EXPECT_FALSE(subject.kind().empty());
  EXPECT_TRUE(absl::EndsWith(subject.label(), " " + stmts[0][1]));  // "person 123"
}

TEST_F(ImportExportTest, AVocabularyIsCheckedAndItsConfidenceMustGradeAQuad) {
  v1::ImportOptions options;
  options.set_format("nquads");
  options.set_mapping("label <http://example.org/name>\nkind Nation <http://example.org/N>\n");
  v1::ImportResponse response;
  grpc::Status status = Import("", options, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "chunks[0].options.mapping: line 2: 'Nation' is not a kind of the schema");

  options.set_mapping("confidence <http://example.org/c>\n");
  const std::string lonely =
      "<urn:kgd:id:s/1> <http://example.org/c> \"0.5\" <urn:kgd:id:doc/d> .\n";
  status = Import(lonely, options, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(),
                               "line 1, column 1: a confidence triple must follow the quad"))
      << status.error_message();
}

TEST_F(ImportExportTest, TheSchemaGivesKindsAndPredicatesTheirIris) {
  StopServer();
  options_.schema_path = dir_.Sub("schema.txt");
  WriteFile(options_.schema_path, absl::StrCat(std::string(Schema::DefaultText()),
                                               "\niri backs <http://example.org/ont#supports>\n"
                                               "iri State <http://example.org/ont#Country>\n"));
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>";
  const std::string label = "<http://www.w3.org/2000/01/rdf-schema#label>";
  const std::string nquads =
      absl::StrCat("<urn:kgd:id:actor/a> ", type, " <http://example.org/ont#Country> .\n",
                   "<urn:kgd:id:actor/a> ", label, " \"A\" .\n",  //
                   "<urn:kgd:id:actor/b> ", type, " <http://example.org/ont#Country> .\n",
                   "<urn:kgd:id:actor/b> ", label, " \"B\" .\n",  //
                   "<urn:kgd:id:doc/d> ", type, " <urn:kgd:vocab:Document> .\n",
                   "<urn:kgd:id:doc/d> ", label, " \"D\" .\n",
                   "<urn:kgd:id:actor/a> <http://example.org/ont#supports> <urn:kgd:id:actor/b> "
                   "<urn:kgd:id:doc/d> .\n");
  v1::ImportResponse imported;
  const grpc::Status status = Import(nquads, "nquads", &imported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(imported.counts().statements_created(), 1);
  const std::string exported = Export("nquads");
  EXPECT_TRUE(absl::StrContains(exported, "<http://example.org/ont#supports>"));
  EXPECT_TRUE(absl::StrContains(exported, "<http://example.org/ont#Country>"));
  EXPECT_FALSE(absl::StrContains(exported, "<urn:kgd:vocab:backs>"));
}

}  // namespace
}  // namespace kg::testing
