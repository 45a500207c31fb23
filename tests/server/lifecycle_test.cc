// The server as a whole: restart keeps the data, health and reflection,
// reads alongside an open bulk stream, TLS and mutual TLS.

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

namespace health = ::grpc::health::v1;
namespace reflection = ::grpc::reflection::v1alpha;

class LifecycleTest : public ServerTest {};

TEST_F(LifecycleTest, RestartKeepsTheData) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  StopServer();
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::ExplainRequest request;
  request.set_statement_id(supplies_id_);
  v1::ExplainResponse response;
  grpc::Status status = provenance_->Explain(Ctx().get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(response.statement().subject(), "actor/turkey");
  EXPECT_EQ(response.statement().evidence(0).ingested_by(), "seeder");
}

TEST_F(LifecycleTest, HealthIsServing) {
  std::unique_ptr<health::Health::Stub> stub = health::Health::NewStub(channel_);
  health::HealthCheckRequest request;
  health::HealthCheckResponse response;
  grpc::Status status = stub->Check(Ctx().get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING);
}

TEST_F(LifecycleTest, ReflectionListsTheServices) {
  std::unique_ptr<reflection::ServerReflection::Stub> stub =
      reflection::ServerReflection::NewStub(channel_);
  auto context = Ctx();
  auto stream = stub->ServerReflectionInfo(context.get());
  reflection::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  reflection::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_TRUE(stream->WritesDone());
  std::set<std::string> services;
  for (const auto& service : response.list_services_response().service()) {
    services.insert(service.name());
  }
  ASSERT_TRUE(stream->Finish().ok());
  for (const char* name : {"kg.v1.IngestService", "kg.v1.GraphService", "kg.v1.ProvenanceService",
                           "kg.v1.AdminService", "grpc.health.v1.Health"}) {
    EXPECT_TRUE(services.count(name)) << name;
  }
}

// A read completes while a bulk stream is open on another call.
TEST_F(LifecycleTest, ReadsDoNotWaitForAnOpenBulkStream) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::BulkIngestResponse bulk_response;
  auto bulk_context = Ctx();
  auto writer = ingest_->BulkIngest(bulk_context.get(), &bulk_response);
  v1::AssertRequest message;
  *message.add_entities() = MakeEntity("actor/iran", "State", "Iran");
  ASSERT_TRUE(writer->Write(message));

  auto other = grpc::CreateChannel(Address(), grpc::InsecureChannelCredentials());
  auto graph = v1::GraphService::NewStub(other);
  v1::GetEntityRequest get;
  get.set_id("actor/turkey");
  v1::Entity entity;
  grpc::Status status = graph->GetEntity(Ctx().get(), get, &entity);
  ASSERT_TRUE(status.ok()) << Describe(status);

  ASSERT_TRUE(writer->WritesDone());
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(bulk_response.messages_applied(), 1);
}

TEST_F(LifecycleTest, MutualTls) {
  ASSERT_TRUE(MakeCertificate(dir_.path(), "server"));
  ASSERT_TRUE(MakeCertificate(dir_.path(), "client"));
  StopServer();
  options_.tls_cert_path = dir_.Sub("server.pem");
  options_.tls_key_path = dir_.Sub("server.key");
  options_.tls_client_ca_path = dir_.Sub("client.pem");
  absl::StatusOr<std::unique_ptr<server::KgServer>> started = server::KgServer::Start(options_);
  ASSERT_TRUE(started.ok()) << started.status();
  server_ = std::move(started).value();

  grpc::SslCredentialsOptions with_cert;
  with_cert.pem_root_certs = ReadFile(dir_.Sub("server.pem"));
  with_cert.pem_private_key = ReadFile(dir_.Sub("client.key"));
  with_cert.pem_cert_chain = ReadFile(dir_.Sub("client.pem"));
  auto channel = grpc::CreateChannel(Address(), grpc::SslCredentials(with_cert));
  auto admin = v1::AdminService::NewStub(channel);
  v1::GetStatsResponse stats;
  grpc::Status status = admin->GetStats(Ctx().get(), v1::GetStatsRequest(), &stats);
  ASSERT_TRUE(status.ok()) << Describe(status);

  grpc::SslCredentialsOptions without_cert;
  without_cert.pem_root_certs = with_cert.pem_root_certs;
  auto anonymous =
      v1::AdminService::NewStub(grpc::CreateChannel(Address(), grpc::SslCredentials(without_cert)));
  status = anonymous->GetStats(Ctx().get(), v1::GetStatsRequest(), &stats);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(status);

  auto plaintext =
      v1::AdminService::NewStub(grpc::CreateChannel(Address(), grpc::InsecureChannelCredentials()));
  status = plaintext->GetStats(Ctx().get(), v1::GetStatsRequest(), &stats);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(status);
}

TEST_F(LifecycleTest, BadOptionsFailToStart) {
  server::ServerOptions options = options_;
  options.data_dir = dir_.Sub("other");
  options.tls_cert_path = dir_.Sub("missing.pem");
  absl::StatusOr<std::unique_ptr<server::KgServer>> started = server::KgServer::Start(options);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument) << started.status();

  // A port held by a plain socket (no SO_REUSEPORT) cannot be bound.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  options.tls_cert_path.clear();
  options.listen = absl::StrCat("127.0.0.1:", ntohs(address.sin_port));
  started = server::KgServer::Start(options);
  close(fd);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kUnavailable) << started.status();
}

}  // namespace
}  // namespace kg::testing
