"""SIP dial-in with real phones: konfero-server answers calls to its dial-in
number on --sip-listen, plays a prompt, takes the PIN (RFC 4733, SIP INFO
or in-band) and puts the caller into the room as a phone guest.

Peers (tests/python/sip_peers.py, scenarios in tests/python/sip/):
- sipp as the caller: PIN by RFC 4733 (a pcap made here with the room's
  PIN), by INFO (one per digit, dtmf-relay or dtmf; UDP and TCP), three
  wrong PINs (the server hangs up), CANCEL before the answer, BYE during
  the prompt, hold and resume by re-INVITE, INVITE without SDP, a session
  timer refresh, and the RFC 4733 call again with 5 % UDP loss;
- raw UDP/TCP datagrams from Python: malformed requests get 400, and the
  server keeps answering OPTIONS;
- baresip: waiting sound before a moderator is in, then audio both ways
  with a Chromium moderator (FFT of baresip's WAV and of the browser's
  WebAudio recording, getStats), kick from the browser's participant list
  -> BYE, and the kicked caller id is refused on a new call; with another
  phone guest (sipp), the Chromium moderator leaves: baresip hears the
  waiting sound, not the other guest;
- kamailio as the provider's registrar: konfero registers (--sip-register)
  and a call to the registered AOR reaches it;
- linphone-daemon with opus or G.722 only, heard by the moderator;
- baresip over TLS (a certificate made here, verified by baresip).
- baresip in a conference with a silent moderator while its room is
  deleted or made private: a spoken prompt (energy in its WAV), then the
  server's BYE, and no call is left;
- sipp calling a second number bound to one room (--sip-number ...;room=ID):
  that room's PIN joins that room only, the other room's PIN is refused
  like a wrong one (three -> BYE), though it works on the general number;
- sipp offering only PCMU (no telephone-event, and none in the answer)
  with the PIN and "#" as in-band DTMF tones in its audio.

Every process is killed at the end of its test and every wait is bounded.
Tests skip only when a peer binary is missing (or, for the loss test,
when no private network namespace can be made). Each test has its own
port block (PORTS), so they can run one after the other; kamailio uses
127.0.0.1:5080 (its config). Run like the other server tests, in a
loopback-only namespace:
  PYTHONPATH=build/bindings/python bash scripts/netns_run.sh \
    /usr/bin/python3 -m pytest -q tests/python/test_sip_dial_in.py
"""
import asyncio
import base64
import os
import pathlib
import re
import subprocess
import sys
import time

import numpy as np
import pytest

from sip_peers import (CANCEL_BEHAVIORS, DIAL_IN_NUMBER, DIAL_IN_USER, SIP_DIR, Baresip, Linphone,
                       Moderator, Procs, Rest, Sipp, frame_rms, info_digits, live_sip_calls,
                       load_wav, masked, missing, options_request, pin_failures, render_scenario,
                       rms, sip_call_metrics, sip_tcp_request, sip_udp_request, spectrum_peaks,
                       start_kamailio, status_of, wait_for, write_inband_pin_pcap, write_pin_pcap,
                       write_tone_wav)
from test_e2e_browser import run_script
from test_server_smoke import SERVER, RunningServer
from test_webrtc_chromium import BROWSER_DIR

pytestmark = pytest.mark.skipif(SERVER is None, reason="konfero-server is not built")

REPO = pathlib.Path(__file__).resolve().parents[2]
CALLER = "+49 30 5550 4567"       # the sipp caller id: masked "Phone ...4567"
CALLER_USER = "+493055504567"
PHONE_HZ = 1000.0
MODERATOR_HZ = 440.0
PHONE_AUDIO = BROWSER_DIR / "e2e" / "phone_audio.mjs"
CHROMIUM_READY = (missing("node") is None and pathlib.Path("/usr/bin/chromium").exists()
                  and (BROWSER_DIR / "node_modules" / "playwright-core").exists())

# One block of ports per test: SIP = base, sipp = base+1.., media base+10..
PORTS = {name: 30000 + 100 * i for i, name in enumerate((
    "rfc4733", "info", "wrong", "cancel", "bye_early", "hold", "no_sdp", "timer", "loss",
    "malformed", "baresip", "kamailio", "linphone", "digest", "tls", "on_hold",
    "room_deleted", "room_private", "room_number", "inband"))}


def need(*binaries):
    m = missing(*binaries)
    if m:
        pytest.skip(f"{m} is not installed (scripts/install-deps.sh installs the SIP peers)")


class DialIn:
    """konfero-server with SIP on 127.0.0.1:port, a REST login and a public
    room; .stop() ends everything the test started."""

    def __init__(self, tmp_path, port, *extra, allow="127.0.0.0/8"):
        self.port = port
        self.procs = Procs()
        self.work = tmp_path
        self.server = RunningServer(tmp_path / "data", "--sip-listen", f"127.0.0.1:{port}",
                                    *(["--sip-allow", allow] if allow else []), *extra)
        self.rest = Rest(self.server.origin, self.server.password)
        self.room, self.access = self.rest.public_room()
        self.pin = self.access["pin"]
        assert re.sub(r"\D", "", self.access["dial_in_number"]) == "49301234567", self.access

    def sipp(self, scenario, local_port, *, digits_xml="", **kw):
        path = render_scenario(scenario, self.work, digits_xml)
        return Sipp(self.procs, path, self.work, f"127.0.0.1:{self.port}", local_port,
                    caller=CALLER_USER, **kw)

    def phone_guests(self):
        return self.rest.phone_guests(self.room)

    def stop(self):
        try:
            self.procs.kill_all()
        finally:
            self.server.stop()

    def diagnose(self, *sipps):
        return "\n".join([s.report() for s in sipps] + ["--- server log:", self.server.logs()[-4000:]])


