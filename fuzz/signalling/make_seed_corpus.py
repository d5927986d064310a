#!/usr/bin/env python3
"""Writes the seed corpus of signalling_fuzzer to fuzz/corpus/.

Each seed is a mode byte (0: fresh socket, 1: after hello, 2: joined as
moderator, 3: joined as guest) and frames separated by newlines; one-byte
lines are the harness's actions (see signalling_fuzzer.cc). Run from
anywhere; the output is deterministic.
"""
import json
import pathlib

CORPUS = pathlib.Path(__file__).resolve().parent.parent / "corpus" / "signalling_fuzzer"

DROP, EXPIRE, RESUME, SHUTDOWN = b"\x01", b"\x02", b"\x03", b"\x04"


def frame(type_, **fields):
    return json.dumps({"type": type_, **fields}, separators=(",", ":")).encode()


def join(**fields):
    return frame("join", **fields)


def seed(mode, *lines):
    return bytes([mode]) + b"\n".join(lines)


SEEDS = {
    "handshake": seed(0, frame("hello", version=1), frame("hello", version=2)),
    "bad_version": seed(0, frame("hello", version=7)),
    "join_moderator": seed(1, join(**{"as": "moderator"}, session="$SESSION", room=1)),
    "join_guest": seed(1, join(**{"as": "guest"}, url_token="$URL", name="  Dora ",
                               guest_key="guest-key-seed-000001")),
    "join_errors": seed(1, join(**{"as": "moderator"}, session="nope", room=1)),
    "moderator_actions": seed(
        2, frame("chat", text="Hallo"), frame("mute", participant=2, muted=True),
        frame("offer", sdp="v=0\r\n"), frame("kick", participant=2),
        frame("set-public", public=False), frame("set-public", public=True),
        frame("watch-rooms", session="$SESSION"), frame("leave")),
    "guest_actions": seed(
        3, frame("chat", text="Hi"), frame("kick", participant=1),
        frame("mute", participant=1, muted=True), frame("set-public", public=False),
        frame("offer", sdp="nope")),
    "drop_and_resume": seed(3, DROP, RESUME, frame("chat", text="back")),
    "grace_expiry": seed(2, DROP, EXPIRE, RESUME),
    "shutdown": seed(2, SHUTDOWN, frame("hello", version=1)),
    "malformed": seed(2, b"{", b"[]", b'{"type":1}', b'{"type":"kick","participant":"x"}',
                      b'{"type":"fly"}', b'{"type":"chat","text":"\xc3"}'),
}

if __name__ == "__main__":
    CORPUS.mkdir(parents=True, exist_ok=True)
    for name, data in SEEDS.items():
        (CORPUS / name).write_bytes(data)
