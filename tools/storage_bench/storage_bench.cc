// kg_storage_bench: the storage hot paths against a real kg::Store on disk,
// each also reported as a multiple of the machine's floor, a raw RocksDB Get
// on a 1M-key database measured in the same run (counter "x_get" and the
// table printed at the end).
//
//   kg_storage_bench --benchmark_min_time=0.2 [--benchmark_repetitions=3]
//
// Times are wall clock (the table gives the median over repetitions); the
// machine is shared, so compare the ratios, not the absolute numbers.
//
// Everything lives in a fresh directory under $TMPDIR, removed at exit.
// The store is loaded once with kActors armed groups, each with
// kEdgesPerActor "opposes" statements (one evidence each); the write
// benchmarks then add new statements on top of it.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "storage/corroboration.h"
#include "storage/store.h"

namespace kg {
namespace {

constexpr int kFloorKeys = 1'000'000;
constexpr int kActors = 10'000;
constexpr int kEdgesPerActor = 8;
constexpr int kDocuments = 100;
constexpr int kOutlets = 10;

// ---- Environment: temp dir, the floor database and the store ---------------

std::filesystem::path& Root() {
  static std::filesystem::path root = [] {
    std::random_device rd;
    std::filesystem::path p = std::filesystem::temp_directory_path() /
                              ("kg-storage-bench-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(p);
    return p;
  }();
  return root;
}

void Die(const std::string& what) {
  std::fprintf(stderr, "kg_storage_bench: %s\n", what.c_str());
  std::exit(1);
}

std::string FloorKey(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%09d", i);
  return buf;
}

std::unique_ptr<rocksdb::DB>& FloorDb() {
  static std::unique_ptr<rocksdb::DB> db;
  return db;
}

// A 1M-key RocksDB with a block cache and bloom filters, flushed and
// compacted: the cheapest point read this machine does.
rocksdb::DB* OpenFloorDb() {
  std::unique_ptr<rocksdb::DB>& db = FloorDb();
  if (db) return db.get();
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(256 << 20);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, (Root() / "floor").string(), &raw);
  if (!s.ok()) Die("open floor db: " + s.ToString());
  db.reset(raw);
  rocksdb::WriteOptions write;
  write.disableWAL = true;
  const std::string value(64, 'v');
  for (int start = 0; start < kFloorKeys; start += 10'000) {
    rocksdb::WriteBatch batch;
    for (int i = start; i < start + 10'000 && i < kFloorKeys; ++i) batch.Put(FloorKey(i), value);
    s = db->Write(write, &batch);
    if (!s.ok()) Die("load floor db: " + s.ToString());
  }
  if (!(s = db->Flush(rocksdb::FlushOptions())).ok()) Die("flush: " + s.ToString());
  s = db->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr);
  if (!s.ok()) Die("compact: " + s.ToString());
  return db.get();
}

std::string ActorId(int i) { return "actor/" + std::to_string(i); }

Evidence MakeEvidence(uint64_t n) {
  Evidence e;
  e.document = "doc/" + std::to_string(n % kDocuments);
  e.publisher = "outlet/" + std::to_string(n % kOutlets);
  e.claimant_description = "senior opposition sources";
  e.excerpt = "fresh supplies ahead of an expected offensive";
  e.confidence = 0.7;
  e.reliability = 'B';
  e.credibility = 2;
  e.extractor = "importer:bench";
  e.reported_on = "2019-05-11";
  return e;
}

Statement MakeStatement(int subject, std::string predicate, int object, uint64_t n) {
  Statement s;
  s.subject = ActorId(subject);
  s.predicate = std::move(predicate);
  s.object = Value::Entity(ActorId(object));
  s.evidence.push_back(MakeEvidence(n));
  return s;
}

Entity MakeEntity(std::string id, std::string kind, std::string label) {
  Entity e;
  e.id = std::move(id);
  e.kind = std::move(kind);
  e.label = std::move(label);
  return e;
}

std::unique_ptr<Store>& TheStore() {
  static std::unique_ptr<Store> store;
  return store;
}

Store* OpenStore() {
  std::unique_ptr<Store>& store = TheStore();
  if (store) return store.get();
  StoreOptions options;
  options.path = (Root() / "store").string();
  absl::StatusOr<std::unique_ptr<Store>> opened = Store::Open(options);
  if (!opened.ok()) Die("open store: " + opened.status().ToString());
  store = std::move(opened).value();
  const WriteContext context{.principal = "bench"};

  WriteBatch entities;
  for (int i = 0; i < kDocuments; ++i) {
    entities.entities.push_back(
        MakeEntity("doc/" + std::to_string(i), "Document", "report " + std::to_string(i)));
  }
  for (int i = 0; i < kOutlets; ++i) {
    entities.entities.push_back(
        MakeEntity("outlet/" + std::to_string(i), "MediaOutlet", "outlet " + std::to_string(i)));
  }
  for (int i = 0; i < kActors; ++i) {
    entities.entities.push_back(
        MakeEntity(ActorId(i), "ArmedGroup", "armed group " + std::to_string(i)));
  }
  absl::StatusOr<WriteResult> r = store->Apply(entities, context);
  if (!r.ok()) Die("load entities: " + r.status().ToString());

  WriteBatch batch;
  uint64_t n = 0;
  for (int i = 0; i < kActors; ++i) {
    for (int k = 0; k < kEdgesPerActor; ++k) {
      batch.statements.push_back(MakeStatement(i, "opposes", (i + 1 + k * 997) % kActors, n++));
    }
    if (batch.statements.size() >= 1000 || i == kActors - 1) {
      r = store->Apply(batch, context);
      if (!r.ok()) Die("load statements: " + r.status().ToString());
      batch.statements.clear();
    }
  }
  return store.get();
}

// ---- Reporting against the floor ---------------------------------------------

// Per operation: the samples of its longest runs (with
// --benchmark_repetitions=N, one per repetition), and their median.
struct Samples {
  int64_t iterations = 0;
  std::vector<double> ns_per_op;
  double Median() const {
    std::vector<double> v = ns_per_op;
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
  }
};

double g_floor_ns = 0;  // median of the floor's samples so far
std::map<std::string, Samples>& Results() {
  static std::map<std::string, Samples> m;
  return m;
}
std::vector<std::string>& Order() {
  static std::vector<std::string> v;
  return v;
}

// Wall time of the benchmark's timed loop, divided per operation. Google
// Benchmark re-runs a function with growing iteration counts; only the
// longest runs are kept.
class OpTimer {
 public:
  explicit OpTimer(benchmark::State& state) : state_(state) {}
  void Start() { start_ = std::chrono::steady_clock::now(); }
  double Stop(const std::string& name, double ops_per_iteration = 1) {
    const double ns =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start_).count();
    const int64_t iterations = state_.iterations();
    if (iterations == 0) return 0;
    const double per_op = ns / (static_cast<double>(iterations) * ops_per_iteration);
    if (Results().count(name) == 0) Order().push_back(name);
    Samples& samples = Results()[name];
    if (iterations > samples.iterations) {
      samples.iterations = iterations;
      samples.ns_per_op.clear();
    }
    if (iterations == samples.iterations) samples.ns_per_op.push_back(per_op);
    if (g_floor_ns > 0) state_.counters["x_get"] = per_op / g_floor_ns;
    state_.counters["ns_per_op"] = per_op;
    return per_op;
  }

