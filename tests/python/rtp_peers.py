"""Plain-RTP test peers for the engine's phone legs: ffmpeg (sender and
receiver), sox (in-band DTMF), a raw UDP socket that speaks RTP, a classic
pcap reader, and the small decoders the checks need (RTP header, G.711
mu-law, RFC 4733 events, WAV).

Everything binds 127.0.0.1. Every subprocess runs with a timeout and is
killed when the test that started it ends, whatever happens.
"""
import asyncio
import contextlib
import dataclasses
import re
import shutil
import socket
import struct
import subprocess
import time
import wave

import numpy as np

FFMPEG = shutil.which("ffmpeg")
SOX = shutil.which("sox")

# codec -> (payload type, a=rtpmap value or None for static PTs, sender args)
# The sender sends a sine in this codec (`{freq}` filled in); PCM codecs get
# 20 ms packets only with asetnsamples (lavfi's sine gives 1024 samples).
CODECS = {
    "PCMU": (0, None, ["-f", "lavfi", "-i", "sine=frequency={freq}:sample_rate=8000",
                       "-af", "asetnsamples=n=160", "-c:a", "pcm_mulaw"]),
    "PCMA": (8, None, ["-f", "lavfi", "-i", "sine=frequency={freq}:sample_rate=8000",
                       "-af", "asetnsamples=n=160", "-c:a", "pcm_alaw"]),
    "G722": (9, None, ["-f", "lavfi", "-i", "sine=frequency={freq}:sample_rate=16000",
                       "-c:a", "g722"]),
    "opus": (111, "opus/48000/2", ["-f", "lavfi", "-i", "sine=frequency={freq}:sample_rate=48000",
                                   "-c:a", "libopus", "-b:a", "32k", "-frame_duration", "20"]),
}

DTMF_FREQS = {"1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "A": (697, 1633),
              "4": (770, 1209), "5": (770, 1336), "6": (770, 1477), "B": (770, 1633),
              "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "C": (852, 1633),
              "*": (941, 1209), "0": (941, 1336), "#": (941, 1477), "D": (941, 1633)}
EVENT_DIGITS = "0123456789*#ABCD"  # RFC 4733 event codes 0-15


# ---- ports and SDP ---------------------------------------------------------------------

def free_port_pair(host="127.0.0.1"):
    """An even UDP port P with P and P + 1 free now (RTP and RTCP)."""
    for _ in range(200):
        a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            a.bind((host, 0))
            port = a.getsockname()[1]
            if port % 2 or port >= 65534:
                continue
            try:
                b.bind((host, port + 1))
            except OSError:
                continue
            return port
        finally:
            a.close()
            b.close()
    raise RuntimeError("no free UDP port pair")


def offer_sdp(port, payload_types, rtpmaps=(), direction=None, address="127.0.0.1",
              extra=()):
    """A phone's RTP/AVP offer: it receives RTP on address:port (RTCP on
    port + 1). rtpmaps: (pt, "name/rate[/ch]") pairs; extra: more a= lines."""
    lines = ["v=0", f"o=- 1 1 IN IP4 {address}", "s=phone", f"c=IN IP4 {address}", "t=0 0",
             f"m=audio {port} RTP/AVP {' '.join(str(pt) for pt in payload_types)}"]
    lines += [f"a=rtpmap:{pt} {name}" for pt, name in rtpmaps]
    lines += list(extra)
    lines.append("a=ptime:20")
    if direction:
        lines.append(f"a={direction}")
    return "\r\n".join(lines) + "\r\n"


@dataclasses.dataclass
class Answer:
    address: str
    port: int
    payload_types: list
    rtpmaps: dict  # pt -> "name/rate[/ch]"
    direction: str  # "sendrecv" when no attribute says otherwise
    text: str


def parse_answer(sdp):
    """The engine's answer: its c= address, m= port and payload types,
    rtpmaps and direction."""
    address = re.search(r"^c=IN IP[46] (\S+)", sdp, re.M).group(1)
    m = re.search(r"^m=audio (\d+) RTP/AVP((?: \d+)+)", sdp, re.M)
    rtpmaps = {int(pt): name for pt, name in re.findall(r"^a=rtpmap:(\d+) (\S+)", sdp, re.M)}
    direction = "sendrecv"
    for d in ("sendrecv", "sendonly", "recvonly", "inactive"):
        if re.search(rf"^a={d}\s*$", sdp, re.M):
            direction = d
    return Answer(address, int(m.group(1)), [int(p) for p in m.group(2).split()], rtpmaps,
                  direction, sdp)


