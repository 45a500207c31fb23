// A real KgServer on 127.0.0.1 port 0 over a fresh temp data dir, with
// authentication on, the generated kg.v1 stubs connected to it, and builders
// for request data. Ctx("alice") authenticates as admin "alice" with the
// bearer token TokenOf("alice"); Ctx() as admin "tester". Tests that need
// other roles add lines to the credential file (AddCredential) before
// StartServer.
//
//   class IngestTest : public kg::testing::ServerTest {};
//   TEST_F(IngestTest, Upsert) {
//     v1::UpsertEntitiesRequest request;
//     *request.add_entities() = MakeEntity("actor/turkey", "State", "Turkey");
//     v1::WriteResponse response;
//     ASSERT_TRUE(ingest_->UpsertEntities(Ctx().get(), request, &response).ok());
//   }

#ifndef KGD_TESTS_TESTING_SERVER_FIXTURE_H_
#define KGD_TESTS_TESTING_SERVER_FIXTURE_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/json_util.h"
#include "kg/v1/kg.grpc.pb.h"
#include "server/server.h"
#include "server/sha256.h"
#include "tests/testing/test_util.h"

namespace kg::testing {

namespace v1 = ::kg::v1;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetOptions();
    for (const char* principal : {"tester", "seeder", "alice", "bob", "bulk", "carol", "dave"}) {
      AddCredential(principal, "admin");
    }
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  // Loopback port 0, data, backups and the credential file in the temp dir.
  void SetOptions() {
    options_.listen = "127.0.0.1:0";
    options_.data_dir = dir_.Sub("data");
    options_.backup_dir = dir_.Sub("backups");
    options_.auth_tokens_path = dir_.Sub("tokens");
  }

  static std::string TokenOf(const std::string& principal) { return "token-" + principal; }

  // Appends "PRINCIPAL ROLE sha256(TokenOf(PRINCIPAL))" to the credential
  // file; the server reads it at start and on ReloadCredentials.
  void AddCredential(const std::string& principal, const std::string& role) {
    credentials_ +=
        absl::StrCat(principal, " ", role, " ", server::Sha256Hex(TokenOf(principal)), "\n");
    WriteFile(options_.auth_tokens_path, credentials_);
  }
  void TearDown() override { StopServer(); }

  // Starts a server with options_ (again, after StopServer) and connects.
  void StartServer() {
    absl::StatusOr<std::unique_ptr<server::KgServer>> server = server::KgServer::Start(options_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(server).value();
    channel_ = grpc::CreateChannel(Address(), grpc::InsecureChannelCredentials());
    ingest_ = v1::IngestService::NewStub(channel_);
    graph_ = v1::GraphService::NewStub(channel_);
    provenance_ = v1::ProvenanceService::NewStub(channel_);
    admin_ = v1::AdminService::NewStub(channel_);
  }

  void StopServer() {
    ingest_.reset();
    graph_.reset();
    provenance_.reset();
    admin_.reset();
    channel_.reset();
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
    server_.reset();
  }

  std::string Address() const { return absl::StrCat("127.0.0.1:", server_->port()); }

  // Export as one string; the stream must end OK.
  std::string Export(const v1::ExportRequest& request) {
    auto context = Ctx();
    auto reader = graph_->Export(context.get(), request);
    std::string out;
    v1::ExportChunk chunk;
    while (reader->Read(&chunk)) out += chunk.data();
    const grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }
  std::string Export(const std::string& format, const std::string& document = "") {
    v1::ExportRequest request;
    request.set_format(format);
    request.set_document(document);
    return Export(request);
  }

  // The store's content as canonical lines, sorted: every writable entity
  // and statement (its evidence sorted), as a jsonl export gives them.
  std::vector<std::string> Content() {
    std::vector<std::string> lines;
    for (absl::string_view line : absl::StrSplit(Export("jsonl"), '\n', absl::SkipEmpty())) {
      v1::AssertRequest request;
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(
                      google::protobuf::StringPiece(line.data(), line.size()), &request)
                      .ok());
      for (const v1::Entity& e : request.entities()) {
        lines.push_back(absl::StrCat("E ", Canonical(e)));
      }
      for (v1::Statement& s : *request.mutable_statements()) {
        std::vector<std::string> evidence;
        for (const v1::Evidence& e : s.evidence()) evidence.push_back(Canonical(e));
        std::sort(evidence.begin(), evidence.end());
        s.clear_evidence();
        lines.push_back(absl::StrCat("S ", Canonical(s), " ", absl::StrJoin(evidence, " | ")));
      }
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  }

  // A message as text with its fields in a fixed order (maps sorted).
  static std::string Canonical(const google::protobuf::Message& m) {
    std::string bytes;
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&coded);
    coded.Trim();
    std::unique_ptr<google::protobuf::Message> copy(m.New());
    copy->ParseFromString(bytes);
    return copy->ShortDebugString();
  }

