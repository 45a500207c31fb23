// RpcMetrics: per-rpc call counts, error counts by status code and latency
// histograms, and the gauges of open calls and streams, kept by the CallGate
// (the one place every kg.v1 rpc passes) and rendered in the Prometheus text
// exposition format for kgd's /metrics (docs/HTTP.md lists the names).
//
// Cheap on the hot path: the table of rpcs is built once from the kg.v1
// service descriptors and never changes, so a call finds its counters
// without a lock and bumps relaxed atomics.
//
// Example:
//   RpcMetrics metrics;
//   RpcCounters* c = metrics.Find("kg.v1.GraphService/GetEntity");
//   c->Record(grpc::StatusCode::OK, absl::Milliseconds(2));
//   std::string text;
//   metrics.Render(text);

#ifndef KGD_SERVER_METRICS_H_
#define KGD_SERVER_METRICS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/store.h"

namespace kg::server {

// The counters of one rpc.
class RpcCounters {
 public:
  // Upper bounds (seconds) of the latency histogram's buckets; +Inf follows.
  static constexpr double kBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                        0.25,   0.5,   1,      2.5,   5,    10,    30,   60};
  static constexpr int kNumBuckets = sizeof(kBuckets) / sizeof(kBuckets[0]);
  static constexpr int kNumCodes = 17;  // google.rpc.Code 0..16

  RpcCounters(std::string name, bool streaming) : name_(std::move(name)), streaming_(streaming) {}

  // One finished (or refused) call: its status code and how long it took.
  void Record(int code, absl::Duration latency);

  const std::string& name() const { return name_; }
  bool streaming() const { return streaming_; }

 private:
  friend class RpcMetrics;
  const std::string name_;
  const bool streaming_;
  std::atomic<int64_t> by_code_[kNumCodes] = {};
  std::atomic<int64_t> buckets_[kNumBuckets + 1] = {};  // not cumulative; last is +Inf
  std::atomic<int64_t> latency_ns_{0};
};

class RpcMetrics {
 public:
  // One RpcCounters for every method of the kg.v1 services.
  RpcMetrics();

  // nullptr for a name that is not a kg.v1 rpc.
  RpcCounters* Find(absl::string_view rpc) const;

  // Open calls (and, of them, server or client streams) between a call's
  // admission and the release of its slot.
  void Opened(const RpcCounters& rpc);
  void Closed(const RpcCounters& rpc);

  // Appends the rpc metrics (kgd_rpc_*, kgd_active_*) to `out`.
  void Render(std::string& out) const;

 private:
  absl::flat_hash_map<std::string, std::unique_ptr<RpcCounters>> rpcs_;
  std::atomic<int64_t> active_calls_{0};
  std::atomic<int64_t> active_streams_{0};
};

// "INVALID_ARGUMENT" for 3: the name of a google.rpc.Code; "UNKNOWN" outside
// 0..16.
absl::string_view StatusCodeName(int code);

// Appends the store's metrics (kgd_write_*, kgd_rocksdb_*, ...) to `out`.
void RenderStoreMetrics(const StoreMetrics& metrics, const StoreHealth& health, std::string& out);

}  // namespace kg::server

#endif  // KGD_SERVER_METRICS_H_