@pytest.fixture
def make_dial_in(tmp_path):
    made = []

    def make(name, *extra, **kw):
        d = DialIn(tmp_path, PORTS[name], *extra, **kw)
        made.append(d)
        return d

    yield make
    for d in made:
        d.stop()


def assert_guest_in_then_gone(d, uac, in_timeout=20):
    """While the call is up the room lists one phone guest with the masked
    caller id; once sipp has hung up (BYE, 200) the guest is gone."""
    guests = wait_for(d.phone_guests, in_timeout)
    assert guests, "no phone guest joined\n" + d.diagnose(uac)
    assert len(guests) == 1 and guests[0]["name"] == masked(CALLER), guests
    assert live_sip_calls(d.rest.metrics()) >= 1, sip_call_metrics(d.rest.metrics())
    rc = uac.wait(40)
    assert rc == 0, f"sipp rc={rc}\n" + d.diagnose(uac)
    assert wait_for(lambda: not d.phone_guests(), 5), d.phone_guests()
    assert wait_for(lambda: live_sip_calls(d.rest.metrics()) == 0, 5), \
        sip_call_metrics(d.rest.metrics())


def run_rfc4733_call(d, base):
    need("sipp")
    write_pin_pcap(d.work / "pin.pcap", d.pin + "#", lead=2.5)
    uac = d.sipp("uac_pin_rfc4733.xml", base + 1, hold_ms=8000, media_port=base + 10)
    assert_guest_in_then_gone(d, uac)


# 1
def test_right_pin_by_rfc4733_joins_as_phone_guest(make_dial_in):
    d = make_dial_in("rfc4733")
    run_rfc4733_call(d, PORTS["rfc4733"])


# 2
@pytest.mark.parametrize("transport,mode", [("u1", "dtmf-relay"), ("t1", "dtmf-relay"),
                                            ("u1", "dtmf")])
def test_right_pin_by_sip_info_joins_as_phone_guest(make_dial_in, transport, mode):
    need("sipp")
    d = make_dial_in("info")
    base = PORTS["info"]
    uac = d.sipp("uac_pin_info.xml", base + 1, transport=transport, hold_ms=8000,
                 media_port=base + 10, digits_xml=info_digits(d.pin + "#", mode))
    assert_guest_in_then_gone(d, uac)


def wrong_pins(pin, n=3):
    """n PINs of the same length, all different from `pin`."""
    out, k = [], 1
    while len(out) < n:
        cand = "".join(str((int(c) + k) % 10) for c in pin)
        if cand != pin and cand not in out:
            out.append(cand)
        k += 1
    return out


# 3
def test_three_wrong_pins_get_a_bye(make_dial_in):
    need("sipp")
    d = make_dial_in("wrong")
    base = PORTS["wrong"]
    pins = wrong_pins(d.pin)
    # 2.5 s between PINs (the "wrong PIN" prompt); none after the last: the
    # goodbye and the BYE follow it at once (sipp aborts on a BYE that
    # arrives during a pause).
    digits = "".join(info_digits(p + "#", cseq=10 + 20 * i,
                                 pause_after_ms=2500 if i + 1 < len(pins) else 0)
                     for i, p in enumerate(pins))
    uac = d.sipp("uac_wrong_pin.xml", base + 1, media_port=base + 10, digits_xml=digits)
    rc = uac.wait(90)
    assert rc == 0, f"sipp rc={rc}\n" + d.diagnose(uac)
    assert "BYE sip:" in uac.log("messages")
    assert not d.phone_guests()
    text = d.rest.metrics()
    assert pin_failures(text) == 3, text
    assert wait_for(lambda: live_sip_calls(d.rest.metrics()) == 0, 5)


# 4
def test_cancel_before_the_answer(make_dial_in):
    """sipp sends INVITE and CANCEL back to back. konfero may have answered
    before it sees the CANCEL: then 200 (ACK, BYE) passes too; otherwise the
    INVITE must end with 487 and the CANCEL with 200. Either way no call is
    left (uac_cancel.xml logs which path ran)."""
    need("sipp")
    d = make_dial_in("cancel")
    base = PORTS["cancel"]
    uac = d.sipp("uac_cancel.xml", base + 1, media_port=base + 10, behaviors=CANCEL_BEHAVIORS)
    rc = uac.wait(40)
    assert rc == 0, f"sipp rc={rc}\n" + d.diagnose(uac)
    outcome = re.findall(r"OUTCOME (\d+)", uac.log("logs"))
    assert outcome in (["487"], ["200"]), outcome
    msgs = uac.log("messages")
    if outcome == ["487"]:
        assert re.search(r"SIP/2\.0 200 [^\n]*\n(?:[^\n]+\n)*?CSeq: 1 CANCEL", msgs), msgs[-3000:]
    assert not d.phone_guests()
    assert wait_for(lambda: live_sip_calls(d.rest.metrics()) == 0, 5), \
        sip_call_metrics(d.rest.metrics())


