#!/usr/bin/env python3
"""Writes the seed corpus of telephone_event_fuzzer to fuzz/corpus/.

Each file is read three ways by the fuzzer (see telephone_event_fuzzer.cc):
as packet records, as a sender configuration, and as PCM. The seeds are
packet streams like a phone's (the digits of the sipp capture in
tests/dtmf/data), lost and reordered packets, sender configurations, and a
short in-band DTMF tone. Run from anywhere; the output is deterministic.
"""
import math
import pathlib
import struct

CORPUS = pathlib.Path(__file__).resolve().parent.parent / "corpus" / "telephone_event_fuzzer"
EVENTS = {**{str(d): d for d in range(10)}, "*": 10, "#": 11, "A": 12, "B": 13, "C": 14, "D": 15}


def record(step, payload, scale=1, flush=False):
    """control (length | flush | scale), signed 16-bit step, payload."""
    scale_bits = {0: 0, 1: 1, 160: 2, 65535: 3}[scale]
    control = len(payload) | (8 if flush else 0) | (scale_bits << 4)
    return bytes([control]) + struct.pack("!h", step) + payload


def event(ev, end, duration, volume=10):
    return struct.pack("!BBH", ev, (0x80 if end else 0) | volume, duration)


def digit_records(ch, gap_steps=11, lose_end=False):
    """One 100 ms digit as make_rtp_pcap.py sends it; the first record moves
    the timestamp by gap_steps * 160."""
    ev = EVENTS[ch]
    out = [record(gap_steps, event(ev, False, 160), scale=160)]
    out += [record(0, event(ev, False, 160 * i)) for i in range(2, 6)]
    if not lose_end:
        out += [record(0, event(ev, True, 800))] * 3
    return out


def write(name, data):
    (CORPUS / name).write_bytes(data)


def main():
    CORPUS.mkdir(parents=True, exist_ok=True)
    # Leading byte: receiver clock 8000, sender 8 kHz/20 ms, PCM block 1.
    pin = b"".join(b"".join(digit_records(c)) for c in "1234#")
    write("pin_1234hash", b"\x00" + pin)
    lost = b"".join(b"".join(digit_records(c, lose_end=(c in "13"))) for c in "1234#")
    write("pin_lost_ends", b"\x00" + lost + record(0, b"", flush=True))
    write("same_digit_twice", b"\x00" + b"".join(b"".join(digit_records("1")) for _ in range(2)))
    # A reordered end repeat of an earlier event, and a timestamp wrap.
    wrap = (record(-1, event(9, False, 160), scale=160) + record(0, event(9, True, 800)) +
            record(30, event(8, False, 160), scale=160) + record(-30, event(9, True, 800), scale=160) +
            record(30, event(8, True, 800), scale=160))
    write("wrap_and_reorder", b"\x02" + wrap)
    # Long event in two segments, short and packed payloads, zero durations.
    long_event = (record(1, event(0, False, 0xFFFF)) + record(1, event(0, False, 160), scale=65535) +
                  record(0, event(0, True, 8000)))
    write("long_event_segments", b"\x00" + long_event)
    odd = (record(1, b"\x05\x0a") + record(1, event(5, False, 0) + b"\x06\x8a\x00") +
           record(1, event(16, True, 320, volume=0)) + record(0, b"\x0b\xff\x00\xa0", flush=True))
    write("odd_payloads", b"\x01" + odd)
    # Sender configurations: byte 0 clock/packet, digit, duration (ms, BE), timestamp.
    write("send_5_100ms", bytes([0x00]) + b"5" + struct.pack("!hI", 100, 0xFFFFFFF0))
    write("send_hash_48k_10ms", bytes([0x06]) + b"#" + struct.pack("!hI", 1365, 7))
    write("send_bad_digit", bytes([0x00]) + b"x" + struct.pack("!hI", 100, 0))
    # 120 ms of the DTMF '1' (697 + 1209 Hz) as 8 kHz 16-bit PCM, blocks of 161.
    pcm = b"".join(struct.pack("<h", int(6000 * (math.sin(2 * math.pi * 697 * i / 8000) +
                                                 math.sin(2 * math.pi * 1209 * i / 8000))))
                   for i in range(960))
    write("inband_digit_1", b"\x28" + pcm + b"\x00\x00" * 400)


if __name__ == "__main__":
    main()
