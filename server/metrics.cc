#include "server/metrics.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kg::server {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

constexpr const char* kServices[] = {"kg.v1.IngestService", "kg.v1.GraphService",
                                     "kg.v1.ProvenanceService", "kg.v1.AdminService"};

constexpr const char* kCodeNames[RpcCounters::kNumCodes] = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

void Header(std::string& out, absl::string_view name, absl::string_view type,
            absl::string_view help) {
  absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

}  // namespace

absl::string_view StatusCodeName(int code) {
  return code >= 0 && code < RpcCounters::kNumCodes ? kCodeNames[code] : "UNKNOWN";
}

void RpcCounters::Record(int code, absl::Duration latency) {
  by_code_[code >= 0 && code < kNumCodes ? code : 2].fetch_add(1, kRelaxed);  // else UNKNOWN
  const double seconds = absl::ToDoubleSeconds(latency);
  const int bucket = static_cast<int>(
      std::lower_bound(std::begin(kBuckets), std::end(kBuckets), seconds) - std::begin(kBuckets));
  buckets_[bucket].fetch_add(1, kRelaxed);
  latency_ns_.fetch_add(absl::ToInt64Nanoseconds(latency), kRelaxed);
}

RpcMetrics::RpcMetrics() {
  for (const char* service : kServices) {
    const google::protobuf::ServiceDescriptor* s =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    if (s == nullptr) continue;
    for (int i = 0; i < s->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* m = s->method(i);
      std::string name = absl::StrCat(service, "/", m->name());
      auto counters =
          std::make_unique<RpcCounters>(name, m->client_streaming() || m->server_streaming());
      rpcs_.emplace(std::move(name), std::move(counters));
    }
  }
}

RpcCounters* RpcMetrics::Find(absl::string_view rpc) const {
  auto it = rpcs_.find(rpc);
  return it == rpcs_.end() ? nullptr : it->second.get();
}

void RpcMetrics::Opened(const RpcCounters& rpc) {
  active_calls_.fetch_add(1, kRelaxed);
  if (rpc.streaming()) active_streams_.fetch_add(1, kRelaxed);
}

void RpcMetrics::Closed(const RpcCounters& rpc) {
  active_calls_.fetch_sub(1, kRelaxed);
  if (rpc.streaming()) active_streams_.fetch_sub(1, kRelaxed);
}

void RpcMetrics::Render(std::string& out) const {
  // Sorted, so that a scrape reads the same way each time.
  std::vector<const RpcCounters*> rpcs;
  rpcs.reserve(rpcs_.size());
  for (const auto& [name, counters] : rpcs_) rpcs.push_back(counters.get());
  std::sort(rpcs.begin(), rpcs.end(),
            [](const RpcCounters* a, const RpcCounters* b) { return a->name() < b->name(); });

  Header(out, "kgd_rpc_calls_total", "counter",
         "Calls of each kg.v1 rpc that ended, refused ones included, over gRPC and HTTP.");
  for (const RpcCounters* r : rpcs) {
    int64_t total = 0;
    for (const auto& c : r->by_code_) total += c.load(kRelaxed);
    absl::StrAppend(&out, "kgd_rpc_calls_total{rpc=\"", r->name(), "\"} ", total, "\n");
  }
  Header(out, "kgd_rpc_errors_total", "counter",
         "Calls of each rpc that ended with a status other than OK, by status code.");
  for (const RpcCounters* r : rpcs) {
    for (int code = 1; code < RpcCounters::kNumCodes; ++code) {
      const int64_t n = r->by_code_[code].load(kRelaxed);
      if (n == 0) continue;
      absl::StrAppend(&out, "kgd_rpc_errors_total{rpc=\"", r->name(), "\",code=\"",
                      kCodeNames[code], "\"} ", n, "\n");
    }
  }
  Header(out, "kgd_rpc_latency_seconds", "histogram",
         "Time from a call's admission (or refusal) to its status, by rpc; rpcs not yet "
         "called are left out.");
  for (const RpcCounters* r : rpcs) {
    int64_t cumulative = 0;
    std::string lines;
    for (int b = 0; b <= RpcCounters::kNumBuckets; ++b) {
      cumulative += r->buckets_[b].load(kRelaxed);
      const std::string le =
          b == RpcCounters::kNumBuckets ? "+Inf" : absl::StrFormat("%g", RpcCounters::kBuckets[b]);
      absl::StrAppend(&lines, "kgd_rpc_latency_seconds_bucket{rpc=\"", r->name(), "\",le=\"", le,
                      "\"} ", cumulative, "\n");
    }
    if (cumulative == 0) continue;
    absl::StrAppend(&out, lines);
    absl::StrAppend(
        &out, "kgd_rpc_latency_seconds_sum{rpc=\"", r->name(), "\"} ",
        absl::StrFormat("%.9f", static_cast<double>(r->latency_ns_.load(kRelaxed)) / 1e9), "\n");
    absl::StrAppend(&out, "kgd_rpc_latency_seconds_count{rpc=\"", r->name(), "\"} ", cumulative,
                    "\n");
  }
  Header(out, "kgd_active_calls", "gauge", "Calls admitted and not yet ended.");
  absl::StrAppend(&out, "kgd_active_calls ", active_calls_.load(kRelaxed), "\n");
  Header(out, "kgd_active_streams", "gauge",
         "Of the active calls, the streaming ones (BulkIngest, Import, Traverse, Export, Watch).");
  absl::StrAppend(&out, "kgd_active_streams ", active_streams_.load(kRelaxed), "\n");
}