# 5
def test_caller_hangs_up_during_the_prompt(make_dial_in):
    need("sipp")
    d = make_dial_in("bye_early")
    base = PORTS["bye_early"]
    uac = d.sipp("uac_bye_early.xml", base + 1, media_port=base + 10)
    rc = uac.wait(30)
    assert rc == 0, f"sipp rc={rc}\n" + d.diagnose(uac)
    assert not d.phone_guests()
    assert wait_for(lambda: live_sip_calls(d.rest.metrics()) == 0, 5), \
        sip_call_metrics(d.rest.metrics())
    # The call was counted: the family is there even when no call is up.
    assert sip_call_metrics(d.rest.metrics()), d.rest.metrics()


# 6
def test_hold_and_resume_by_reinvite(make_dial_in):
    need("sipp")
    d = make_dial_in("hold")
    base = PORTS["hold"]
    uac = d.sipp("uac_hold.xml", base + 1, hold_ms=3000, media_port=base + 10,
                 digits_xml=info_digits(d.pin + "#"))
    guests = wait_for(d.phone_guests, 20)
    assert guests and guests[0]["name"] == masked(CALLER), "no phone guest\n" + d.diagnose(uac)
    rc = uac.wait(60)
    assert rc == 0, f"sipp rc={rc}\n" + d.diagnose(uac)
    msgs = uac.log("messages")
    assert msgs.count("a=recvonly") >= 1, msgs[-3000:]
    assert wait_for(lambda: not d.phone_guests(), 5)


# 7
def test_invite_without_sdp_gets_an_offer_and_the_ack_answers(make_dial_in):
    need("sipp")
    d = make_dial_in("no_sdp")
    base = PORTS["no_sdp"]
    uac = d.sipp("uac_no_sdp.xml", base + 1, hold_ms=8000, media_port=base + 10,
                 digits_xml=info_digits(d.pin + "#"))
    assert_guest_in_then_gone(d, uac)


# 8
def test_session_timer_is_accepted_and_refreshed(make_dial_in):
    need("sipp")
    d = make_dial_in("timer")
    base = PORTS["timer"]
    uac = d.sipp("uac_session_timer.xml", base + 1, hold_ms=3000, media_port=base + 10)
    rc = uac.wait(40)
    assert rc == 0, f"sipp rc={rc}\n" + d.diagnose(uac)
    msgs = uac.log("messages")
    assert re.search(r"^Require:.*timer", msgs, re.MULTILINE | re.IGNORECASE), msgs[-3000:]


# 9
def _private_namespace():
    interfaces = [line.split(":")[0].strip()
                  for line in pathlib.Path("/proc/net/dev").read_text().splitlines()[2:]]
    return interfaces == ["lo"]


def _add_udp_loss(percent):
    """5 % loss on lo: netem if the kernel has it, else nftables (this
    machine's kernel has no sch_netem: "Specified qdisc kind is unknown").
    Returns an undo function."""
    r = subprocess.run(["tc", "qdisc", "add", "dev", "lo", "root", "netem", "loss",
                        f"{percent}%"], capture_output=True, text=True)
    if r.returncode == 0:
        return lambda: subprocess.run(["tc", "qdisc", "del", "dev", "lo", "root"],
                                      capture_output=True)
    rules = ("add table inet konfero_sip_loss\n"
             "add chain inet konfero_sip_loss in { type filter hook input priority 0; }\n"
             f"add rule inet konfero_sip_loss in meta l4proto udp numgen random mod 100 < {percent} drop\n")
    r2 = subprocess.run(["nft", "-f", "-"], input=rules, capture_output=True, text=True)
    if r2.returncode != 0:
        pytest.fail(f"no way to drop packets: tc: {r.stderr.strip()}; nft: {r2.stderr.strip()}")
    return lambda: subprocess.run(["nft", "delete", "table", "inet", "konfero_sip_loss"],
                                  capture_output=True)


def test_rfc4733_pin_with_five_percent_udp_loss(make_dial_in):
    need("sipp")
    if not _private_namespace():
        # Loss must only hit a namespace of our own: rerun this test in one.
        if os.environ.get("KONFERO_SIP_LOSS_CHILD"):
            pytest.fail("netns_run.sh gave no private namespace")
        if os.geteuid() != 0 or missing("unshare"):
            pytest.skip("packet loss needs a private network namespace (root and unshare)")
        r = subprocess.run(
            ["bash", str(REPO / "scripts" / "netns_run.sh"), sys.executable, "-m", "pytest", "-q",
             "-p", "no:cacheprovider", f"{__file__}::test_rfc4733_pin_with_five_percent_udp_loss"],
            env=dict(os.environ, KONFERO_SIP_LOSS_CHILD="1"), capture_output=True, text=True,
            timeout=180, cwd=str(REPO))
        assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]
        return
    need("tc" if not missing("tc") else "nft")
    d = make_dial_in("loss")
    undo = _add_udp_loss(5)
    try:
        run_rfc4733_call(d, PORTS["loss"])
    finally:
        undo()