def receiver_sdp(answer_text, listen_port):
    """The SDP an ffmpeg receiver reads, built from the engine's answer: its
    m= port becomes the port ffmpeg binds (and + 1 for RTCP); c= stays the
    engine's address; codec and rtpmap as answered."""
    return re.sub(r"^m=audio \d+ ", f"m=audio {listen_port} ", answer_text, count=1,
                  flags=re.M)


# ---- RTP ---------------------------------------------------------------------------------

@dataclasses.dataclass
class Rtp:
    marker: bool
    pt: int
    seq: int
    ts: int
    ssrc: int
    payload: bytes


def is_rtcp(data):
    return len(data) >= 2 and 192 <= data[1] <= 223


def parse_rtp(data):
    """An RTP packet (RFC 3550), or None for RTCP or garbage."""
    if len(data) < 12 or data[0] >> 6 != 2 or is_rtcp(data):
        return None
    cc, has_ext, has_pad = data[0] & 0x0F, data[0] & 0x10, data[0] & 0x20
    off = 12 + 4 * cc
    if has_ext:
        if len(data) < off + 4:
            return None
        off += 4 + 4 * struct.unpack("!H", data[off + 2:off + 4])[0]
    end = len(data) - (data[-1] if has_pad else 0)
    if end < off:
        return None
    seq, ts, ssrc = struct.unpack("!HII", data[2:12])
    return Rtp(bool(data[1] & 0x80), data[1] & 0x7F, seq, ts, ssrc, bytes(data[off:end]))


def build_rtp(pt, seq, ts, ssrc, payload, marker=False):
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF,
                       ts & 0xFFFFFFFF, ssrc) + payload


def ulaw_decode(payload):
    """G.711 mu-law bytes -> float samples in -1..1."""
    u = ~np.frombuffer(payload, dtype=np.uint8) & 0xFF
    exponent = (u >> 4) & 0x07
    magnitude = (((u & 0x0F).astype(np.int32) << 3) + 0x84) << exponent
    return np.where(u & 0x80, 0x84 - magnitude, magnitude - 0x84) / 32768.0


def ulaw_encode(samples):
    """Float samples in -1..1 -> G.711 mu-law bytes."""
    x = np.clip(np.asarray(samples) * 32768.0, -32635, 32635).astype(np.int32)
    sign = np.where(x < 0, 0x80, 0)
    x = np.abs(x) + 0x84
    exponent = np.floor(np.log2(x)).astype(np.int32) - 7
    mantissa = (x >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()


def rms(samples):
    return float(np.sqrt(np.mean(np.square(samples)))) if len(samples) else 0.0


@dataclasses.dataclass
class DtmfEvent:
    digit: str
    timestamp: int
    packets: list  # (marker, end, duration) per packet, in arrival order

    @property
    def end_packets(self):
        return sum(1 for _, end, _ in self.packets if end)


def telephone_events(packets, pt):
    """RFC 4733 events among `packets` (Rtp) of payload type `pt`, one per
    event timestamp, in order."""
    events = {}
    for p in packets:
        if p.pt != pt or len(p.payload) < 4:
            continue
        code, flags, duration = struct.unpack("!BBH", p.payload[:4])
        ev = events.setdefault(p.ts, DtmfEvent(EVENT_DIGITS[code] if code < 16 else "?", p.ts, []))
        ev.packets.append((p.marker, bool(flags & 0x80), duration))
    return list(events.values())


class RtpPeer(asyncio.DatagramProtocol):
    """A phone's UDP socket on the asyncio loop: keeps what arrives (with
    arrival times) and sends RTP. `RtpPeer.open(port)` binds 127.0.0.1."""

    def __init__(self):
        self.transport = None
        self.port = None
        self.received = []  # (monotonic time, (host, port), bytes)

    @classmethod
    async def open(cls, port=0, host="127.0.0.1"):
        loop = asyncio.get_running_loop()
        _, peer = await loop.create_datagram_endpoint(cls, local_addr=(host, port))
        return peer

    def connection_made(self, transport):
        self.transport = transport
        self.port = transport.get_extra_info("sockname")[1]

    def datagram_received(self, data, addr):
        self.received.append((time.monotonic(), addr, data))

    def error_received(self, exc):  # ICMP port unreachable and the like
        pass

    def sendto(self, data, addr):
        self.transport.sendto(data, addr)

    def clear(self):
        self.received.clear()

    def rtp(self):
        return [p for p in (parse_rtp(d) for _, _, d in self.received) if p is not None]

    async def collect(self, seconds):
        """The RTP packets that arrive in the next `seconds`."""
        self.clear()
        await asyncio.sleep(seconds)
        return self.rtp()

    def close(self):
        if self.transport is not None:
            self.transport.close()


class RtpStream:
    """Sends 20 ms PCMU packets from an RtpPeer to `dest` on a real-time
    schedule while `sending` is set: a phone's outgoing audio (a quiet
    tone by default). stop() ends it."""

    def __init__(self, peer, dest, pt=0, freq=500.0, amplitude=0.1, ssrc=0x5EED1234):
        self.peer, self.dest, self.pt, self.ssrc = peer, dest, pt, ssrc
        t = np.arange(8000) / 8000.0  # one second loops seamlessly for integer freq
        self.audio = ulaw_encode(amplitude * np.sin(2 * np.pi * freq * t))
        self.sending = asyncio.Event()
        self.sending.set()
        self.sent = 0
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self):
        seq, ts, start, n = 1000, 16000, time.monotonic(), 0
        while True:
            if self.sending.is_set():
                off = (n * 160) % 8000
                self.peer.sendto(build_rtp(self.pt, seq, ts, self.ssrc,
                                           self.audio[off:off + 160], marker=(n == 0)),
                                 self.dest)
                seq += 1
                self.sent += 1
            ts += 160  # the timeline runs on while paused, as a phone's would
            n += 1
            await asyncio.sleep(max(0.0, start + n * 0.020 - time.monotonic()))

    def pause(self):
        self.sending.clear()

    def resume(self):
        self.sending.set()

    async def stop(self):
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


