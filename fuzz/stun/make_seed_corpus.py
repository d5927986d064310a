#!/usr/bin/env python3
"""Writes the seed corpus of stun_fuzzer to fuzz/corpus/stun_fuzzer/.

The RFC 5769 vectors (§2.1-2.3) as sent, and Binding requests built for the
credentials stun_fuzzer.cc gives its IceLiteAgent, so that mutations reach
every answer of the agent: success, 400, 401, 420, 487. Run from anywhere;
the output is deterministic.
"""
import hashlib
import hmac
import pathlib
import struct
import zlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "corpus" / "stun_fuzzer"
COOKIE = 0x2112A442
LOCAL_UFRAG, LOCAL_PWD = b"srvA", b"serverPassword+0123456/"
REMOTE_UFRAG = b"brw1"

RFC5769 = {
    "rfc5769_request": "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465"
                       "737420636c69656e74002400046e0001ff80290008932ff9b151263b360006"
                       "00096576746a3a6836765920202000080014"
                       "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf",
    "rfc5769_ipv4_response": "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420"
                             "766563746f7220002000080001a147e112a643000800142b91f599fd9e"
                             "90c38c7489f92af9ba53f06be7d780280004c07d4c96",
    "rfc5769_ipv6_response": "010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420"
                             "766563746f7220002000140002a1470113a9faa5d3f179bc25f4b5bed2"
                             "b9d900080014a382954e4be67bf11784c97c8292c275bfe3ed41802800"
                             "04c8fb0b4c",
}


def attr(kind, value):
    pad = b"\0" * (-len(value) % 4)
    return struct.pack("!HH", kind, len(value)) + value + pad


def message(kind, txid, attrs, key=LOCAL_PWD, integrity=True, fingerprint=True):
    body = b"".join(attrs)
    if integrity:
        header = struct.pack("!HHI", kind, len(body) + 24, COOKIE) + txid
        mac = hmac.new(key, header + body, hashlib.sha1).digest()
        body += attr(0x0008, mac)
    if fingerprint:
        header = struct.pack("!HHI", kind, len(body) + 8, COOKIE) + txid
        crc = zlib.crc32(header + body) ^ 0x5354554E
        body += attr(0x8028, struct.pack("!I", crc))
    return struct.pack("!HHI", kind, len(body), COOKIE) + txid + body


def request(seed, username=LOCAL_UFRAG + b":" + REMOTE_UFRAG, extra=(), **kw):
    txid = bytes((seed + i) & 0xFF for i in range(12))
    attrs = [attr(0x0006, username), attr(0x0024, struct.pack("!I", 0x6E0001FF))]
    attrs += list(extra)
    return message(0x0001, txid, attrs, **kw)


CONTROLLING = attr(0x802A, bytes(range(8)))
CONTROLLED = attr(0x8029, bytes(range(8)))
USE_CANDIDATE = attr(0x0025, b"")

SEEDS = {
    "ice_check": request(1, extra=[CONTROLLING]),
    "ice_nomination": request(2, extra=[CONTROLLING, USE_CANDIDATE]),
    "ice_role_conflict": request(3, extra=[CONTROLLED]),
    "ice_no_role": request(4),
    "ice_wrong_password": request(5, extra=[CONTROLLING], key=b"browserPassword0123456789"),
    "ice_wrong_username": request(6, username=b"srvX:brw1", extra=[CONTROLLING]),
    "ice_unknown_required": request(7, extra=[CONTROLLING, attr(0x0055, b"x")]),
    "ice_no_fingerprint": request(8, extra=[CONTROLLING], fingerprint=False),
    "ice_goog_network_info": request(9, extra=[CONTROLLING, attr(0xC057, b"\0\1\0\x0a")]),
    "stun_error_487": message(0x0111, bytes(12),
                              [attr(0x0009, b"\0\0\x04\x57Role Conflict"),
                               attr(0x000A, b"\0\x55\0\x66")]),
}


def after_integrity():
    """A USERNAME smuggled in after MESSAGE-INTEGRITY: must be ignored."""
    body = request(10, extra=[CONTROLLING], fingerprint=False)
    body += attr(0x0006, b"evil")
    body = body[:2] + struct.pack("!H", len(body) - 20) + body[4:]
    crc = zlib.crc32(body[:2] + struct.pack("!H", len(body) - 12) + body[4:]) ^ 0x5354554E
    body += attr(0x8028, struct.pack("!I", crc))
    return body[:2] + struct.pack("!H", len(body) - 20) + body[4:]


SEEDS["header_only"] = message(0x0001, bytes(12), [], integrity=False, fingerprint=False)
SEEDS["padding_not_zero"] = message(0x0001, bytes(12), [attr(0x8055, b"a")[:5] + b"\xff" * 3],
                                    integrity=False, fingerprint=False)
SEEDS["after_integrity"] = after_integrity()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, hexbytes in RFC5769.items():
        (OUT / name).write_bytes(bytes.fromhex(hexbytes))
    for name, data in SEEDS.items():
        (OUT / name).write_bytes(data)


if __name__ == "__main__":
    main()