 private:
  benchmark::State& state_;
  std::chrono::steady_clock::time_point start_;
};

// Cheap deterministic index stream (xorshift).
class Indexes {
 public:
  explicit Indexes(uint64_t seed) : x_(seed | 1) {}
  int Next(int bound) {
    x_ ^= x_ << 13;
    x_ ^= x_ >> 7;
    x_ ^= x_ << 17;
    return static_cast<int>(x_ % static_cast<uint64_t>(bound));
  }

 private:
  uint64_t x_;
};

// ---- Benchmarks ------------------------------------------------------------------

void BM_RocksDbGet_Floor(benchmark::State& state) {
  rocksdb::DB* db = OpenFloorDb();
  std::vector<std::string> keys;
  Indexes idx(1);
  for (int i = 0; i < 4096; ++i) keys.push_back(FloorKey(idx.Next(kFloorKeys)));
  std::string value;
  size_t i = 0;
  OpTimer timer(state);
  timer.Start();
  for (auto _ : state) {
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), keys[i++ & 4095], &value);
    if (!s.ok()) state.SkipWithError("Get failed");
    benchmark::DoNotOptimize(value);
  }
  timer.Stop("RocksDB Get (1M keys)");
  g_floor_ns = Results()["RocksDB Get (1M keys)"].Median();
  state.counters["x_get"] = 1;
}
BENCHMARK(BM_RocksDbGet_Floor);