# ---- pcap -----------------------------------------------------------------------------------

@dataclasses.dataclass
class UdpRecord:
    time: float  # capture time, seconds
    src: tuple
    dst: tuple
    payload: bytes


def read_pcap_udp(path):
    """The UDP datagrams of a classic pcap file (Ethernet, IPv4; optional
    802.1Q tag), in capture order. Other packets (IPv6, TCP, fragments) are
    skipped. Raises ValueError for a file that is not classic pcap on
    Ethernet."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError(f"{path}: too short for a pcap header")
    formats = {b"\xd4\xc3\xb2\xa1": ("<", 1e-6), b"\xa1\xb2\xc3\xd4": (">", 1e-6),
               b"\x4d\x3c\xb2\xa1": ("<", 1e-9), b"\xa1\xb2\x3c\x4d": (">", 1e-9)}
    if data[:4] not in formats:
        raise ValueError(f"{path}: not a classic pcap file (pcapng is not read)")
    endian, unit = formats[data[:4]]
    if struct.unpack(endian + "I", data[20:24])[0] != 1:
        raise ValueError(f"{path}: link type is not Ethernet")
    out, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) < incl:
            raise ValueError(f"{path}: truncated record")
        eth = 14
        ethertype = struct.unpack("!H", frame[12:14])[0] if len(frame) >= 14 else 0
        if ethertype == 0x8100 and len(frame) >= 18:
            ethertype, eth = struct.unpack("!H", frame[16:18])[0], 18
        if ethertype != 0x0800:
            continue
        ip = frame[eth:]
        if len(ip) < 20 or ip[0] >> 4 != 4:
            continue
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        fragment = struct.unpack("!H", ip[6:8])[0] & 0x3FFF  # MF flag or offset
        if ip[9] != 17 or fragment or len(ip) < ihl + 8:
            continue
        udp = ip[ihl:total]
        sport, dport, length = struct.unpack("!HHH", udp[:6])
        out.append(UdpRecord(sec + frac * unit, (socket.inet_ntoa(ip[12:16]), sport),
                             (socket.inet_ntoa(ip[16:20]), dport), bytes(udp[8:length])))
    return out


async def replay(peer, records, dest):
    """Sends the records' payloads from `peer` to `dest`, paced as their
    capture times say (an absolute schedule: no drift)."""
    if not records:
        return
    t0, start = records[0].time, time.monotonic()
    for r in records:
        wait = start + (r.time - t0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        peer.sendto(r.payload, dest)


# ---- subprocesses: ffmpeg and sox -------------------------------------------------------------

class Processes:
    """Subprocesses of one test: each bounded by a timeout, all killed at the
    end of the `async with`."""

    def __init__(self):
        self.procs = []

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        for p in self.procs:
            if p.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    p.kill()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(p.wait(), 5)

    async def start(self, *args):
        p = await asyncio.create_subprocess_exec(
            *args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        self.procs.append(p)
        return p

    @staticmethod
    async def finish(p, timeout, what="process"):
        """Waits for `p` (killing it after `timeout` s); returns its stderr.
        Raises AssertionError if it timed out or failed."""
        try:
            _, err = await asyncio.wait_for(p.communicate(), timeout)
        except asyncio.TimeoutError:
            p.kill()
            await p.wait()
            raise AssertionError(f"{what} did not finish within {timeout} s") from None
        text = err.decode(errors="replace")
        assert p.returncode == 0, f"{what} exited with {p.returncode}: {text[-800:]}"
        return text


FFMPEG_BASE = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"]


def ffmpeg_sender_args(codec, freq, dest, local_port, seconds):
    """ffmpeg sending a `freq` Hz sine in `codec` to dest (host, port), from
    local_port (RTCP from local_port + 1), in real time, for `seconds`."""
    pt, _, args = CODECS[codec]
    args = [a.format(freq=freq) for a in args]
    host, port = dest
    return [FFMPEG, *FFMPEG_BASE, "-re", *args[:4], "-t", str(seconds), *args[4:],
            "-payload_type", str(pt), "-f", "rtp",
            f"rtp://{host}:{port}?localrtpport={local_port}&localrtcpport={local_port + 1}"]


def ffmpeg_wav_sender_args(wav, dest, local_port):
    """ffmpeg sending a WAV file as 20 ms PCMU packets, in real time."""
    host, port = dest
    return [FFMPEG, *FFMPEG_BASE, "-re", "-i", str(wav), "-af", "asetnsamples=n=160",
            "-c:a", "pcm_mulaw", "-payload_type", "0", "-f", "rtp",
            f"rtp://{host}:{port}?localrtpport={local_port}&localrtcpport={local_port + 1}"]


def ffmpeg_receiver_args(sdp_path, wav_path, seconds, listen_timeout=5):
    """ffmpeg receiving the RTP an SDP file describes (it binds the SDP's m=
    port on 127.0.0.1) and writing `seconds` of it to a WAV. It gives up
    after `listen_timeout` s without packets."""
    return [FFMPEG, *FFMPEG_BASE, "-protocol_whitelist", "file,udp,rtp",
            "-localaddr", "127.0.0.1", "-listen_timeout", str(listen_timeout),
            "-i", str(sdp_path), "-t", str(seconds), str(wav_path)]


def load_wav(path):
    """A WAV file as mono float samples in -1..1: (samples, rate)."""
    with wave.open(str(path)) as w:
        rate, ch, n = w.getframerate(), w.getnchannels(), w.getnframes()
        assert w.getsampwidth() == 2, f"{path}: not 16-bit PCM"
        x = np.frombuffer(w.readframes(n), dtype=np.int16).astype(np.float64) / 32768.0
    return (x.reshape(-1, ch).mean(axis=1) if ch > 1 else x), rate


def make_dtmf_wav(directory, digits, tone_s=0.1, gap_s=0.1, lead_s=0.3, tail_s=0.3):
    """In-band DTMF made by sox: a short silence, then each digit's dual tone
    (tone_s) followed by silence (gap_s), then silence. Returns the path."""
    def sox(*args):
        subprocess.run([SOX, *args], check=True, timeout=30, capture_output=True)

    parts = [directory / "lead.wav"]
    sox("-n", "-r", "8000", "-c", "1", "-b", "16", str(parts[0]), "trim", "0", str(lead_s))
    for i, d in enumerate(digits):
        low, high = DTMF_FREQS[d]
        part = directory / f"d{i}.wav"
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", str(part), "synth", str(tone_s),
            "sine", str(low), "sine", str(high), "pad", "0", str(gap_s), "vol", "0.5")
        parts.append(part)
    tail = directory / "tail.wav"
    sox("-n", "-r", "8000", "-c", "1", "-b", "16", str(tail), "trim", "0", str(tail_s))
    out = directory / "dtmf.wav"
    sox(*(str(p) for p in parts), str(tail), str(out))
    return out
