// video/video_test_util.h: helpers for the video payload tests: exactly
// sized byte vectors, seeded random numbers, and a VP8 descriptor writer
// that encodes fields independently of the parser under test.
#ifndef KONFERO_TESTS_VIDEO_VIDEO_TEST_UTIL_H_
#define KONFERO_TESTS_VIDEO_VIDEO_TEST_UTIL_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <vector>

#include "absl/types/span.h"
#include "testing/seeded_random.h"

namespace konfero::video::testing {

// Each payload in its own exactly sized heap block, so that a read past
// the end shows up under AddressSanitizer.
inline std::vector<uint8_t> Bytes(std::initializer_list<int> values) {
  std::vector<uint8_t> out;
  out.reserve(values.size());
  for (int v : values) out.push_back(static_cast<uint8_t>(v));
  return out;
}

// The first `n` bytes of `bytes`, copied into an exactly sized block.
inline std::vector<uint8_t> Prefix(std::span<const uint8_t> bytes, size_t n) {
  return {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n)};
}

// Uniform-enough integers from a SeededRandom, for randomized tests.
class RandomInts {
 public:
  explicit RandomInts(uint64_t seed) : random_(seed) {}
  uint32_t Next() {
    uint8_t bytes[4];
    random_.Fill(absl::Span<uint8_t>(bytes, 4));
    return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) |
           (uint32_t{bytes[2]} << 8) | bytes[3];
  }
  uint32_t Below(uint32_t n) { return Next() % n; }
  bool Coin() { return (Next() & 1) != 0; }

 private:
  test_support::SeededRandom random_;
};

// The fields of a VP8 payload descriptor (RFC 7741 §4.2), to be encoded.
struct Vp8Fields {
  bool non_reference = false;
  bool start = false;
  uint8_t partition_id = 0;
  std::optional<uint16_t> picture_id = std::nullopt;
  bool long_picture_id = false;
  std::optional<uint8_t> tl0_pic_idx = std::nullopt;
  std::optional<uint8_t> temporal_id = std::nullopt;
  bool layer_sync = false;
  std::optional<uint8_t> key_idx = std::nullopt;
};

// The descriptor's bytes followed by `vp8` (the VP8 payload).
inline std::vector<uint8_t> Vp8Payload(const Vp8Fields& f, std::span<const uint8_t> vp8) {
  const bool extended = f.picture_id || f.tl0_pic_idx || f.temporal_id || f.key_idx;
  std::vector<uint8_t> out;
  out.push_back(static_cast<uint8_t>((extended ? 0x80 : 0) | (f.non_reference ? 0x20 : 0) |
                                     (f.start ? 0x10 : 0) | (f.partition_id & 0x07)));
  if (extended) {
    out.push_back(static_cast<uint8_t>((f.picture_id ? 0x80 : 0) | (f.tl0_pic_idx ? 0x40 : 0) |
                                       (f.temporal_id ? 0x20 : 0) | (f.key_idx ? 0x10 : 0)));
    if (f.picture_id && f.long_picture_id) {
      out.push_back(static_cast<uint8_t>(0x80 | ((*f.picture_id >> 8) & 0x7F)));
      out.push_back(static_cast<uint8_t>(*f.picture_id));
    } else if (f.picture_id) {
      out.push_back(static_cast<uint8_t>(*f.picture_id & 0x7F));
    }
    if (f.tl0_pic_idx) out.push_back(*f.tl0_pic_idx);
    if (f.temporal_id || f.key_idx) {
      out.push_back(static_cast<uint8_t>((f.temporal_id.value_or(0) << 6) |
                                         (f.layer_sync ? 0x20 : 0) |
                                         (f.key_idx.value_or(0) & 0x1F)));
    }
  }
  out.insert(out.end(), vp8.begin(), vp8.end());
  return out;
}

// The first ten bytes of a VP8 key frame (RFC 6386 §9.1): frame tag
// (key frame, version 0, shown, first partition 0x2A5 bytes), start code,
// then 14-bit width and height with scale bits `scale`.
inline std::vector<uint8_t> Vp8KeyframeHeader(uint16_t width, uint16_t height,
                                              uint8_t scale = 0) {
  const auto w = static_cast<uint16_t>(width | (scale << 14));
  const auto h = static_cast<uint16_t>(height | (scale << 14));
  return Bytes({0xB0, 0x54, 0x00,  // size 0x2A5 << 5 | show 1 << 4 | ver 0 | P=0
                0x9D, 0x01, 0x2A,  // start code
                w & 0xFF, w >> 8, h & 0xFF, h >> 8});
}

}  // namespace konfero::video::testing

#endif  // KONFERO_TESTS_VIDEO_VIDEO_TEST_UTIL_H_
