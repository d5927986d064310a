#!/usr/bin/env python3
"""Writes the seed corpus of dcep_fuzzer (fuzz/corpus/dcep_fuzzer).

One DATA_CHANNEL_OPEN of every channel type (RFC 8832 section 5.1), the
DATA_CHANNEL_ACK, and a few malformed messages the parser must reject.
"""
import pathlib
import struct

OUT = pathlib.Path(__file__).resolve().parent.parent / "corpus" / "dcep_fuzzer"


def open_message(channel_type, priority, reliability, label, protocol):
    label_bytes = label.encode()
    protocol_bytes = protocol.encode()
    return (struct.pack("!BBHIHH", 0x03, channel_type, priority, reliability,
                        len(label_bytes), len(protocol_bytes))
            + label_bytes + protocol_bytes)


SEEDS = {
    "open_reliable": open_message(0x00, 256, 0, "chat", ""),
    "open_reliable_unordered": open_message(0x80, 128, 0, "game-state", "v1"),
    "open_rexmit": open_message(0x01, 256, 0, "telemetry", ""),
    "open_rexmit_unordered": open_message(0x81, 512, 3, "cursor", "json"),
    "open_timed": open_message(0x02, 1024, 150, "audio-meta", ""),
    "open_timed_unordered": open_message(0x82, 256, 5000, "", "proto"),
    "open_empty_strings": open_message(0x00, 0, 0, "", ""),
    "open_utf8_label": open_message(0x00, 256, 0, "Konferenz \u00fcber alles", "x"),
    "ack": bytes([0x02]),
    "bad_truncated_header": open_message(0x00, 256, 0, "chat", "")[:9],
    "bad_label_too_long": open_message(0x00, 256, 0, "chat", "")[:12] + b"ch",
    "bad_channel_type": open_message(0x03, 256, 0, "chat", ""),
    "bad_trailing_byte": open_message(0x00, 256, 0, "chat", "") + b"\x00",
    "bad_ack_padded": bytes([0x02, 0x00]),
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in SEEDS.items():
        (OUT / name).write_bytes(data)


if __name__ == "__main__":
    main()
