#!/usr/bin/env bash
# The standard workload's N-Quads (../shared/bench/gen.py's nq/part-*.nq)
# through IngestService.Import into a fresh kgd, beside the offline bulk
# loader (kg_load) on the same data: statements/s of each.
#
# Usage: tools/bench/import_nquads.sh [N | DATA_DIR] (default 100000), after
# building kgd, kg and kg_load in build/ (BUILD=DIR for another).
#
# gen.py spreads entities, documents and statements over its parts by
# number, so a statement in one part may name an entity of another; kgd
# writes a statement only once its entities exist, so the quads go in one
# stream: every entity's type and name, then the documents, then the
# statements with their evidence.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-build}
GEN=${GEN:-$ROOT/../shared/bench/gen.py}
W=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$W"' EXIT
if [[ -d ${1:-} ]]; then
  DATA=$1
else
  DATA=$W/data
  /usr/bin/python3 "$GEN" --statements "${1:-100000}" --seed 1 --out "$DATA" >/dev/null
fi
STATEMENTS=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["statements"])' \
  "$DATA/manifest.json")

"$BUILD/server/kgd" --listen 127.0.0.1:0 --port_file "$W/port" --data_dir "$W/online" \
  >"$W/kgd.log" 2>&1 &
for _ in $(seq 100); do [[ -s $W/port ]] && break; sleep 0.1; done

meta='<urn:kg:meta> \.$'
t0=$(date +%s.%N)
{
  grep -h "$meta" "$DATA"/nq/part-*.nq | grep -v '^<http://kg.example/doc/'
  grep -h "$meta" "$DATA"/nq/part-*.nq | grep '^<http://kg.example/doc/'
  grep -hv "$meta" "$DATA"/nq/part-*.nq
} | "$BUILD/client/kg" --addr "127.0.0.1:$(cat "$W/port")" --timeout 3600 --format json \
  import --quiet --from nquads --mapping tools/bench/gen.vocabulary \
  --base-iri http://kg.example/ - >"$W/import.json"
t1=$(date +%s.%N)
"$BUILD/tools/bench/kg_load" --in "$DATA" --data_dir "$W/offline" >"$W/load.log" 2>&1
t2=$(date +%s.%N)

/usr/bin/python3 - "$W/import.json" "$STATEMENTS" "$t0" "$t1" "$t2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); n = int(sys.argv[2])
t0, t1, t2 = map(float, sys.argv[3:6])
c = r["counts"]
print("statements %d: Import %d created, %s evidence added, %s entities, %s quads skipped"
      % (n, int(c.get("statementsCreated", 0)), c.get("evidenceAdded", 0),
         c.get("entitiesWritten", 0), r.get("skippedUnmapped", 0)))
print("Import (nquads): %.1f s, %.0f statements/s" % (t1 - t0, n / (t1 - t0)))
print("kg_load (offline): %.1f s, %.0f statements/s" % (t2 - t1, n / (t2 - t1)))
PY
