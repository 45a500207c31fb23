#!/usr/bin/env bash
# The standard workload through RDF and back, with the rates on the way:
# N statements (../shared/bench/gen.py) imported into a fresh kgd as JSON
# Lines, exported as N-Quads, imported into a second fresh kgd, and both
# graphs compared record for record (every entity, statement and evidence
# field, through a canonical JSON Lines export of each).
#
# Usage: tools/bench/rdf_roundtrip.sh [N] (default 100000), after building
# kgd and kg in build/.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000}
ROOT=$PWD
GEN=${GEN:-$ROOT/../shared/bench/gen.py}
SLICE=${SLICE:-$ROOT/../shared/bench/peers/kgd_slice.py}
W=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$W"' EXIT
KG=build/client/kg

/usr/bin/python3 "$GEN" --statements "$N" --seed 1 --out "$W/data" >/dev/null
/usr/bin/python3 "$SLICE" "$W/data" "$W/slice" "$N" 1000 >/dev/null

serve() {  # serve NAME: a fresh kgd on a free port; prints the port
  build/server/kgd --listen 127.0.0.1:0 --http_listen 127.0.0.1:0 --port_file "$W/$1.port" --data_dir "$W/$1" \
    >"$W/$1.log" 2>&1 &
  for _ in $(seq 100); do [[ -s $W/$1.port ]] && break; sleep 0.1; done
  cat "$W/$1.port"
}
timed() {  # timed LABEL COMMAND...: runs it, prints the seconds it took
  local t0 t1
  t0=$(date +%s.%N)
  "${@:2}" >/dev/null
  t1=$(date +%s.%N)
  echo "$1 $(echo "$t1 - $t0" | bc)"
}
canonical() {  # canonical PORT: a digest of every record the kgd holds
  "$KG" --addr "127.0.0.1:$1" --timeout 600 export --to jsonl --out "$W/c$1.jsonl" 2>/dev/null
  /usr/bin/python3 - "$W/c$1.jsonl" <<'PY'
import hashlib, json, sys
rows = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows += [json.dumps(e, sort_keys=True) for e in r.get("entities", [])]
    for s in r.get("statements", []):
        ev = sorted(json.dumps(x, sort_keys=True) for x in s.pop("evidence", []))
        rows.append(json.dumps(s, sort_keys=True) + "|" + "|".join(ev))
rows.sort()
print(len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
PY
}

A=$(serve a)
timed "import jsonl entities (s):" "$KG" --addr "127.0.0.1:$A" --timeout 600 import --quiet "$W/slice/entities.jsonl"
timed "import jsonl statements (s):" "$KG" --addr "127.0.0.1:$A" --timeout 600 import --quiet "$W/slice/statements.jsonl"
timed "export nquads (s):" "$KG" --addr "127.0.0.1:$A" --timeout 600 export --to nquads --out "$W/all.nq"
echo "nquads: $(wc -l <"$W/all.nq") lines, $(stat -c %s "$W/all.nq") bytes"
B=$(serve b)
timed "import nquads (s):" "$KG" --addr "127.0.0.1:$B" --timeout 600 import --quiet "$W/all.nq"
a=$(canonical "$A")
b=$(canonical "$B")
echo "first:  $a"
echo "second: $b"
[[ $a == "$b" ]] && echo "round trip: identical" || { echo "round trip: DIFFERENT" >&2; exit 1; }
