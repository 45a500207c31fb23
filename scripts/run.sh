#!/usr/bin/env bash
# The first-minute command: installs what is missing, builds kgd and kg
# (release build in ./build), starts kgd on its defaults (gRPC 127.0.0.1:7400,
# HTTP 127.0.0.1:7401, data in ./var/kgd), loads the demo graph from the seed article on first start
# (when the store is empty), prints three kg commands to try, and keeps kgd in
# the foreground. Ctrl-C stops it cleanly.
#
# scripts/run.sh --ucdp serves the UCDP GED Syria graph instead (16,566
# events, 2016-2019, from ../shared/data/ucdp-ged-syria, imported through the
# shipped ucdp_ged mapping; data in ./var/kgd-ucdp) and prints three analyst
# queries on it.
set -euo pipefail
cd "$(dirname "$0")/.."
demo=idlib
case "${1:-}" in
  "") ;;
  --ucdp) demo=ucdp ;;
  *) echo "usage: scripts/run.sh [--ucdp]" >&2; exit 2 ;;
esac
# The shared data sets: beside the checkout, else the machine's copy (as CMake
# finds them), or KG_SHARED_DIR.
SHARED=${KG_SHARED_DIR:-../shared}
[[ -d $SHARED/data || ! -d /work/shared/data ]] || SHARED=/work/shared
UCDP_CSV=$SHARED/data/ucdp-ged-syria/ucdp_syria_df.csv
if [[ $demo == ucdp && ! -f $UCDP_CSV ]]; then
  echo "run.sh: $UCDP_CSV not found" >&2
  exit 1
fi
scripts/setup.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target kgd kg -j "$(nproc)"

KGD=build/server/kgd
KG=build/client/kg
ADDR=127.0.0.1:7400
HTTP_ADDR=127.0.0.1:7401
DATA=./var/kgd
[[ $demo == ucdp ]] && DATA=./var/kgd-ucdp
mkdir -p var
fifo=$(mktemp -u "${TMPDIR:-/tmp}/kgd-port.XXXXXX")
mkfifo "$fifo"

"$KGD" --listen "$ADDR" --http_listen "$HTTP_ADDR" --data_dir "$DATA" --port_file "$fifo" &
kgd_pid=$!
stop() { kill -TERM "$kgd_pid" 2>/dev/null || true; }
trap stop INT TERM
trap 'rm -f "$fifo"' EXIT
# kgd writes its port into the FIFO once it serves; the read waits for exactly
# that (60 s guard in case kgd dies first, e.g. the port is taken).
if ! port=$(timeout 60 cat "$fifo") || [[ -z "$port" ]]; then
  echo "run.sh: kgd did not start (is $ADDR or $HTTP_ADDR already in use?)" >&2
  stop
  wait "$kgd_pid" || true
  exit 1
fi
export KG_ADDR="$ADDR"

if [[ $demo == ucdp ]]; then
  if ! "$KG" stats --json | grep -q '"statements"'; then
    echo "run.sh: empty store; importing $UCDP_CSV (mapping ucdp_ged)" >&2
    "$KG" import "$UCDP_CSV" --mapping ucdp_ged
  fi
  cat <<MSG

kgd is serving the UCDP GED Syria graph on $ADDR (data in $DATA); explore it
at http://$HTTP_ADDR/ in a browser. In another terminal, try:

  # what happened in Idlib governorate in 2018
  $KG timeline --place ucdp/place/idlib-governorate --from 2018 --to 2018
  # who fought Turkey (UCDP's actor id 115)
  $KG search "Government of Turkey" --kind Actor
  $KG neighbors ucdp/actor/115 --direction out --predicate clashes_with --predicate attacks
  # which of those Idlib incidents rest on a single source
  $KG timeline --place ucdp/place/idlib-governorate --from 2018 --to 2018 --max-sources 1

($KG --help lists every command; README.md explains these.) Ctrl-C stops kgd.

MSG
  wait "$kgd_pid" || true
  wait "$kgd_pid" 2>/dev/null || true
  exit 0
fi

if ! "$KG" stats --json | grep -q '"statements"'; then
  echo "run.sh: empty store; loading the demo graph (tools/demo/idlib.jsonl)" >&2
  "$KG" import tools/demo/idlib.jsonl
fi
sid=$("$KG" match --subject inc/idlib-air-attacks --predicate perpetrated_by --json |
      sed -n 's/^{"id":"\([0-9]*\)".*/\1/p' | head -1)

cat <<MSG

kgd is serving on $ADDR (data in ./var/kgd).

  Explore the graph: open http://$HTTP_ADDR/ in a browser (docs/EXPLORER.md).
  The JSON gateway is under http://$HTTP_ADDR/v1/, Prometheus metrics at
  http://$HTTP_ADDR/metrics.

In another terminal, try:

  $KG traverse actor/nusra --direction both --depth 2
  $KG path actor/turkey actor/nusra --direction both
  $KG explain ${sid:-1}
  curl -s -d '{"id":"actor/nusra"}' http://$HTTP_ADDR/v1/GraphService/GetEntity

(add --format dot | dot -Tpng > graph.png to traverse or path for a picture;
 $KG --help lists every command). Ctrl-C stops kgd.

MSG
# Keep kgd in the foreground; Ctrl-C (trapped above) asks it to shut down, and
# the second wait collects it.
wait "$kgd_pid" || true
wait "$kgd_pid" 2>/dev/null || true
