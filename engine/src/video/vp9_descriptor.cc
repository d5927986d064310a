#include "video/vp9_descriptor.h"

namespace konfero::video {
namespace {

// First byte.
constexpr uint8_t kPictureIdBit = 0x80;     // I
constexpr uint8_t kInterPictureBit = 0x40;  // P
constexpr uint8_t kLayerIndicesBit = 0x20;  // L
constexpr uint8_t kFlexibleBit = 0x10;      // F
constexpr uint8_t kBeginBit = 0x08;         // B
constexpr uint8_t kEndBit = 0x04;           // E
constexpr uint8_t kScalabilityBit = 0x02;   // V
constexpr uint8_t kNotUpperRefBit = 0x01;   // Z

// Reads bytes front to back; every read checks the bounds first.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  bool ReadByte(uint8_t& out) {
    if (pos_ >= bytes_.size()) return false;
    out = bytes_[pos_++];
    return true;
  }
  bool ReadU16(uint16_t& out) {
    if (bytes_.size() - pos_ < 2) return false;
    out = static_cast<uint16_t>((bytes_[pos_] << 8) | bytes_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool Skip(size_t n) {
    if (bytes_.size() - pos_ < n) return false;
    pos_ += n;
    return true;
  }
  size_t position() const { return pos_; }
  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

bool ReadPictureId(Reader& in, Vp9Descriptor& d) {
  uint8_t high = 0;
  if (!in.ReadByte(high)) return false;
  d.long_picture_id = (high & 0x80) != 0;
  if (!d.long_picture_id) {
    d.picture_id = high & 0x7F;
    return true;
  }
  uint8_t low = 0;
  if (!in.ReadByte(low)) return false;
  d.picture_id = static_cast<uint16_t>(((high & 0x7F) << 8) | low);
  return true;
}

bool ReadLayerIndices(Reader& in, Vp9Descriptor& d) {
  uint8_t layer = 0;
  if (!in.ReadByte(layer)) return false;
  d.has_layer_indices = true;
  d.temporal_id = static_cast<uint8_t>(layer >> 5);
  d.switching_up_point = (layer & 0x10) != 0;
  d.spatial_id = (layer >> 1) & 0x07;
  d.inter_layer_dependency = (layer & 0x01) != 0;
  if (d.flexible_mode) return true;
  uint8_t tl0 = 0;
  if (!in.ReadByte(tl0)) return false;
  d.tl0_pic_idx = tl0;
  return true;
}

bool ReadReferences(Reader& in, Vp9Descriptor& d) {
  while (true) {
    uint8_t diff = 0;
    if (d.reference_count == kVp9MaxReferences || !in.ReadByte(diff)) return false;
    d.p_diff[d.reference_count++] = diff >> 1;
    if ((diff & 0x01) == 0) return true;
  }
}

bool ReadScalabilityStructure(Reader& in, Vp9ScalabilityStructure& ss) {
  uint8_t head = 0;
  if (!in.ReadByte(head)) return false;
  ss.spatial_layers = static_cast<uint8_t>((head >> 5) + 1);
  ss.has_resolutions = (head & 0x10) != 0;
  const bool has_picture_group = (head & 0x08) != 0;
  if (ss.has_resolutions) {
    for (size_t i = 0; i < ss.spatial_layers; ++i) {
      if (!in.ReadU16(ss.width[i]) || !in.ReadU16(ss.height[i])) return false;
    }
  }
  if (!has_picture_group) return true;
  if (!in.ReadByte(ss.picture_group_size)) return false;
  for (size_t i = 0; i < ss.picture_group_size; ++i) {
    uint8_t entry = 0;
    if (!in.ReadByte(entry)) return false;
    const size_t references = (entry >> 2) & 0x03;  // R
    if (!in.Skip(references)) return false;
  }
  return true;
}

}  // namespace

std::optional<Vp9Descriptor> ParseVp9Descriptor(std::span<const uint8_t> payload) {
  Reader in(payload);
  uint8_t first = 0;
  if (!in.ReadByte(first)) return std::nullopt;
  Vp9Descriptor d;
  d.inter_picture_predicted = (first & kInterPictureBit) != 0;
  d.flexible_mode = (first & kFlexibleBit) != 0;
  d.begins_frame = (first & kBeginBit) != 0;
  d.ends_frame = (first & kEndBit) != 0;
  d.not_upper_layer_reference = (first & kNotUpperRefBit) != 0;

  if ((first & kPictureIdBit) != 0 && !ReadPictureId(in, d)) return std::nullopt;
  if ((first & kLayerIndicesBit) != 0 && !ReadLayerIndices(in, d)) return std::nullopt;
  if (d.flexible_mode && d.inter_picture_predicted && !ReadReferences(in, d)) {
    return std::nullopt;
  }
  if ((first & kScalabilityBit) != 0) {
    Vp9ScalabilityStructure ss;
    if (!ReadScalabilityStructure(in, ss)) return std::nullopt;
    d.scalability = ss;
  }
  // A descriptor without VP9 data carries nothing to forward.
  if (in.at_end()) return std::nullopt;
  d.size = in.position();
  return d;
}

}  // namespace konfero::video