# 10
MALFORMED = {
    "broken CSeq": ("INVITE sip:{user}@127.0.0.1:{port} SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bKbad1\r\n"
                    "From: <sip:x@127.0.0.1>;tag=a1\r\nTo: <sip:{user}@127.0.0.1>\r\n"
                    "Call-ID: bad-1\r\nCSeq: abc INVITE\r\nMax-Forwards: 70\r\n"
                    "Content-Length: 0\r\n\r\n"),
    "missing Call-ID": ("INVITE sip:{user}@127.0.0.1:{port} SIP/2.0\r\n"
                        "Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bKbad2\r\n"
                        "From: <sip:x@127.0.0.1>;tag=a2\r\nTo: <sip:{user}@127.0.0.1>\r\n"
                        "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"),
    "Content-Length beyond the datagram": (
        "INVITE sip:{user}@127.0.0.1:{port} SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bKbad3\r\n"
        "From: <sip:x@127.0.0.1>;tag=a3\r\nTo: <sip:{user}@127.0.0.1>\r\n"
        "Call-ID: bad-3\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
        "Content-Type: application/sdp\r\nContent-Length: 900\r\n\r\nv=0\r\n"),
    "Content-Length not a number": (
        "OPTIONS sip:{user}@127.0.0.1:{port} SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bKbad4\r\n"
        "From: <sip:x@127.0.0.1>;tag=a4\r\nTo: <sip:{user}@127.0.0.1>\r\n"
        "Call-ID: bad-4\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: ten\r\n\r\n"),
}


def test_malformed_requests_get_400_and_options_still_work(make_dial_in):
    d = make_dial_in("malformed")
    port = d.port
    lport = PORTS["malformed"] + 1
    assert status_of(sip_udp_request(port, options_request(lport, port))) == 200
    for name, text in MALFORMED.items():
        reply = sip_udp_request(port, text.format(user=DIAL_IN_USER, port=port,
                                                  lport=lport).encode())
        assert status_of(reply) == 400, (name, reply)
        branch = re.search(r"branch=(\w+)", text).group(1)
        assert branch.encode() in reply, (name, reply)
        assert status_of(sip_udp_request(port, options_request(lport, port, branch=f"z9hG4bKo{len(name)}",
                                                                 call_id=f"opt-{len(name)}"))) == 200, name
    # Garbage with no Via gets no answer (none is possible) and harms nothing.
    assert sip_udp_request(port, b"\x00\xffnot sip at all\r\n\r\n", timeout=1.0) is None
    assert status_of(sip_udp_request(port, options_request(lport, port, branch="z9hG4bKlast",
                                                           call_id="opt-last"))) == 200
    # TCP as well.
    reply = sip_tcp_request(port, options_request(lport, port, transport="TCP",
                                                  branch="z9hG4bKtcp1", call_id="opt-tcp"))
    assert status_of(reply) == 200, reply
    assert d.server.proc.poll() is None


# 11
def test_baresip_waits_then_talks_with_a_chromium_moderator_and_is_kicked(make_dial_in):
    """baresip (1000 Hz) dials in, types the PIN and hears the waiting
    sound; a moderator in Chromium (microphone: a 440 Hz WAV) joins; the
    browser's recording of the conference has baresip's tone and baresip's
    has the browser's (FFT both ways); the moderator kicks it from the
    participant list: BYE, and the same caller id is refused on a new call."""
    need("baresip")
    if not CHROMIUM_READY:
        pytest.skip("Chromium, node or playwright-core is not installed")
    d = make_dial_in("baresip")
    base = PORTS["baresip"]
    caller = "+4930555789012"
    # baresip listens for SIP over TLS on sip_port + 1: its ctrl_tcp port must differ.
    bs = Baresip(d.procs, d.work, caller, base + 2, base + 5, base + 20, freq=PHONE_HZ)
    uri = f"sip:{DIAL_IN_USER}@127.0.0.1:{d.port}"
    tone = d.work / "moderator-440.wav"
    write_tone_wav(tone, MODERATOR_HZ, 30)

    bs.send("dial", uri)
    ev = bs.wait_event(("CALL_ESTABLISHED", "CALL_CLOSED"), 15)
    assert ev and ev["type"] == "CALL_ESTABLISHED", (ev, bs.output())
    t_call = time.time()
    time.sleep(1.0)
    bs.send("sndcode", d.pin + "#")
    guests = wait_for(d.phone_guests, 20)
    assert guests and guests[0]["name"] == masked(caller), (guests, d.server.logs()[-3000:])
    t_in = time.time() - t_call
    time.sleep(4.0)                                   # the waiting sound only

    r = run_script(PHONE_AUDIO, d.server.origin, d.server.password, d.room, tone,
                   masked(caller), 4, "kick", timeout=180)
    ev = bs.wait_event(("CALL_CLOSED",), 10)
    assert ev, "no BYE after the kick: " + bs.output()
    assert wait_for(lambda: not d.phone_guests(), 5), d.phone_guests()

    # The browser heard baresip: getStats counted energy, and the FFT of
    # what the remote audio element played peaks at baresip's tone.
    assert r["audio"]["packets"] > 100 and r["audio"]["energy"] > 0, r["audio"]
    heard = np.frombuffer(base64.b64decode(r["pcm"]), dtype=np.int16) / 32768
    peaks = spectrum_peaks(heard, r["rate"], count=2)
    assert rms(heard) > 0.01 and peaks and abs(peaks[0][0] - PHONE_HZ) < 15, (rms(heard), peaks)

    # baresip's recording of this call (the first): the waiting sound, then
    # the browser's tone.
    dec = sorted(p for p in bs.snd.glob("*.wav") if "dec" in p.name)
    assert dec, bs.output()
    x, rate = load_wav(dec[0])
    t_mod, t_from, t_to = ((r[k] / 1000 - t_call) for k in ("joinedAt", "recordFrom", "recordTo"))
    waiting = x[int((t_in + 0.5) * rate):int((t_mod - 1.5) * rate)]
    assert len(waiting) > rate, (len(x) / rate, t_in, t_mod)
    assert rms(waiting) > 0.003, f"no waiting sound: rms {rms(waiting):.5f}"
    talk = x[int(t_from * rate):int(t_to * rate)]
    peaks = spectrum_peaks(talk, rate, count=2)
    assert len(talk) > 2 * rate and peaks and abs(peaks[0][0] - MODERATOR_HZ) < 15, \
        (peaks, len(talk) / rate, len(x) / rate)

    # The same caller id again, with the right PIN: refused.
    bs.send("dial", uri)
    ev = bs.wait_event(("CALL_ESTABLISHED", "CALL_CLOSED"), 15)
    if ev and ev["type"] == "CALL_ESTABLISHED":
        time.sleep(1.0)
        bs.send("sndcode", d.pin + "#")
        bs.wait_event(("CALL_CLOSED",), 10)           # a BYE, or the PIN just refused
        assert not d.phone_guests(), d.phone_guests()
        bs.send("hangup")
        bs.wait_event(("CALL_CLOSED",), 5)
    assert not d.phone_guests()
    bs.quit()


