"""End to end: the built konfero-server binary on 127.0.0.1.

Starts the server with a temporary data directory, reads the admin password
and the URLs it prints on the first start, logs in over HTTP, lists rooms,
makes a room public, reads /metrics, joins as moderator over the signalling
WebSocket, restarts on the same data, serves HTTPS and WSS with a
self-signed certificate made here with openssl, and stops on SIGTERM with
a clean exit. The logs must hold no password, session token or URL token.

The binary: $KONFERO_SERVER, else <build>/examples/server/konfero-server
of build/ or the newest build-*/ tree; the tests skip if there is none.
"""
import asyncio
import json
import os
import pathlib
import queue
import re
import signal
import ssl
import stat
import subprocess
import threading
import time

import pytest

aiohttp = pytest.importorskip("aiohttp")
yarl = pytest.importorskip("yarl")

REPO = pathlib.Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0
EXIT_TIMEOUT = 10.0


def find_built(env_var, relative):
    """A built binary: $env_var if set (None if it is not a file), else
    build/<relative>, else that of the newest build-*/ tree, else None."""
    explicit = os.environ.get(env_var)
    if explicit:
        return pathlib.Path(explicit) if pathlib.Path(explicit).is_file() else None
    candidates = [REPO / "build"] + sorted(
        REPO.glob("build-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for build in candidates:
        binary = build / relative
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary
    return None


SERVER = find_built("KONFERO_SERVER", "examples/server/konfero-server")
pytestmark = pytest.mark.skipif(SERVER is None, reason="konfero-server is not built")


class RunningServer:
    """A konfero-server process whose stdout and stderr are collected by
    threads (so the pipes never fill), with the banner parsed."""

    def __init__(self, data_dir, *extra_args, preexec_fn=None, prefix=()):
        # `prefix`: a command that execs the server (e.g. nsenter into a
        # mount namespace), so that the server's pid is still the child's.
        self.proc = subprocess.Popen(
            [*prefix, str(SERVER), "--listen", "127.0.0.1:0", "--media-address", "127.0.0.1",
             "--data-dir", str(data_dir), "--dial-in-number", "+49 30 1234567",
             "--licence-seats", "3", *extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=preexec_fn)
        self.stdout_lines = queue.Queue()
        self.stderr_text = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.stdout_lines.put),
                         daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr_text.append),
                         daemon=True).start()
        self.banner = self._read_banner()
        self.origin = re.search(r"moderator URL:\s+(\S+)/\n", self.banner).group(1)
        match = re.search(r"admin password:\s+(\S+)", self.banner)
        self.password = match.group(1) if match else None
        match = re.search(r"demo room URL:\s+(\S+)", self.banner)
        self.demo_url = match.group(1) if match else None

    @staticmethod
    def _pump(stream, sink):
        for line in stream:
            sink(line)

    def _read_banner(self):
        lines = []
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.stdout_lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            lines.append(line)
            if line == "\n" and "moderator URL:" in "".join(lines):
                return "".join(lines)  # a blank line ends the banner
        self.stop()
        pytest.fail("konfero-server did not print its banner; stdout:\n" + "".join(lines) +
                    "\nstderr:\n" + self.logs())

    def logs(self):
        return "".join(self.stderr_text)

    def terminate(self):
        """SIGTERM; returns the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=EXIT_TIMEOUT)
        finally:
            time.sleep(0.1)  # let the pump threads drain the pipes

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def server(data_dir):
    s = RunningServer(data_dir)
    yield s
    s.stop()


def run(coro, timeout=30.0):
    return asyncio.run(asyncio.wait_for(coro, timeout))


async def login(http, origin, password):
    async with http.post(f"{origin}/api/login",
                         json={"login": "admin", "password": password}) as r:
        assert r.status == 200, await r.text()
        return (await r.json())["token"]


async def next_frame(ws, wanted_type, timeout=10.0):
    """The next frame of `wanted_type`, skipping others; fails on close."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        msg = await ws.receive(timeout=max(remaining, 0.01))
        assert msg.type == aiohttp.WSMsgType.TEXT, f"socket ended: {msg.type} {msg.data}"
        frame = json.loads(msg.data)
        if frame.get("type") == wanted_type:
            return frame


def metric(text, name_and_labels):
    match = re.search(rf"^{re.escape(name_and_labels)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name_and_labels} not in /metrics:\n{text}"
    return float(match.group(1))


def test_first_start_prints_password_and_urls(server):
    assert server.password and len(server.password) == 20
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.origin)
    assert server.demo_url.startswith(server.origin + "/r/")
    assert server.password not in server.logs()


