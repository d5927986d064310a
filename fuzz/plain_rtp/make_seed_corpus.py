#!/usr/bin/python3
"""Writes the seed corpora of fuzz/plain_rtp:
- fuzz/corpus/plain_rtp_sdp_fuzzer: the offers of tests/plain_rtp/fixtures;
- fuzz/corpus/plain_rtp_leg_fuzzer: scripts for plain_rtp_leg_fuzzer.cc
  (byte 0: config; then ops, see that file) for each codec: a 20/30 ms audio
  stream, RFC 4733 digits, RTCP SR and BYE, timer ticks, frames out, a digit
  out, hold by re-INVITE and Close.

Usage (from the repository root): /usr/bin/python3 fuzz/plain_rtp/make_seed_corpus.py
"""
import os
import shutil
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "tests", "plain_rtp", "fixtures")
SDP_OUT = os.path.join(ROOT, "fuzz", "corpus", "plain_rtp_sdp_fuzzer")
LEG_OUT = os.path.join(ROOT, "fuzz", "corpus", "plain_rtp_leg_fuzzer")


def rtp_op(seq, ts, payload, te=False, ssrc=0, marker=False, gap_ms=20):
    """Op 6: well-formed RTP. The op byte's high bits are the milliseconds since
    the last op (and pick the source); flags: bit0 te, bits1-2 ssrc, bit3
    marker, bit7 a 16-bit length."""
    flags = (1 if te else 0) | (ssrc << 1) | (8 if marker else 0)
    if len(payload) > 255:
        flags |= 0x80
        length = struct.pack("!H", len(payload))
    else:
        length = bytes([len(payload)])
    op = ((gap_ms % 32) << 3 | 6) & 0xFF
    return bytes([op, flags]) + struct.pack("!HI", seq & 0xFFFF, ts & 0xFFFFFFFF) + length + payload


def timer(ms):
    return bytes([2]) + struct.pack("!H", ms)


def raw_rtcp(data):
    return bytes([1, len(data)]) + data


def send_frame(ts, size=160):
    return bytes([3, 1]) + struct.pack("!I", ts) + bytes([0]) + struct.pack("!H", size)


def digit(ch, duration_units=5):
    return bytes([4, ord(ch), duration_units])


def update(config_bits, direction, hold_c0=False):
    return bytes([5, (config_bits & 0x17) | (direction << 5) | (0x80 if hold_c0 else 0)])


def sr(ssrc, ntp=0x0123456789ABCDEF):
    body = struct.pack("!IQIII", ssrc, ntp, 0, 0, 0)
    return struct.pack("!BBH", 0x80, 200, len(body) // 4) + body


def bye(ssrc):
    return struct.pack("!BBHI", 0x81, 203, 1, ssrc)


def event(code, end, duration):
    return struct.pack("!BBH", code, (0x80 if end else 0) | 10, duration)


def script(config, frame_bytes):
    out = bytes([config])
    seq, ts = 1000, 8000
    for i in range(10):
        out += rtp_op(seq, ts, bytes((j * 7) & 0xFF for j in range(frame_bytes)), marker=i == 0)
        seq += 1
        ts += frame_bytes
        out += send_frame(i * 160)
    for k in range(1, 6):
        out += rtp_op(seq, ts, event(5, False, 160 * k), te=True, marker=k == 1)
        seq += 1
    for _ in range(3):
        out += rtp_op(seq, ts, event(5, True, 800), te=True)
        seq += 1
    out += timer(3000) + raw_rtcp(sr(0xABCD0000)) + timer(5000)
    out += digit("7") + b"".join(send_frame(2000 + i * 160) for i in range(8))
    out += update(config, 2) + send_frame(4000) + timer(40000)
    out += update(config, 0) + rtp_op(seq, ts + 8000, bytes(frame_bytes), ssrc=1)
    out += raw_rtcp(bye(0xABCD0001))
    return out


def main():
    os.makedirs(SDP_OUT, exist_ok=True)
    for name in sorted(os.listdir(FIXTURES)):
        if name.endswith(".sdp"):
            shutil.copy(os.path.join(FIXTURES, name), os.path.join(SDP_OUT, name))
    os.makedirs(LEG_OUT, exist_ok=True)
    # config: bits 0-1 codec (PCMU, PCMA, G722, opus), 2 mux, 3 no symmetric,
    # 4 telephone-event, 5-6 in-band mode, 7 timeout.
    cases = {
        "pcmu_te_20ms": (0x10 | 0x80, 160),
        "pcma_30ms_inband": (0x01 | 0x20, 240),
        "g722_te_mux": (0x02 | 0x04 | 0x10, 160),
        "opus_te_nosym": (0x03 | 0x08 | 0x10, 90),
        "pcmu_10ms_inband_on": (0x00 | 0x20, 80),
        "pcmu_60ms_te": (0x10, 480),
    }
    for name, (config, frame_bytes) in cases.items():
        with open(os.path.join(LEG_OUT, name), "wb") as f:
            f.write(script(config, frame_bytes))
    print(f"wrote {len(cases)} leg scripts and the SDP fixtures")


if __name__ == "__main__":
    main()
