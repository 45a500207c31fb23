#!/usr/bin/env bash
# The test command: installs what is missing, builds kgd twice (Release, and
# AddressSanitizer + UndefinedBehaviorSanitizer), warnings as errors, and runs
# every test. Unit and integration tests run in both builds; end-to-end
# tests (CLI, Python and Node clients) run in the first. Last, each libFuzzer
# target runs for 30 s (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

jobs=$(nproc)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DKG_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs" --timeout 600

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKG_WERROR=ON -DKG_SANITIZE=ON \
  -DKG_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 900 -L "unit|integration"

scripts/fuzz.sh 30