def test_login_rooms_public_toggle_and_metrics(server):
    origin = server.origin

    async def scenario():
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{origin}/api/login",
                                 json={"login": "admin", "password": "wrong-password"}) as r:
                assert r.status == 401
                assert (await r.json())["error"]["code"] == "unauthenticated"
            async with http.post(f"{origin}/api/login", data="{not json",
                                 headers={"Content-Type": "application/json"}) as r:
                assert r.status == 400
                assert "JSON" in (await r.json())["error"]["message"]
            token = await login(http, origin, server.password)
            auth = {"Authorization": f"Bearer {token}"}

            async with http.get(f"{origin}/api/rooms", headers=auth) as r:
                assert r.status == 200
                rooms = (await r.json())["rooms"]
            assert [(room["name"], room["public"]) for room in rooms] == [("Demo", True)]

            async with http.post(f"{origin}/api/rooms", json={"name": "Smoke"},
                                 headers=auth) as r:
                assert r.status == 201, await r.text()
                room = await r.json()
            async with http.post(f"{origin}/api/rooms/{room['id']}/public",
                                 json={"public": True}, headers=auth) as r:
                assert r.status == 200, await r.text()
                access = await r.json()
            assert access["public"] is True
            assert access["dial_in_number"] == "+49 30 1234567"
            assert access["url"].startswith(origin + "/r/")
            assert access["pin"] in access["invitation_en"]
            async with http.get(f"{origin}/api/rooms/{room['id']}/access", headers=auth) as r:
                assert await r.json() == access

            async with http.get(f"{origin}/api/rooms") as r:
                assert r.status == 401
            async with http.post(f"{origin}/api/rooms", data="x" * (65 * 1024),
                                 headers=auth) as r:
                assert r.status == 413

            async with http.get(f"{origin}/metrics") as r:
                assert r.status == 200
                assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
                text = await r.text()
            assert metric(text, 'konfero_rooms{state="idle"}') == 2
            assert metric(text, 'konfero_licence_seats{state="free"}') == 3
            assert metric(text, "konfero_http_requests_total") >= 8
            return token, access

    token, access = run(scenario())
    logs = server.logs()
    assert server.terminate() == 0, logs
    logs = server.logs()
    assert "event=http" in logs and "route=/api/login" in logs
    for secret in (server.password, token, access["pin"], access["url"].rsplit("/", 1)[1]):
        assert secret not in logs


def test_a_room_one_is_no_member_of_is_answered_like_a_missing_one(server):
    """404 for both (it was 403 for a room that exists): room ids cannot
    be probed by someone without access."""
    origin = server.origin

    async def scenario():
        async with aiohttp.ClientSession() as http:
            admin = {"Authorization": f"Bearer {await login(http, origin, server.password)}"}
            async with http.get(f"{origin}/api/rooms", headers=admin) as r:
                demo = (await r.json())["rooms"][0]["id"]
            async with http.post(f"{origin}/api/users", headers=admin, json={
                    "login": "bob", "display_name": "Bob", "password": "bob-password-1"}) as r:
                assert r.status == 201, await r.text()
            async with http.post(f"{origin}/api/login",
                                 json={"login": "bob", "password": "bob-password-1"}) as r:
                bob = {"Authorization": f"Bearer {(await r.json())['token']}"}
            answers = []
            for room in (demo, 987654):
                for method, path in (("GET", ""), ("GET", "/access")):
                    async with http.request(method, f"{origin}/api/rooms/{room}{path}",
                                            headers=bob) as r:
                        body = await r.json()
                        answers.append((r.status, body["error"]["code"],
                                        body["error"]["message"].replace(str(room), "N")))
            return answers

    answers = run(scenario())
    assert {a[0] for a in answers} == {404}, answers
    assert len(set(answers)) == 1, answers


def test_websocket_hello_and_join_as_moderator_then_sigterm(server):
    origin = server.origin
    ws_url = origin.replace("http://", "ws://") + "/ws"

    async def scenario():
        async with aiohttp.ClientSession() as http:
            token = await login(http, origin, server.password)
            auth = {"Authorization": f"Bearer {token}"}
            async with http.get(f"{origin}/api/rooms", headers=auth) as r:
                demo = (await r.json())["rooms"][0]
            async with http.ws_connect(ws_url) as ws:
                await ws.send_str(json.dumps({"type": "hello", "version": 1}))
                welcome = await next_frame(ws, "welcome")
                assert welcome["version"] == 1
                await ws.send_str(json.dumps({"type": "join", "as": "moderator",
                                              "session": token, "room": demo["id"]}))
                joined = await next_frame(ws, "joined")
                assert joined["role"] == "moderator"
                assert joined["room"]["id"] == demo["id"]

                async with http.get(f"{origin}/metrics") as r:
                    text = await r.text()
                assert metric(text, 'konfero_participants{role="moderator"}') == 1
                assert metric(text, 'konfero_rooms{state="running"}') == 1
                assert metric(text, 'konfero_signalling_sessions{state="joined"}') == 1

                # SIGTERM: the session hears "shutdown", then the socket closes.
                server.proc.send_signal(signal.SIGTERM)
                await next_frame(ws, "shutdown")
                msg = await ws.receive(timeout=10)
                assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                                    aiohttp.WSMsgType.CLOSING)
            return token

    token = run(scenario())
    assert server.proc.wait(timeout=EXIT_TIMEOUT) == 0, server.logs()
    time.sleep(0.1)
    logs = server.logs()
    assert "event=ws_open" in logs and "event=shutdown" in logs and "event=stopped" in logs
    assert token not in logs and server.password not in logs