void BM_LookupEntity(benchmark::State& state) {
  Store* store = OpenStore();
  std::unique_ptr<View> view = store->NewView();
  std::vector<std::string> ids;
  Indexes idx(2);
  for (int i = 0; i < 4096; ++i) ids.push_back(ActorId(idx.Next(kActors)));
  size_t i = 0;
  OpTimer timer(state);
  timer.Start();
  for (auto _ : state) {
    absl::StatusOr<TermId> id = view->LookupEntity(ids[i++ & 4095]);
    if (!id.ok()) state.SkipWithError("LookupEntity failed");
    benchmark::DoNotOptimize(id);
  }
  timer.Stop("LookupEntity");
}
BENCHMARK(BM_LookupEntity);

std::atomic<uint64_t> g_next_triple{0};

// A triple never asserted before: subject s, object (s + 1 + n / kActors).
Statement FreshStatement(const std::string& predicate) {
  const uint64_t n = g_next_triple++;
  const int subject = static_cast<int>(n % kActors);
  const int object = static_cast<int>((subject + 1 + n / kActors) % kActors);
  return MakeStatement(subject, predicate, object, n);
}

void BM_AssertOneStatement(benchmark::State& state) {
  Store* store = OpenStore();
  const WriteContext context{.principal = "bench"};
  WriteBatch batch;
  batch.statements.resize(1);
  OpTimer timer(state);
  timer.Start();
  for (auto _ : state) {
    batch.statements[0] = FreshStatement("supplies");  // ~0.3 µs of the time
    absl::StatusOr<WriteResult> r = store->Apply(batch, context);
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
  }
  timer.Stop("Apply: 1 statement + 1 evidence");
}
BENCHMARK(BM_AssertOneStatement);

void BM_AssertBatch1000(benchmark::State& state) {
  Store* store = OpenStore();
  const WriteContext context{.principal = "bench"};
  WriteBatch batch;
  double build_ns = 0;
  OpTimer timer(state);
  timer.Start();
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    batch.statements.clear();
    for (int i = 0; i < 1000; ++i) batch.statements.push_back(FreshStatement("backs"));
    build_ns +=
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    absl::StatusOr<WriteResult> r = store->Apply(batch, context);
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
  }
  timer.Stop("Apply: batch of 1,000 (per statement)", 1000);
  state.SetItemsProcessed(state.iterations() * 1000);
  state.counters["build_ns_per_stmt"] = build_ns / (static_cast<double>(state.iterations()) * 1000);
}
BENCHMARK(BM_AssertBatch1000)->Unit(benchmark::kMillisecond);

