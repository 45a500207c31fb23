// Authentication, authorization, delegation and the audit log over the
// wire: every rpc of the proto called with no token and as each role.

#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/permissions.h"
#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptor;

struct Rpc {
  std::string name;  // "kg.v1.IngestService/Assert"
  bool client_streaming = false;
  bool server_streaming = false;
};

std::vector<Rpc> ProtoRpcs() {
  // Linking the generated code registers kg.proto in the generated pool.
  v1::WhoAmIRequest link_the_descriptors;
  const FileDescriptor* file = DescriptorPool::generated_pool()->FindFileByName("kg/v1/kg.proto");
  std::vector<Rpc> rpcs;
  for (int s = 0; file != nullptr && s < file->service_count(); ++s) {
    for (int m = 0; m < file->service(s)->method_count(); ++m) {
      const auto* method = file->service(s)->method(m);
      rpcs.push_back({absl::StrCat(file->service(s)->full_name(), "/", method->name()),
                      method->client_streaming(), method->server_streaming()});
    }
  }
  return rpcs;
}

class AuthTest : public ServerTest {
 protected:
  void SetUp() override {
    SetOptions();
    AddCredential("admin1", "admin");
    AddCredential("reader1", "reader");
    AddCredential("writer1", "writer");
    AddCredential("writer2", "writer");
    AddCredential("gw", "gateway");
    AddCredential("seeder", "admin");
    ASSERT_NO_FATAL_FAILURE(StartServer());
    ASSERT_NO_FATAL_FAILURE(SeedGraph());
  }

