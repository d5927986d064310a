"""konfero-server against other sites' pages and strangers (issue 14,
findings 11 and 14), end to end with the built binary.

- The signalling WebSocket: an upgrade whose Origin is another site's is
  refused with a JSON 403; the server's own origin (the banner's) and
  --allowed-origin get in, and so does a client that sends no Origin
  (aiohttp, the load generator: only browsers are protected by the check).
- The JSON API takes only bodies declared application/json: a text/plain
  or form login, which another site's page could send without a CORS
  preflight, is 415.
- The web client's pages carry a Content-Security-Policy without inline
  code, and the pages hold none; HTTPS answers carry HSTS, HTTP ones not.
- /metrics is open to loopback; from any other address it needs the
  --metrics-token as a bearer token, and without one configured it is 403.
  That part needs a non-loopback address of our own: in the private network
  namespace of scripts/netns_run.sh (root there) the test adds 192.0.2.10
  to lo for its run; elsewhere it skips (the rule itself is unit-tested in
  tests/server/http_security_test.cc).
"""
import http.client
import json
import re
import shutil
import ssl
import subprocess
import urllib.parse

import pytest

from test_e2e_reconnect import why_no_private_namespace
from test_server_smoke import REPO, SERVER, RunningServer, next_frame, run
from test_server_smoke import self_signed  # noqa: F401  (a fixture)

aiohttp = pytest.importorskip("aiohttp")

WEB = REPO / "examples" / "server" / "web"
METRICS_TOKEN = "t0k3n-for-the-scraper-5b9e2c"
STRANGER = "192.0.2.10"  # TEST-NET-1, added to lo for the /metrics test


@pytest.fixture
def server(tmp_path):
    s = RunningServer(tmp_path / "data", "--allowed-origin", "https://intranet.example.com")
    yield s
    s.stop()


def host_port(origin):
    url = urllib.parse.urlsplit(origin)
    return url.hostname, url.port


def request(origin, method, path, headers=None, body=None, source=None, tls_context=None):
    """(status, headers with lower-case names, body) over a new connection,
    from the local address `source` if given."""
    host, port = host_port(origin)
    source_address = (source, 0) if source else None
    if origin.startswith("https://"):
        conn = http.client.HTTPSConnection(host, port, timeout=10, context=tls_context,
                                           source_address=source_address)
    else:
        conn = http.client.HTTPConnection(host, port, timeout=10, source_address=source_address)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return (response.status, {k.lower(): v for k, v in response.getheaders()},
                response.read())
    finally:
        conn.close()


def upgrade(origin, origin_header=None):
    """A WebSocket handshake to /ws, with this Origin header (None: none)."""
    headers = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    if origin_header is not None:
        headers["Origin"] = origin_header
    return request(origin, "GET", "/ws", headers)


def test_websocket_refuses_other_sites_pages(server):
    for foreign in ("http://evil.example", "http://127.0.0.1:1",
                    server.origin.replace("http://", "https://"), "null"):
        status, headers, body = upgrade(server.origin, foreign)
        assert status == 403, (foreign, status, body)
        assert headers["content-type"] == "application/json"
        error = json.loads(body)["error"]
        assert error["code"] == "forbidden" and "origin" in error["message"], error
    # The own origin, another allowed one, and a client without Origin.
    for allowed in (server.origin, server.origin + "/", "https://intranet.example.com", None):
        status, headers, _ = upgrade(server.origin, allowed)
        assert status == 101, allowed
        assert headers["upgrade"].lower() == "websocket"
    assert "event=ws_refused" in server.logs()


def test_websocket_with_the_own_origin_or_none_speaks_the_protocol(server):
    ws_url = server.origin.replace("http://", "ws://") + "/ws"

    async def scenario():
        async with aiohttp.ClientSession() as session:
            for origin in (server.origin, None):
                async with session.ws_connect(ws_url, origin=origin) as ws:
                    await ws.send_str(json.dumps({"type": "hello", "version": 1}))
                    assert (await next_frame(ws, "welcome"))["version"] == 1
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                async with session.ws_connect(ws_url, origin="https://evil.example"):
                    pass
            assert refused.value.status == 403

    run(scenario())


def test_the_json_api_takes_only_bodies_declared_json(server):
    credentials = json.dumps({"login": "admin", "password": server.password})
    for content_type, body in (
            ("text/plain", credentials),
            ("text/plain;charset=UTF-8", credentials),
            ("application/x-www-form-urlencoded", "login=admin&password=" + server.password),
            (None, credentials)):
        headers = {"Content-Type": content_type} if content_type else {}
        status, _, answer = request(server.origin, "POST", "/api/login", headers, body)
        assert status == 415, (content_type, status, answer)
        error = json.loads(answer)["error"]
        assert error["code"] == "unsupported_media_type", error
        assert "application/json" in error["message"]
        assert b"token" not in answer
    status, _, answer = request(server.origin, "POST", "/api/login",
                                {"Content-Type": "application/json; charset=utf-8"}, credentials)
    assert status == 200, answer
    token = json.loads(answer)["token"]
    auth = {"Authorization": f"Bearer {token}"}
    status, _, answer = request(server.origin, "POST", "/api/rooms",
                                {**auth, "Content-Type": "text/plain"}, '{"name":"x"}')
    assert status == 415, answer
    # A POST without a body needs no Content-Type.
    assert request(server.origin, "POST", "/api/logout", auth)[0] == 200


