"""A fault as a test (issue 14, "Proof"): `kill -9` of konfero-server in a
running conference, then a restart on the same data directory and ports.

konfero-server (C++) runs on 127.0.0.1 with a fresh data directory and a
fixed first media port; the scenario (tests/browser/e2e/restart.mjs) puts
the moderator and the guest Erika (Debian's Chromium, one browser context
each) into the demo room with media flowing both ways and two chat
messages posted, and prints READY. This test then reads the rooms and
their public access over REST, kills the server with SIGKILL (no shutdown
frame, no clean close of anything), and starts a new one with the same
--data-dir, --listen port and --media-port. From there on the browsers are
not touched: each page notices its socket is gone, retries, has its resume
refused by the new process (which knows no resume token) and joins
afresh, the moderator with the login token it keeps in sessionStorage
(login sessions are in the database), the guest with the room link and
her guest key; each builds a new RTCPeerConnection. Proven:
  - both pages are back in the conference by themselves (the same page,
    never reloaded), each listing both participants once, media flowing
    both ways again (getStats: audio bytes, video frames decoded);
  - no seat leaked: while both are back, one guest seat is used, one guest
    and one moderator are in, in-grace sessions 0, two media transports;
    after both hang up every seat is free and no transport is left;
  - rooms and public access are intact: the same rooms, the same PIN, URL
    and invitation (REST, before the kill and after the restart), the same
    demo URL in the banner, and the login token of before still works;
  - chat history is intact: the messages posted before the kill are in the
    database once each, the moderator's page shows them again (once) after
    its fresh join, and chat works on the new server. A restart starts a new
    conference (presence is not persisted, docs/rooms.md "Persistence"), and
    guests read only the chat of the conference they are in (docs/rooms.md,
    "Chat"), so the guest's page shows only what was posted after the
    restart.

Runs in the loopback-only namespace like the other browser tests:
  bash scripts/netns_run.sh /usr/bin/python3 -m pytest -q tests/python/test_server_restart.py
"""
import asyncio
import json
import os
import queue
import random
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.parse

import pytest

from test_e2e_browser import assert_media, needs_server, shots_dir
from test_server_smoke import RunningServer, login
from test_webrtc_chromium import BROWSER_DIR, needs_browser

aiohttp = pytest.importorskip("aiohttp")

SCENARIO = BROWSER_DIR / "e2e" / "restart.mjs"
READY_TIMEOUT = 120.0    # Chromium up, both in the conference, chat posted
RESULT_TIMEOUT = 150.0   # back in, media checked, both left
OUTAGE_S = 10.0          # from the kill to the start of the new server


def free_udp_ports(count, address="127.0.0.1"):
    """The first of `count` consecutive UDP ports free on `address` (the
    media workers bind --media-port, --media-port + 1, ...)."""
    for _ in range(200):
        first = random.randrange(20000, 60000 - count)
        sockets = []
        try:
            for port in range(first, first + count):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sockets.append(s)
                s.bind((address, port))
            return first
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    pytest.fail("no run of free UDP ports")


