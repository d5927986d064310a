"""konfero-server under faults (issue 14, "Proof": faults as tests), end to
end with the built binary.

1. A locked database: another process holds SQLite's write lock on the
   server's konfero.db (BEGIN EXCLUSIVE from this test). Creating a room,
   making a room private, regenerating its PIN and URL (REST) and posting
   chat (signalling WebSocket) each fail within the busy timeout (2 s) with
   a 503 / an `unavailable` error frame that says "database is locked";
   the server keeps running and answers reads with the state of before.
   Once the lock is gone the same writes succeed.
2. A full disk: the data directory is a small tmpfs, mounted in a mount
   namespace of its own (unshare -m: nothing is mounted on the host, and
   the namespace goes with its last process), filled up by a file written
   into it from this test (nsenter). The same writes fail with "storage is
   full" (SQLITE_FULL), the server does not crash, and after the file is
   deleted the writes succeed.
   In both, nothing is half-written: the failed writes are neither in the
   answers of the running server nor, after a restart on the same data (in
   the same namespace), in the database, and what the running server shows
   at the end is what the restarted one loads.
3. A lossy, jittery media path: one aiortc peer sends a 660 Hz tone into
   the demo room over a path that loses 10 % of its RTP and RTCP packets
   and delays the others by 0 to 200 ms (netem's `loss 10% delay 100ms
   100ms`: they overtake each other); another peer, on a clean path,
   records what the server's mix gives it for 8 s (after 2 s in which the
   jitter buffer learns the jitter). The server's jitter buffer and Opus
   packet loss concealment keep the tone continuous: no silence over
   200 ms from the first sound on, the tone (at least half its level) in at
   least 95 % of the 100 ms windows and 92 % of the 20 ms frames (measured:
   98.8-100 % and 96-97 %; silence for each lost frame would be about 89 %).
   Only the way into the server is impaired: it is the server's jitter
   buffer under test, and aiortc, the listener, conceals nothing itself.
   The impairment is a user-space UDP relay between the sender and the
   server (the answer's candidate is rewritten to point at it), not
   `tc qdisc ... netem`: kernels without sch_netem (CONFIG_NET_SCH_NETEM
   unset, like the one this was written on) have no netem, and the relay
   draws its losses and delays from a seeded generator, so every run sees
   the same ones. It needs no root and leaves nothing behind (no qdisc to
   remove).

Run in the loopback-only namespace like the other server tests:
  bash scripts/netns_run.sh /usr/bin/python3 -m pytest -q tests/python/test_server_faults.py
"""
import asyncio
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import time

import pytest

from test_server_smoke import SERVER, RunningServer, login, next_frame

aiohttp = pytest.importorskip("aiohttp")
pytestmark = pytest.mark.skipif(SERVER is None, reason="konfero-server is not built")

BUSY_TIMEOUT = 2.0   # RoomServiceOptions::database_busy_timeout, the server's default
WRITE_BOUND = 8.0    # a write refused by a fault answers within this


def run(coro, timeout=60.0):
    return asyncio.run(asyncio.wait_for(coro, timeout))


# ---- Databases: the writes, the state, the faults ------------------------------------