  // Streams `data` to Import in chunks of `chunk` bytes, after a first chunk
  // with the options.
  grpc::Status Import(const std::string& data, const v1::ImportOptions& options,
                      v1::ImportResponse* response, size_t chunk = 4096,
                      std::chrono::seconds deadline = std::chrono::seconds(120)) {
    auto context = Ctx("tester", deadline);
    auto writer = ingest_->Import(context.get(), response);
    v1::ImportChunk first;
    *first.mutable_options() = options;
    writer->Write(first);
    for (size_t at = 0; at < data.size(); at += chunk) {
      v1::ImportChunk next;
      next.set_data(data.substr(at, chunk));
      if (!writer->Write(next)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  // A context with a generous deadline (a hung call fails instead of hanging
  // the test) and the bearer token of `principal`.
  static std::unique_ptr<grpc::ClientContext> Ctx(
      const std::string& principal = "tester",
      std::chrono::seconds deadline = std::chrono::seconds(120)) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + deadline);
    context->AddMetadata("authorization", "Bearer " + TokenOf(principal));
    return context;
  }

  static v1::Entity MakeEntity(const std::string& id, const std::string& kind,
                               const std::string& label) {
    v1::Entity e;
    e.set_id(id);
    e.set_kind(kind);
    e.set_label(label);
    return e;
  }

  static v1::Entity MakeDocument(const std::string& id, const std::string& publisher,
                                 const std::string& date) {
    v1::Entity e = MakeEntity(id, "Document", absl::StrCat("Report ", id));
    (*e.mutable_attributes())["publisher"].set_entity(publisher);
    (*e.mutable_attributes())["date"].set_date(date);
    return e;
  }

  // subject -predicate-> object (an entity), with one evidence record.
  static v1::Statement MakeStatement(const std::string& subject, const std::string& predicate,
                                     const std::string& object, const std::string& document,
                                     const std::string& publisher, double confidence = 0.8,
                                     v1::Stance stance = v1::ASSERTS) {
    v1::Statement s;
    s.set_subject(subject);
    s.set_predicate(predicate);
    s.mutable_object()->set_entity(object);
    v1::Evidence* e = s.add_evidence();
    e->set_document(document);
    e->set_publisher(publisher);
    e->set_confidence(confidence);
    e->set_stance(stance);
    e->set_excerpt(absl::StrCat(subject, " ", predicate, " ", object));
    e->set_reported_on("2019-05-11");
    return s;
  }

  // A small graph: two outlets with a document each, states, a group, places
  // and an airstrike. Statement ids are kept in the members below.
  void SeedGraph() {
    v1::AssertRequest request;
    for (const v1::Entity& e :
         {MakeEntity("outlet/reuters", "MediaOutlet", "Reuters"),
          MakeEntity("outlet/tass", "MediaOutlet", "TASS"),
          MakeDocument("doc/reuters-1", "outlet/reuters", "2019-05-11"),
          MakeDocument("doc/tass-1", "outlet/tass", "2019-05-12"),
          MakeEntity("actor/turkey", "State", "Turkey"),
          MakeEntity("actor/russia", "State", "Russia"),
          MakeEntity("gov/syria", "Government", "Syrian government"),
          MakeEntity("group/nusra", "ArmedGroup", "Jabhat al-Nusra"),
          MakeEntity("loc/idlib", "Region", "Idlib"),
          MakeEntity("loc/khan-sheikhoun", "Town", "Khan Sheikhoun"),
          MakeEntity("inc/strike-1", "Airstrike", "Airstrike on Khan Sheikhoun")}) {
      *request.add_entities() = e;
    }
    (*request.mutable_entities(4)->mutable_aliases()).Add("Türkiye");
    (*request.mutable_entities(10)->mutable_attributes())["date"].set_date("2019-05-10");
    *request.add_statements() =
        MakeStatement("actor/turkey", "supplies", "group/nusra", "doc/reuters-1", "outlet/reuters");
    *request.add_statements() =
        MakeStatement("actor/russia", "backs", "gov/syria", "doc/tass-1", "outlet/tass");
    *request.add_statements() = MakeStatement("loc/khan-sheikhoun", "located_in", "loc/idlib",
                                              "doc/reuters-1", "outlet/reuters");
    *request.add_statements() = MakeStatement("inc/strike-1", "occurred_in", "loc/khan-sheikhoun",
                                              "doc/reuters-1", "outlet/reuters");
    *request.add_statements() = MakeStatement("inc/strike-1", "perpetrated_by", "actor/russia",
                                              "doc/reuters-1", "outlet/reuters", 0.6);
    *request.add_statements() = MakeStatement("inc/strike-1", "perpetrated_by", "actor/russia",
                                              "doc/tass-1", "outlet/tass", 0.9, v1::DENIES);
    v1::WriteResponse response;
    grpc::Status status = ingest_->Assert(Ctx("seeder").get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
    ASSERT_EQ(response.statements_size(), 6);
    supplies_id_ = response.statements(0).id();
    backs_id_ = response.statements(1).id();
    located_in_id_ = response.statements(2).id();
    occurred_in_id_ = response.statements(3).id();
    perpetrated_by_id_ = response.statements(4).id();
    seeded_at_ = response.committed_at();
  }

  TempDir dir_;
  std::string credentials_;
  server::ServerOptions options_;
  std::unique_ptr<server::KgServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::IngestService::Stub> ingest_;
  std::unique_ptr<v1::GraphService::Stub> graph_;
  std::unique_ptr<v1::ProvenanceService::Stub> provenance_;
  std::unique_ptr<v1::AdminService::Stub> admin_;

  uint64_t supplies_id_ = 0;
  uint64_t backs_id_ = 0;
  uint64_t located_in_id_ = 0;
  uint64_t occurred_in_id_ = 0;
  uint64_t perpetrated_by_id_ = 0;
  int64_t seeded_at_ = 0;
};

// gtest-friendly rendering of a grpc::Status.
inline std::string Describe(const grpc::Status& status) {
  return absl::StrCat(status.error_code(), ": ", status.error_message());
}

}  // namespace kg::testing

#endif  // KGD_TESTS_TESTING_SERVER_FIXTURE_H_
