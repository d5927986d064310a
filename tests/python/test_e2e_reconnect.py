"""End to end in the browser: the web client reconnects by itself, and the
screens in German and English.

konfero-server (C++) runs on 127.0.0.1 with a fresh data directory; the
scenarios (tests/browser/e2e/reconnect.mjs) drive Debian's Chromium, one
browser context per person, with the moderator and the guest Erika in the
demo room. The faults are real, made in the private network namespace of
scripts/netns_run.sh (root there) with iproute2 and nftables, for the
guest's connections only:
  a. signalling loss: the guest's TCP connections are destroyed (ss -K,
     both ends see a reset) and new ones refused for a few seconds; media
     is untouched. The guest sees the reconnect banner, resumes as the same
     participant with the same role, keeps its RTCPeerConnection (the
     server kept its transport), keeps its one licence seat, is listed
     once by the moderator, and media flows both ways again;
  b. media loss: every datagram to and from the guest's media port is
     dropped; the client restarts ICE (new ICE credentials offered on the
     same RTCPeerConnection) after ICE has been "disconnected" for a while,
     and its new candidates connect while the old port is still cut off;
     media flows again for the same participant;
  c. both at once (about 12 s, until the client has begun an ICE
     restart): a resume, and the ICE restart on the same connection;
  d. a silent loss: the guest's TCP connections and media port go silent
     with no reset, so the browser's WebSocket stays "open". ICE restarts,
     the client notices (its ping gets no pong, or the ICE restart's offer
     gets no answer) and opens a new socket that resumes the same
     participant (on the same RTCPeerConnection);
  e. only the signalling goes silent (media fine): the client's ping gets
     no pong, and a new socket resumes the same participant on the same
     connection without an ICE restart;
  f. a loss longer than the reconnect grace (the server started with
     --reconnect-grace 3): the guest leaves, her seat and transport are
     freed, and when the network is back the refused resume turns into a
     fresh join: a new participant on a new RTCPeerConnection, one seat,
     listed once, media both ways.
Outside such a namespace the fault scenarios skip. The screens scenario
needs no fault: login and name entry in English and German, the waiting
screen and the conference in German. Screenshots go to
$KONFERO_SCREENSHOTS (default: the pytest temporary directory).
"""
import os
import pathlib
import shutil
import subprocess

import pytest

from test_e2e_browser import assert_media, needs_server, run_script, shots_dir
from test_server_smoke import RunningServer
from test_webrtc_chromium import BROWSER_DIR, needs_browser

SCENARIOS = BROWSER_DIR / "e2e" / "reconnect.mjs"


def why_no_private_namespace(what="network faults"):
    """None when we are root in a network namespace of our own (only lo,
    scripts/netns_run.sh), where a test may change the network; else why not."""
    if os.geteuid() != 0:
        return f"{what} need root"
    # /proc/net/dev lists the interfaces of our own namespace (/sys/class/net
    # may still show the host's).
    interfaces = [line.split(":")[0].strip()
                  for line in pathlib.Path("/proc/net/dev").read_text().splitlines()[2:]]
    if interfaces != ["lo"]:
        return f"{what} only in a private namespace (run under scripts/netns_run.sh)"
    return None


