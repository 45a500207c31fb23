// kg_bench: runs the standard workload's queries (queries.json from gen.py)
// against a running kgd over gRPC, one client, one query at a time, and
// prints per query type the median and p99 latency and the rows returned per
// query, next to the floor measured in the same run: an empty gRPC call (the
// standard health Check) and a raw RocksDB Get on a temp database of small
// keys.
//
//   kg_bench --target 127.0.0.1:PORT --queries DIR/queries.json
//
// Queries (entity n of the workload is "e/<n>"):
//   Q1 out-neighbours          GraphService.Neighbors, direction OUT, all pages
//   Q2 1-2 out-hops, preds     GraphService.Traverse max_depth 2, predicates_allow
//   Q3 3 out-hops, cap 10,000  GraphService.Traverse max_depth 3, max_nodes 10000
//   Q4 shortest path <= 4      GraphService.FindPaths, direction OUT
//   Q5 evidence of a statement GraphService.MatchStatements with s, p, o bound
//   Q6 publisher's claims      ProvenanceService.ListClaims publisher + dates, all pages
// Rows: Q1 neighbours, Q2/Q3 nodes reached (seed excluded), Q4 hops of the
// path (0 = none), Q5 evidence records, Q6 statements.
//
// Benchmarks are measurements, not tests: nothing here asserts a time.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "kg/v1/kg.grpc.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

ABSL_FLAG(std::string, target, "", "host:port of a running kgd.");
ABSL_FLAG(std::string, queries, "", "queries.json written by gen.py.");
ABSL_FLAG(int32_t, floor_keys, 1000000, "Keys in the raw RocksDB floor database.");
ABSL_FLAG(int32_t, floor_calls, 2000, "Empty gRPC calls and RocksDB Gets for the floor.");
ABSL_FLAG(int32_t, page_size, 1000, "page_size for paged reads (Q1, Q6).");
ABSL_FLAG(double, deadline_s, 30, "Deadline of each call, seconds.");

namespace {

using Clock = std::chrono::steady_clock;
using google::protobuf::Struct;
using google::protobuf::Value;

struct Sample {
  double ms = 0;
  int64_t rows = 0;
};

struct Summary {
  std::string name;
  std::string what;
  double target_ms = 0;  // 0: no target
  std::vector<Sample> samples;
  int64_t errors = 0;
  std::string first_error;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

std::string Entity(const Value& n) {
  return absl::StrCat("e/", static_cast<int64_t>(n.number_value()));
}

class Bench {
 public:
  explicit Bench(std::shared_ptr<grpc::Channel> channel)
      : graph_(kg::v1::GraphService::NewStub(channel)),
        provenance_(kg::v1::ProvenanceService::NewStub(channel)),
        health_(grpc::health::v1::Health::NewStub(channel)) {}