class Scenario:
    """restart.mjs as a child process: its output lines collected by a
    thread, its stdin open for the go-ahead."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(["node", str(SCENARIO), *map(str, args)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.lines = queue.Queue()
        self.output = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.output.append(line)
            self.lines.put(line)
        self.lines.put(None)  # end of output

    def text(self):
        return "".join(self.output)

    def wait_for(self, prefix, timeout):
        """The first line starting with `prefix` (without it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=min(1.0, max(deadline - time.monotonic(), 0.01)))
            except queue.Empty:
                continue
            if line is None:
                break
            if line.startswith(prefix):
                return line[len(prefix):].strip()
        pytest.fail(f"no {prefix.strip()} line from the browser:\n" + self.text()[-8000:])

    def say(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


async def rest_state(origin, token):
    """The rooms and each room's public access, with the login token of
    before; and /metrics."""
    auth = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{origin}/api/rooms", headers=auth) as r:
            assert r.status == 200, await r.text()
            rooms = (await r.json())["rooms"]
        access = {}
        for room in rooms:
            async with http.get(f"{origin}/api/rooms/{room['id']}/access", headers=auth) as r:
                assert r.status == 200, await r.text()
                access[room["id"]] = await r.json()
        async with http.get(f"{origin}/metrics") as r:
            metrics = await r.text()
    # What a restart may change: presence (who is in, the room's state).
    stable = [{k: v for k, v in room.items()
               if k not in ("state", "participants", "guests_waiting", "moderator_present")}
              for room in rooms]
    return {"rooms": stable, "access": access, "metrics": metrics}


async def login_token(origin, password):
    async with aiohttp.ClientSession() as http:
        return await login(http, origin, password)


def run(coro, timeout=30.0):
    return asyncio.run(asyncio.wait_for(coro, timeout))


def metric(text, name):
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{name} not in /metrics:\n{text}")


def chat_rows(data_dir, room):
    """(conference_id, sender_name, sender_role, text) of the room's chat,
    oldest first, read from the database (read-only; the server may run)."""
    db = sqlite3.connect(f"file:{data_dir / 'konfero.db'}?mode=ro", uri=True, timeout=5)
    try:
        return db.execute("SELECT conference_id, sender_name, sender_role, text FROM chat_messages"
                          " WHERE room_id = ? ORDER BY id", (room,)).fetchall()
    finally:
        db.close()


@needs_browser
@needs_server
def test_kill_9_in_a_running_conference_then_a_restart(tmp_path):
    data = tmp_path / "data"
    media_port = free_udp_ports(max(os.cpu_count() or 1, 8))
    started = time.monotonic()
    first = RunningServer(data, "--media-port", str(media_port))
    servers = [first]
    scenario = None
    try:
        listen = urllib.parse.urlsplit(first.origin)
        scenario = Scenario(first.origin, first.password, first.demo_url, shots_dir(tmp_path))
        ready = json.loads(scenario.wait_for("READY ", READY_TIMEOUT))
        room = int(ready["room"])
        token = run(login_token(first.origin, first.password))
        before = run(rest_state(first.origin, token))
        assert room in before["access"], before

        # kill -9: no shutdown frame, no socket closed cleanly, nothing flushed.
        first.proc.kill()
        assert first.proc.wait(timeout=10) == -9
        killed_at = time.monotonic()
        # Long enough for ICE to notice too (consent checks unanswered): the
        # pages retry into nothing and try ICE restarts with no one to answer.
        time.sleep(OUTAGE_S)

        second = RunningServer(data, "--listen", f"{listen.hostname}:{listen.port}",
                               "--media-port", str(media_port))
        servers.append(second)
        restart_s = time.monotonic() - killed_at
        scenario.say("RESTARTED")
        assert second.origin == first.origin
        assert second.password is None  # the same admin: no first start
        assert second.demo_url == first.demo_url

        result = json.loads(scenario.wait_for("RESULT ", RESULT_TIMEOUT))
        assert scenario.proc.wait(timeout=30) == 0 or not result["ok"], scenario.text()[-4000:]
        csp = [line for line in scenario.output if "Content Security Policy" in line]
        assert not csp, "\n".join(csp)
        assert result["ok"], (result.get("error", "") + "\n" + scenario.text()[-6000:] +
                              f"\nthe new server (exit code {second.proc.poll()}) logged:\n" +
                              second.logs()[-3000:])
        print(json.dumps(result, indent=1))  # shown when an assertion fails
        after = run(rest_state(second.origin, token))  # the login token of before still works
        rows = chat_rows(data, room)
    finally:
        if scenario is not None:
            scenario.stop()
        for server in servers:
            server.stop()
    runtime = time.monotonic() - started

    b, a = result["before"], result["after"]
    # Before the kill: both in, one guest seat, two transports.
    assert b["seats"]["used"] == 1 and b["seats"]["guests"] == 1 and b["seats"]["peers"] == 2, b
    assert b["moderator"]["participants"] == b["guest"]["participants"], b
    assert len(set(b["guest"]["participants"])) == 2 and "Erika" in b["guest"]["participants"], b

    # Back by themselves: the same pages (never reloaded), in the conference
    # of the same room, both listed once by each, as new participants (the
    # new server refused the resume), each on a new RTCPeerConnection.
    for who in ("moderator", "guest"):
        x, y = b[who], a[who]
        assert y["samePage"] and y["screen"] == "conference", (who, y)
        assert y["room"] == x["room"] == room, (who, x, y)
        assert y["role"] == x["role"], (who, x, y)
        assert y["participants"] == x["participants"], (who, x, y)
        assert len(set(y["participants"])) == 2, (who, y)
        assert y["resumes"] == x["resumes"], (who, x, y)  # a fresh join, not a resume
        assert y["media"]["connections"] == x["media"]["connections"] + 1, (who, x, y)
        assert y["signalling"] and y["ice"] in ("connected", "completed"), (who, y)
    assert a["guest"]["role"] == "browser_guest" and a["moderator"]["role"] == "moderator", a
    # The pages noticed: their sockets went down while the server was gone.
    for who, seen in result["during"].items():
        assert any("socket down" in entry for _, entry in seen), (who, seen)
    assert_media(a["guestMedia"])
    assert_media(a["moderatorMedia"])

    # No seat leaked: exactly what is in use, then nothing.
    assert a["seats"] == {"used": 1, "free": 2, "guests": 1, "moderators": 1, "inGrace": 0,
                          "peers": 2}, a["seats"]
    assert result["left"]["used"] == 0 and result["left"]["peers"] == 0, result["left"]
    assert metric(after["metrics"], 'konfero_licence_seats{state="free"}') == 3
    assert metric(after["metrics"], 'konfero_licence_seats{state="used"}') == 0

    # Rooms and public access intact (PIN, URL, invitation).
    assert after["rooms"] == before["rooms"], (before["rooms"], after["rooms"])
    assert after["access"] == before["access"], (before["access"], after["access"])
    assert before["access"][room]["public"] is True and before["access"][room]["pin"], before
    assert before["access"][room]["url"] == first.demo_url

    # Chat: the messages of before are stored (once each), and chat works
    # after the restart; the pages show no message twice.
    texts = [r[3] for r in rows]
    for text in result["chatBefore"]:
        assert texts.count(text) == 1, rows
    assert texts.count(result["chatAfter"]) == 1, rows
    roles = {r[3]: r[2] for r in rows}
    assert roles[result["chatBefore"][0]] == "moderator", rows
    assert roles[result["chatBefore"][1]] == "browser_guest", rows
    # A new conference after the restart (presence is not persisted).
    conference_of = {r[3]: r[0] for r in rows}
    assert conference_of[result["chatAfter"]] > conference_of[result["chatBefore"][0]], rows
    before_texts = result["chatBefore"]
    assert b["moderator"]["chat"] == b["guest"]["chat"] == before_texts, b
    # After the fresh joins: members read the room's whole history, guests
    # that of their (new) conference; nothing twice.
    assert a["moderator"]["chat"] == before_texts, a["moderator"]
    assert a["guest"]["chat"] == [], a["guest"]
    assert a["moderatorChat"] == before_texts + [result["chatAfter"]], a
    assert a["guestChat"] == [result["chatAfter"]], a

    print(f"restart: new server up {restart_s:.1f} s after the kill; pages back after "
          f"{result['backAfterMs']} ms; test {runtime:.0f} s")