  // Calls `rpc` with an empty request as `principal` ("" = no token) and
  // returns the status code. Streams send or read nothing more.
  grpc::StatusCode Call(const Rpc& rpc, const std::string& principal) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (!principal.empty()) context.AddMetadata("authorization", "Bearer " + TokenOf(principal));
    if (rpc.client_streaming) {  // BulkIngest
      v1::BulkIngestResponse response;
      auto writer = ingest_->BulkIngest(&context, &response);
      writer->WritesDone();
      return writer->Finish().error_code();
    }
    if (rpc.server_streaming) {  // Traverse
      auto reader = graph_->Traverse(&context, v1::TraverseRequest());
      v1::TraverseResponse response;
      while (reader->Read(&response)) {
      }
      return reader->Finish().error_code();
    }
    grpc::GenericStub stub(channel_);
    grpc::CompletionQueue queue;
    grpc::Slice empty;  // zero bytes: an empty message of any type
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    grpc::Status status;
    auto call = stub.PrepareUnaryCall(&context, "/" + rpc.name, request, &queue);
    call->StartCall();
    call->Finish(&response, &status, this);
    void* tag = nullptr;
    bool ok = false;
    EXPECT_TRUE(queue.Next(&tag, &ok));
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
    return status.error_code();
  }

  v1::GetStatsResponse Stats() {
    v1::GetStatsResponse stats;
    grpc::Status status = admin_->GetStats(Ctx("admin1").get(), v1::GetStatsRequest(), &stats);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return stats;
  }

  std::vector<v1::HistoryEvent> StatementHistory(uint64_t id) {
    v1::HistoryRequest request;
    request.set_statement_id(id);
    v1::HistoryResponse response;
    grpc::Status status = provenance_->History(Ctx("admin1").get(), request, &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return {response.events().begin(), response.events().end()};
  }

  // Asserts one statement as `principal` (with an optional on-behalf-of
  // header) and returns its response.
  v1::WriteResponse AssertAs(const std::string& principal, const std::string& on_behalf_of,
                             const std::string& excerpt) {
    v1::AssertRequest request;
    v1::Statement statement =
        MakeStatement("actor/turkey", "backs", "group/nusra", "doc/reuters-1", "outlet/reuters");
    statement.mutable_evidence(0)->set_excerpt(excerpt);
    *request.add_statements() = statement;
    std::unique_ptr<grpc::ClientContext> context = Ctx(principal);
    if (!on_behalf_of.empty()) context->AddMetadata("x-kg-principal", on_behalf_of);
    v1::WriteResponse response;
    grpc::Status status = ingest_->Assert(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return response;
  }
};

TEST(PermissionTable, NamesEveryRpcOfTheProtoAndNothingElse) {
  std::vector<std::string> from_proto;
  for (const Rpc& rpc : ProtoRpcs()) from_proto.push_back(rpc.name);
  std::vector<std::string> guarded = server::GuardedRpcs();
  std::sort(from_proto.begin(), from_proto.end());
  std::sort(guarded.begin(), guarded.end());
  EXPECT_FALSE(from_proto.empty());
  EXPECT_EQ(from_proto, guarded);
}

TEST_F(AuthTest, EveryRpcByRole) {
  const int64_t statements_before = Stats().statements();
  const std::map<server::Permission, std::vector<std::string>> allowed = {
      {server::Permission::kRead, {"reader1", "writer1", "gw", "admin1"}},
      {server::Permission::kWrite, {"writer1", "gw", "admin1"}},
      {server::Permission::kAdmin, {"admin1"}},
  };
  for (const Rpc& rpc : ProtoRpcs()) {
    SCOPED_TRACE(rpc.name);
    const server::Permission needed = *server::RequiredPermission(rpc.name);
    EXPECT_EQ(Call(rpc, ""), grpc::StatusCode::UNAUTHENTICATED);
    // What the body answers to an empty request, admitted.
    const grpc::StatusCode admitted = Call(rpc, "admin1");
    EXPECT_NE(admitted, grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_NE(admitted, grpc::StatusCode::PERMISSION_DENIED);
    for (const std::string principal : {"reader1", "writer1", "gw"}) {
      const std::vector<std::string>& may = allowed.at(needed);
      const bool permitted = std::find(may.begin(), may.end(), principal) != may.end();
      EXPECT_EQ(Call(rpc, principal), permitted ? admitted : grpc::StatusCode::PERMISSION_DENIED)
          << principal;
    }
  }
  EXPECT_EQ(Stats().statements(), statements_before);
}

TEST_F(AuthTest, DeniedCallsNameThePermissionAndChangeNothing) {
  v1::MergeRequest merge;
  merge.set_from("actor/turkey");
  merge.set_into("actor/russia");
  v1::MergeResponse response;
  grpc::Status status = ingest_->Merge(Ctx("writer1").get(), merge, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("admin permission"), std::string::npos)
      << status.error_message();
  v1::GetEntityRequest get;
  get.set_id("actor/turkey");
  v1::Entity entity;
  ASSERT_TRUE(graph_->GetEntity(Ctx("reader1").get(), get, &entity).ok());
  EXPECT_TRUE(entity.merged_into().empty());

  grpc::ClientContext bad_token;
  bad_token.AddMetadata("authorization", "Bearer not-a-token");
  status = graph_->GetEntity(&bad_token, get, &entity);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(status);
}

TEST_F(AuthTest, ThePrincipalIsTheTokensNeverTheHeader) {
  // A writer naming someone else is recorded as itself.
  v1::WriteResponse forged = AssertAs("writer1", "admin", "forged excerpt");
  std::vector<v1::HistoryEvent> events = StatementHistory(forged.statements(0).id());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type(), v1::HistoryEvent::EVIDENCE_ADDED);
  EXPECT_EQ(events.back().principal(), "writer1");

  // A gateway acts on behalf of alice: both are recorded.
  v1::WriteResponse delegated = AssertAs("gw", "alice", "delegated excerpt");
  events = StatementHistory(delegated.statements(0).id());
  EXPECT_EQ(events.back().principal(), "alice via gw");

  v1::WhoAmIResponse who;
  std::unique_ptr<grpc::ClientContext> context = Ctx("gw");
  context->AddMetadata("x-kg-principal", "alice");
  ASSERT_TRUE(admin_->WhoAmI(context.get(), v1::WhoAmIRequest(), &who).ok());
  EXPECT_EQ(who.principal(), "gw");
  EXPECT_EQ(who.on_behalf_of(), "alice");
  EXPECT_EQ(who.role(), "gateway");
  EXPECT_EQ(who.authenticated_by(), "token");

  // A malformed delegated principal is refused.
  context = Ctx("gw");
  context->AddMetadata("x-kg-principal", "alice smith");
  grpc::Status status = admin_->WhoAmI(context.get(), v1::WhoAmIRequest(), &who);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
}

TEST_F(AuthTest, WhoAmIForEachRole) {
  for (const auto& [principal, role, permissions] :
       std::vector<std::tuple<std::string, std::string, std::vector<std::string>>>{
           {"reader1", "reader", {"read"}},
           {"writer1", "writer", {"read", "write"}},
           {"gw", "gateway", {"read", "write", "delegate"}},
           {"admin1", "admin", {"read", "write", "delegate", "admin"}}}) {
    v1::WhoAmIResponse who;
    ASSERT_TRUE(admin_->WhoAmI(Ctx(principal).get(), v1::WhoAmIRequest(), &who).ok());
    EXPECT_EQ(who.principal(), principal);
    EXPECT_EQ(who.role(), role);
    EXPECT_EQ(std::vector<std::string>(who.permissions().begin(), who.permissions().end()),
              permissions);
  }
}

TEST_F(AuthTest, AWriterRetractsOnlyItsOwnEvidence) {
  v1::WriteResponse mine = AssertAs("writer1", "", "writer1 says so");
  const uint64_t id = mine.statements(0).id();
  const std::string evidence = mine.statements(0).evidence_ids(0);

  v1::RetractRequest retract;
  retract.set_statement_id(id);
  retract.set_evidence_id(evidence);
  retract.set_reason("not mine to retract");
  v1::RetractResponse response;
  grpc::Status status = ingest_->Retract(Ctx("writer2").get(), retract, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(status);
  // All of a statement's evidence: refused as a whole when any is another's.
  retract.clear_evidence_id();
  status = ingest_->Retract(Ctx("writer2").get(), retract, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(status);
  EXPECT_EQ(StatementHistory(id).back().type(), v1::HistoryEvent::EVIDENCE_ADDED);

  retract.set_evidence_id(evidence);
  status = ingest_->Retract(Ctx("writer1").get(), retract, &response);
  EXPECT_TRUE(status.ok()) << Describe(status);

  // An admin retracts anyone's.
  v1::WriteResponse other = AssertAs("writer2", "", "writer2 says so too");
  retract.set_evidence_id(other.statements(0).evidence_ids(0));
  retract.set_reason("admin correction");
  status = ingest_->Retract(Ctx("admin1").get(), retract, &response);
  EXPECT_TRUE(status.ok()) << Describe(status);
}

TEST_F(AuthTest, ReloadRevokesATokenWithoutARestart) {
  v1::WhoAmIResponse who;
  ASSERT_TRUE(admin_->WhoAmI(Ctx("writer2").get(), v1::WhoAmIRequest(), &who).ok());

  // A file that does not parse keeps the old table, and says where.
  WriteFile(options_.auth_tokens_path, "admin1 admin 1234\n");
  absl::StatusOr<size_t> reloaded = server_->ReloadCredentials();
  ASSERT_FALSE(reloaded.ok());
  EXPECT_NE(reloaded.status().message().find(":1:"), std::string::npos) << reloaded.status();
  ASSERT_TRUE(admin_->WhoAmI(Ctx("writer2").get(), v1::WhoAmIRequest(), &who).ok());

  credentials_.clear();
  AddCredential("admin1", "admin");
  AddCredential("writer1", "writer");
  reloaded = server_->ReloadCredentials();
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  EXPECT_EQ(*reloaded, 2u);
  grpc::Status status = admin_->WhoAmI(Ctx("writer2").get(), v1::WhoAmIRequest(), &who);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(status);
  EXPECT_TRUE(admin_->WhoAmI(Ctx("writer1").get(), v1::WhoAmIRequest(), &who).ok());
}

TEST_F(AuthTest, TheAuditLogRecordsWritesAdminCallsAndDenials) {
  AssertAs("writer1", "", "audited excerpt");
  v1::MergeRequest merge;
  merge.set_from("actor/turkey");
  merge.set_into("actor/russia");
  v1::MergeResponse merged;
  EXPECT_EQ(ingest_->Merge(Ctx("reader1").get(), merge, &merged).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetEntityRequest get;
  get.set_id("actor/turkey");
  v1::Entity entity;
  ASSERT_TRUE(graph_->GetEntity(Ctx("reader1").get(), get, &entity).ok());  // not audited
  grpc::ClientContext anonymous;
  EXPECT_EQ(graph_->GetEntity(&anonymous, get, &entity).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  v1::ListAuditRequest request;
  v1::ListAuditResponse audit;
  ASSERT_TRUE(admin_->ListAudit(Ctx("admin1").get(), request, &audit).ok());
  std::vector<std::string> seen;
  for (const v1::AuditEntry& e : audit.entries()) {
    seen.push_back(absl::StrCat(e.principal(), " ", e.rpc(), " ", e.code()));
    EXPECT_GT(e.at(), 0);
    EXPECT_FALSE(e.peer().empty());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "seeder kg.v1.IngestService/Assert 0",
                      "writer1 kg.v1.IngestService/Assert 0",
                      "reader1 kg.v1.IngestService/Merge 7",
                      " kg.v1.GraphService/GetEntity 16",
                  }));
  const v1::AuditEntry& write = audit.entries(1);
  EXPECT_EQ(write.role(), "writer");
  EXPECT_EQ(write.authenticated_by(), "token");
  EXPECT_GT(write.request_bytes(), 0);
  EXPECT_EQ(write.request_sha256().size(), 64u);
  EXPECT_NE(audit.entries(2).message().find("admin permission"), std::string::npos);

  // Filters: by principal, by outcome; only admins may read the log.
  request.set_principal("reader1");
  ASSERT_TRUE(admin_->ListAudit(Ctx("admin1").get(), request, &audit).ok());
  ASSERT_EQ(audit.entries_size(), 1);
  EXPECT_EQ(audit.entries(0).rpc(), "kg.v1.IngestService/Merge");
  request.Clear();
  request.set_code(static_cast<int>(grpc::StatusCode::UNAUTHENTICATED));
  audit.Clear();
  ASSERT_TRUE(admin_->ListAudit(Ctx("admin1").get(), request, &audit).ok());
  ASSERT_EQ(audit.entries_size(), 1);
  EXPECT_EQ(audit.entries(0).rpc(), "kg.v1.GraphService/GetEntity");
  EXPECT_EQ(admin_->ListAudit(Ctx("writer1").get(), request, &audit).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AuthTest, CallsWithoutCredentialsCannotGrowTheAuditLogWithoutBound) {
  v1::GetEntityRequest get;
  get.set_id("actor/turkey");
  v1::Entity entity;
  const absl::Time start = absl::Now();
  for (int i = 0; i < 300; ++i) {
    grpc::ClientContext anonymous;
    ASSERT_EQ(graph_->GetEntity(&anonymous, get, &entity).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  v1::ListAuditRequest request;
  request.set_code(static_cast<int>(grpc::StatusCode::UNAUTHENTICATED));
  request.set_page_size(1000);
  v1::ListAuditResponse audit;
  int recorded = 0;
  do {
    ASSERT_TRUE(admin_->ListAudit(Ctx("admin1").get(), request, &audit).ok());
    recorded += audit.entries_size();
    request.set_page_token(audit.next_page_token());
  } while (!audit.next_page_token().empty());
  // A burst of 100, then 10 a second.
  EXPECT_GE(recorded, 100);
  EXPECT_LE(recorded, 101 + 10 * absl::ToDoubleSeconds(absl::Now() - start));
  // Once the bucket refills, the next record says how many were left out.
  absl::SleepFor(absl::Milliseconds(200));
  grpc::ClientContext anonymous;
  ASSERT_EQ(graph_->GetEntity(&anonymous, get, &entity).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  request.clear_page_token();
  std::string last;
  do {
    ASSERT_TRUE(admin_->ListAudit(Ctx("admin1").get(), request, &audit).ok());
    if (audit.entries_size() > 0) last = audit.entries(audit.entries_size() - 1).message();
    request.set_page_token(audit.next_page_token());
  } while (!audit.next_page_token().empty());
  EXPECT_NE(last.find("more such calls from this host not recorded"), std::string::npos) << last;
}

TEST_F(AuthTest, PurgeRemovesADocumentsEvidenceAndRecordsThatItDid) {
  v1::PurgeRequest purge;
  purge.set_document("doc/tass-1");
  purge.set_reason("court order");
  v1::PurgeResponse purged;
  EXPECT_EQ(ingest_->Purge(Ctx("writer1").get(), purge, &purged).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status status = ingest_->Purge(Ctx("admin1").get(), purge, &purged);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(purged.evidence_purged(), 2);     // backs, and the denial of perpetrated_by
  EXPECT_EQ(purged.statements_removed(), 1);  // backs had no other evidence

  // Neither now nor as of before the purge does any read show it.
  for (int64_t as_of : {int64_t{0}, seeded_at_}) {
    v1::ListClaimsRequest claims;
    claims.set_document("doc/tass-1");
    claims.mutable_filter()->set_as_of(as_of);
    v1::StatementsPage page;
    status = provenance_->ListClaims(Ctx("reader1").get(), claims, &page);
    ASSERT_TRUE(status.ok()) << Describe(status);
    EXPECT_EQ(page.statements_size(), 0) << as_of;

    v1::ExplainRequest explain;
    explain.set_statement_id(perpetrated_by_id_);
    explain.mutable_filter()->set_as_of(as_of);
    v1::ExplainResponse explained;
    status = provenance_->Explain(Ctx("reader1").get(), explain, &explained);
    ASSERT_TRUE(status.ok()) << Describe(status);
    ASSERT_EQ(explained.statement().evidence_size(), 1) << as_of;
    EXPECT_EQ(explained.statement().evidence(0).document(), "doc/reuters-1");
  }
  std::vector<v1::HistoryEvent> events = StatementHistory(perpetrated_by_id_);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type(), v1::HistoryEvent::PURGED);
  EXPECT_EQ(events.back().principal(), "admin1");
  EXPECT_EQ(events.back().reason(), "court order");
  EXPECT_EQ(events.back().count(), 1);

  status = ingest_->Purge(Ctx("admin1").get(), purge, &purged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
}

TEST_F(AuthTest, MutualTlsSubjectsMapToPrincipals) {
  ASSERT_TRUE(MakeCertificate(dir_.path(), "server"));
  ASSERT_TRUE(MakeCertificate(dir_.path(), "ops-client"));
  ASSERT_TRUE(MakeCertificate(dir_.path(), "stranger"));
  WriteFile(dir_.Sub("clients.pem"),
            ReadFile(dir_.Sub("ops-client.pem")) + ReadFile(dir_.Sub("stranger.pem")));
  StopServer();
  credentials_ += "ops admin cert:ops-client\n";
  WriteFile(options_.auth_tokens_path, credentials_);
  options_.tls_cert_path = dir_.Sub("server.pem");
  options_.tls_key_path = dir_.Sub("server.key");
  options_.tls_client_ca_path = dir_.Sub("clients.pem");
  ASSERT_NO_FATAL_FAILURE(StartServer());

  auto whoami = [&](const std::string& client, bool with_token) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = ReadFile(dir_.Sub("server.pem"));
    tls.pem_private_key = ReadFile(dir_.Sub(client + ".key"));
    tls.pem_cert_chain = ReadFile(dir_.Sub(client + ".pem"));
    auto admin =
        v1::AdminService::NewStub(grpc::CreateChannel(Address(), grpc::SslCredentials(tls)));
    grpc::ClientContext context;
    if (with_token) context.AddMetadata("authorization", "Bearer " + TokenOf("reader1"));
    v1::WhoAmIResponse who;
    grpc::Status status = admin->WhoAmI(&context, v1::WhoAmIRequest(), &who);
    return status.ok() ? absl::StrCat(who.principal(), " ", who.role(), " ", who.authenticated_by())
                       : absl::StrCat("error ", status.error_code());
  };
  EXPECT_EQ(whoami("ops-client", false), "ops admin certificate");
  EXPECT_EQ(whoami("ops-client", true), "reader1 reader token");  // a token names the caller
  EXPECT_EQ(whoami("stranger", false), "error 16");               // verified, but unmapped
}

TEST_F(AuthTest, WithoutCredentialsEveryoneIsAnAnonymousAdmin) {
  StopServer();
  options_.auth_tokens_path.clear();
  ASSERT_NO_FATAL_FAILURE(StartServer());
  grpc::ClientContext context;
  context.AddMetadata("x-kg-principal", "alice");
  v1::WhoAmIResponse who;
  ASSERT_TRUE(admin_->WhoAmI(&context, v1::WhoAmIRequest(), &who).ok());
  EXPECT_EQ(who.principal(), "anonymous");
  EXPECT_EQ(who.role(), "admin");
  EXPECT_EQ(who.authenticated_by(), "none");
  EXPECT_EQ(who.on_behalf_of(), "alice");
}

TEST_F(AuthTest, ANonLoopbackAddressNeedsTlsAndAuth) {
  server::ServerOptions options = options_;
  options.listen = "0.0.0.0:0";
  options.data_dir = dir_.Sub("exposed");
  absl::StatusOr<std::unique_ptr<server::KgServer>> exposed = server::KgServer::Start(options);
  ASSERT_FALSE(exposed.ok());
  EXPECT_EQ(exposed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(exposed.status().message().find("--insecure"), std::string::npos);
  options.insecure = true;
  exposed = server::KgServer::Start(options);
  EXPECT_TRUE(exposed.ok()) << exposed.status();
}

TEST_F(AuthTest, AMalformedCredentialFileRefusesToStart) {
  StopServer();
  WriteFile(options_.auth_tokens_path, "# ok\nalice writer " + std::string(64, 'a') +
                                           "\nbob superuser " + std::string(64, 'b') + "\n");
  absl::StatusOr<std::unique_ptr<server::KgServer>> started = server::KgServer::Start(options_);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(started.status().message().find("tokens:3: role"), std::string::npos)
      << started.status();
}

}  // namespace
}  // namespace kg::testing