  // Runs one query; returns rows, or -1 with *error set.
  int64_t Run(const std::string& q, const Struct& p, std::string* error) {
    const auto& f = p.fields();
    grpc::Status status;
    int64_t rows = 0;
    if (q == "Q1") {
      kg::v1::NeighborsRequest req;
      req.set_id(Entity(f.at("id")));
      req.set_direction(kg::v1::OUT);
      req.set_page_size(absl::GetFlag(FLAGS_page_size));
      for (int page = 0; page < 100000; ++page) {
        auto ctx = Context();
        kg::v1::NeighborsResponse resp;
        status = graph_->Neighbors(ctx.get(), req, &resp);
        if (!status.ok()) break;
        rows += resp.neighbors_size();
        if (resp.next_page_token().empty()) break;
        req.set_page_token(resp.next_page_token());
      }
    } else if (q == "Q2" || q == "Q3") {
      kg::v1::TraverseRequest req;
      req.add_seeds(Entity(f.at("id")));
      req.set_direction(kg::v1::OUT);
      req.set_omit_labels(true);  // rows only; labels cost one record read per node
      if (q == "Q2") {
        req.set_max_depth(2);
        for (const Value& pred : f.at("preds").list_value().values()) {
          req.add_predicates_allow(pred.string_value());
        }
      } else {
        req.set_max_depth(static_cast<int32_t>(f.at("depth").number_value()));
        req.set_max_nodes(static_cast<int32_t>(f.at("cap").number_value()));
      }
      auto ctx = Context();
      auto reader = graph_->Traverse(ctx.get(), req);
      kg::v1::TraverseResponse resp;
      while (reader->Read(&resp)) {
        for (const auto& step : resp.steps()) rows += step.depth() > 0 ? 1 : 0;
      }
      status = reader->Finish();
    } else if (q == "Q4") {
      kg::v1::FindPathsRequest req;
      req.set_from(Entity(f.at("src")));
      req.set_to(Entity(f.at("dst")));
      req.set_max_depth(static_cast<int32_t>(f.at("maxdepth").number_value()));
      req.set_direction(kg::v1::OUT);
      auto ctx = Context();
      kg::v1::FindPathsResponse resp;
      status = graph_->FindPaths(ctx.get(), req, &resp);
      if (resp.paths_size() > 0) rows = resp.paths(0).hops_size();
    } else if (q == "Q5") {
      kg::v1::MatchStatementsRequest req;
      req.set_subject(Entity(f.at("s")));
      req.set_predicate(f.at("p").string_value());
      req.mutable_object()->set_entity(Entity(f.at("o")));
      auto ctx = Context();
      kg::v1::StatementsPage resp;
      status = graph_->MatchStatements(ctx.get(), req, &resp);
      for (const auto& s : resp.statements()) rows += s.evidence_size();
    } else if (q == "Q6") {
      kg::v1::ListClaimsRequest req;
      req.set_publisher(Entity(f.at("publisher")));
      req.set_date_from(f.at("from").string_value());
      req.set_date_to(f.at("to").string_value());
      req.set_page_size(absl::GetFlag(FLAGS_page_size));
      for (int page = 0; page < 100000; ++page) {
        auto ctx = Context();
        kg::v1::StatementsPage resp;
        status = provenance_->ListClaims(ctx.get(), req, &resp);
        if (!status.ok()) break;
        rows += resp.statements_size();
        if (resp.next_page_token().empty()) break;
        req.set_page_token(resp.next_page_token());
      }
    }
    if (!status.ok()) {
      *error =
          absl::StrCat(q, ": ", static_cast<int>(status.error_code()), " ", status.error_message());
      return -1;
    }
    return rows;
  }

  bool Health(std::string* error) {
    auto ctx = Context();
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = health_->Check(ctx.get(), req, &resp);
    if (!s.ok()) *error = s.error_message();
    return s.ok();
  }

 private:
  static std::unique_ptr<grpc::ClientContext> Context() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(
        std::chrono::system_clock::now() +
        std::chrono::microseconds(static_cast<int64_t>(absl::GetFlag(FLAGS_deadline_s) * 1e6)));
    return ctx;
  }

  std::unique_ptr<kg::v1::GraphService::Stub> graph_;
  std::unique_ptr<kg::v1::ProvenanceService::Stub> provenance_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

// Median and p99 of a raw RocksDB Get over `keys` small keys, all cached.
bool RocksFloor(int32_t keys, int32_t gets, std::vector<double>* us) {
  const std::string dir =
      (std::filesystem::temp_directory_path() /
       absl::StrCat("kg-bench-floor-", std::random_device{}(), "-", std::random_device{}()))
          .string();
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(256 << 20);
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) {
    std::fprintf(stderr, "kg_bench: floor db: %s\n", s.ToString().c_str());
    return false;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  auto key = [](int32_t i) { return absl::StrFormat("k%012d", i); };
  for (int32_t i = 0; i < keys && s.ok();) {
    rocksdb::WriteBatch batch;
    for (int32_t j = 0; j < 10000 && i < keys; ++j, ++i) batch.Put(key(i), "v01234567890123");
    s = db->Write(rocksdb::WriteOptions(), &batch);
  }
  if (s.ok()) s = db->Flush(rocksdb::FlushOptions());
  if (s.ok()) s = db->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr);
  std::mt19937 rng(7);
  std::string value;
  for (int32_t i = 0; i < gets + 1000 && s.ok(); ++i) {
    const std::string k = key(static_cast<int32_t>(rng() % keys));
    const auto t0 = Clock::now();
    s = db->Get(rocksdb::ReadOptions(), k, &value);
    const double t = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    if (i >= 1000) us->push_back(t);  // the first 1000 warm the cache
  }
  db.reset();
  std::error_code ignored;  // best effort: a leftover temp dir is harmless
  std::filesystem::remove_all(dir, ignored);
  if (!s.ok()) std::fprintf(stderr, "kg_bench: floor db: %s\n", s.ToString().c_str());
  return s.ok();
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string target = absl::GetFlag(FLAGS_target);
  const std::string path = absl::GetFlag(FLAGS_queries);
  if (target.empty() || path.empty()) {
    std::fprintf(stderr, "kg_bench: --target and --queries are required\n");
    return 1;
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  Struct queries;
  if (!in || !google::protobuf::util::JsonStringToMessage(text.str(), &queries).ok()) {
    std::fprintf(stderr, "kg_bench: cannot read %s\n", path.c_str());
    return 1;
  }

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  Bench bench(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));

