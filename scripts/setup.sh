#!/usr/bin/env bash
# Installs kgd's build and test dependencies from Debian 12 packages.
# Idempotent: installs only what is missing. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  librocksdb-dev libabsl-dev libssl-dev libserd-dev  # serd: RDF (interop/)
  libcpp-httplib-dev  # kgd's HTTP side (http/)
  python3-prometheus-client  # tests/http checks /metrics with Prometheus' parser
  nlohmann-json3-dev  # STIX 2.1 and the event-table mappings (interop/)
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  python3 python3-grpcio python3-protobuf python3-grpc-tools
  clang-format graphviz curl ca-certificates
  chromium  # the explorer's browser test (tests/e2e/explorer_test.py), driven headless
  clang libclang-rt-14-dev  # libFuzzer and the sanitizer runtimes for scripts/fuzz.sh
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js for the Node client example; any node >= 18 on PATH will do.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
