#!/usr/bin/env bash
# Generates the standard workload with N statements, loads it, serves it with
# kgd on a free port, runs kg_bench against it, and stops kgd.
#
#   tools/bench/run.sh 100000            # build dir: $BUILD or ./build
#   BUILD=build-query tools/bench/run.sh 1000000
#
# Everything goes into a temp dir under /tmp, removed at the end (KEEP=1
# keeps it). Needs kgd, kg_load and kg_bench built in $BUILD.
set -euo pipefail

N=${1:?usage: run.sh N}
SEED=${SEED:-42}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
GEN=${GEN:-$ROOT/../shared/bench/gen.py}
PY=${PY:-/usr/bin/python3}

for bin in server/kgd tools/bench/kg_load tools/bench/kg_bench; do
  [[ -x "$BUILD/$bin" ]] || { echo "run.sh: $BUILD/$bin not built" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/kg-bench-XXXXXX)
KGD_PID=""
cleanup() {
  if [[ -n "$KGD_PID" ]]; then kill "$KGD_PID" 2>/dev/null || true; wait "$KGD_PID" 2>/dev/null || true; fi
  if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

echo "== generate N=$N seed=$SEED"
"$PY" "$GEN" --statements "$N" --seed "$SEED" --out "$WORK/gen" --nq-parts 1
echo "== load"
"$BUILD/tools/bench/kg_load" --in "$WORK/gen" --data_dir "$WORK/data"
du -sh "$WORK/data" | sed 's/^/data dir: /'
echo "== serve"
"$BUILD/server/kgd" --listen 127.0.0.1:0 --http_listen 127.0.0.1:0 --port_file "$WORK/port" --data_dir "$WORK/data" \
  >"$WORK/kgd.log" 2>&1 &
KGD_PID=$!
for _ in $(seq 1 600); do
  [[ -f "$WORK/port" && "$(wc -l <"$WORK/port")" -ge 1 ]] && break
  kill -0 "$KGD_PID" 2>/dev/null || { cat "$WORK/kgd.log" >&2; exit 1; }
  sleep 0.1
done
[[ -s "$WORK/port" ]] || { echo "run.sh: kgd did not start" >&2; cat "$WORK/kgd.log" >&2; exit 1; }
PORT=$(cat "$WORK/port")
echo "== bench (kgd on 127.0.0.1:$PORT)"
"$BUILD/tools/bench/kg_bench" --target "127.0.0.1:$PORT" --queries "$WORK/gen/queries.json"
