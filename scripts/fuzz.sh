#!/usr/bin/env bash
# Builds the libFuzzer targets under fuzz/ (clang, AddressSanitizer +
# UndefinedBehaviorSanitizer, in build-fuzz) and runs each for SECONDS
# (default 30) from a fresh copy of its seed corpus. Exits non-zero on any
# crash, sanitizer report or failed property; the input that caused it is
# kept in build-fuzz/artifacts/.
#
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2; }
targets=(fuzz_requests fuzz_page_token fuzz_codec fuzz_import fuzz_csv)

# -O1 and line tables: fast to build, readable stack traces.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" -DKG_FUZZ=ON -DKG_WERROR=ON \
  -DKG_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target fuzz_all

# Seeds are generated (and the checked-in ones copied) into a scratch
# directory that the fuzzer may grow; fuzz/corpus is never written.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
build-fuzz/fuzz/make_corpus "$scratch" tools/demo/idlib.jsonl
artifacts=build-fuzz/artifacts
mkdir -p "$artifacts"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t"
  if [[ -d fuzz/corpus/$t ]]; then cp fuzz/corpus/"$t"/* "$scratch/$t/"; fi
  echo "fuzz: $t for ${seconds}s ($(ls "$scratch/$t" | wc -l) seeds)" >&2
  if ! build-fuzz/fuzz/"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts/$t-" "$scratch/$t" \
    >"$scratch/$t.log" 2>&1; then
    tail -n 60 "$scratch/$t.log" >&2
    echo "fuzz: $t failed; the input is in $artifacts/" >&2
    exit 1
  fi
  grep -E "stat::number_of_executed_units|stat::new_units_added" "$scratch/$t.log" | tr '\n' ' ' >&2
  echo >&2
done
