"""Real SIP phones for the dial-in tests (test_sip_dial_in.py): sipp, baresip,
linphone-daemon and kamailio as independent peers of konfero-server, plus an
aiortc moderator that joins over the server's signalling WebSocket.

Everything runs on 127.0.0.1. Each helper that starts a process keeps it in
a `Procs` list that the tests kill at the end, and every wait is bounded.
The sipp scenarios live in tests/python/sip/ (see the comment at the top of
each); sip/validate_scenarios.py checks them against stand-in UAS scenarios
without a server.
"""
import json
import os
import pathlib
import queue
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request
import wave

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
SIP_DIR = HERE / "sip"
DIAL_IN_NUMBER = "+49 30 1234567"
DIAL_IN_USER = "+49301234567"  # the Request-URI user the phones dial


def missing(*binaries):
    """The first of `binaries` that is not on PATH, or None."""
    for b in binaries:
        if shutil.which(b) is None:
            return b
    return None


class Procs:
    """Processes started by one test; kill_all() ends them (by their own id)."""

    def __init__(self):
        self.items = []

    def add(self, proc):
        self.items.append(proc)
        return proc

    def kill_all(self):
        for p in reversed(self.items):
            if p.poll() is None:
                p.terminate()
        deadline = time.monotonic() + 5
        for p in reversed(self.items):
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


# ---------------------------------------------------------------- REST API

class Rest:
    """Blocking client of konfero-server's REST API (docs/api.md)."""

    def __init__(self, origin, password):
        self.origin = origin
        self.token = self.call("POST", "/api/login", {"login": "admin", "password": password},
                               auth=False)["token"]

    def call(self, method, path, body=None, auth=True, expect=(200, 201)):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.origin + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if auth:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        assert status in expect, f"{method} {path}: {status} {text}"
        return json.loads(text) if text else {}

    def public_room(self, name="Dial-in"):
        """(room id, access object) of a new public room."""
        room = self.call("POST", "/api/rooms", {"name": name})
        access = self.call("POST", f"/api/rooms/{room['id']}/public", {"public": True})
        assert access["pin"].isdigit(), access
        return room["id"], access

    def participants(self, room_id):
        return self.call("GET", f"/api/rooms/{room_id}")["participants"]

    def phone_guests(self, room_id):
        return [p for p in self.participants(room_id) if p["role"] == "phone_guest"]

    def metrics(self):
        with urllib.request.urlopen(self.origin + "/metrics", timeout=10) as r:
            return r.read().decode()


