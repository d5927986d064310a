// video/vp8_descriptor.h: the VP8 RTP payload descriptor (RFC 7741 §4.2)
// and the key-frame facts of the VP8 payload header (§4.3), read from a
// packet's payload, and in-place rewriting of its picture id and TL0PICIDX.
//
//          0 1 2 3 4 5 6 7
//         +-+-+-+-+-+-+-+-+
//         |X|R|N|S|R| PID |  required
//         +-+-+-+-+-+-+-+-+
//    X:   |I|L|T|K| RSV   |  optional
//         +-+-+-+-+-+-+-+-+
//    I:   |M| PictureID   |  optional; M=1: 15-bit picture id over two bytes
//         +-+-+-+-+-+-+-+-+
//    M:   |   PictureID   |
//         +-+-+-+-+-+-+-+-+
//    L:   |   TL0PICIDX   |  optional
//         +-+-+-+-+-+-+-+-+
//    T/K: |TID|Y| KEYIDX  |  optional: present if T or K is set
//         +-+-+-+-+-+-+-+-+
//
// The VP8 payload header follows in the first packet of a frame (S=1,
// PID=0). Its first byte holds P, the inverse key-frame flag, in its lowest
// bit. A key frame's 3-byte frame tag is followed by the start code
// 9d 01 2a and two little-endian 16-bit fields: 14 bits of width (then 2
// of horizontal scale) and 14 bits of height (then 2 of vertical scale).
//
//   auto d = ParseVp8Descriptor(payload);
//   if (!d) return;                               // malformed: drop it
//   if (d->picture_id) WriteVp8PictureId(payload, *d, *d->picture_id + 1);
//
// Thread contract: pure functions on caller-owned bytes, safe from any
// thread.
#ifndef KONFERO_VIDEO_VP8_DESCRIPTOR_H_
#define KONFERO_VIDEO_VP8_DESCRIPTOR_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace konfero::video {

inline constexpr uint16_t kVp8PictureIdMask15 = 0x7FFF;
inline constexpr uint16_t kVp8PictureIdMask7 = 0x7F;

struct Vp8Descriptor {
  bool non_reference = false;       // N: the frame may be discarded
  bool start_of_partition = false;  // S
  uint8_t partition_id = 0;         // PID, 0-7

  // Each optional field is present exactly when its flag was set.
  std::optional<uint16_t> picture_id = std::nullopt;  // I
  bool long_picture_id = false;                       // M: the field is 15 bits (two bytes)
  std::optional<uint8_t> tl0_pic_idx = std::nullopt;  // L
  std::optional<uint8_t> temporal_id = std::nullopt;  // T: TID, 0-3
  bool layer_sync = false;                            // Y; false when T is not set
  std::optional<uint8_t> key_idx = std::nullopt;      // K: KEYIDX, 0-31

  // From the VP8 payload header, only in the first packet of a frame.
  bool keyframe = false;
  // A key frame's size, when the packet holds all ten bytes of its header.
  std::optional<uint16_t> width = std::nullopt;
  std::optional<uint16_t> height = std::nullopt;

  size_t size = 0;  // bytes of the descriptor; the VP8 payload follows

  bool begins_frame() const { return start_of_partition && partition_id == 0; }
};

// nullopt if the descriptor is truncated or no VP8 payload byte follows it.
std::optional<Vp8Descriptor> ParseVp8Descriptor(std::span<const uint8_t> payload);

// Rewrite one field of `payload` in place, keeping its width: a 7-bit
// picture id gets `picture_id` mod 128, a 15-bit one mod 32768. `d` must
// describe `payload` (from ParseVp8Descriptor on these bytes). Both return
// false and write nothing if the field is absent or the bytes do not match
// `d`'s layout.
bool WriteVp8PictureId(std::span<uint8_t> payload, const Vp8Descriptor& d, uint16_t picture_id);
bool WriteVp8Tl0PicIdx(std::span<uint8_t> payload, const Vp8Descriptor& d, uint8_t tl0_pic_idx);

}  // namespace konfero::video

#endif  // KONFERO_VIDEO_VP8_DESCRIPTOR_H_
