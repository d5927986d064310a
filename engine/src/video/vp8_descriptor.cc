#include "video/vp8_descriptor.h"

namespace konfero::video {
namespace {

// First byte.
constexpr uint8_t kExtendedBit = 0x80;      // X
constexpr uint8_t kNonReferenceBit = 0x20;  // N
constexpr uint8_t kStartBit = 0x10;         // S
constexpr uint8_t kPartitionIdMask = 0x07;  // PID
// Extension byte.
constexpr uint8_t kPictureIdBit = 0x80;  // I
constexpr uint8_t kTl0PicIdxBit = 0x40;  // L
constexpr uint8_t kTidBit = 0x20;        // T
constexpr uint8_t kKeyIdxBit = 0x10;     // K
// First picture id byte.
constexpr uint8_t kLongPictureIdBit = 0x80;  // M

// Offsets of the optional fields when present: X is always set then.
constexpr size_t kPictureIdOffset = 2;

constexpr size_t kKeyframeHeaderSize = 10;  // frame tag, start code, sizes
constexpr uint16_t kDimensionMask = 0x3FFF;

uint16_t ReadLittleEndian16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

// Key frame facts from the VP8 payload header (the bytes after the
// descriptor) of the first packet of a frame.
void ParsePayloadHeader(std::span<const uint8_t> header, Vp8Descriptor& d) {
  d.keyframe = (header[0] & 0x01) == 0;
  if (!d.keyframe || header.size() < kKeyframeHeaderSize) return;
  if (header[3] != 0x9D || header[4] != 0x01 || header[5] != 0x2A) return;
  d.width = ReadLittleEndian16(&header[6]) & kDimensionMask;
  d.height = ReadLittleEndian16(&header[8]) & kDimensionMask;
}

// True if the bytes carry a picture id as `d` says (X, I and M agree).
bool PictureIdLayoutMatches(std::span<const uint8_t> payload, const Vp8Descriptor& d) {
  if (!d.picture_id || payload.size() < d.size ||
      payload.size() < kPictureIdOffset + (d.long_picture_id ? 2 : 1)) {
    return false;
  }
  return (payload[0] & kExtendedBit) != 0 && (payload[1] & kPictureIdBit) != 0 &&
         ((payload[kPictureIdOffset] & kLongPictureIdBit) != 0) == d.long_picture_id;
}

}  // namespace

std::optional<Vp8Descriptor> ParseVp8Descriptor(std::span<const uint8_t> payload) {
  if (payload.empty()) return std::nullopt;
  Vp8Descriptor d;
  const uint8_t first = payload[0];
  d.non_reference = (first & kNonReferenceBit) != 0;
  d.start_of_partition = (first & kStartBit) != 0;
  d.partition_id = first & kPartitionIdMask;

  size_t pos = 1;
  if ((first & kExtendedBit) != 0) {
    if (pos >= payload.size()) return std::nullopt;
    const uint8_t flags = payload[pos++];
    if ((flags & kPictureIdBit) != 0) {
      if (pos >= payload.size()) return std::nullopt;
      d.long_picture_id = (payload[pos] & kLongPictureIdBit) != 0;
      if (d.long_picture_id) {
        if (payload.size() - pos < 2) return std::nullopt;
        d.picture_id = static_cast<uint16_t>(((payload[pos] & 0x7F) << 8) | payload[pos + 1]);
        pos += 2;
      } else {
        d.picture_id = payload[pos] & 0x7F;
        pos += 1;
      }
    }
    if ((flags & kTl0PicIdxBit) != 0) {
      if (pos >= payload.size()) return std::nullopt;
      d.tl0_pic_idx = payload[pos++];
    }
    if ((flags & (kTidBit | kKeyIdxBit)) != 0) {
      if (pos >= payload.size()) return std::nullopt;
      const uint8_t layer = payload[pos++];
      if ((flags & kTidBit) != 0) {
        d.temporal_id = static_cast<uint8_t>(layer >> 6);
        d.layer_sync = (layer & 0x20) != 0;
      }
      if ((flags & kKeyIdxBit) != 0) d.key_idx = layer & 0x1F;
    }
  }
  d.size = pos;
  // A descriptor without VP8 data carries nothing to forward.
  if (pos >= payload.size()) return std::nullopt;
  if (d.begins_frame()) ParsePayloadHeader(payload.subspan(pos), d);
  return d;
}

bool WriteVp8PictureId(std::span<uint8_t> payload, const Vp8Descriptor& d, uint16_t picture_id) {
  if (!PictureIdLayoutMatches(payload, d)) return false;
  if (d.long_picture_id) {
    const uint16_t id = picture_id & kVp8PictureIdMask15;
    payload[kPictureIdOffset] = static_cast<uint8_t>(kLongPictureIdBit | (id >> 8));
    payload[kPictureIdOffset + 1] = static_cast<uint8_t>(id);
  } else {
    payload[kPictureIdOffset] = static_cast<uint8_t>(picture_id & kVp8PictureIdMask7);
  }
  return true;
}

bool WriteVp8Tl0PicIdx(std::span<uint8_t> payload, const Vp8Descriptor& d, uint8_t tl0_pic_idx) {
  if (!d.tl0_pic_idx || payload.size() < d.size || payload.size() < 3) return false;
  if ((payload[0] & kExtendedBit) == 0 || (payload[1] & kTl0PicIdxBit) == 0) return false;
  size_t offset = kPictureIdOffset;
  if (d.picture_id) {
    if (!PictureIdLayoutMatches(payload, d)) return false;
    offset += d.long_picture_id ? 2 : 1;
  } else if ((payload[1] & kPictureIdBit) != 0) {
    return false;
  }
  if (offset >= payload.size()) return false;
  payload[offset] = tl0_pic_idx;
  return true;
}

}  // namespace konfero::video
