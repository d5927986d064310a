#!/usr/bin/env bash
# Runs a command in a fresh network namespace whose only interface is lo
# (127.0.0.1, ::1), so browsers and peers started inside can reach nothing
# but loopback and ICE stays deterministic. Falls back to running the
# command as is where namespaces are not available (not root, no unshare).
# Usage: bash scripts/netns_run.sh CMD ARGS...
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 \
   && unshare -n true 2>/dev/null; then
  exec unshare -n bash -c 'ip link set lo up && exec "$@"' netns "$@"
fi
echo "netns_run: no network namespace here; running on the host's loopback" >&2
exec "$@"