void BM_MatchSubject(benchmark::State& state) {
  Store* store = OpenStore();
  std::unique_ptr<View> view = store->NewView();
  std::vector<std::string> ids;
  Indexes idx(3);
  for (int i = 0; i < 4096; ++i) ids.push_back(ActorId(idx.Next(kActors)));
  const Filter filter;
  size_t i = 0;
  int64_t rows = 0;
  Pattern pattern;
  pattern.predicate = "opposes";
  OpTimer timer(state);
  timer.Start();
  for (auto _ : state) {
    pattern.subject = ids[i++ & 4095];
    absl::StatusOr<Page<Statement>> page = view->Match(pattern, filter, 100, "");
    if (!page.ok())
      state.SkipWithError(page.status().ToString().c_str());
    else
      rows += static_cast<int64_t>(page->items.size());
  }
  timer.Stop("Match (subject + predicate bound)");
  state.counters["rows_per_call"] = static_cast<double>(rows) / state.iterations();
}
BENCHMARK(BM_MatchSubject);

void BM_ScanEdgesOut(benchmark::State& state) {
  Store* store = OpenStore();
  std::unique_ptr<View> view = store->NewView();
  std::vector<TermId> nodes;
  Indexes idx(4);
  for (int i = 0; i < 4096; ++i) {
    absl::StatusOr<TermId> id = view->LookupEntity(ActorId(idx.Next(kActors)));
    if (!id.ok()) Die("lookup: " + id.status().ToString());
    nodes.push_back(*id);
  }
  const Filter filter;
  size_t i = 0;
  int64_t edges = 0;
  OpTimer timer(state);
  timer.Start();
  for (auto _ : state) {
    absl::Status s = view->ScanEdges(nodes[i++ & 4095], Direction::kOut, std::nullopt, filter,
                                     [&](const Edge& e) {
                                       benchmark::DoNotOptimize(e);
                                       ++edges;
                                       return true;
                                     });
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  timer.Stop("ScanEdges (1 hop, out)");
  state.counters["edges_per_call"] = static_cast<double>(edges) / state.iterations();
}
BENCHMARK(BM_ScanEdgesOut);

void BM_NormalizeText(benchmark::State& state) {
  const std::string text = "Jabhat al-Nuṣrah fighters near Khan Sheikhoun, ÇANAKKALE";
  OpTimer timer(state);
  timer.Start();
  for (auto _ : state) benchmark::DoNotOptimize(NormalizeText(text));
  timer.Stop("NormalizeText (56 chars)");
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_NormalizeText);

void BM_Corroborate3(benchmark::State& state) {
  std::vector<Evidence> evidence = {MakeEvidence(0), MakeEvidence(1), MakeEvidence(2)};
  std::vector<const Evidence*> pointers = {&evidence[0], &evidence[1], &evidence[2]};
  OpTimer timer(state);
  timer.Start();
  for (auto _ : state) benchmark::DoNotOptimize(Corroborate(pointers));
  timer.Stop("Corroborate (3 evidence)");
}
BENCHMARK(BM_Corroborate3);

void PrintTable() {
  if (Order().empty()) return;
  std::printf("\n%-42s %14s %14s %8s\n", "operation", "median ns/op", "x RocksDB Get", "samples");
  for (const std::string& name : Order()) {
    const Samples& samples = Results()[name];
    const double ns = samples.Median();
    if (g_floor_ns > 0) {
      std::printf("%-42s %14.0f %14.2f %8zu\n", name.c_str(), ns, ns / g_floor_ns,
                  samples.ns_per_op.size());
    } else {
      std::printf("%-42s %14.0f %14s %8zu\n", name.c_str(), ns, "-", samples.ns_per_op.size());
    }
  }
}

}  // namespace
}  // namespace kg

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  kg::PrintTable();
  benchmark::Shutdown();
  kg::TheStore().reset();
  kg::FloorDb().reset();
  std::error_code ignored;  // best effort: a leftover temp dir is harmless
  std::filesystem::remove_all(kg::Root(), ignored);
  return 0;
}