def wait_for(predicate, timeout, step=0.2):
    """Polls predicate() until it returns something truthy; returns it (or the
    last falsy value after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


def masked(caller):
    """The display name konfero gives a phone guest (rooms: MaskCallerId)."""
    digits = re.sub(r"\D", "", caller)
    return "Phone \u2026" + digits[-4:] if digits else "Phone"


def sip_call_metrics(text):
    """{state: value} of konfero_sip_calls{state="..."} in a /metrics text."""
    return {m.group(1): float(m.group(2)) for m in
            re.finditer(r'^konfero_sip_calls\{state="([^"]+)"\} (\S+)$', text, re.MULTILINE)}


# Gauge states that still count a call after it is over (if the server keeps
# such a state at all): everything else must be back at 0 when no call is up.
FINAL_STATES = ("ended", "closed", "terminated", "completed", "total", "failed")


def live_sip_calls(text):
    return sum(v for k, v in sip_call_metrics(text).items()
               if not any(k.startswith(f) for f in FINAL_STATES))


def pin_failures(text):
    m = re.search(r"^konfero_sip_pin_failures_total (\S+)$", text, re.MULTILINE)
    return float(m.group(1)) if m else None


# ---------------------------------------------------------------- RTP pcap

EVENTS = {**{str(d): d for d in range(10)}, "*": 10, "#": 11}


def _ip_checksum(hdr):
    s = sum(struct.unpack("!10H", hdr))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return (~s) & 0xFFFF


def _frame(payload):
    udp = struct.pack("!HHHH", 6000, 6002, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0xB8, 20 + len(udp), 0, 0, 64, 17, 0,
                     bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    ip = ip[:10] + struct.pack("!H", _ip_checksum(ip)) + ip[12:]
    return b"\x00" * 12 + b"\x08\x00" + ip + udp


def _ulaw(samples):
    """16-bit linear -> G.711 mu-law (numpy; audioop is deprecated)."""
    x = np.clip(samples.astype(np.int32), -32635, 32635)
    sign = np.where(x < 0, 0x80, 0)
    x = np.abs(x) + 0x84
    exp = np.floor(np.log2(x)).astype(np.int32) - 7
    mant = (x >> (exp + 3)) & 0x0F
    return (~(sign | (exp << 4) | mant) & 0xFF).astype(np.uint8).tobytes()


def write_pin_pcap(path, digits, lead=2.5, tail=1.0, freq=700.0, event_ms=100, gap_ms=150):
    """A pcap that sipp replays with <exec play_pcap_audio>: PCMU (PT 0) tone
    for `lead` s, then `digits` as RFC 4733 events (PT 101: 100 ms each,
    three end packets, `gap_ms` of tone between), then `tail` s of tone. One
    SSRC, continuous sequence numbers and timestamps; sipp rewrites the
    addresses. Adapted from /work/shared/peers/sip/make_rtp_pcap.py."""
    ssrc, seq, ts, t = 0x1234ABCD, 1000, 160000, 0.0
    pkts, phase = [], [0]

    def tone(seconds, marker=False):
        nonlocal seq, ts, t
        for i in range(int(round(seconds / 0.020))):
            n = np.arange(phase[0], phase[0] + 160)
            phase[0] += 160
            pcm = (8000 * np.sin(2 * np.pi * freq * n / 8000)).astype(np.int16)
            hdr = struct.pack("!BBHII", 0x80, 0x80 if marker and i == 0 else 0, seq & 0xFFFF,
                              ts & 0xFFFFFFFF, ssrc)
            pkts.append((t, hdr + _ulaw(pcm)))
            seq, ts, t = seq + 1, ts + 160, t + 0.020

    tone(lead, marker=True)
    for ch in digits:
        ev, ev_ts, n = EVENTS[ch], ts, max(1, event_ms // 20)
        for i in range(n):
            hdr = struct.pack("!BBHII", 0x80, (0x80 if i == 0 else 0) | 101, seq & 0xFFFF, ev_ts, ssrc)
            pkts.append((t, hdr + struct.pack("!BBH", ev, 10, 160 * (i + 1))))
            seq, t = seq + 1, t + 0.020
        for i in range(3):
            hdr = struct.pack("!BBHII", 0x80, 101, seq & 0xFFFF, ev_ts, ssrc)
            pkts.append((t, hdr + struct.pack("!BBH", ev, 0x80 | 10, 160 * n)))
            seq, t = seq + 1, t + (0.005 if i < 2 else 0.010)
        ts, t = ev_ts + 160 * n, round(t, 3)
        tone(gap_ms / 1000.0)
    tone(tail)
    _write_pcap(path, pkts)
    return t  # seconds of audio


def _write_pcap(path, packets):
    """A pcap of (seconds, RTP packet) pairs, each in Ethernet/IP/UDP."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        base = 1_700_000_000.0
        for tt, rtp in packets:
            data = _frame(rtp)
            sec = int(base + tt)
            f.write(struct.pack("<IIII", sec, int(round((base + tt - sec) * 1e6)), len(data),
                                len(data)) + data)


# ---------------------------------------------------------------- sipp

# uac_cancel.xml: a 100 arriving before the CANCEL is sent must not abort it.
CANCEL_BEHAVIORS = "all,-bye,-abortunexp"