def _why_no_faults():
    if why_no_private_namespace():
        return why_no_private_namespace()
    for tool in ("nft", "ss"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (scripts/install-deps.sh installs it)"
    return None


needs_faults = pytest.mark.skipif(_why_no_faults() is not None,
                                  reason=str(_why_no_faults()))


def run_reconnect(server, shots, *names, timeout=300):
    return run_script(SCENARIOS, server.origin, server.password, server.demo_url, shots, *names,
                      timeout=timeout)


def assert_same_guest_back(before, after):
    """The same participant, role and seat; listed once; media both ways."""
    assert after["id"] == before["id"] and after["role"] == before["role"] == "browser_guest"
    assert after["erikaSeenByModerator"] == [before["id"]], after
    assert before["seats"]["used"] == after["seats"]["used"] == 1, (before, after)
    assert after["seats"]["guests"] == 1 and after["seats"]["inGrace"] == 0, after
    # The server still has one transport each for the guest and the moderator.
    assert after["seats"]["peers"] == 2, after
    # No new RTCPeerConnection: the server kept the guest's transport.
    assert after["media"]["connections"] == before["media"]["connections"] == 1, (before, after)
    assert_media(after["guestMedia"])
    assert_media(after["moderatorMedia"])


def run_on_fresh_server(tmp_path, *names, timeout=300, server_args=()):
    server = RunningServer(tmp_path / "data", *server_args)
    try:
        return run_reconnect(server, shots_dir(tmp_path), *names, timeout=timeout)
    finally:
        server.stop()
        if _why_no_faults() is None:
            # The scenario removes its rules itself, unless it was killed.
            subprocess.run(["nft", "delete", "table", "inet", "konfero_e2e"],
                           capture_output=True, check=False)


@needs_browser
@needs_server
@needs_faults
def test_guest_resumes_after_losing_its_websocket(tmp_path):
    s = run_on_fresh_server(tmp_path, "signalling-loss")["signalling-loss"]
    assert s["during"]["seats"]["used"] == 1 and s["during"]["seats"]["inGrace"] == 1, s["during"]
    assert s["during"]["erikaSeenByModerator"] == [s["before"]["id"]], s["during"]
    assert s["after"]["resumes"] == s["before"]["resumes"] + 1, s
    # Media never stopped: no ICE restart was needed.
    assert s["after"]["media"]["iceUfrag"] == s["before"]["media"]["iceUfrag"], s
    assert_same_guest_back(s["before"], s["after"])


@needs_browser
@needs_server
@needs_faults
def test_guest_restarts_ice_after_losing_its_media_path(tmp_path):
    m = run_on_fresh_server(tmp_path, "media-loss")["media-loss"]
    assert m["after"]["media"]["iceRestarts"] > m["before"]["media"]["iceRestarts"], m
    assert m["after"]["media"]["iceUfrag"] != m["before"]["media"]["iceUfrag"], m
    # The restart is the cure: its new candidates connect while the old
    # port is still cut off.
    assert m["recoveredWhileBlocked"] and m["after"]["localPort"] != m["blockedPort"], m
    assert m["after"]["resumes"] == m["before"]["resumes"], m  # signalling stayed up
    assert m["bannerShown"].startswith("Media connection interrupted"), m
    assert_same_guest_back(m["before"], m["after"])


@needs_browser
@needs_server
@needs_faults
def test_guest_resumes_and_restarts_ice_after_losing_its_network(tmp_path):
    n = run_on_fresh_server(tmp_path, "network-loss")["network-loss"]
    assert n["after"]["resumes"] == n["before"]["resumes"] + 1, n
    assert n["after"]["media"]["iceRestarts"] > n["before"]["media"]["iceRestarts"], n
    assert n["after"]["media"]["iceUfrag"] != n["before"]["media"]["iceUfrag"], n
    assert_same_guest_back(n["before"], n["after"])


@needs_browser
@needs_server
@needs_faults
def test_guest_replaces_a_silently_dead_websocket(tmp_path):
    q = run_on_fresh_server(tmp_path, "silent-loss")["silent-loss"]
    assert q["after"]["resumes"] == q["before"]["resumes"] + 1, q
    assert q["after"]["media"]["iceUfrag"] != q["before"]["media"]["iceUfrag"], q
    assert_same_guest_back(q["before"], q["after"])


@needs_browser
@needs_server
@needs_faults
def test_guest_notices_a_silent_websocket_by_its_ping(tmp_path):
    q = run_on_fresh_server(tmp_path, "silent-signalling")["silent-signalling"]
    assert_media(q["mediaDuring"])  # media did not notice
    assert q["after"]["pongTimeouts"] >= 1, q
    assert q["after"]["resumes"] == q["before"]["resumes"] + 1, q
    # The same connection, no ICE restart.
    assert q["after"]["media"]["iceUfrag"] == q["before"]["media"]["iceUfrag"], q
    assert q["after"]["media"]["iceRestarts"] == q["before"]["media"]["iceRestarts"], q
    assert_same_guest_back(q["before"], q["after"])


@needs_browser
@needs_server
@needs_faults
def test_guest_joins_afresh_when_her_grace_ran_out(tmp_path):
    e = run_on_fresh_server(tmp_path, "grace-expired",
                            server_args=("--reconnect-grace", "3"))["grace-expired"]
    before, during, after = e["before"], e["during"], e["after"]
    # In grace first (seat kept), then gone: no seat, no transport, not listed.
    assert during["inGrace"]["used"] == 1 and during["inGrace"]["guests"] == 1, during
    assert during["gone"]["used"] == 0 and during["gone"]["guests"] == 0, during
    assert during["gone"]["peers"] == 1, during  # only the moderator's transport left
    assert during["erikaSeenByModerator"] == [], during
    assert during["banner"].startswith("Connection lost"), during  # she was still retrying
    # Back as a new participant: the resume was refused, not counted.
    assert after["id"] != before["id"] and after["role"] == before["role"] == "browser_guest"
    assert after["resumes"] == before["resumes"], (before, after)
    assert after["erikaSeenByModerator"] == [after["id"]], after
    assert after["seats"]["used"] == 1 and after["seats"]["guests"] == 1, after
    assert after["seats"]["inGrace"] == 0 and after["seats"]["peers"] == 2, after
    # One new RTCPeerConnection for the new participant: the one the client
    # built while offline (when the server closed the old DTLS session) is
    # the one it offers after the fresh join.
    assert during["media"]["connections"] <= before["media"]["connections"] + 1, during
    assert after["media"]["connections"] == before["media"]["connections"] + 1, (before, after)
    assert_media(after["guestMedia"])
    assert_media(after["moderatorMedia"])


@needs_browser
@needs_server
def test_login_name_waiting_and_conference_screens_in_german_and_english(tmp_path):
    seen = run_on_fresh_server(tmp_path, "screens", timeout=240)["screens"]
    assert "Sign in" in seen["loginEn"] and "Anmelden" in seen["loginDe"], seen
    assert "Your name" in seen["nameEn"] and "Ihr Name" in seen["nameDe"], seen
    assert "Die Konferenz beginnt, sobald ein Moderator beitritt" in seen["waitingDe"], seen
    assert seen["lang"] == "de", seen
    assert "Teilnehmer" in seen["conferenceDe"] or "Konferenz läuft" in seen["conferenceDe"], seen
