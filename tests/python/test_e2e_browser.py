"""End to end in the browser: the issue's scenarios with Debian's Chromium.

konfero-server (C++) runs on 127.0.0.1 with a fresh data directory; each
scenario (tests/browser/e2e/scenarios.mjs) opens one browser context per
participant (fake camera and microphone) and drives the web client:
  1. a guest waits, the moderator logs in and joins, the guest's page
     switches to the conference, both receive audio and video (getStats);
  2. chat both ways, history for a later participant;
  3. + 5. with one guest seat a second guest gets the "no licence" page; the
     moderator kicks the first guest, who sees the removed page, and the seat
     is free again; a guest who hangs up sees the "left" page, and the kicked
     guest who tries again from the same browser gets the "banned" page;
  4. the moderator leaves: guests are back on the waiting screen and receive
     no video; the moderator rejoins: the conference resumes;
  6. a wrong URL gets the "link not valid" page (bad-url) and the URL of a
     room the moderator made private the "not public any more" page
     (not-public), both before the page asks for a name (the guest page
     looks the link up first: GET /api/guest/<token>);
  7. scenario 1 against the Python server (examples/python/server.py).
Screenshots of every screen go to $KONFERO_SCREENSHOTS (default: the
pytest temporary directory); docs/screenshots holds the current ones.
"""
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import time

import pytest

from test_server_smoke import SERVER, RunningServer
from test_webrtc_chromium import BROWSER_DIR, needs_browser

REPO = pathlib.Path(__file__).resolve().parents[2]
SCENARIOS = BROWSER_DIR / "e2e" / "scenarios.mjs"
needs_server = pytest.mark.skipif(SERVER is None, reason="konfero-server is not built")


def shots_dir(tmp_path):
    return pathlib.Path(os.environ.get("KONFERO_SCREENSHOTS", tmp_path / "screenshots"))


def run_script(script, *args, timeout=240):
    """Runs a scenario script (tests/browser/e2e/*.mjs) and returns the
    results it printed as `RESULT <json>`; fails with its output if it
    reported an error or printed nothing, or if a page broke its CSP."""
    proc = subprocess.run(["node", str(script), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)
    # Chromium reports what the server's Content-Security-Policy blocked (or
    # a source it cannot read) on the console, which lib.mjs prints.
    csp = [line for line in proc.stdout.splitlines() if "Content Security Policy" in line]
    assert not csp, "\n".join(csp)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
            assert result["ok"], result.get("error", "") + "\n" + proc.stdout[-6000:]
            # Shown when an assertion fails: the pages' console, the results.
            pages = [line for line in proc.stdout.splitlines() if line.startswith("[")]
            print("\n".join(pages[-150:]))
            print(json.dumps(result["results"], indent=1))
            return result["results"]
    pytest.fail("no result from the browser:\n" + proc.stdout[-6000:] + proc.stderr[-2000:])


def run_scenarios(origin, password, guest_url, shots, *names, timeout=240):
    return run_script(SCENARIOS, origin, password, guest_url, shots, *names, timeout=timeout)


def assert_media(media):
    assert media["audioBytes"] > 2000, media
    assert media["videoBytes"] > 5000, media
    assert media["framesDecoded"] > 10, media


@needs_browser
@needs_server
def test_conference_chat_and_hold_against_the_cpp_server(tmp_path):
    server = RunningServer(tmp_path / "data")
    try:
        r = run_scenarios(server.origin, server.password, server.demo_url, shots_dir(tmp_path),
                          "conference", "chat", "hold")
    finally:
        server.stop()
    assert_media(r["conference"]["guestMedia"])
    assert_media(r["conference"]["moderatorMedia"])
    assert "Willkommen!" in r["chat"]["lateChat"] and "Danke, hallo" in r["chat"]["lateChat"]
    # On hold, the guests receive no video from each other.
    assert r["hold"]["onHold"]["framesDecoded"] <= 2, r["hold"]
    assert_media(r["hold"]["resumed"])


@needs_browser
@needs_server
def test_kick_frees_the_only_seat_and_wrong_or_private_urls_are_refused(tmp_path):
    server = RunningServer(tmp_path / "data", "--licence-seats", "1")
    try:
        r = run_scenarios(server.origin, server.password, server.demo_url, shots_dir(tmp_path),
                          "kick-and-seats", "refused")
    finally:
        server.stop()
    assert r["kick-and-seats"]["seatFreed"]
    assert r["kick-and-seats"]["rejoinScreen"] == "banned", r["kick-and-seats"]
    assert r["refused"]["wrongUrlScreen"] == "bad-url"
    assert r["refused"]["malformedUrlScreen"] == "bad-url", r["refused"]
    assert r["refused"]["pageErrors"] == [], r["refused"]
    assert r["refused"]["privateUrlScreen"] == "not-public"
    assert r["refused"]["unreachableScreen"] == "error"


@needs_browser
def test_conference_against_the_python_server(tmp_path):
    env = dict(os.environ)
    with socket.socket() as probe:  # a free port for the server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "examples" / "python" / "server.py"),
         "--listen", f"127.0.0.1:{port}", "--data-dir", str(tmp_path / "pydata")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        banner = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (
                "password" in banner and re.search(r"/r/\S+", banner)
                and re.search(r"http://127\.0\.0\.1:\d+", banner)):
            line = proc.stdout.readline()
            if not line:
                break
            banner += line
        origin = re.search(r"(http://127\.0\.0\.1:\d+)", banner)
        password = re.search(r"password[^:]*:\s*(\S+)", banner)
        guest_url = re.search(r"(http://\S+/r/\S+)", banner)
        assert origin and password and guest_url, banner
        r = run_scenarios(origin.group(1), password.group(1), guest_url.group(1),
                          shots_dir(tmp_path) / "python", "conference")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert_media(r["conference"]["guestMedia"])
    assert_media(r["conference"]["moderatorMedia"])