INFO_BODIES = {
    "dtmf-relay": ("application/dtmf-relay", "Signal={d}\nDuration=160\n"),
    "dtmf": ("application/dtmf", "{d}\n"),
}


def info_digits(digits, mode="dtmf-relay", cseq=10, gap_ms=250, pause_after_ms=0):
    """sipp XML: one INFO per digit in the dialog (each must get 200)."""
    ctype, body = INFO_BODIES[mode]
    out = []
    for i, d in enumerate(digits):
        out.append(f'''  <send retrans="500">
    <![CDATA[
      INFO [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      [routes]
      Call-ID: [call_id]
      CSeq: {cseq + i} INFO
      Contact: <sip:[caller]@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
      Content-Type: {ctype}
      Content-Length: [len]

{"".join("      " + line + chr(10) for line in body.format(d=d).splitlines())}    ]]>
  </send>
  <recv response="200"/>
  <pause milliseconds="{gap_ms}"/>
''')
    if pause_after_ms:
        out.append(f'  <pause milliseconds="{pause_after_ms}"/>\n')
    return "".join(out)


def render_scenario(name, workdir, digits_xml=""):
    """Copies sip/<name> into workdir with the @DIGITS@ comment replaced."""
    text = (SIP_DIR / name).read_text()
    out = pathlib.Path(workdir) / name
    out.write_text(text.replace("<!--@DIGITS@-->", digits_xml.strip() or "<!-- no digits -->"))
    return out