def test_plain_get_of_ws_and_unknown_api_paths(server):
    origin = server.origin

    async def scenario():
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{origin}/ws") as r:
                assert r.status == 426
            async with http.get(f"{origin}/api/nothing") as r:
                assert r.status == 404
                assert (await r.json())["error"]["code"] == "not_found"
            for path in ("/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd", "/.%2e/x"):
                async with http.get(yarl.URL(origin + path, encoded=True)) as r:
                    assert r.status in (400, 404), path
                    assert "root:" not in await r.text()

    run(scenario())


def test_a_restart_keeps_the_admin_and_prints_no_password(data_dir):
    first = RunningServer(data_dir)
    try:
        password, demo_url = first.password, first.demo_url
        assert first.terminate() == 0
    finally:
        first.stop()
    second = RunningServer(data_dir)
    try:
        assert second.password is None
        assert "password" not in second.banner
        assert second.demo_url is not None
        assert second.demo_url.split("/r/")[1] == demo_url.split("/r/")[1]

        async def scenario():
            async with aiohttp.ClientSession() as http:
                await login(http, second.origin, password)

        run(scenario())
        assert second.terminate() == 0
    finally:
        second.stop()


def test_the_data_directory_and_database_are_private(tmp_path):
    """A data directory left open to everyone (0755, as mkdir makes it) is
    narrowed to 0700, and the database with its password hashes and room
    secrets is 0600, like its write-ahead log."""
    data_dir = tmp_path / "open-data"
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)
    server = RunningServer(data_dir)
    try:
        assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
        for name in ("konfero.db", "konfero.db-wal"):
            assert stat.S_IMODE(os.stat(data_dir / name).st_mode) == 0o600, name
        assert server.terminate() == 0
    finally:
        server.stop()


def test_bad_flags_exit_with_a_message(tmp_path):
    result = subprocess.run([str(SERVER), "--listen", "localhost:80"], capture_output=True,
                            text=True, timeout=10)
    assert result.returncode == 2
    assert "--listen" in result.stderr
    result = subprocess.run([str(SERVER), "--help"], capture_output=True, text=True, timeout=10)
    assert result.returncode == 0
    assert "--tls-cert" in result.stdout
    result = subprocess.run([str(SERVER), "--tls-cert", str(tmp_path / "missing.pem"),
                             "--tls-key", str(tmp_path / "missing.key"),
                             "--data-dir", str(tmp_path / "d")],
                            capture_output=True, text=True, timeout=10)
    assert result.returncode == 2
    assert "--tls-cert" in result.stderr


@pytest.fixture
def self_signed(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def test_tls_serves_https_and_wss(data_dir, self_signed):
    cert, key = self_signed
    server = RunningServer(data_dir, "--tls-cert", str(cert), "--tls-key", str(key))
    try:
        assert server.origin.startswith("https://127.0.0.1:")
        assert server.demo_url.startswith(server.origin + "/r/")
        context = ssl.create_default_context(cafile=str(cert))

        async def scenario():
            connector = aiohttp.TCPConnector(ssl=context)
            async with aiohttp.ClientSession(connector=connector) as http:
                token = await login(http, server.origin, server.password)
                async with http.get(f"{server.origin}/api/me",
                                    headers={"Authorization": f"Bearer {token}"}) as r:
                    assert r.status == 200
                    assert (await r.json())["login"] == "admin"
                wss = server.origin.replace("https://", "wss://") + "/ws"
                async with http.ws_connect(wss) as ws:
                    await ws.send_str(json.dumps({"type": "hello", "version": 1}))
                    assert (await next_frame(ws, "welcome"))["server"] == "konfero"
            # Plain HTTP to the TLS port gets no answer.
            async with aiohttp.ClientSession() as plain:
                with pytest.raises(aiohttp.ClientError):
                    async with plain.get(server.origin.replace("https://", "http://") +
                                         "/api/me") as r:
                        await r.read()

        run(scenario())
        assert server.terminate() == 0, server.logs()
    finally:
        server.stop()
