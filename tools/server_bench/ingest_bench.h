// The online ingest measurement of kg_server_bench (`--ingest`): Assert
// rate and latency with --sync_writes on and off, at 1 and 8 concurrent
// writers, next to the floor measured in the same run.

#ifndef KGD_TOOLS_SERVER_BENCH_INGEST_BENCH_H_
#define KGD_TOOLS_SERVER_BENCH_INGEST_BENCH_H_

#include <filesystem>

#include "kg/v1/kg.pb.h"

namespace kg {

// An Assert of entities actor/a, outlet/o, doc/d (publisher outlet/o) and a
// fourth, new one to rename per call, and one statement actor/a backs it
// with one evidence record: one new statement per call.
v1::AssertRequest OneStatementAssert();

// Runs every configuration for `seconds` each under `root` (fresh data dirs)
// and prints a markdown table. Returns the process exit code.
int RunIngestBench(double seconds, const std::filesystem::path& root);

}  // namespace kg

#endif  // KGD_TOOLS_SERVER_BENCH_INGEST_BENCH_H_