  // The floor: empty gRPC calls.
  const int32_t floor_calls = absl::GetFlag(FLAGS_floor_calls);
  std::vector<double> health_ms;
  std::string error;
  for (int32_t i = 0; i < floor_calls + 200; ++i) {
    const auto t0 = Clock::now();
    if (!bench.Health(&error)) {
      std::fprintf(stderr, "kg_bench: health Check: %s\n", error.c_str());
      return 1;
    }
    if (i >= 200) {
      health_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
  }

  const std::vector<std::pair<std::string, std::pair<std::string, double>>> kinds = {
      {"Q1", {"out-neighbours", 0.15}},          {"Q2", {"1-2 out-hops, listed preds", 0.3}},
      {"Q3", {"3 out-hops, cap 10,000", 10}},    {"Q4", {"shortest path <= 4 hops", 1}},
      {"Q5", {"evidence of a statement", 0.15}}, {"Q6", {"publisher claims, date range", 0.3}}};
  const auto& warmup = queries.fields().at("warmup").struct_value().fields();
  const auto& measured = queries.fields().at("measured").struct_value().fields();
  std::vector<Summary> results;
  for (const auto& [q, info] : kinds) {
    Summary sum{q, info.first, info.second, {}, 0, ""};
    if (!warmup.contains(q) || !measured.contains(q)) continue;
    for (const Value& p : warmup.at(q).list_value().values()) {
      bench.Run(q, p.struct_value(), &error);
    }
    for (const Value& p : measured.at(q).list_value().values()) {
      const auto t0 = Clock::now();
      const int64_t rows = bench.Run(q, p.struct_value(), &error);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (rows < 0) {
        if (sum.errors++ == 0) sum.first_error = error;
        continue;
      }
      sum.samples.push_back({ms, rows});
    }
    results.push_back(std::move(sum));
  }

  std::vector<double> get_us;
  const bool floor_ok =
      RocksFloor(absl::GetFlag(FLAGS_floor_keys), absl::GetFlag(FLAGS_floor_calls) * 50, &get_us);

  std::printf(
      "| query | what | n | median ms | p99 ms | p99/median | rows/query (mean) | "
      "target median ms | median / target |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  for (const Summary& s : results) {
    std::vector<double> ms;
    double rows = 0;
    for (const Sample& x : s.samples) {
      ms.push_back(x.ms);
      rows += static_cast<double>(x.rows);
    }
    const double median = Percentile(ms, 0.5);
    const double p99 = Percentile(ms, 0.99);
    std::printf("| %s | %s | %zu | %.3f | %.3f | %.1f | %.1f | %.2f | %.2f |\n", s.name.c_str(),
                s.what.c_str(), ms.size(), median, p99, median > 0 ? p99 / median : 0,
                ms.empty() ? 0 : rows / static_cast<double>(ms.size()), s.target_ms,
                median / s.target_ms);
    if (s.errors > 0) {
      std::printf("|   | %lld errors, first: %s | | | | | | | |\n",
                  static_cast<long long>(s.errors), s.first_error.c_str());
    }
  }
  std::printf("| floor | empty gRPC call (health Check) | %zu | %.3f | %.3f | %.1f | | | |\n",
              health_ms.size(), Percentile(health_ms, 0.5), Percentile(health_ms, 0.99),
              Percentile(health_ms, 0.99) / std::max(1e-9, Percentile(health_ms, 0.5)));
  if (floor_ok) {
    std::printf("| floor | raw RocksDB Get, %d keys, cached | %zu | %.4f | %.4f | %.1f | | | |\n",
                absl::GetFlag(FLAGS_floor_keys), get_us.size(), Percentile(get_us, 0.5) / 1000,
                Percentile(get_us, 0.99) / 1000,
                Percentile(get_us, 0.99) / std::max(1e-9, Percentile(get_us, 0.5)));
  }
  return 0;
}
