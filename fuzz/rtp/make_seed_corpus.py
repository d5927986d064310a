#!/usr/bin/env python3
"""Writes the seed corpora of rtp_fuzzer and rtcp_fuzzer to fuzz/corpus/.

The packets are the byte-exact fixtures of tests/rtp (built by hand from the
RFC diagrams), plus a few edge cases. Run from anywhere; the output is
deterministic.
"""
import pathlib
import struct

CORPUS = pathlib.Path(__file__).resolve().parent.parent / "corpus"


def rtp(ext=b"", payload=b"", csrcs=(), pt=111, marker=True, padding=0, profile=None):
    b0 = 0x80 | len(csrcs) | (0x10 if profile is not None else 0) | (0x20 if padding else 0)
    out = struct.pack("!BBHII", b0, (0x80 if marker else 0) | pt, 0x1234, 0xDEADBEEF,
                      0x11223344)
    out += b"".join(struct.pack("!I", c) for c in csrcs)
    if profile is not None:
        ext += b"\0" * (-len(ext) % 4)
        out += struct.pack("!HH", profile, len(ext) // 4) + ext
    out += payload
    if padding:
        out += b"\0" * (padding - 1) + bytes([padding])
    return out


RTP = {
    # CSRCs, one-byte extensions: audio level (id 1) and mid "a0" (id 3).
    "one_byte_ext": rtp(bytes([0x10, 0x85, 0x31]) + b"a0", b"\x01\x02\x03\x04",
                        csrcs=(0xAAAAAAAA, 0xBBBBBBBB), profile=0xBEDE),
    # Two-byte extensions: id 32 empty, id 5 "abc", id 255 one byte.
    "two_byte_ext": rtp(bytes([0x20, 0x00, 0x05, 0x03]) + b"abc" + bytes([0xFF, 0x01, 0x7F]),
                        b"\xff", pt=96, marker=False, profile=0x1000),
    # abs-send-time (id 2) and transport-cc (id 4), padding.
    "abs_send_time_twcc": rtp(bytes([0x22, 0x12, 0x34, 0x56, 0x41, 0xAB, 0xCD]),
                              b"\x00" * 8, pt=96, padding=4, profile=0xBEDE),
    # An opaque RFC 3550 extension and no payload.
    "other_profile": rtp(b"\x01\x02\x03\x04", pt=0, marker=False, profile=0x1234),
    "plain": rtp(payload=b"\xf8\xff\xfe", pt=111, marker=False),
}


def rtcp(count, pt, body, padding=0):
    size = 4 + len(body) + padding
    assert size % 4 == 0
    out = struct.pack("!BBH", 0x80 | (0x20 if padding else 0) | count, pt, size // 4 - 1)
    out += body
    if padding:
        out += b"\0" * (padding - 1) + bytes([padding])
    return out


SR = rtcp(1, 200, struct.pack("!IQIII", 0x11223344, 0xE54F000080000000, 123456, 100, 16000)
          + struct.pack("!IB", 0x55667788, 25) + b"\xff\xff\xfe"
          + struct.pack("!IIII", 0x00011234, 42, 0xABCD, 65536))
RR = rtcp(0, 201, struct.pack("!I", 7))
SDES = rtcp(1, 202, struct.pack("!IBB", 0x11223344, 1, 10) + b"user@host1" + b"\0" * 4)
BYE = rtcp(2, 203, struct.pack("!IIB", 1, 2, 4) + b"gone" + b"\0" * 3)
NACK = rtcp(1, 205, struct.pack("!IIHH", 0x11223344, 0x55667788, 100, 0x8005))
PLI = rtcp(1, 206, struct.pack("!II", 1, 0xABCDEF01))
FIR = rtcp(4, 206, struct.pack("!IIIIII", 1, 0, 10, 5 << 24, 11, 255 << 24))
REMB = rtcp(15, 206, struct.pack("!II", 1, 0) + b"REMB" + bytes([2, 0x0B, 0xD0, 0x90])
            + struct.pack("!II", 10, 11))
TWCC = rtcp(15, 205, struct.pack("!IIHH", 0x11223344, 0x55667788, 100, 28)
            + bytes([0xFF, 0xFF, 0xFE, 0x07, 0xD2, 0x60, 0x00, 0x12, 0xB8, 0x00,
                     0x04, 0xFF, 0xF8, 0xFF, 0x03, 0xE8, 0x01, 0x02, 0x03]), padding=1)
APP = rtcp(0, 204, struct.pack("!I", 1) + b"name")

RTCP = {
    "sr_sdes_nack": SR + SDES + NACK,
    "rr_remb": RR + REMB,
    "bye": BYE,
    "pli_fir": PLI + FIR,
    "twcc": TWCC,
    "app_unknown_rr": APP + RR,
}


def write(name, packets):
    out = CORPUS / name
    out.mkdir(parents=True, exist_ok=True)
    for key, data in packets.items():
        (out / key).write_bytes(data)


if __name__ == "__main__":
    write("rtp_fuzzer", RTP)
    write("rtcp_fuzzer", RTCP)