# 12
def test_registers_at_kamailio_and_takes_calls_to_the_aor(make_dial_in, tmp_path):
    need("kamailio", "sipp")
    procs = Procs()
    try:
        _, klog = start_kamailio(procs, tmp_path)
        d = make_dial_in("kamailio", "--sip-register",
                         "sip:alice@127.0.0.1:5080;user=alice;password=alicepw")
        assert wait_for(lambda: "registered sip:alice@127.0.0.1" in klog.read_text(), 15), \
            klog.read_text()[-3000:] + d.server.logs()[-3000:]
        base = PORTS["kamailio"]
        uac = Sipp(procs, SIP_DIR / "uac_auth.xml", tmp_path, "127.0.0.1:5080", base + 1,
                   service="alice", media_port=base + 10, extra=("-au", "bob", "-ap", "bobpw"))
        rc = uac.wait(30)
        assert rc == 0, f"sipp rc={rc}\n{uac.report()}\n{klog.read_text()[-3000:]}"
        assert "relay INVITE to sip:alice@" in klog.read_text()
    finally:
        procs.kill_all()



# 14
def test_a_trunk_with_a_realm_challenges_the_invite(make_dial_in):
    """--sip-trunk with realm, user and password: the INVITE gets 401 with a
    digest challenge (SHA-256 and MD5); sipp answers it as pbx/pbxpw and the
    call goes on to the PIN. A wrong password is challenged again and never
    answered 200."""
    need("sipp")
    d = make_dial_in("digest", "--sip-trunk", "pbx;allow=127.0.0.0/8;realm=konfero;user=pbx;password=pbxpw",
                     allow=None)
    base = PORTS["digest"]
    uac = d.sipp("uac_auth_pin.xml", base + 1, media_port=base + 10, hold_ms=3000,
                 digits_xml=info_digits(d.pin + "#"))
    assert_guest_in_then_gone(d, uac)
    msgs = uac.log("messages")
    assert "SIP/2.0 401 Unauthorized" in msgs
    assert re.search(r"WWW-Authenticate: Digest .*algorithm=SHA-256", msgs), msgs[-2000:]
    # The wrong password: 401 again, no 200 (sipp fails on the unexpected 401).
    bad = d.work / "bad"
    bad.mkdir()
    text = (SIP_DIR / "uac_auth_pin.xml").read_text().replace("password=pbxpw", "password=wrong")
    (bad / "uac_auth_pin.xml").write_text(text)
    uac = Sipp(d.procs, bad / "uac_auth_pin.xml", bad, f"127.0.0.1:{d.port}", base + 2,
               caller=CALLER_USER, media_port=base + 12, hold_ms=0, timeout_s=10)
    assert uac.wait(30) != 0
    assert not d.phone_guests()
    assert "SIP/2.0 200 OK" not in uac.log("messages").split("CSeq: 2 INVITE")[-1].split("\n\n")[0]


# 13
@pytest.mark.parametrize("codec", ["opus", "G722"])
def test_linphone_with_opus_or_g722_is_heard_by_the_moderator(make_dial_in, codec):
    need("linphone-daemon")
    aiohttp = pytest.importorskip("aiohttp")
    pytest.importorskip("aiortc")
    d = make_dial_in("linphone")
    base = PORTS["linphone"]
    lp = Linphone(d.procs, d.work, base + 4, base + 40, (codec,))
    tone = d.work / "tone1k.wav"
    write_tone_wav(tone, PHONE_HZ, 30, rate=8000)  # as linphone's file player takes it

    async def scenario():
        await asyncio.sleep(2.0)  # linphone-daemon opens its SIP port
        lp.cmd(f"call sip:{DIAL_IN_USER}@127.0.0.1:{d.port}")
        assert lp.wait_line(r"StreamsRunning", 20), lp.output()
        lp.cmd(f"incall-player-start {tone}")
        await asyncio.sleep(1.0)
        for digit in d.pin + "#":
            lp.cmd(f"dtmf {digit}")
            await asyncio.sleep(0.3)
        guests = wait_for(d.phone_guests, 20)
        assert guests, lp.output() + d.server.logs()[-3000:]
        # The moderator joins once the phone is in: what its track holds is
        # then the phone, not seconds of silence queued before.
        async with aiohttp.ClientSession() as http:
            mod = await Moderator.join(http, d.server.origin, d.rest.token, d.room, MODERATOR_HZ)
            try:
                from webrtc_peers import collect_audio
                heard, rate = await collect_audio(mod.track, 3.0, skip_seconds=1.5, timeout=20)
                peaks = spectrum_peaks(heard, rate, count=2)
                assert peaks and abs(peaks[0][0] - PHONE_HZ) < 15, peaks
                lp.cmd("terminate")
                assert wait_for(lambda: not d.phone_guests(), 10)
            finally:
                await mod.close()

    asyncio.run(asyncio.wait_for(scenario(), 120))
    lp.quit()


