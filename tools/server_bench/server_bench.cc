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
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
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
  state.SetItemsProcessed(state.iterations());
}
// Process CPU per call (client and server share the process) and, at 4
// threads, the ceiling in calls per second.
BENCHMARK(BM_HealthCheck)->MeasureProcessCPUTime()->UseRealTime()->Threads(1)->Threads(4);

void BM_WhoAmI(benchmark::State& state) {
  const bool with_auth = state.range(0) != 0;
  auto admin = v1::AdminService::NewStub(Server(with_auth).channel);
  for (auto _ : state) {
    grpc::ClientContext context;
    Authorize(context, with_auth);
    v1::WhoAmIResponse response;
    if (!admin->WhoAmI(&context, {}, &response).ok()) state.SkipWithError("WhoAmI failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WhoAmI)
    ->ArgName("auth")
    ->Arg(0)
    ->Arg(1)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Threads(1)
    ->Threads(4);

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

// A hostile client, on connections of its own: on each, as many idle
// BulkIngest streams and unread Traverse streams as the connection may
// open, and two threads sending requests that are not protobuf.
class Hostile {
 public:
  explicit Hostile(const std::string& address) {
    for (int c = 0; c < kConnections; ++c) {
      auto channel = NewChannel(address);
      auto ingest = v1::IngestService::NewStub(channel);
      auto graph = v1::GraphService::NewStub(channel);
      for (int i = 0; i < kStreamsPerConnection / 2; ++i) {
        streams_.push_back(std::make_unique<IdleIngest>(*ingest));
        streams_.push_back(std::make_unique<UnreadTraverse>(*graph));
      }
      channels_.push_back(std::move(channel));
    }
    for (int t = 0; t < 2; ++t) {
      flooders_.emplace_back([this, address] {
        grpc::GenericStub stub(NewChannel(address));
        const grpc::Slice garbage(std::string(10, '\xff') + "\x01");
        while (!stop_.load()) {
          grpc::ClientContext context;
          grpc::ByteBuffer request(&garbage, 1), response;
          std::promise<void> done;
          stub.UnaryCall(&context, "/kg.v1.IngestService/Assert", {}, &request, &response,
                         [&](grpc::Status) { done.set_value(); });
          done.get_future().wait();
        }
      });
    }
  }
  ~Hostile() {
    stop_ = true;
    for (std::thread& t : flooders_) t.join();
    for (auto& stream : streams_) stream->Cancel();
  }

 private:
  static constexpr int kConnections = 16;
  static constexpr int kStreamsPerConnection = 64;  // --max_calls_per_connection

  static std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.use_local_subchannel_pool", 1);  // a connection of its own
    // A small window: an unread Traverse stream stays open on the server.
    args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 1024);
    return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  }

  class Stream {
   public:
    virtual ~Stream() = default;
    void Cancel() {
      context_.TryCancel();
      done_.WaitForNotification();
    }

   protected:
    grpc::ClientContext context_;
    absl::Notification done_;
  };
  class IdleIngest final : public Stream, public grpc::ClientWriteReactor<v1::AssertRequest> {
   public:
    explicit IdleIngest(v1::IngestService::Stub& stub) {
      stub.async()->BulkIngest(&context_, &response_, this);
      StartCall();  // and never a message
    }
    void OnDone(const grpc::Status&) override { done_.Notify(); }

   private:
    v1::BulkIngestResponse response_;
  };
  class UnreadTraverse final : public Stream, public grpc::ClientReadReactor<v1::TraverseResponse> {
   public:
    explicit UnreadTraverse(v1::GraphService::Stub& stub) {
      request_.add_seeds("actor/hub");
      request_.set_max_depth(2);
      stub.async()->Traverse(&context_, &request_, this);
      StartCall();  // and never a read
    }
    void OnDone(const grpc::Status&) override { done_.Notify(); }

   private:
    v1::TraverseRequest request_;
  };

  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<Stream>> streams_;
  std::vector<std::thread> flooders_;
  std::atomic<bool> stop_{false};
};

// A hub with 8 neighbours (written once), for Neighbors calls.
void SeedHub(v1::IngestService::Stub& ingest) {
  v1::AssertRequest request;
  v1::Entity* hub = request.add_entities();
  hub->set_id("actor/hub");
  hub->set_kind("State");
  hub->set_label("hub");
  v1::Entity* doc = request.add_entities();
  doc->set_id("doc/hub");
  doc->set_kind("Document");
  doc->set_label("doc");
  for (int i = 0; i < 8; ++i) {
    v1::Entity* e = request.add_entities();
    e->set_id(absl::StrCat("actor/spoke", i));
    e->set_kind("State");
    e->set_label(e->id());
    v1::Statement* st = request.add_statements();
    st->set_subject("actor/hub");
    st->set_predicate("backs");
    st->mutable_object()->set_entity(e->id());
    st->add_evidence()->set_document("doc/hub");
  }
  grpc::ClientContext context;
  v1::WriteResponse response;
  if (!ingest.Assert(&context, request, &response).ok()) std::exit(1);
}

// A well-behaved client's 1-hop Neighbors, alone (hostile:0) and while a
// hostile client holds 1,024 streams open and floods bad bytes (hostile:1);
// the counters are its latency percentiles.
void BM_NeighborsUnderAbuse(benchmark::State& state) {
  Served& served = Server(false);
  static const bool seeded = [&] {
    SeedHub(*v1::IngestService::NewStub(served.channel));
    return true;
  }();
  (void)seeded;
  std::unique_ptr<Hostile> hostile;
  if (state.range(0) != 0) {
    hostile = std::make_unique<Hostile>(absl::StrCat("127.0.0.1:", served.server->port()));
  }
  auto graph = v1::GraphService::NewStub(served.channel);
  v1::NeighborsRequest request;
  request.set_id("actor/hub");
  std::vector<double> micros;
  for (auto _ : state) {
    const absl::Time start = absl::Now();
    grpc::ClientContext context;
    v1::NeighborsResponse response;
    if (!graph->Neighbors(&context, request, &response).ok()) {
      state.SkipWithError("Neighbors failed");
    }
    micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
  }
  std::sort(micros.begin(), micros.end());
  const auto at = [&](double q) { return micros[static_cast<size_t>(q * (micros.size() - 1))]; };
  state.counters["p50_us"] = at(0.5);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = micros.back();
}
BENCHMARK(BM_NeighborsUnderAbuse)->ArgName("hostile")->Arg(0)->Arg(1)->UseRealTime();

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
