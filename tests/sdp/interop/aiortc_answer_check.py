#!/usr/bin/python3
"""Checks that aiortc accepts konfero's answer to its own offer.

Usage: /usr/bin/python3 aiortc_answer_check.py BUILD_DIR/tests/sdp/sdp_answer_tool
aiortc (python3-aiortc) offers audio, video and a data channel, applies the
answer of sdp_answer_tool and prints the negotiated codecs. Not run by CTest.
"""
import asyncio
import subprocess
import sys

from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack


async def main() -> int:
    # aiortc starts ICE towards the test candidate; closing ends that attempt.
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: None)
    pc = RTCPeerConnection()
    pc.addTrack(AudioStreamTrack())
    pc.addTrack(VideoStreamTrack())
    pc.createDataChannel("chat")
    await pc.setLocalDescription(await pc.createOffer())
    run = subprocess.run([sys.argv[1]], input=pc.localDescription.sdp.encode(),
                         capture_output=True)
    if run.returncode != 0:
        print("ERROR", run.stderr.decode())
        return 1
    await pc.setRemoteDescription(RTCSessionDescription(sdp=run.stdout.decode(), type="answer"))
    for t in pc.getTransceivers():
        print(t.mid, t.kind, t.currentDirection, [c.mimeType for c in t._codecs])
    await pc.close()
    print("OK")
    return 0


sys.exit(asyncio.run(main()))
