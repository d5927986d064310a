#!/usr/bin/env bash
# The CPU an idle konfero-server uses (issue 15: under 0.2 % of a core):
# starts the built server on loopback with a fresh data directory (so the
# demo room exists but nobody is in it), lets it settle, then reads its CPU
# time (utime + stime from /proc) and its threads' context switches over
# --seconds (default 60). Prints the share of one core and the wake-ups
# (voluntary context switches) per second.
#
#   bash scripts/netns_run.sh bench/load/idle_cpu.sh [--seconds N]
#
# Binary: $KONFERO_SERVER, else $BUILD/examples/server/konfero-server
# (BUILD defaults to build/).
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/load/server_banner.sh
SERVER=${KONFERO_SERVER:-${BUILD:-$PWD/build}/examples/server/konfero-server}
SECONDS_TO_MEASURE=60
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_TO_MEASURE=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "idle_cpu.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$SECONDS_TO_MEASURE" in ''|*[!0-9]*|0) echo "idle_cpu.sh: --seconds needs a whole number above 0" >&2; exit 2 ;; esac
[ -x "$SERVER" ] || { echo "idle_cpu.sh: $SERVER is not built" >&2; exit 2; }

DIR=$(mktemp -d)
"$SERVER" --listen 127.0.0.1:0 --data-dir "$DIR/data" >"$DIR/out" 2>"$DIR/log" &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT
wait_for_banner idle_cpu.sh "$PID" "$DIR/out" "$DIR/log"
sleep 5  # start-up work (the demo room, the first purge) is not idling

cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
switches() {
  local total=0 n
  for task in /proc/"$PID"/task/*; do
    n=$(awk '/^voluntary_ctxt_switches/ {print $2}' "$task/status" 2>/dev/null || echo 0)
    total=$((total + ${n:-0}))
  done
  echo "$total"
}
HZ=$(getconf CLK_TCK)
C1=$(cpu_ticks); W1=$(switches)
sleep "$SECONDS_TO_MEASURE"
C2=$(cpu_ticks); W2=$(switches)
THREADS=$(ls "/proc/$PID/task" | wc -l)
awk -v c=$((C2 - C1)) -v hz="$HZ" -v s="$SECONDS_TO_MEASURE" -v w=$((W2 - W1)) -v t="$THREADS" \
  -v cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" 'BEGIN {
  printf "idle konfero-server over %d s on %s: %.3f %% of one core (%d clock ticks of 1/%d s), %.1f wake-ups a second over %d threads; goal under 0.2 %%: %s\n",
    s, cpu, 100 * c / hz / s, c, hz, w / s, t, (100 * c / hz / s < 0.2 ? "met" : "NOT met")
}'
