// kg_server_bench --ingest [--ingest_seconds=5]
//
// For sync_writes in {on, off} and writers in {1, 8}: a fresh in-process
// kgd (authentication off, so a call is the write and its audit record, two
// commits), `writers` threads each on its own channel calling Assert with
// one new entity and one new statement per call for the given time. Prints
// calls/s, statements/s, p50 and p99 latency, and the WAL syncs per commit
// kgd reports (GetStats), next to the floor of the same run: an empty gRPC
// call (health Check), and a raw RocksDB Put of 100 bytes with and without
// sync on the same filesystem. Measurements, not tests.

#include "tools/server_bench/ingest_bench.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "kg/v1/kg.grpc.pb.h"
#include "rocksdb/db.h"
#include "server/server.h"

namespace kg {
namespace {

using Clock = std::chrono::steady_clock;

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1)))];
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::shared_ptr<grpc::Channel> Channel(int port) {
  grpc::ChannelArguments args;
  // A channel per writer: gRPC would otherwise share one connection.
  args.SetInt("kg-bench-writer", static_cast<int>(Clock::now().time_since_epoch().count()));
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), args);
}

}  // namespace

v1::AssertRequest OneStatementAssert() {
  v1::AssertRequest request;
  for (const auto& [id, kind] :
       {std::pair{"actor/a", "State"}, std::pair{"outlet/o", "MediaOutlet"},
        std::pair{"doc/d", "Document"}}) {
    v1::Entity* e = request.add_entities();
    e->set_id(id);
    e->set_kind(kind);
    e->set_label(id);
  }
  (*request.mutable_entities(2)->mutable_attributes())["publisher"].set_entity("outlet/o");
  (*request.mutable_entities(2)->mutable_attributes())["date"].set_date("2019-05-11");
  request.add_entities()->set_kind("State");  // the new object, renamed per call
  v1::Statement* statement = request.add_statements();
  statement->set_subject("actor/a");
  statement->set_predicate("backs");
  v1::Evidence* evidence = statement->add_evidence();
  evidence->set_document("doc/d");
  evidence->set_publisher("outlet/o");
  evidence->set_confidence(0.7);
  return request;
}

namespace {

struct Result {
  std::vector<double> ms;
  int64_t errors = 0;
  double seconds = 0;
  int64_t commits = 0;
  int64_t syncs = 0;
};

Result RunConfig(const std::filesystem::path& dir, bool sync, int writers, double seconds) {
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir.string();
  options.sync_writes = sync;
  absl::StatusOr<std::unique_ptr<server::KgServer>> server = server::KgServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "kg_server_bench: %s\n", server.status().ToString().c_str());
    std::exit(1);
  }
  const int port = (*server)->port();
  Result result;
  std::vector<std::vector<double>> per_writer(writers);
  std::atomic<int64_t> errors{0};
  const auto start = Clock::now();
  const auto end = start + std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6));
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      auto ingest = v1::IngestService::NewStub(Channel(port));
      v1::AssertRequest request = OneStatementAssert();
      for (int64_t i = 0; Clock::now() < end; ++i) {
        const std::string object = absl::StrCat("actor/w", w, "-", i);
        request.mutable_entities(3)->set_id(object);
        request.mutable_entities(3)->set_label(object);
        request.mutable_statements(0)->mutable_object()->set_entity(object);
        request.mutable_statements(0)->mutable_evidence(0)->set_excerpt(object);
        grpc::ClientContext context;
        v1::WriteResponse response;
        const auto t0 = Clock::now();
        const grpc::Status status = ingest->Assert(&context, request, &response);
        const double ms = Ms(Clock::now() - t0);
        if (!status.ok()) {
          if (errors++ == 0) std::fprintf(stderr, "Assert: %s\n", status.error_message().c_str());
          continue;
        }
        if (i > 0) per_writer[w].push_back(ms);  // the first call opens the connection
      }
    });
  }
  for (std::thread& t : threads) t.join();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (const auto& v : per_writer) result.ms.insert(result.ms.end(), v.begin(), v.end());
  result.errors = errors.load();
  auto admin = v1::AdminService::NewStub(Channel(port));
  grpc::ClientContext context;
  v1::GetStatsResponse stats;
  if (admin->GetStats(&context, {}, &stats).ok()) {
    result.commits = stats.commits();
    result.syncs = stats.wal_syncs();
  }
  (*server)->Shutdown(absl::ZeroDuration());
  return result;
}

