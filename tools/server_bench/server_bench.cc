// kg_server_bench: the cost of kgd's call path over real gRPC on loopback,
// against the floor measured in the same run (an empty grpc.health.v1
// Check, which bypasses authentication, permissions and audit).
//
//   kg_server_bench --benchmark_min_time=2 [--benchmark_repetitions=3]
//
// Two in-process servers over fresh temp dirs: one with authentication off,
// one with a credential file (bearer tokens). WhoAmI is the cheapest rpc
// through the gate (authenticate, check the permission, run an empty body);
// an Assert of one new statement is an audited write (a request digest and
// an audit record next to the write itself). Compare ratios, not absolute
// numbers: the machine is shared.
//
//   kg_server_bench --ingest [--ingest_seconds=5]
//
// instead measures online ingest (Assert rate, p50 and p99) with
// --sync_writes on and off at 1 and 8 writers (tools/server_bench/ingest_bench.h).

#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "kg/v1/kg.grpc.pb.h"
#include "server/server.h"
#include "server/sha256.h"
#include "tools/server_bench/ingest_bench.h"

namespace kg {
namespace {

constexpr char kToken[] = "bench-token";

struct Served {
  std::unique_ptr<server::KgServer> server;
  std::shared_ptr<grpc::Channel> channel;
};

std::filesystem::path Root() {
  static const std::filesystem::path root = [] {
    std::random_device rd;
    std::filesystem::path p =
        std::filesystem::temp_directory_path() / absl::StrCat("kg-server-bench-", rd(), "-", rd());
    std::filesystem::create_directories(p);
    return p;
  }();
  return root;
}

Served Start(bool with_auth) {
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = (Root() / (with_auth ? "auth" : "open")).string();
  if (with_auth) {
    options.auth_tokens_path = (Root() / "tokens").string();
    std::ofstream(options.auth_tokens_path) << "bench admin " << server::Sha256Hex(kToken) << "\n";
  }
  absl::StatusOr<std::unique_ptr<server::KgServer>> server = server::KgServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "kg_server_bench: %s\n", server.status().ToString().c_str());
    std::exit(1);
  }
  Served served{std::move(server).value(), nullptr};
  served.channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", served.server->port()),
                                       grpc::InsecureChannelCredentials());
  return served;
}

Served& Server(bool with_auth) {
  static Served open = Start(false);
  static Served authenticated = Start(true);
  return with_auth ? authenticated : open;
}

void Authorize(grpc::ClientContext& context, bool with_auth) {
  if (with_auth) context.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
}

void BM_HealthCheck(benchmark::State& state) {
  auto health = grpc::health::v1::Health::NewStub(Server(false).channel);
  for (auto _ : state) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckResponse response;
    if (!health->Check(&context, {}, &response).ok()) state.SkipWithError("health Check failed");
  }
}
BENCHMARK(BM_HealthCheck)->UseRealTime();

void BM_WhoAmI(benchmark::State& state) {
  const bool with_auth = state.range(0) != 0;
  auto admin = v1::AdminService::NewStub(Server(with_auth).channel);
  for (auto _ : state) {
    grpc::ClientContext context;
    Authorize(context, with_auth);
    v1::WhoAmIResponse response;
    if (!admin->WhoAmI(&context, {}, &response).ok()) state.SkipWithError("WhoAmI failed");
  }
}
BENCHMARK(BM_WhoAmI)->ArgName("auth")->Arg(0)->Arg(1)->UseRealTime();

// One new statement per call, so every call writes (and is audited).
void BM_AssertOneStatement(benchmark::State& state) {
  const bool with_auth = state.range(0) != 0;
  auto ingest = v1::IngestService::NewStub(Server(with_auth).channel);
  static std::atomic<int64_t> sequence{0};
  v1::AssertRequest request = OneStatementAssert();
  v1::Evidence* evidence = request.mutable_statements(0)->mutable_evidence(0);
  for (auto _ : state) {
    const std::string object = absl::StrCat("actor/b", sequence++);
    request.mutable_entities(3)->set_id(object);
    request.mutable_entities(3)->set_label(object);
    request.mutable_statements(0)->mutable_object()->set_entity(object);
    evidence->set_excerpt(object);
    grpc::ClientContext context;
    Authorize(context, with_auth);
    v1::WriteResponse response;
    grpc::Status status = ingest->Assert(&context, request, &response);
    if (!status.ok()) state.SkipWithError(status.error_message().c_str());
  }
}
BENCHMARK(BM_AssertOneStatement)->ArgName("auth")->Arg(0)->Arg(1)->UseRealTime();

}  // namespace
}  // namespace kg

int main(int argc, char** argv) {
  // --ingest [--ingest_seconds=S]: the write-load table instead
  // (tools/server_bench/ingest_bench.h).
  double ingest_seconds = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--ingest" && ingest_seconds == 0) ingest_seconds = 5;
    if (arg.rfind("--ingest_seconds=", 0) == 0) ingest_seconds = std::stod(arg.substr(17));
  }
  if (ingest_seconds > 0) {
    const int code = kg::RunIngestBench(ingest_seconds, kg::Root());
    std::filesystem::remove_all(kg::Root());
    return code;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  kg::Server(false).server->Shutdown(absl::ZeroDuration());
  kg::Server(true).server->Shutdown(absl::ZeroDuration());
  std::filesystem::remove_all(kg::Root());
  return 0;
}
