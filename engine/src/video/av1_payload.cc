#include "video/av1_payload.h"

#include <cstddef>

namespace konfero::video {
namespace {

constexpr uint8_t kContinuationBit = 0x80;  // Z
constexpr uint8_t kNewSequenceBit = 0x08;   // N
constexpr int kElementCountShift = 4;       // W
constexpr uint8_t kObuExtensionBit = 0x04;  // X in the OBU header
constexpr size_t kMaxLeb128Bytes = 8;

// Reads an unsigned LEB128 value at `pos`, advancing it. False if it is
// truncated or longer than 8 bytes.
bool ReadLeb128(std::span<const uint8_t> bytes, size_t& pos, uint64_t& value) {
  value = 0;
  for (size_t i = 0; i < kMaxLeb128Bytes; ++i) {
    if (pos >= bytes.size()) return false;
    const uint8_t byte = bytes[pos++];
    value |= uint64_t{byte & 0x7Fu} << (7 * i);
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// The temporal id of an OBU that starts with `obu`, or -1 without an
// extension header; nullopt if the extension byte is missing.
std::optional<int> ObuTemporalId(std::span<const uint8_t> obu) {
  if ((obu[0] & kObuExtensionBit) == 0) return -1;
  if (obu.size() < 2) return std::nullopt;
  return obu[1] >> 5;
}

}  // namespace

std::optional<PayloadInfo> InspectAv1Payload(std::span<const uint8_t> payload) {
  if (payload.empty()) return std::nullopt;
  const uint8_t header = payload[0];
  const bool first_is_fragment = (header & kContinuationBit) != 0;
  const size_t declared_elements = (header >> kElementCountShift) & 0x03;  // W

  PayloadInfo info;
  info.keyframe = (header & kNewSequenceBit) != 0;
  info.begins_frame = !first_is_fragment;

  size_t pos = 1;
  size_t element = 0;
  if (pos == payload.size()) return std::nullopt;  // no OBU element
  while (pos < payload.size()) {
    size_t size = payload.size() - pos;  // the last of W elements: the rest
    const bool last_of_declared = declared_elements != 0 && element + 1 == declared_elements;
    if (!last_of_declared) {
      uint64_t length = 0;
      if (!ReadLeb128(payload, pos, length) || length > payload.size() - pos) {
        return std::nullopt;
      }
      size = static_cast<size_t>(length);
    }
    if (size == 0) return std::nullopt;
    const auto obu = payload.subspan(pos, size);
    if (element > 0 || !first_is_fragment) {
      const auto temporal_id = ObuTemporalId(obu);
      if (!temporal_id) return std::nullopt;
      if (info.temporal_id < 0) info.temporal_id = *temporal_id;
    }
    pos += size;
    ++element;
  }
  if (declared_elements != 0 && element != declared_elements) return std::nullopt;
  return info;
}

}  // namespace konfero::video
