"""konfero-server under connection floods from one host (issue 14,
findings 2 and 4):
  - a per-address cap (--max-connections-per-address): one address cannot
    hold every connection slot; others still get in, and the refusals are
    logged once per interval, not once per connection;
  - a low open-file limit (set for the server process here): the server
    raises its soft limit to the hard one and keeps its connection cap
    below it, so a flood of 400 connections neither makes accept() fail
    with EMFILE in a loop (it wrote 1.8 million log lines in 4 s at full
    CPU) nor keeps the server from answering once the flood is gone.
Run in a loopback-only namespace like the other server tests:
  bash scripts/netns_run.sh /usr/bin/python3 -m pytest -q tests/python/test_server_limits.py
"""
import http.client
import os
import resource
import socket
import time

import pytest

from test_server_smoke import SERVER, RunningServer

pytestmark = pytest.mark.skipif(SERVER is None, reason="konfero-server is not built")


def port_of(server):
    return int(server.origin.rsplit(":", 1)[1])


def get_root(port, source="127.0.0.1"):
    """GET / from `source`; the status, or None if the server closed on us."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=(source, 0))
    try:
        conn.request("GET", "/")
        return conn.getresponse().status
    except (ConnectionError, http.client.RemoteDisconnected, socket.timeout):
        return None
    finally:
        conn.close()


def closed_by_server(sock, timeout=3.0):
    """True if the server closes `sock` (EOF or reset) within `timeout`."""
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def open_idle(port, n, source="127.0.0.1"):
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
        socks.append(s)
    return socks


def test_one_address_cannot_hold_every_connection(tmp_path):
    server = RunningServer(tmp_path / "data", "--max-connections-per-address", "4")
    socks = []
    try:
        port = port_of(server)
        socks = open_idle(port, 4)
        time.sleep(0.3)  # accepted and counted
        extra = open_idle(port, 3)
        socks += extra
        assert all(closed_by_server(s) for s in extra), "the 5th to 7th were not refused"
        assert get_root(port, source="127.0.0.2") == 200, "another address is kept out"
        for s in socks[:4]:
            s.close()
        time.sleep(0.3)
        assert get_root(port) == 200, "the slots were not given back"
        logs = server.logs()
        refused = [l for l in logs.splitlines() if "connection_refused" in l]
        assert refused and "one address" in refused[0], logs[-2000:]
        assert len(refused) == 1, "one line per interval, not one per connection"
        assert "per_address=4" in logs, logs[-2000:]
    finally:
        for s in socks:
            s.close()
        server.stop()


def test_a_flood_past_the_open_file_limit_neither_spins_nor_locks_out(tmp_path):
    limit = 300

    def low_fd_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    server = RunningServer(tmp_path / "data", preexec_fn=low_fd_limit)
    socks = []
    try:
        port = port_of(server)
        # 400 from four addresses (100 each: the per-address default).
        for i in range(4):
            socks += open_idle(port, 100, source=f"127.0.0.{10 + i}")
        with open(f"/proc/{server.proc.pid}/stat") as f:
            cpu0 = sum(int(x) for x in f.read().split()[13:15])
        time.sleep(2.0)                          # the flood is held open
        with open(f"/proc/{server.proc.pid}/stat") as f:
            cpu1 = sum(int(x) for x in f.read().split()[13:15])
        cpu_seconds = (cpu1 - cpu0) / os.sysconf("SC_CLK_TCK")
        assert cpu_seconds < 0.5, f"the server spun: {cpu_seconds:.2f} s of CPU in 2 s"
        logs = server.logs()
        assert logs.count("accept_failed") <= 1, logs[-2000:]
        assert logs.count("connection_refused") <= 2, logs[-2000:]
        cap = (limit - 256) // 2
        assert f"total={max(cap, 16)}" in logs and f"open_file_limit={limit}" in logs, logs[-2000:]
        for s in socks:
            s.close()
        socks = []
        time.sleep(0.5)
        assert get_root(port, source="127.0.0.20") == 200
        assert server.terminate() == 0
    finally:
        for s in socks:
            s.close()
        server.stop()