def test_pages_carry_a_strict_content_security_policy(server):
    _, port = host_port(server.origin)
    for path in ("/", urllib.parse.urlsplit(server.demo_url).path, "/js/api.js"):
        status, headers, _ = request(server.origin, "GET", path)
        assert status == 200, path
        csp = headers.get("content-security-policy", "")
        directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
        assert directives.get("default-src") == ["'self'"], csp
        assert directives.get("connect-src") == [
            "'self'", f"ws://127.0.0.1:{port}", "wss://intranet.example.com"], csp
        assert directives.get("frame-ancestors") == ["'none'"], csp
        assert "unsafe" not in csp, csp
        assert "strict-transport-security" not in headers  # plain HTTP


def test_the_web_client_has_no_inline_code():
    """What the CSP would block: inline scripts, styles and handlers."""
    for page in sorted(WEB.rglob("*.html")):
        html = page.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), page
        assert not re.search(r"<style\b", html), page
        assert not re.search(r"\s(on[a-z]+|style)\s*=", html), page
        assert "javascript:" not in html, page


def test_https_answers_carry_hsts(tmp_path, self_signed):
    cert, key = self_signed
    server = RunningServer(tmp_path / "data", "--tls-cert", str(cert), "--tls-key", str(key))
    try:
        context = ssl.create_default_context(cafile=str(cert))
        for path in ("/", "/api/me", "/metrics"):
            _, headers, _ = request(server.origin, "GET", path, tls_context=context)
            assert headers.get("strict-transport-security") == "max-age=31536000", path
        _, _, answer = request(server.origin, "GET", "/", tls_context=context)
        assert b"<script" in answer
        # Over TLS the own origin is https://, and its WebSocket is wss://.
        wss = server.origin.replace("https://", "wss://") + "/ws"

        async def scenario():
            async with aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(ssl=context)) as session:
                async with session.ws_connect(wss, origin=server.origin) as ws:
                    await ws.send_str(json.dumps({"type": "hello", "version": 1}))
                    await next_frame(ws, "welcome")

        run(scenario())
        _, headers, _ = request(server.origin, "GET", "/", tls_context=context)
        assert "wss://127.0.0.1:" in headers["content-security-policy"]
    finally:
        server.stop()


def test_metrics_stay_open_on_loopback(server):
    for source in ("127.0.0.1", "127.0.0.2"):
        status, headers, body = request(server.origin, "GET", "/metrics", source=source)
        assert status == 200, body
        assert b"konfero_rooms" in body


@pytest.fixture
def stranger_address():
    why = why_no_private_namespace("addresses of our own") or (
        "iproute2 is not installed" if shutil.which("ip") is None else None)
    if why:
        pytest.skip(why)
    subprocess.run(["ip", "addr", "add", f"{STRANGER}/32", "dev", "lo"], check=True)
    try:
        yield STRANGER
    finally:
        subprocess.run(["ip", "addr", "del", f"{STRANGER}/32", "dev", "lo"], check=False)


def test_metrics_from_elsewhere_need_the_token(tmp_path, stranger_address):
    # Listening on every address, the server is reached at the stranger's too.
    closed = RunningServer(tmp_path / "closed", "--listen", "0.0.0.0:0")
    try:
        _, port = host_port(closed.origin)
        there = f"http://{stranger_address}:{port}"
        status, _, body = request(there, "GET", "/metrics", source=stranger_address)
        assert status == 403, body
        assert json.loads(body)["error"]["code"] == "forbidden"
        assert b"loopback" in body
        assert request(closed.origin, "GET", "/metrics")[0] == 200
    finally:
        closed.stop()

    token_file = tmp_path / "metrics-token"
    token_file.write_text(METRICS_TOKEN + "\n")
    guarded = RunningServer(tmp_path / "guarded", "--listen", "0.0.0.0:0",
                            "--metrics-token-file", str(token_file))
    try:
        _, port = host_port(guarded.origin)
        there = f"http://{stranger_address}:{port}"
        for authorization in (None, "Bearer wrong-token-0123456789", f"Basic {METRICS_TOKEN}",
                              f"Bearer {METRICS_TOKEN}x"):
            headers = {"Authorization": authorization} if authorization else {}
            status, answer_headers, body = request(there, "GET", "/metrics", headers,
                                                   source=stranger_address)
            assert status == 401, (authorization, body)
            assert json.loads(body)["error"]["code"] == "unauthenticated"
            assert answer_headers["www-authenticate"].startswith("Bearer")
            assert METRICS_TOKEN.encode() not in body
        status, _, body = request(there, "GET", "/metrics",
                                  {"Authorization": f"Bearer {METRICS_TOKEN}"},
                                  source=stranger_address)
        assert status == 200 and b"konfero_rooms" in body, body
        assert request(guarded.origin, "GET", "/metrics")[0] == 200  # loopback: no token
        # The REST API is no way around it, and the token is never logged.
        assert request(there, "GET", "/api/me", {"Authorization": f"Bearer {METRICS_TOKEN}"},
                       source=stranger_address)[0] == 401
        assert guarded.terminate() == 0
        assert METRICS_TOKEN not in guarded.logs()
        assert "route=/metrics status=401" in guarded.logs()
    finally:
        guarded.stop()


def test_bad_security_flags_exit_with_a_message(tmp_path):
    for args, flag in ((["--allowed-origin", "https://a.example.com/path"], "--allowed-origin"),
                       (["--metrics-token", "short"], "--metrics-token"),
                       (["--metrics-token-file", str(tmp_path / "none")], "--metrics-token-file")):
        result = subprocess.run([str(SERVER), *args, "--data-dir", str(tmp_path / "d")],
                                capture_output=True, text=True, timeout=10)
        assert result.returncode == 2, args
        assert flag in result.stderr, result.stderr
        assert "short" not in result.stderr
    result = subprocess.run([str(SERVER), "--help"], capture_output=True, text=True, timeout=10)
    for flag in ("--allowed-origin", "--metrics-token", "--metrics-token-file"):
        assert flag in result.stdout