class Api:
    """The REST API and one moderator WebSocket in the demo room."""

    def __init__(self, http, server, token):
        self.http, self.origin = http, server.origin
        self.auth = {"Authorization": f"Bearer {token}"}
        self.token = token
        self.ws = None

    async def call(self, method, path, body=None):
        """(status, JSON answer, seconds taken)."""
        started = time.monotonic()
        async with self.http.request(method, self.origin + path, json=body,
                                     headers=self.auth) as r:
            answer = await r.json()
            return r.status, answer, time.monotonic() - started

    async def get(self, path):
        status, answer, _ = await self.call("GET", path)
        assert status == 200, (path, answer)
        return answer

    async def demo_room(self):
        rooms = (await self.get("/api/rooms"))["rooms"]
        return next(r["id"] for r in rooms if r["name"] == "Demo")

    async def join(self, room):
        """A moderator socket in `room`; returns the chat history it got."""
        self.ws = await self.http.ws_connect(self.origin.replace("http", "ws", 1) + "/ws")
        await self.ws.send_str(json.dumps({"type": "hello", "version": 1}))
        await next_frame(self.ws, "welcome")
        await self.ws.send_str(json.dumps({"type": "join", "as": "moderator",
                                           "session": self.token, "room": room}))
        await next_frame(self.ws, "joined")
        return [m["text"] for m in (await next_frame(self.ws, "chat-history"))["messages"]]

    async def chat(self, text):
        """Posts `text`; the server's answer: the chat frame or the error frame."""
        started = time.monotonic()
        await self.ws.send_str(json.dumps({"type": "chat", "text": text}))
        while True:
            msg = await self.ws.receive(timeout=WRITE_BOUND + BUSY_TIMEOUT)
            assert msg.type == aiohttp.WSMsgType.TEXT, (msg.type, msg.data)
            frame = json.loads(msg.data)
            if frame["type"] in ("chat", "error"):
                return frame, time.monotonic() - started

    async def state(self):
        """What the server shows: its rooms with their access codes (the
        URL's origin left out: a restarted server has another port)."""
        rooms = {}
        for room in (await self.get("/api/rooms"))["rooms"]:
            access = await self.get(f"/api/rooms/{room['id']}/access")
            rooms[room["id"]] = (room["name"], room["public"], access.get("pin"),
                                 access.get("url", "").rsplit("/", 1)[-1])
        return rooms


async def writes(api, demo, expect_error):
    """Creates a room, regenerates the demo room's PIN and URL, makes it
    private, posts chat. With `expect_error` (a phrase), each must fail
    with it, quickly; else each must succeed. Returns the created room."""
    created = None
    for method, path, body, ok in (
            ("POST", "/api/rooms", {"name": "Made in the fault"}, 201),
            ("POST", f"/api/rooms/{demo}/regenerate", {}, 200),
            ("POST", f"/api/rooms/{demo}/public", {"public": False}, 200)):
        status, answer, seconds = await api.call(method, path, body)
        if expect_error is None:
            assert status == ok, (path, answer)
            if path == "/api/rooms":
                created = answer
        else:
            assert status == 503, (path, status, answer)
            assert answer["error"]["code"] == "unavailable", (path, answer)
            assert expect_error in answer["error"]["message"], (path, answer)
            assert seconds < WRITE_BOUND, (path, seconds)
    frame, seconds = await api.chat("posted in the fault")
    if expect_error is None:
        assert frame["type"] == "chat" and frame["text"] == "posted in the fault", frame
    else:
        assert frame["type"] == "error", frame
        assert frame["code"] == "unavailable" and not frame["fatal"], frame
        assert expect_error in frame["message"], frame
        assert seconds < WRITE_BOUND, seconds
    return created


async def survive_a_fault(server, fault_on, fault_off, expect_error):
    """The scenario of tests 1 and 2 up to the restart; returns what the
    server shows at the end (rooms and the demo room's chat)."""
    async with aiohttp.ClientSession() as http:
        api = Api(http, server, await login(http, server.origin, server.password))
        demo = await api.demo_room()
        assert await api.join(demo) == []
        frame, _ = await api.chat("posted before")
        assert frame["type"] == "chat", frame
        before = await api.state()

        fault_on()
        try:
            await writes(api, demo, expect_error)
            # Still up, reads answered, nothing changed: no new room, the
            # old PIN and URL, still public, no chat frame.
            assert server.proc.poll() is None, server.logs()[-3000:]
            assert await api.state() == before
            assert (await api.get("/api/me"))["login"] == "admin"
            async with http.get(f"{server.origin}/metrics") as r:
                assert r.status == 200
        finally:
            fault_off()

        created = await writes(api, demo, None)
        after = await api.state()
        assert after[created["id"]][:2] == ("Made in the fault", False)
        assert after[demo][1:] == (False, None, ""), after   # private now
        assert len(after) == len(before) + 1
        await api.ws.close()
        api.ws = None
        chat = await api.join(demo)
        assert chat == ["posted before", "posted in the fault"], chat
        await api.ws.close()
        return after, chat


