# bench/load/server_banner.sh: sourced by soak.sh and idle_cpu.sh.
#
#   wait_for_banner NAME PID OUT LOG
# waits (up to 30 s) until the konfero-server PID has printed its banner
# (the demo room's URL) to OUT; exits 2 with NAME and the server's LOG if
# the server died or never printed it.
wait_for_banner() {
  local name=$1 pid=$2 out=$3 log=$4
  for _ in $(seq 150); do
    grep -q "demo room URL" "$out" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "$name: the server did not start:" >&2; cat "$log" >&2; exit 2; }
    sleep 0.2
  done
  echo "$name: no banner from the server within 30 s" >&2
  exit 2
}
