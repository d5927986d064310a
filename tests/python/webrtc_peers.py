"""aiortc test peers for the engine tests: a sine source, FFT checks.

aiortc (Debian python3-aiortc 1.4) is a real, independent WebRTC stack: the
tests connect it to konfero's engine and check what arrives. aioice 0.8
drops loopback addresses from its host candidates; force_loopback() makes
it offer 127.0.0.1 only, so every test stays on loopback.
"""
import asyncio
import fractions
import math
import time

import konfero
import numpy as np


def force_loopback():
    import aioice.ice
    aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]


force_loopback()

import av  # noqa: E402
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription  # noqa: E402
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack  # noqa: E402


class SineTrack(MediaStreamTrack):
    """A real-time paced sine, 48 kHz mono, 20 ms frames."""

    kind = "audio"

    def __init__(self, freq, amplitude=0.3, rate=48000):
        super().__init__()
        self.freq, self.amp, self.rate = float(freq), amplitude, rate
        self.samples = rate // 50
        self._pts = 0
        self._start = None

    async def recv(self):
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.time()
        else:
            wait = self._start + self._pts / self.rate - time.time()
            if wait > 0:
                await asyncio.sleep(wait)
        t = (np.arange(self.samples) + self._pts) / self.rate
        pcm = (self.amp * 32767 * np.sin(2 * math.pi * self.freq * t)).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = self.rate
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, self.rate)
        self._pts += self.samples
        return frame


def frame_to_mono(frame):
    arr = frame.to_ndarray()
    ch = len(frame.layout.channels)
    arr = arr.reshape(-1, ch).astype(np.float64).mean(axis=1) if ch > 1 else arr.reshape(-1).astype(np.float64)
    return arr / 32768.0


async def collect_audio(track, seconds, skip_seconds=0.5, timeout=20.0):
    """Decoded mono samples from a remote track: (samples, rate)."""
    chunks, rate, got, skipped = [], 48000, 0.0, 0.0
    deadline = time.time() + timeout
    while got < seconds and time.time() < deadline:
        frame = await asyncio.wait_for(track.recv(), timeout=max(0.1, deadline - time.time()))
        rate = frame.sample_rate
        dur = frame.samples / rate
        if skipped < skip_seconds:
            skipped += dur
            continue
        chunks.append(frame_to_mono(frame))
        got += dur
    return (np.concatenate(chunks) if chunks else np.zeros(0)), rate


def band_level(samples, rate, freq, width=20.0):
    """Spectral magnitude near `freq` relative to the strongest bin (0..1)."""
    if len(samples) < 2048:
        return 0.0
    mag = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    freqs = np.fft.rfftfreq(len(samples), 1.0 / rate)
    mag[freqs < 50] = 0
    top = mag.max() if mag.max() > 0 else 1.0
    sel = (freqs > freq - width) & (freqs < freq + width)
    return float(mag[sel].max() / top)


class Client:
    """One aiortc peer: a sine track, a 'chat' and a 'data' channel."""

    def __init__(self, freq):
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.freq = freq
        self.pc.addTrack(SineTrack(freq))
        self.chat = self.pc.createDataChannel("chat")
        self.data = self.pc.createDataChannel("data")
        loop = asyncio.get_event_loop()
        self.track = loop.create_future()
        self.connected = loop.create_future()
        self.chat_open = loop.create_future()
        self.data_open = loop.create_future()
        self.chat_messages = asyncio.Queue()
        self.data_messages = asyncio.Queue()

        @self.pc.on("track")
        def _track(track):
            if track.kind == "audio" and not self.track.done():
                self.track.set_result(track)

        @self.pc.on("connectionstatechange")
        def _state():
            if self.pc.connectionState == "connected" and not self.connected.done():
                self.connected.set_result(True)

        @self.chat.on("open")
        def _chat_open():
            if not self.chat_open.done():
                self.chat_open.set_result(True)

        @self.data.on("open")
        def _data_open():
            if not self.data_open.done():
                self.data_open.set_result(True)

        self.chat.on("message", self.chat_messages.put_nowait)
        self.data.on("message", self.data_messages.put_nowait)

    async def offer(self):
        await self.pc.setLocalDescription(await self.pc.createOffer())
        sdp = self.pc.localDescription.sdp
        # aiortc 1.4 reassembles data-channel messages of any size but
        # announces a=max-message-size:65536; state what it really takes so
        # the engine may send it 256 KiB messages (RFC 8841 makes the engine
        # respect the announced size).
        sdp = sdp.replace("a=max-message-size:65536", "a=max-message-size:262144")
        return sdp

    async def accept(self, answer_sdp):
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))

    async def close(self):
        await self.pc.close()


class ReportPump:
    """Applies an engine's reports on the running asyncio loop as soon as its
    TaskQueue's fd is readable, the way a server's event loop would."""

    def __init__(self, queue):
        self.queue = queue
        self._detach = konfero.attach_to_asyncio(queue)

    def cancel(self):
        self._detach()


def start_engine(service, options):
    """konfero.Engine.start with a TaskQueue pumped by the running loop;
    returns (engine, pump). pump.cancel() detaches it."""
    queue = konfero.TaskQueue()
    engine = konfero.Engine.start(service, options, queue)
    return engine, ReportPump(queue)