async def shown_after_restart(server):
    async with aiohttp.ClientSession() as http:
        api = Api(http, server, await login(http, server.origin, server.password))
        state = await api.state()
        chat = await api.join(await api.demo_room())
        await api.ws.close()
        return state, chat


def check_fault(data_dir, fault_on, fault_off, expect_error, prefix=()):
    server = RunningServer(data_dir, prefix=prefix)
    try:
        shown = run(survive_a_fault(server, fault_on, fault_off, expect_error))
        password = server.password
        assert server.terminate() == 0, server.logs()[-3000:]
    finally:
        server.stop()
    again = RunningServer(data_dir, prefix=prefix)
    try:
        again.password = password
        assert run(shown_after_restart(again)) == shown
        assert again.terminate() == 0, again.logs()[-3000:]
    finally:
        again.stop()
    return server.logs() + again.logs()


# ---- 1. A locked database ------------------------------------------------------------

def test_a_locked_database_fails_writes_clearly_and_half_writes_nothing(tmp_path):
    data_dir = tmp_path / "data"
    holder = {}

    def lock():
        # Another process's write lock: a connection in a BEGIN EXCLUSIVE
        # transaction, held until unlock().
        db = sqlite3.connect(str(data_dir / "konfero.db"), timeout=5, isolation_level=None)
        db.execute("BEGIN EXCLUSIVE")
        holder["db"] = db

    def unlock():
        db = holder.pop("db", None)
        if db is not None:
            db.execute("ROLLBACK")
            db.close()

    logs = check_fault(data_dir, lock, unlock, "database is locked")
    assert "status=503" in logs


# ---- 2. A full disk ------------------------------------------------------------------

TMPFS_SIZE = "4m"