# 15
def test_baresip_over_tls_types_the_pin_and_is_in(make_dial_in, tmp_path):
    """SIP over TLS (--sip-tls-listen with a certificate made here): baresip
    verifies the certificate against it, dials in, types the PIN and is a
    phone guest; its hang-up ends the call."""
    need("baresip", "openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    base = PORTS["tls"]
    d = make_dial_in("tls", "--sip-tls-listen", f"127.0.0.1:{base + 1}", "--sip-tls-cert", str(cert),
                     "--sip-tls-key", str(key))
    caller = "+4930555111222"
    bs = Baresip(d.procs, d.work, caller, base + 2, base + 5, base + 20, freq=PHONE_HZ,
                 tls_ca=str(cert))
    bs.send("dial", f"sip:{DIAL_IN_USER}@127.0.0.1:{base + 1};transport=tls")
    ev = bs.wait_event(("CALL_ESTABLISHED", "CALL_CLOSED"), 15)
    assert ev and ev["type"] == "CALL_ESTABLISHED", (ev, bs.output())
    time.sleep(1.0)
    bs.send("sndcode", d.pin + "#")
    guests = wait_for(d.phone_guests, 20)
    assert guests and guests[0]["name"] == masked(caller), (guests, bs.output())
    bs.send("hangup")
    assert wait_for(lambda: not d.phone_guests(), 10)
    assert wait_for(lambda: live_sip_calls(d.rest.metrics()) == 0, 5)


def tone_level(samples, rate, freq):
    """The magnitude of `freq` (+-15 Hz) relative to the whole spectrum's."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    band = (freqs > freq - 15) & (freqs < freq + 15)
    return float(spectrum[band].max() / (spectrum.sum() + 1e-9))


# 16
def test_baresip_hears_the_waiting_sound_not_the_other_guest_when_the_moderator_leaves(make_dial_in):
    """Another phone guest (sipp, 2000 Hz) and baresip (1000 Hz) wait; a
    moderator in Chromium (440 Hz) joins, and baresip hears the moderator
    and the other guest, the browser both phones. The moderator leaves: the
    conference is on hold, and baresip hears the waiting sound and neither
    the other guest nor the moderator."""
    need("baresip", "sipp")
    if not CHROMIUM_READY:
        pytest.skip("Chromium, node or playwright-core is not installed")
    d = make_dial_in("on_hold", "--reconnect-grace", "0")
    base = PORTS["on_hold"]
    other_hz = 2000.0
    caller = "+4930555333444"
    write_pin_pcap(d.work / "pin.pcap", d.pin + "#", lead=2.5, tail=80, freq=other_hz)
    tone = d.work / "moderator-440.wav"
    write_tone_wav(tone, MODERATOR_HZ, 30)
    bs = Baresip(d.procs, d.work, caller, base + 2, base + 5, base + 20, freq=PHONE_HZ)

    other = d.sipp("uac_pin_rfc4733.xml", base + 1, hold_ms=80000, media_port=base + 10)
    assert wait_for(lambda: len(d.phone_guests()) == 1, 20), d.diagnose(other)
    bs.send("dial", f"sip:{DIAL_IN_USER}@127.0.0.1:{d.port}")
    ev = bs.wait_event(("CALL_ESTABLISHED", "CALL_CLOSED"), 15)
    assert ev and ev["type"] == "CALL_ESTABLISHED", (ev, bs.output())
    t_call = time.time()
    time.sleep(1.0)
    bs.send("sndcode", d.pin + "#")
    assert wait_for(lambda: len(d.phone_guests()) == 2, 20), d.phone_guests()

    r = run_script(PHONE_AUDIO, d.server.origin, d.server.password, d.room, tone,
                   masked(caller), 4, "leave", timeout=180)
    assert len(r["phones"]) == 2, r["phones"]
    time.sleep(5.0)                                   # on hold: the waiting sound
    t_end = time.time() - t_call
    bs.send("hangup")
    bs.wait_event(("CALL_CLOSED",), 10)
    bs.quit()

    # The browser heard both phones.
    heard = np.frombuffer(base64.b64decode(r["pcm"]), dtype=np.int16) / 32768
    for hz in (PHONE_HZ, other_hz):
        assert tone_level(heard, r["rate"], hz) > 0.01, (hz, spectrum_peaks(heard, r["rate"]))

    dec = sorted(p for p in bs.snd.glob("*.wav") if "dec" in p.name)
    assert dec, bs.output()
    x, rate = load_wav(dec[0])
    t_from, t_to, t_left = ((r[k] / 1000 - t_call) for k in ("recordFrom", "recordTo", "endedAt"))
    running = x[int(t_from * rate):int(t_to * rate)]
    on_hold = x[int((t_left + 1.0) * rate):int((t_end - 0.3) * rate)]
    assert len(running) > 2 * rate and len(on_hold) > 2 * rate, \
        (len(x) / rate, t_from, t_to, t_left, t_end)
    assert tone_level(running, rate, other_hz) > 0.01, spectrum_peaks(running, rate)
    assert tone_level(running, rate, MODERATOR_HZ) > 0.01, spectrum_peaks(running, rate)
    assert rms(on_hold) > 0.003, f"no waiting sound: rms {rms(on_hold):.5f}"
    assert tone_level(on_hold, rate, other_hz) < tone_level(running, rate, other_hz) / 10, \
        (spectrum_peaks(on_hold, rate), spectrum_peaks(running, rate))
    assert tone_level(on_hold, rate, MODERATOR_HZ) < tone_level(running, rate, MODERATOR_HZ) / 10


# 17
@pytest.mark.parametrize("how", ["deleted", "private"])
def test_room_deleted_or_made_private_plays_a_prompt_then_hangs_up(make_dial_in, how):
    """baresip dials in, types the PIN and is in the conference with a
    moderator whose microphone is silent, so it hears silence. Then the room
    is deleted (DELETE /api/rooms/{id}) or made private (POST
    /api/rooms/{id}/public {"public": false}): the phone guest is out of the
    room at once, baresip hears a spoken prompt ("The conference has ended.
    Goodbye.": energy in its WAV between the REST call and the BYE, far
    above the silence before), and only then the server's BYE, at least 1 s
    after the REST call. No call is left."""
    need("baresip")
    aiohttp = pytest.importorskip("aiohttp")
    pytest.importorskip("aiortc")
    name = f"room_{how}"
    d = make_dial_in(name)
    base = PORTS[name]
    caller = "+4930555246810"
    bs = Baresip(d.procs, d.work, caller, base + 2, base + 5, base + 20, freq=PHONE_HZ)

    def room_gone_or_no_guest():
        if how == "deleted":
            return d.rest.call("GET", f"/api/rooms/{d.room}", expect=(200, 404)).get("error") is not None
        return not d.phone_guests()

    async def scenario():
        async with aiohttp.ClientSession() as http:
            # freq 0: the moderator's track is digital silence.
            mod = await Moderator.join(http, d.server.origin, d.rest.token, d.room, 0.0)
            try:
                bs.send("dial", f"sip:{DIAL_IN_USER}@127.0.0.1:{d.port}")
                ev = await asyncio.to_thread(bs.wait_event, ("CALL_ESTABLISHED", "CALL_CLOSED"), 15)
                assert ev and ev["type"] == "CALL_ESTABLISHED", (ev, bs.output())
                t_call = time.monotonic()
                await asyncio.sleep(1.0)
                bs.send("sndcode", d.pin + "#")
                guests = await asyncio.to_thread(wait_for, d.phone_guests, 20)
                assert guests and guests[0]["name"] == masked(caller), (guests, d.server.logs()[-3000:])
                t_in = time.monotonic() - t_call
                await asyncio.sleep(3.0)                      # in the conference: silence
                t_rest = time.monotonic() - t_call
                if how == "deleted":
                    d.rest.call("DELETE", f"/api/rooms/{d.room}", expect=(200, 204))
                else:
                    d.rest.call("POST", f"/api/rooms/{d.room}/public", {"public": False})
                gone = await asyncio.to_thread(wait_for, room_gone_or_no_guest, 2, 0.05)
                t_gone = time.monotonic() - t_call
                ev = await asyncio.to_thread(bs.wait_event, ("CALL_CLOSED",), 15)
                t_bye = time.monotonic() - t_call
                assert ev, "no BYE after the room was " + how + ":\n" + bs.output()
                assert gone and t_gone < t_bye, (gone, t_gone, t_bye)
                return ev, t_in, t_rest, t_bye
            finally:
                await mod.close()

    ev, t_in, t_rest, t_bye = asyncio.run(asyncio.wait_for(scenario(), 120))
    assert wait_for(lambda: live_sip_calls(d.rest.metrics()) == 0, 5), \
        sip_call_metrics(d.rest.metrics())
    if how == "private":
        assert not d.phone_guests()
    bs.quit()
    out = (bs.dir / "baresip.out").read_text(errors="replace")
    # baresip's words for a BYE from the other side (not its own hang-up).
    assert "Connection reset by peer" in out, (ev, out[-3000:])
    # The prompt plays before the BYE: "The conference has ended. Goodbye."
    # is about 2.5 s of speech.
    assert t_bye - t_rest >= 1.0, (t_rest, t_bye, d.server.logs()[-3000:])
    dec = [p for p in bs.snd.glob("*.wav") if "dec" in p.name]
    assert dec, bs.output()
    x, rate = load_wav(dec[0])
    silence = x[int((t_in + 0.5) * rate):int((t_rest - 0.5) * rate)]
    prompt = x[int(t_rest * rate):int(t_bye * rate)]
    assert len(silence) > rate // 2 and len(prompt) > rate, (len(x) / rate, t_in, t_rest, t_bye)
    frames = frame_rms(prompt, rate)
    quiet = float(np.percentile(frame_rms(silence, rate), 95))
    loud = frames > max(0.01, 10 * quiet)
    # Speech, not a click: at least 0.8 s of 20 ms frames well above silence.
    assert quiet < 0.003 and loud.sum() * 0.020 >= 0.8, \
        (f"silence level {quiet:.5f}, prompt window {len(prompt) / rate:.2f} s with "
         f"{loud.sum() * 0.020:.2f} s loud (rms {float(np.sqrt(np.mean(prompt ** 2))):.4f})")


ROOM_NUMBER = "+49 30 7654321"   # the number bound to one room (--sip-number ...;room=ID)
ROOM_NUMBER_USER = "+49307654321"


# 18
def test_a_number_naming_one_room_takes_only_that_rooms_pin(make_dial_in, tmp_path):
    """A second dial-in number bound to room B (--sip-number NUMBER;room=ID;
    the server needs B's id, so it is restarted on the same data dir once B
    exists; rooms and PINs persist). sipp calls that number with B's PIN and
    is a phone guest of B (not of A); the general number with A's PIN joins
    A (A's PIN is good); the bound number with A's PIN is refused like a
    wrong PIN: three times, then the server's BYE, and no guest anywhere."""
    need("sipp")
    d = make_dial_in("room_number")
    base = PORTS["room_number"]
    room_b, access_b = d.rest.public_room("Room B")
    assert access_b["pin"] != d.pin
    password = d.server.password
    assert d.server.terminate() == 0, d.server.logs()[-3000:]
    d.server = RunningServer(tmp_path / "data", "--sip-listen", f"127.0.0.1:{d.port}",
                             "--sip-allow", "127.0.0.0/8", "--sip-number", DIAL_IN_NUMBER,
                             "--sip-number", f"{ROOM_NUMBER};room={room_b}")
    d.rest = Rest(d.server.origin, password)
    assert d.rest.call("GET", f"/api/rooms/{room_b}/access")["pin"] == access_b["pin"]
    assert d.rest.call("GET", f"/api/rooms/{d.room}/access")["pin"] == d.pin

    def guests(room):
        return d.rest.phone_guests(room)

    def call(k, scenario, service, digits_xml, **kw):
        work = d.work / f"call{k}"
        work.mkdir()
        return Sipp(d.procs, render_scenario(scenario, work, digits_xml), work,
                    f"127.0.0.1:{d.port}", base + k, caller=CALLER_USER, service=service,
                    media_port=base + 10 * k, **kw)

    def joins(k, service, pin, room, other):
        uac = call(k, "uac_pin_info.xml", service, info_digits(pin + "#"), hold_ms=6000)
        in_room = wait_for(lambda: guests(room), 20)
        assert in_room and in_room[0]["name"] == masked(CALLER), d.diagnose(uac)
        assert not guests(other), guests(other)
        rc = uac.wait(40)
        assert rc == 0, f"sipp rc={rc}\n" + d.diagnose(uac)
        assert wait_for(lambda: not guests(room), 5), guests(room)

    joins(1, ROOM_NUMBER_USER, access_b["pin"], room_b, d.room)
    joins(2, DIAL_IN_USER, d.pin, d.room, room_b)
    digits = "".join(info_digits(d.pin + "#", cseq=10 + 20 * i, pause_after_ms=2500 if i < 2 else 0)
                     for i in range(3))
    uac = call(3, "uac_wrong_pin.xml", ROOM_NUMBER_USER, digits)
    seen, deadline = [], time.monotonic() + 90
    while uac.running() and not seen and time.monotonic() < deadline:
        seen = guests(d.room) + guests(room_b)      # never, at any moment of the call
        time.sleep(0.2)
    rc = uac.wait(max(1, deadline - time.monotonic()))
    assert rc == 0, f"sipp rc={rc}\n" + d.diagnose(uac)
    assert not seen and not guests(d.room) and not guests(room_b), seen
    assert "BYE sip:" in uac.log("messages")
    assert pin_failures(d.rest.metrics()) == 3, d.rest.metrics()
    assert wait_for(lambda: live_sip_calls(d.rest.metrics()) == 0, 5)


# 19
def test_pin_by_inband_dtmf_in_pcmu_joins_as_phone_guest(make_dial_in):
    """sipp offers only PCMU (no telephone-event; the 200 must offer none
    either: checked in uac_pin_inband.xml) and sends the PIN and "#" as DTMF
    dual tones in its audio (100 ms tone, 120 ms silence, -10 dBm0 per
    tone): the server detects them in-band and the caller is a phone guest."""
    need("sipp")
    d = make_dial_in("inband")
    base = PORTS["inband"]
    write_inband_pin_pcap(d.work / "pin_inband.pcap", d.pin + "#", lead=2.5)
    uac = d.sipp("uac_pin_inband.xml", base + 1, hold_ms=8000, media_port=base + 10)
    assert_guest_in_then_gone(d, uac)
    msgs = uac.log("messages")
    answer = re.search(r"SIP/2\.0 200 OK\n(?:[^\n]+\n)*?CSeq: 1 INVITE\n.*?\n\n(.*?)\n\n", msgs, re.S)
    assert answer and "m=audio" in answer.group(1), msgs[-3000:]
    assert "telephone-event" not in answer.group(1), answer.group(1)