class Sipp:
    """One sipp process, one call (-m 1), with message and error traces."""

    def __init__(self, procs, scenario, workdir, target, local_port, *, transport="u1",
                 caller="+4930555123", service=DIAL_IN_USER, hold_ms=None, media_port=None,
                 timeout_s=60, behaviors="all,-bye", extra=()):
        self.workdir = pathlib.Path(workdir)
        self.scenario = pathlib.Path(scenario)
        # sipp 3.6 takes `-set hold_ms N` as a string and pauses 0 ms on
        # <pause variable="hold_ms"/>: the pause is written into a copy.
        text = self.scenario.read_text()
        if '<pause variable="hold_ms"/>' in text:
            run = self.workdir / f"{self.scenario.stem}.run.xml"
            run.write_text(text.replace('<pause variable="hold_ms"/>',
                                        f'<pause milliseconds="{int(hold_ms or 0)}"/>'))
            self.scenario = run
        args = ["sipp", "-sf", str(self.scenario), *([target] if target else []), "-i", "127.0.0.1", "-p", str(local_port),
                "-t", transport, "-s", service, "-key", "caller", caller, "-m", "1", "-nostdin",
                "-timeout", f"{timeout_s}s", "-timeout_error", "-trace_msg", "-trace_err",
                "-trace_logs", "-default_behaviors", behaviors, "-mi", "127.0.0.1",
                *(["-mp", str(media_port)] if media_port else []),
                *extra]
        self.args = args
        self.out = open(self.workdir / f"{self.scenario.stem}.out", "w")
        self.proc = procs.add(subprocess.Popen(args, cwd=self.workdir, stdout=self.out,
                                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def running(self):
        return self.proc.poll() is None

    def log(self, kind):
        """Text of sipp's <scenario>_<pid>_<kind>.log (messages, errors, logs)."""
        files = sorted(self.workdir.glob(f"{self.scenario.stem}_*_{kind}.log"))
        return "".join(f.read_text(errors="replace") for f in files)

    def report(self):
        msgs = self.log("messages")
        return (f"sipp {' '.join(self.args)}\n--- errors:\n{self.log('errors')[-3000:]}"
                f"\n--- messages (tail):\n{msgs[-6000:]}")


def sip_udp_request(port, data, timeout=3.0):
    """Sends one datagram to 127.0.0.1:port from the port its top Via names
    (a response goes there, RFC 3261 18.2.2, unless the Via asks for rport);
    returns the first reply or None."""
    via = re.search(rb"Via: SIP/2.0/UDP 127.0.0.1:(\d+)", data)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", int(via.group(1)) if via else 0))
        s.settimeout(timeout)
        s.sendto(data, ("127.0.0.1", port))
        try:
            return s.recvfrom(65535)[0]
        except socket.timeout:
            return None


def options_request(local_port, port, transport="UDP", branch="z9hG4bKopt1", call_id="opt-1"):
    return (f"OPTIONS sip:{DIAL_IN_USER}@127.0.0.1:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/{transport} 127.0.0.1:{local_port};branch={branch}\r\n"
            f"From: <sip:probe@127.0.0.1>;tag=probe1\r\nTo: <sip:{DIAL_IN_USER}@127.0.0.1>\r\n"
            f"Call-ID: {call_id}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
            "Content-Length: 0\r\n\r\n").encode()


def sip_tcp_request(port, data, timeout=3.0):
    """Sends one message over a new TCP connection; returns the first reply's
    bytes (up to the end of its header block) or None."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        buf, deadline = b"", time.monotonic() + timeout
        while b"\r\n\r\n" not in buf and time.monotonic() < deadline:
            try:
                chunk = s.recv(65535)
            except socket.timeout:
                break
            if not chunk:
                break
            buf += chunk
        return buf or None


def status_of(reply):
    m = re.match(rb"SIP/2\.0 (\d{3})", reply or b"")
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------- baresip

BARESIP_CONFIG = """\
poll_method\t\tepoll
sip_listen\t\t127.0.0.1:{sip_port}
call_local_timeout\t30
audio_player\t\taubridge,nil
audio_source\t\tausine,{freq}
audio_alert\t\taubridge,nil
ausrc_srate\t\t48000
ausrc_channels\t\t2
auplay_srate\t\t48000
rtp_ports\t\t{rtp_lo}-{rtp_hi}
rtcp_mux\t\tno
jitter_buffer_delay\t5-10
net_interface\t\t127.0.0.1
module_path\t\t/usr/lib/baresip/modules
module\t\t\tg711.so
module\t\t\tausine.so
module\t\t\taubridge.so
module\t\t\tsndfile.so
module_tmp\t\taccount.so
module_app\t\tmenu.so
module_app\t\tctrl_tcp.so
ctrl_tcp_listen\t\t127.0.0.1:{ctrl}
snd_path\t\t{snd}
"""


class Baresip:
    """baresip driven through ctrl_tcp (netstring JSON), a sine source
    (ausine) and the sndfile module dumping both directions to WAV."""

    def __init__(self, procs, workdir, caller, sip_port, ctrl_port, rtp_base, freq=1000,
                 tls_ca=None):
        """With `tls_ca` (a PEM file), the account uses SIP over TLS and
        baresip verifies the server's certificate against it."""
        self.dir = pathlib.Path(workdir) / "baresip"
        self.snd = self.dir / "snd"
        self.snd.mkdir(parents=True)
        config = BARESIP_CONFIG.format(
            sip_port=sip_port, freq=freq, rtp_lo=rtp_base, rtp_hi=rtp_base + 19, ctrl=ctrl_port,
            snd=self.snd)
        if tls_ca:
            config += f"sip_cafile\t\t{tls_ca}\n"
        (self.dir / "config").write_text(config)
        transport = ";transport=tls" if tls_ca else ""
        (self.dir / "accounts").write_text(
            f"<sip:{caller}@127.0.0.1:{sip_port}{transport}>;regint=0;audio_codecs=PCMU/8000\n")
        self.log = open(self.dir / "baresip.out", "w")
        self.proc = procs.add(subprocess.Popen(
            ["baresip", "-f", str(self.dir), "-t", "120"], cwd=self.dir, stdout=self.log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
        deadline = time.monotonic() + 15
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("baresip exited: " + self.output())
            try:
                self.sock = socket.create_connection(("127.0.0.1", ctrl_port), timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.buf = b""
        self.events = []

    def output(self):
        self.log.flush()
        return (self.dir / "baresip.out").read_text(errors="replace")[-4000:]

    def send(self, command, params=""):
        body = json.dumps({"command": command, "params": params, "token": "t"}).encode()
        self.sock.sendall(str(len(body)).encode() + b":" + body + b",")

    def _read(self, timeout):
        end = time.monotonic() + timeout
        while True:
            if b":" in self.buf:
                n, rest = self.buf.split(b":", 1)
                if len(rest) >= int(n) + 1:
                    msg, self.buf = rest[:int(n)], rest[int(n) + 1:]
                    return json.loads(msg)
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                d = self.sock.recv(65536)
                if not d:
                    return None
                self.buf += d

    def wait_event(self, types, timeout):
        """The next event whose type is in `types` (others are kept in .events)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = self._read(end - time.monotonic())
            if m is None:
                continue
            self.events.append(m)
            if m.get("event") and m.get("type") in types:
                return m
        return None

    def quit(self):
        try:
            self.send("quit")
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass


def load_wav(path):
    """(mono float samples in -1..1, rate) of a 16-bit WAV."""
    with wave.open(str(path)) as w:
        rate, n, ch = w.getframerate(), w.getnframes(), w.getnchannels()
        x = np.frombuffer(w.readframes(n), dtype=np.int16).astype(np.float64) / 32768
    return (x.reshape(-1, ch).mean(axis=1) if ch > 1 else x), rate


def spectrum_peaks(samples, rate, count=3, min_hz=50.0):
    """[(freq_hz, magnitude)] of the strongest peaks (Hann window)."""
    if len(samples) < 1024:
        return []
    mag = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    freqs = np.fft.rfftfreq(len(samples), 1.0 / rate)
    mag[freqs < min_hz] = 0
    binw, peaks = freqs[1] - freqs[0], []
    for _ in range(count):
        i = int(np.argmax(mag))
        if mag[i] <= 0:
            break
        peaks.append((float(freqs[i]), float(mag[i])))
        mag[max(0, i - int(30 / binw)):i + int(30 / binw) + 1] = 0
    return peaks


def rms(samples):
    return float(np.sqrt(np.mean(samples ** 2))) if len(samples) else 0.0


# ---------------------------------------------------------------- linphone

LINPHONERC = """\
[sip]
sip_port={sip_port}
sip_tcp_port=0
sip_tls_port=0
use_rfc2833=1
use_info=0
[rtp]
audio_rtp_port={rtp_port}
[sound]
echocancellation=0
"""
# Codecs linphone knows: all off but the wanted ones (an unlisted codec would be
# added with its default state).
LINPHONE_CODECS = [("opus", 48000, 2), ("G722", 8000, 1), ("speex", 16000, 1), ("speex", 8000, 1),
                   ("speex", 32000, 1), ("PCMU", 8000, 1), ("PCMA", 8000, 1), ("GSM", 8000, 1),
                   ("iLBC", 8000, 1), ("L16", 44100, 2), ("L16", 44100, 1), ("BV16", 8000, 1),
                   ("SILK", 16000, 1), ("SILK", 8000, 1), ("SILK", 24000, 1), ("SILK", 12000, 1),
                   ("G729", 8000, 1), ("AMR", 8000, 1), ("AMR-WB", 16000, 1), ("mpeg4-generic", 16000, 1),
                   ("mpeg4-generic", 22050, 1), ("mpeg4-generic", 32000, 1), ("mpeg4-generic", 44100, 1),
                   ("mpeg4-generic", 48000, 1), ("G726-32", 8000, 1), ("G726-40", 8000, 1),
                   ("G726-24", 8000, 1), ("G726-16", 8000, 1), ("aal2-G726-32", 8000, 1),
                   ("aal2-G726-24", 8000, 1), ("aal2-G726-16", 8000, 1), ("aal2-G726-40", 8000, 1),
                   ("codec2", 8000, 1), ("BV16", 8000, 1)]


def linphonerc(sip_port, rtp_port, codecs):
    """A linphonerc enabling only `codecs` (mime names, e.g. ("opus",))."""
    text = LINPHONERC.format(sip_port=sip_port, rtp_port=rtp_port)
    for i, (mime, rate, ch) in enumerate(LINPHONE_CODECS):
        text += (f"[audio_codec_{i}]\nmime={mime}\nrate={rate}\nchannels={ch}\n"
                 f"enabled={1 if mime in codecs else 0}\n")
    return text


def write_tone_wav(path, freq, seconds, rate=48000):
    t = np.arange(int(rate * seconds)) / rate
    x = (0.3 * 32767 * np.sin(2 * np.pi * freq * t)).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(x.tobytes())


class Linphone:
    """linphone-daemon reading commands on stdin; its output is collected
    by a thread. HOME is the work dir (with .local/share/linphone)."""

    def __init__(self, procs, workdir, sip_port, rtp_port, codecs):
        self.dir = pathlib.Path(workdir) / "linphone"
        (self.dir / ".local" / "share" / "linphone").mkdir(parents=True)
        (self.dir / "linphonerc").write_text(linphonerc(sip_port, rtp_port, codecs))
        env = dict(os.environ, HOME=str(self.dir))
        self.proc = procs.add(subprocess.Popen(
            ["linphone-daemon", "--config", str(self.dir / "linphonerc"),
             "--log", str(self.dir / "linphone.log")],
            cwd=self.dir, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True))
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(line)

    def cmd(self, text):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def wait_line(self, pattern, timeout):
        end = time.monotonic() + timeout
        for line in self.seen:
            if re.search(pattern, line):
                return line
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        return None

    def output(self):
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)[-4000:]

    def quit(self):
        try:
            self.cmd("quit")
            self.proc.wait(timeout=5)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass


# ---------------------------------------------------------------- kamailio

def start_kamailio(procs, workdir, port=5080, timeout=10):
    """kamailio with sip/kamailio.cfg (registrar alice/alicepw, bob/bobpw on
    127.0.0.1:5080, stateful proxy); returns (process, log path)."""
    d = pathlib.Path(workdir) / "kamailio"
    d.mkdir()
    shutil.copy(SIP_DIR / "kamailio.cfg", d)
    log = d / "kamailio.log"
    proc = procs.add(subprocess.Popen(["kamailio", "-f", str(d / "kamailio.cfg"), "-DD", "-E", "-w",
                                       str(d)], cwd=d, stdout=open(log, "w"),
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return proc, log  # bound: kamailio is up
        time.sleep(0.1)
    raise RuntimeError("kamailio did not start:\n" + log.read_text()[-3000:])


# ---------------------------------------------------------------- moderator

async def ws_next(ws, wanted, timeout=10.0):
    """The next signalling frame of type `wanted` (others skipped)."""
    import asyncio

    import aiohttp
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        msg = await ws.receive(timeout=max(left, 0.01))
        assert msg.type == aiohttp.WSMsgType.TEXT, f"socket ended: {msg.type} {msg.data}"
        frame = json.loads(msg.data)
        if frame.get("type") == wanted:
            return frame


class Moderator:
    """A moderator joined over /ws with an aiortc peer sending a sine."""

    @classmethod
    async def join(cls, http, origin, token, room_id, freq):
        import asyncio

        from webrtc_peers import Client
        self = cls()
        self.ws = await http.ws_connect(origin.replace("http://", "ws://") + "/ws")
        await self.ws.send_str(json.dumps({"type": "hello", "version": 1}))
        await ws_next(self.ws, "welcome")
        await self.ws.send_str(json.dumps({"type": "join", "as": "moderator", "session": token,
                                           "room": room_id}))
        joined = await ws_next(self.ws, "joined")
        self.participant = joined["participant"]
        self.client = Client(freq)
        await self.ws.send_str(json.dumps({"type": "offer", "sdp": await self.client.offer()}))
        answer = await ws_next(self.ws, "answer", timeout=15)
        await self.client.accept(answer["sdp"])
        await asyncio.wait_for(self.client.connected, 20)
        self.track = await asyncio.wait_for(self.client.track, 10)
        return self

    async def kick(self, participant):
        await self.ws.send_str(json.dumps({"type": "kick", "participant": participant}))

    async def close(self):
        try:
            await self.client.close()
        finally:
            await self.ws.close()


def stop_process(proc, sig=signal.SIGTERM, timeout=5):
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------- in-band DTMF

# (row Hz, column Hz) of each DTMF key (ITU-T Q.23).
DTMF_HZ = {"1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "A": (697, 1633),
           "4": (770, 1209), "5": (770, 1336), "6": (770, 1477), "B": (770, 1633),
           "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "C": (852, 1633),
           "*": (941, 1209), "0": (941, 1336), "#": (941, 1477), "D": (941, 1633)}
# Peak of a 0 dBm0 sine in 16-bit linear PCM for G.711 mu-law: its overload
# point (+3.17 dBm0) is 8159 in 14 bits, 32636 in 16.
ULAW_0DBM0_PEAK = 32636 * 10 ** (-3.17 / 20)


def dtmf_samples(digit, ms, level_dbm0=-10.0, rate=8000):
    """The dual tone of `digit` for `ms` milliseconds, each tone at
    `level_dbm0`, as 16-bit samples."""
    low, high = DTMF_HZ[digit]
    n = np.arange(int(rate * ms / 1000))
    amp = ULAW_0DBM0_PEAK * 10 ** (level_dbm0 / 20)
    x = amp * (np.sin(2 * np.pi * low * n / rate) + np.sin(2 * np.pi * high * n / rate))
    return np.round(x).astype(np.int16)


def write_inband_pin_pcap(path, digits, lead=2.5, tail=1.0, tone_ms=100, gap_ms=120,
                          level_dbm0=-10.0):
    """Like write_pin_pcap, but PCMU only (PT 0, no telephone-event): `lead`
    s of digital silence, then each of `digits` as its DTMF dual tone inside
    the audio (`tone_ms` of tone, `gap_ms` of silence, each tone at
    `level_dbm0`), then `tail` s of silence. Returns the seconds of audio."""
    pcm = [np.zeros(int(8000 * lead), dtype=np.int16)]
    for ch in digits:
        pcm.append(dtmf_samples(ch, tone_ms, level_dbm0))
        pcm.append(np.zeros(int(8 * gap_ms), dtype=np.int16))
    pcm.append(np.zeros(int(8000 * tail), dtype=np.int16))
    x = np.concatenate(pcm)
    x = np.concatenate([x, np.zeros((-len(x)) % 160, dtype=np.int16)])
    ssrc, seq, ts = 0x2345BCDE, 2000, 320000
    packets = []
    for i in range(len(x) // 160):
        hdr = struct.pack("!BBHII", 0x80, 0x80 if i == 0 else 0, (seq + i) & 0xFFFF,
                          (ts + 160 * i) & 0xFFFFFFFF, ssrc)
        packets.append((0.020 * i, hdr + _ulaw(x[160 * i:160 * (i + 1)])))
    _write_pcap(path, packets)
    return len(x) / 8000.0


def frame_rms(samples, rate, ms=20):
    """RMS of each `ms` frame of `samples` (numpy array)."""
    n = int(rate * ms / 1000)
    k = len(samples) // n
    if k == 0:
        return np.zeros(0)
    return np.sqrt(np.mean(samples[:k * n].reshape(k, n) ** 2, axis=1))