def why_no_mount_namespace():
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root"
    for tool in ("unshare", "nsenter", "dd"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode != 0:
        return "no mount namespaces here (unshare --mount fails)"
    return None


class SmallTmpfs:
    """A tmpfs at `path` in a mount namespace of its own, held by a
    sleeping process; `prefix` runs a command in that namespace."""

    def __init__(self, path):
        self.path = path
        path.mkdir(mode=0o700)
        self.holder = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c",
             f'mount -t tmpfs -o size={TMPFS_SIZE},mode=0700 konfero-faults "$0" '
             '&& echo mounted && exec sleep 3600', str(path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.holder.stdout.readline()
        if line.strip() != "mounted":
            self.close()
            pytest.fail("could not mount a tmpfs: " + self.holder.stderr.read())
        # Entering a mount namespace moves to its root directory: -w keeps
        # ours, for a relative $KONFERO_SERVER.
        self.prefix = ("nsenter", "-t", str(self.holder.pid), "-m", f"--wd={os.getcwd()}", "--")

    def run(self, *command):
        return subprocess.run([*self.prefix, *command], capture_output=True, text=True,
                              timeout=30)

    def fill(self):
        """Writes a file until the tmpfs is full."""
        result = self.run("dd", "if=/dev/zero", f"of={self.path / 'filler'}", "bs=4k")
        assert "No space left on device" in result.stderr, result.stderr
        free = self.run("stat", "-f", "-c", "%a", str(self.path)).stdout.strip()
        assert free == "0", free

    def free(self):
        result = self.run("rm", "-f", str(self.path / "filler"))
        assert result.returncode == 0, result.stderr

    def close(self):
        if self.holder.poll() is None:
            self.holder.kill()
        self.holder.wait()
        self.holder.stdout.close()
        self.holder.stderr.close()


@pytest.fixture
def small_tmpfs(tmp_path):
    why = why_no_mount_namespace()
    if why:
        pytest.skip(why)
    fs = SmallTmpfs(tmp_path / "data")
    try:
        yield fs
    finally:
        fs.close()
        # The mount lived in the namespace only: the host's directory is
        # empty, and no konfero-faults tmpfs is mounted here.
        assert list(fs.path.iterdir()) == []
        with open("/proc/self/mounts") as mounts:
            assert "konfero-faults" not in mounts.read()


def test_a_full_disk_fails_writes_clearly_and_half_writes_nothing(small_tmpfs):
    fs = small_tmpfs
    logs = check_fault(fs.path, fs.fill, fs.free, "storage is full", prefix=fs.prefix)
    assert "status=503" in logs


# ---- 3. A lossy, jittery media path --------------------------------------------------

TONE = 660.0
LOSS = 0.10
DELAY, JITTER = 0.100, 0.100      # netem's "delay 100ms 100ms": 0 to 200 ms
WARM_UP = 2.0                     # the jitter buffer learns the jitter
RECORD = 8.0


class ImpairedPath:
    """A UDP relay between one peer and the server's media port. From the
    peer to the server, RTP and RTCP (first byte 128 to 191, RFC 7983) are
    lost with probability `loss` or delayed by DELAY +- JITTER (uniform), so
    packets overtake each other; STUN and DTLS and the way back pass as
    they are. The server sees the relay's address (ICE: peer reflexive)."""

    def __init__(self, loss, seed):
        self.loss = loss
        self.rng = random.Random(seed)
        self.peer = None
        self.counts = {"media": 0, "lost": 0}
        self.front = self.back = None
        self.pending = set()   # the delayed packets' timers

    async def start(self, server_address):
        loop = asyncio.get_running_loop()
        path = self

        class FromPeer(asyncio.DatagramProtocol):
            def datagram_received(self, data, addr):
                path.peer = addr
                path.to_server(data)

        class FromServer(asyncio.DatagramProtocol):
            def datagram_received(self, data, addr):
                if path.peer is not None:
                    path.front.sendto(data, path.peer)

        self.front, _ = await loop.create_datagram_endpoint(
            FromPeer, local_addr=("127.0.0.1", 0))
        self.back, _ = await loop.create_datagram_endpoint(
            FromServer, remote_addr=server_address)
        self.port = self.front.get_extra_info("sockname")[1]

    def to_server(self, data):
        if not data or not 128 <= data[0] <= 191:
            self.back.sendto(data)
            return
        self.counts["media"] += 1
        if self.rng.random() < self.loss:
            self.counts["lost"] += 1
            return
        delay = DELAY + self.rng.uniform(-JITTER, JITTER)

        def send():
            self.pending.discard(timer)
            self.back.sendto(data)

        timer = asyncio.get_running_loop().call_later(delay, send)
        self.pending.add(timer)

    async def route(self, answer_sdp):
        """Starts the relay to the server's candidate in `answer_sdp`;
        returns the answer with the relay's address instead."""
        match = re.search(r"a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host", answer_sdp)
        assert match, answer_sdp
        await self.start(("127.0.0.1", int(match.group(1))))
        return answer_sdp.replace(f" {match.group(1)} typ host", f" {self.port} typ host")

    def close(self):
        for timer in self.pending:
            timer.cancel()
        for transport in (self.front, self.back):
            if transport is not None:
                transport.close()


class Peer:
    """An aiortc peer joined to a room over the signalling WebSocket."""

    def __init__(self, track):
        from aiortc import RTCConfiguration, RTCPeerConnection
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pc.addTrack(track)
        loop = asyncio.get_running_loop()
        self.track = loop.create_future()
        self.connected = loop.create_future()
        self.ws = None

        @self.pc.on("track")
        def _track(track):
            if track.kind == "audio" and not self.track.done():
                self.track.set_result(track)

        @self.pc.on("connectionstatechange")
        def _state():
            if self.pc.connectionState == "connected" and not self.connected.done():
                self.connected.set_result(True)

    async def join(self, http, origin, join_frame, path=None):
        from aiortc import RTCSessionDescription
        self.ws = await http.ws_connect(origin.replace("http", "ws", 1) + "/ws")
        await self.ws.send_str(json.dumps({"type": "hello", "version": 1}))
        await next_frame(self.ws, "welcome")
        await self.ws.send_str(json.dumps(join_frame))
        await next_frame(self.ws, "joined")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        await self.ws.send_str(json.dumps({"type": "offer", "sdp": self.pc.localDescription.sdp}))
        answer = (await next_frame(self.ws, "answer"))["sdp"]
        if path is not None:
            answer = await path.route(answer)
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        await asyncio.wait_for(self.connected, 15)

    async def close(self):
        await self.pc.close()
        if self.ws is not None:
            await self.ws.close()


async def record(track, seconds):
    """`seconds` of the track's audio, mono, 48 kHz, -1..1."""
    from webrtc_peers import frame_to_mono
    import numpy as np
    chunks, got = [], 0.0
    while got < seconds:
        frame = await asyncio.wait_for(track.recv(), 5)
        assert frame.sample_rate == 48000
        chunks.append(frame_to_mono(frame))
        got += frame.samples / frame.sample_rate
    return np.concatenate(chunks)


def windows(samples, seconds):
    """Per window of `seconds`: the tone's amplitude (the signal's
    projection on 660 Hz) and the RMS."""
    import numpy as np
    n = int(48000 * seconds)
    w = samples[: len(samples) // n * n].reshape(-1, n)
    t = np.arange(n) / 48000
    amplitude = 2 * np.abs(w @ np.exp(-2j * np.pi * TONE * t)) / n
    return amplitude, np.sqrt((w ** 2).mean(axis=1))


def longest_run(mask):
    best = run_ = 0
    for flag in mask:
        run_ = run_ + 1 if flag else 0
        best = max(best, run_)
    return best


def test_the_tone_stays_continuous_over_a_lossy_jittery_path(tmp_path):
    pytest.importorskip("aiortc")
    np = pytest.importorskip("numpy")
    from webrtc_peers import SineTrack  # (importing it makes aioice offer 127.0.0.1)

    server = RunningServer(tmp_path / "data")
    path = ImpairedPath(LOSS, seed=3)   # 11 % of the first 530 lost: a little worse than 10

    async def scenario():
        peers = []
        try:
            async with aiohttp.ClientSession() as http:
                token = await login(http, server.origin, server.password)
                api = Api(http, server, token)
                demo = await api.demo_room()
                sender, listener = Peer(SineTrack(TONE)), Peer(SineTrack(440.0, amplitude=0.0))
                peers += [sender, listener]
                await sender.join(http, server.origin, {
                    "type": "join", "as": "moderator", "session": token, "room": demo}, path)
                await listener.join(http, server.origin, {
                    "type": "join", "as": "guest", "name": "Listener",
                    "url_token": server.demo_url.rsplit("/", 1)[1],
                    "guest_key": "faults-listener-key-0001"})
                track = await asyncio.wait_for(listener.track, 10)
                warm_up = await record(track, WARM_UP)
                heard = await record(track, RECORD)
                return warm_up, heard
        finally:
            for peer in peers:
                await peer.close()
            path.close()

    try:
        warm_up, heard = run(scenario())
    finally:
        server.stop()

    amplitude, _ = windows(heard, 0.1)
    level = float(np.median(amplitude))
    present = amplitude >= 0.5 * level
    amplitude20, _ = windows(heard, 0.02)
    present20 = amplitude20 >= 0.5 * level
    _, rms20 = windows(np.concatenate([warm_up, heard]), 0.02)
    silent = rms20 < 0.1 * float(np.median(rms20))
    # From the first frame on: where does the tone start?
    first = int(np.argmax(~silent))
    gap_ms = longest_run(silent[first:]) * 20
    report = (f"relay {path.counts}, tone level {level:.3f}, tone in "
              f"{present.mean():.1%} of 100 ms windows and {present20.mean():.1%} of the "
              f"20 ms frames, longest silence {gap_ms} ms "
              f"after the first sound at {first * 20} ms; per window: "
              f"{np.round(amplitude / level, 2).tolist()}")
    print(report)
    assert path.counts["media"] > 300, report
    assert 0.09 < path.counts["lost"] / path.counts["media"] < 0.15, report
    assert level > 0.05, report               # the tone arrives, and loud
    assert gap_ms <= 200, report
    assert present.mean() >= 0.95, report
    # Frame by frame: a lost frame concealed (Opus PLC) still carries the
    # tone; were it silence, about 11 % of the frames would miss it.
    assert present20.mean() >= 0.92, report
