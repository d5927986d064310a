#!/usr/bin/env bash
# The soak of issue 14: konfero-server on loopback with a fresh data
# directory, and konfero_load against it: 200 participants in 20 rooms for
# N minutes (default 60), guests leaving and rejoining every 2 s, chat from
# everyone every 5 s. Writes DIR/soak.json (konfero_load's summary),
# DIR/soak.txt, DIR/soak.svg (RSS, fds, tick p99 and CPU over time) and the
# server's output; exits nonzero if a check failed (chat lost, a join
# failed, drift over 5 %, ...) or the server did not exit cleanly.
#
#   bench/load/soak.sh [--minutes N] [--out DIR] [-- more konfero_load flags]
#
# Binaries: $KONFERO_SERVER and $KONFERO_LOAD, else those of $BUILD
# (default build/). Run it inside scripts/netns_run.sh to be sure nothing
# leaves loopback; everything binds 127.0.0.1 anyway.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/load/server_banner.sh
ROOT=$PWD
BUILD=${BUILD:-$ROOT/build}
SERVER=${KONFERO_SERVER:-$BUILD/examples/server/konfero-server}
LOAD=${KONFERO_LOAD:-$BUILD/bench/load/konfero_load}
MINUTES=60
OUT=
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$MINUTES" in ''|*[!0-9]*) echo "soak.sh: --minutes needs a whole number" >&2; exit 2 ;; esac
OUT=${OUT:-$ROOT/soak-$(date +%Y%m%d-%H%M%S)}
for bin in "$SERVER" "$LOAD"; do
  [ -x "$bin" ] || { echo "soak.sh: $bin is not built" >&2; exit 2; }
done
mkdir -p "$OUT"
rm -rf "$OUT/data"

# All participants come from 127.0.0.1: lift the per-address caps.
"$SERVER" --listen 127.0.0.1:0 --media-address 127.0.0.1 --data-dir "$OUT/data" \
  --licence-seats 1000 --max-guests-per-address 0 --max-guests-per-room 0 \
  --max-connections-per-address 10000 >"$OUT/server.out" 2>"$OUT/server.log" &
SERVER_PID=$!
stop_server() {
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
}
trap stop_server EXIT

wait_for_banner soak.sh "$SERVER_PID" "$OUT/server.out" "$OUT/server.log"
ORIGIN=$(sed -n 's|.*moderator URL: *\(http://[^/]*\)/.*|\1|p' "$OUT/server.out")
PASSWORD=$(sed -n 's|.*admin password: *\([^ ]*\).*|\1|p' "$OUT/server.out")
[ -n "$ORIGIN" ] && [ -n "$PASSWORD" ] || { echo "soak.sh: no origin or password in the banner" >&2; exit 2; }
( umask 077; printf '%s\n' "$PASSWORD" >"$OUT/admin-password" )

echo "soak.sh: $MINUTES min against $ORIGIN (server pid $SERVER_PID), results in $OUT"
LOAD_RC=0
"$LOAD" --server-url "$ORIGIN" --admin-password-file "$OUT/admin-password" \
  --rooms 20 --participants-per-room 10 --talkers 0.2 \
  --duration "${MINUTES}m" --churn-interval 2s --rejoin-delay 2s --chat-interval 5s \
  --server-pid "$SERVER_PID" --sample-interval 10s --json-out "$OUT/soak.json" \
  "${EXTRA[@]}" | tee "$OUT/soak.txt" || LOAD_RC=$?

# A clean exit on SIGTERM is part of "no crash".
SERVER_RC=0
if kill -0 "$SERVER_PID" 2>/dev/null; then
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || SERVER_RC=$?
else
  wait "$SERVER_PID" || SERVER_RC=$?
  echo "soak.sh: the server was gone before the end (exit $SERVER_RC)" >&2
  [ "$SERVER_RC" = 0 ] && SERVER_RC=1
fi
trap - EXIT
echo "soak.sh: server exit status $SERVER_RC; log lines: $(grep -c 'level=error' "$OUT/server.log" || true) error, $(grep -c 'level=warn' "$OUT/server.log" || true) warn"

if [ -f "$OUT/soak.json" ]; then
  /usr/bin/python3 "$ROOT/bench/load/plot_soak.py" "$OUT/soak.json" "$OUT/soak.svg" \
    && echo "soak.sh: graph $OUT/soak.svg"
fi
if [ "$LOAD_RC" != 0 ] || [ "$SERVER_RC" != 0 ]; then
  echo "soak.sh: FAILED (konfero_load exit $LOAD_RC, server exit $SERVER_RC)" >&2
  exit 1
fi
echo "soak.sh: PASSED"