void RenderStoreMetrics(const StoreMetrics& m, const StoreHealth& health, std::string& out) {
  const auto counter = [&out](absl::string_view name, absl::string_view help, auto value) {
    Header(out, name, "counter", help);
    absl::StrAppend(&out, name, " ", value, "\n");
  };
  const auto gauge = [&out](absl::string_view name, absl::string_view help, auto value) {
    Header(out, name, "gauge", help);
    absl::StrAppend(&out, name, " ", value, "\n");
  };
  counter("kgd_write_batches_total",
          "Write batches (Assert, UpsertEntities, IngestDocument, "
          "BulkIngest messages, Import batches) committed since start.",
          m.write_batches);
  counter("kgd_entities_written_total", "Entity records written (unchanged ones not counted).",
          m.entities_written);
  counter("kgd_statements_written_total",
          "Statements in committed write batches, new or already known.", m.statements_written);
  counter("kgd_statements_created_total", "Statements (triples) stored for the first time.",
          m.statements_created);
  counter("kgd_evidence_written_total", "Evidence records added or revised.", m.evidence_written);
  counter("kgd_commits_total", "Write transactions committed (all kinds of write).",
          health.commits);
  counter("kgd_wal_syncs_total", "Write-ahead log syncs (concurrent writers share one).",
          health.wal_syncs);
  counter("kgd_rocksdb_block_cache_hits_total", "RocksDB block-cache hits.", m.block_cache_hits);
  counter("kgd_rocksdb_block_cache_misses_total", "RocksDB block-cache misses.",
          m.block_cache_misses);
  const int64_t lookups = m.block_cache_hits + m.block_cache_misses;
  gauge("kgd_rocksdb_block_cache_hit_ratio",
        "Block-cache hits / lookups since start (0 before the first lookup).",
        absl::StrFormat("%.6f", lookups == 0 ? 0.0
                                             : static_cast<double>(m.block_cache_hits) /
                                                   static_cast<double>(lookups)));
  gauge("kgd_rocksdb_pending_compaction_bytes",
        "RocksDB's estimate of the bytes compaction has still to rewrite.",
        m.pending_compaction_bytes);
  gauge("kgd_rocksdb_live_sst_bytes", "Bytes of the SST files of the current version.",
        m.live_sst_bytes);
  counter("kgd_rocksdb_background_errors_total", "RocksDB background errors since start.",
          m.background_errors);
  gauge("kgd_writable",
        "1 while the store accepts writes, 0 while they are stopped (a full "
        "disk, a background error; GetStats says why).",
        health.error.empty() ? 1 : 0);
}

}  // namespace kg::server
