"""aiortc video peers for the SFU tests: a paced color-bar camera that can
pause, receivers that count decoded frames, and the engine's "control"
data channel.

Each client's camera shows a solid color of its own, so a receiver can
tell from the decoded pixels whose video a slot carries; the engine's
"video-slots" message says whose it should be.
"""
import asyncio
import fractions
import json
import time

import numpy as np

import webrtc_peers  # noqa: F401  (forces loopback candidates)
import av  # noqa: E402
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription  # noqa: E402
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack  # noqa: E402
from webrtc_peers import SineTrack  # noqa: E402

COLORS = [(220, 40, 40), (40, 200, 40), (40, 40, 220)]


class ColorTrack(MediaStreamTrack):
    """A real-time paced camera: 320x240 at 15 fps of one color, with a
    moving bar so the encoder has something to code. pause() makes it
    stop producing frames (the sender stops sending) until resume()."""

    kind = "video"

    def __init__(self, color, width=320, height=240, fps=15, noise_rows=0):
        super().__init__()
        self.color, self.width, self.height, self.fps = color, width, height, fps
        # Rows of fresh noise per frame: big frames, several packets each.
        self.noise_rows = noise_rows
        self._rng = np.random.default_rng(len(color) + color[0])
        self._count = 0
        self._start = None
        self._running = asyncio.Event()
        self._running.set()

    def pause(self):
        self._running.clear()

    def resume(self):
        self._running.set()

    async def recv(self):
        if self.readyState != "live":
            raise MediaStreamError
        if not self._running.is_set():
            await self._running.wait()
            self._start = None  # restart the pacing after a pause
        if self._start is None:
            self._start = time.time() - self._count / self.fps
        wait = self._start + self._count / self.fps - time.time()
        if wait > 0:
            await asyncio.sleep(wait)
        img = np.empty((self.height, self.width, 3), dtype=np.uint8)
        img[:, :] = self.color
        x = (self._count * 8) % self.width
        img[:, x:x + 8] = (255, 255, 255)
        if self.noise_rows:
            img[:self.noise_rows] = self._rng.integers(0, 256, (self.noise_rows, self.width, 3),
                                                       dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(img, format="rgb24")
        frame.pts = int(self._count * 90000 / self.fps)
        frame.time_base = fractions.Fraction(1, 90000)
        self._count += 1
        return frame


class FrameCounter:
    """Reads a remote video track: decoded frames, their size, arrival
    times and mean color."""

    def __init__(self, track):
        self.track = track
        self.frames = 0
        self.sizes = set()
        self.arrivals = []
        self.color = None
        self.task = asyncio.ensure_future(self._run())

    async def _run(self):
        try:
            while True:
                frame = await self.track.recv()
                self.frames += 1
                self.sizes.add((frame.width, frame.height))
                self.arrivals.append(time.monotonic())
                if self.frames % 5 == 0:
                    rgb = frame.to_ndarray(format="rgb24")
                    # Left of the moving bar is mostly the plain color.
                    self.color = tuple(int(v) for v in np.median(rgb.reshape(-1, 3), axis=0))
        except (MediaStreamError, asyncio.CancelledError):
            pass

    def longest_gap(self, since):
        times = [t for t in self.arrivals if t >= since]
        if len(times) < 2:
            return float("inf")
        return max(b - a for a, b in zip(times, times[1:]))

    def stop(self):
        self.task.cancel()


def closest_color(rgb):
    return min(range(len(COLORS)),
               key=lambda i: sum((a - b) ** 2 for a, b in zip(rgb, COLORS[i])))


class VideoClient:
    """An aiortc peer with a tone, a camera (sendrecv: the camera goes up,
    the first slot comes down), `extra_slots` recvonly video sections, and
    the "chat" and "control" data channels."""

    def __init__(self, index, extra_slots=1, noise_rows=0, codec=None):
        self.index = index
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pc.addTrack(SineTrack(300.0 + 150 * index))
        self.camera = ColorTrack(COLORS[index % len(COLORS)], noise_rows=noise_rows)
        transceivers = [self.pc.addTransceiver(self.camera, direction="sendrecv")]
        for _ in range(extra_slots):
            transceivers.append(self.pc.addTransceiver("video", direction="recvonly"))
        if codec is not None:  # e.g. "video/H264": offer only that (and its RTX)
            from aiortc import RTCRtpSender
            caps = RTCRtpSender.getCapabilities("video").codecs
            wanted = [c for c in caps if c.mimeType == codec]
            wanted += [c for c in caps if c.mimeType == "video/rtx"]
            for t in transceivers:
                t.setCodecPreferences(wanted)
        self.control = self.pc.createDataChannel("control")
        loop = asyncio.get_event_loop()
        self.connected = loop.create_future()
        self.control_open = loop.create_future()
        self.video_tracks = {}   # mid -> FrameCounter
        self.slots = {}          # mid -> participant id (or None)
        self.messages = []

        @self.pc.on("track")
        def _track(track):
            if track.kind != "video":
                return
            mid = next((t.mid for t in self.pc.getTransceivers() if t.receiver.track is track), None)
            self.video_tracks[mid] = FrameCounter(track)

        @self.pc.on("connectionstatechange")
        def _state():
            if self.pc.connectionState == "connected" and not self.connected.done():
                self.connected.set_result(True)

        @self.control.on("open")
        def _open():
            if not self.control_open.done():
                self.control_open.set_result(True)

        @self.control.on("message")
        def _message(text):
            msg = json.loads(text)
            self.messages.append(msg)
            if msg.get("type") == "video-slots":
                self.slots = {s["mid"]: s["participant"] for s in msg["slots"]}

    async def offer(self):
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return self.pc.localDescription.sdp

    async def accept(self, answer_sdp):
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))

    def counter_for(self, participant):
        for mid, who in self.slots.items():
            if who == participant and mid in self.video_tracks:
                return self.video_tracks[mid]
        return None

    async def close(self):
        for counter in self.video_tracks.values():
            counter.stop()
        await self.pc.close()
