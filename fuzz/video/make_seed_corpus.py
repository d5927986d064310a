#!/usr/bin/env python3
"""Writes the seed corpus of video_payload_fuzzer to fuzz/corpus/.

Each file is one byte naming the codec (0 VP8, 1 VP9, 2 H.264, 3 AV1, the
order of konfero::video::VideoCodec) followed by an RTP payload, built from
the RFC diagrams as in tests/video. Run from anywhere; the output is
deterministic.
"""
import pathlib

CORPUS = pathlib.Path(__file__).resolve().parent.parent / "corpus" / "video_payload_fuzzer"
VP8, VP9, H264, AV1 = range(4)

# A VP8 key frame's first ten bytes: frame tag, start code, 640x480.
VP8_KEY_HEADER = bytes([0xB0, 0x54, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01])

SEEDS = {
    # S=1, I (15-bit id 0x1234), L, T (TID 0, Y), key frame 640x480.
    "vp8_keyframe_long_id": (VP8, bytes([0x90, 0xE0, 0x92, 0x34, 0x05, 0x20]) + VP8_KEY_HEADER),
    # N, S=0 PID 3, I (7-bit id 0x55), K (KEYIDX 7): a continuation.
    "vp8_continuation_short_id": (VP8, bytes([0xA3, 0x90, 0x55, 0x07, 0x00, 0x11])),
    # S=1, I L T K, inter frame.
    "vp8_inter_all_fields": (VP8, bytes([0x90, 0xF0, 0x80, 0x01, 0xFE, 0x9F, 0x31, 0x00])),
    # I L B V: non-flexible key frame, SS with 3 layers, sizes and a group.
    "vp9_keyframe_ss": (VP9, bytes([0xAA, 0x80, 0x07, 0x00, 0x10, 0x58,
                                    0x01, 0x40, 0x00, 0xB4, 0x02, 0x80, 0x01, 0x68,
                                    0x05, 0x00, 0x02, 0xD0, 0x02, 0x04, 0x01,
                                    0x38, 0x01, 0x02, 0x82, 0x49, 0x83])),
    # I P L F E: flexible mode with three references.
    "vp9_flexible_refs": (VP9, bytes([0xF4, 0x17, 0x22, 0x03, 0x05, 0x08, 0xAA])),
    # STAP-A: SPS, PPS, IDR.
    "h264_stap_a_key": (H264, bytes([0x78, 0x00, 0x04, 0x67, 0x42, 0xC0, 0x1F,
                                     0x00, 0x02, 0x68, 0xCE, 0x00, 0x03, 0x65, 0x88, 0x84])),
    # FU-A start of an IDR slice.
    "h264_fu_a_start": (H264, bytes([0x7C, 0x85, 0x88, 0x84, 0x21])),
    # Single NAL non-IDR slice.
    "h264_single_slice": (H264, bytes([0x41, 0x9A, 0x02, 0x03])),
    # W=2 N=1: sequence header, then a frame.
    "av1_new_sequence": (AV1, bytes([0x28, 0x03, 0x08, 0x00, 0x00, 0x30, 0x10, 0x20])),
    # W=0 Z=1: a fragment's tail, then a frame with TID 2 (extension byte).
    "av1_lengths_extension": (AV1, bytes([0x80, 0x02, 0x34, 0xE0, 0x03, 0x34, 0x48, 0x77])),
}


def main():
    CORPUS.mkdir(parents=True, exist_ok=True)
    for name, (codec, payload) in SEEDS.items():
        (CORPUS / name).write_bytes(bytes([codec]) + payload)


if __name__ == "__main__":
    main()