// p50 and p99 of an empty health Check on a fresh server, milliseconds.
std::pair<double, double> EmptyCallFloor(const std::filesystem::path& dir) {
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir.string();
  absl::StatusOr<std::unique_ptr<server::KgServer>> server = server::KgServer::Start(options);
  if (!server.ok()) std::exit(1);
  auto health = grpc::health::v1::Health::NewStub(Channel((*server)->port()));
  std::vector<double> ms;
  for (int i = 0; i < 3000; ++i) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckResponse response;
    const auto t0 = Clock::now();
    if (!health->Check(&context, {}, &response).ok()) std::exit(1);
    if (i >= 200) ms.push_back(Ms(Clock::now() - t0));
  }
  (*server)->Shutdown(absl::ZeroDuration());
  return {Percentile(ms, 0.5), Percentile(ms, 0.99)};
}

// p50 and p99 of a raw RocksDB Put (100-byte value), milliseconds.
std::pair<double, double> PutFloor(const std::filesystem::path& dir, bool sync) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir.string(), &raw).ok()) std::exit(1);
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  std::vector<double> ms;
  const std::string value(100, 'v');
  for (int i = 0; i < 2000; ++i) {
    const auto t0 = Clock::now();
    if (!db->Put(wo, absl::StrCat("key", i), value).ok()) std::exit(1);
    if (i >= 100) ms.push_back(Ms(Clock::now() - t0));
  }
  return {Percentile(ms, 0.5), Percentile(ms, 0.99)};
}

}  // namespace

int RunIngestBench(double seconds, const std::filesystem::path& root) {
  const auto [call_p50, call_p99] = EmptyCallFloor(root / "floor-call");
  const auto [sync_p50, sync_p99] = PutFloor(root / "floor-put-sync", true);
  const auto [put_p50, put_p99] = PutFloor(root / "floor-put", false);
  std::printf(
      "| sync_writes | writers | calls | calls/s | statements/s | p50 ms | p99 ms | "
      "p50 / empty call | p50 / synced Put | WAL syncs per commit | errors |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  int config = 0;
  for (bool sync : {true, false}) {
    for (int writers : {1, 8}) {
      const Result r = RunConfig(root / absl::StrCat("ingest-", config++), sync, writers, seconds);
      const double p50 = Percentile(r.ms, 0.5), p99 = Percentile(r.ms, 0.99);
      const double rate = static_cast<double>(r.ms.size()) / r.seconds;
      std::printf("| %s | %d | %zu | %.0f | %.0f | %.3f | %.3f | %.1f | %.2f | %.2f | %lld |\n",
                  sync ? "on" : "off", writers, r.ms.size(), rate, rate, p50, p99, p50 / call_p50,
                  p50 / sync_p50,
                  r.commits > 0 ? static_cast<double>(r.syncs) / static_cast<double>(r.commits) : 0,
                  static_cast<long long>(r.errors));
    }
  }
  std::printf("| floor | empty gRPC call (health Check) | | | | %.3f | %.3f | | | | |\n", call_p50,
              call_p99);
  std::printf("| floor | raw RocksDB Put, sync | | | | %.3f | %.3f | | | | |\n", sync_p50,
              sync_p99);
  std::printf("| floor | raw RocksDB Put, no sync | | | | %.3f | %.3f | | | | |\n", put_p50,
              put_p99);
  return 0;
}

}  // namespace kg
