"""Load check (not in CI): many aiortc clients join one konfero-server.

Starts the built konfero-server on 127.0.0.1 with a fresh data directory,
logs in as the bootstrap admin, joins the demo room as moderator (an aiortc
client sending a tone), then lets N guests join in waves over the
signalling WebSocket, each an aiortc client with its own tone. A guest's
join time runs from opening its WebSocket to the first decoded audio frame
with energy (it hears the room's mix). Prints the median and the 99th
percentile, and the server's CPU time per joined guest. Bounded: at most
--guests clients, each wait has a timeout, the run stops itself.

  PYTHONPATH=build/bindings/python /usr/bin/python3 bench/load/join_load.py \
      --server build/examples/server/konfero-server --guests 30 --wave 5
(run it inside scripts/netns_run.sh to keep it on loopback).
"""
import argparse
import asyncio
import json
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests" / "python"))
import webrtc_peers  # noqa: E402,F401  (loopback candidates for aiortc)
import aiohttp  # noqa: E402
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription  # noqa: E402
from webrtc_peers import SineTrack, frame_to_mono  # noqa: E402


async def next_frame(ws, wanted, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        msg = await ws.receive(timeout=max(0.01, deadline - time.monotonic()))
        if msg.type != aiohttp.WSMsgType.TEXT:
            raise RuntimeError(f"socket ended: {msg.type}")
        frame = json.loads(msg.data)
        if frame.get("type") == "error":
            raise RuntimeError(f"server error: {frame}")
        if frame.get("type") == wanted:
            return frame


async def participant(http, origin, join, freq, timeout=30.0, listen=True):
    """Joins, connects media; returns (seconds until audio with energy, pc, ws).
    With listen=False (the first moderator, alone in the room, hears
    silence) it returns once media is connected."""
    start = time.monotonic()
    ws = await http.ws_connect(origin.replace("http", "ws") + "/ws")
    await ws.send_str(json.dumps({"type": "hello", "version": 1}))
    await next_frame(ws, "welcome")
    await ws.send_str(json.dumps(join))
    await next_frame(ws, "joined")
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTrack(SineTrack(freq))
    heard = asyncio.get_event_loop().create_future()

    @pc.on("track")
    def _track(track):
        async def listen():
            while not heard.done():
                frame = await track.recv()
                if np.abs(frame_to_mono(frame)).max() > 0.01:
                    heard.set_result(time.monotonic())
        if track.kind == "audio":
            asyncio.ensure_future(listen())

    await pc.setLocalDescription(await pc.createOffer())
    await ws.send_str(json.dumps({"type": "offer", "sdp": pc.localDescription.sdp}))
    answer = await next_frame(ws, "answer")
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
    if not listen:
        return time.monotonic() - start, pc, ws
    at = await asyncio.wait_for(heard, timeout)
    return at - start, pc, ws


async def main(args):
    data = tempfile.mkdtemp(prefix="konfero-load-")
    proc = subprocess.Popen([args.server, "--listen", "127.0.0.1:0", "--data-dir", data,
                             "--licence-seats", str(args.guests + 5),
                             # every simulated guest comes from 127.0.0.1
                             "--max-guests-per-address", "0",
                             "--max-guests-per-room", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peers = []
    try:
        banner = ""
        while "demo room URL" not in banner or not banner.endswith("\n\n"):
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("the server did not start:\n" + banner)
            banner += line
        origin = re.search(r"moderator URL:\s+(\S+?)/?\n", banner).group(1)
        password = re.search(r"admin password:\s+(\S+)", banner).group(1)
        url_token = re.search(r"demo room URL:\s+\S+/r/(\S+)", banner).group(1)
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{origin}/api/login",
                                 json={"login": "admin", "password": password}) as r:
                token = (await r.json())["token"]
            async with http.get(f"{origin}/api/rooms",
                                headers={"Authorization": f"Bearer {token}"}) as r:
                room = (await r.json())["rooms"][0]["id"]
            _, pc, ws = await participant(http, origin, {
                "type": "join", "as": "moderator", "session": token, "room": room}, 220.0, listen=False)
            peers.append((pc, ws))
            cpu_before = cpu_seconds(proc.pid)
            times = []
            for wave in range(0, args.guests, args.wave):
                joins = [participant(http, origin, {
                    "type": "join", "as": "guest", "url_token": url_token,
                    "name": f"Guest {i}", "guest_key": f"load-guest-key-{i:06d}"},
                    300.0 + 10 * (i % 50)) for i in range(wave, min(wave + args.wave, args.guests))]
                for t, pc, ws in await asyncio.gather(*joins):
                    times.append(t)
                    peers.append((pc, ws))
            cpu = cpu_seconds(proc.pid) - cpu_before
            times.sort()
            p99 = times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))]
            print(f"guests joined: {len(times)} in waves of {args.wave}")
            print(f"join time (WebSocket open to hearing the mix): median "
                  f"{statistics.median(times) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
                  f"max {times[-1] * 1000:.0f} ms")
            print(f"server CPU while they joined: {cpu:.2f} s "
                  f"({cpu / len(times) * 1000:.0f} ms per guest)")
            for pc, ws in peers:
                await ws.close()
                await pc.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def cpu_seconds(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0  # utime + stime, in clock ticks


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--server", default="build/examples/server/konfero-server")
    p.add_argument("--guests", type=int, default=30)
    p.add_argument("--wave", type=int, default=5)
    a = p.parse_args()
    if not 1 <= a.guests <= 200:
        sys.exit("--guests must be 1 to 200")
    asyncio.run(asyncio.wait_for(main(a), 600))
