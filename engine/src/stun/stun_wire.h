// stun_wire.h: big-endian reads and writes for the STUN code (internal).
//
// The readers do not check bounds: every caller checks that `at + width`
// fits before it reads, next to the read, so each check is visible where
// the length comes from.
//
// Thread contract: pure functions.
#ifndef KONFERO_STUN_STUN_WIRE_H_
#define KONFERO_STUN_STUN_WIRE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/types/span.h"

namespace konfero::stun::wire {

// `n` rounded up to a multiple of 4, the attribute alignment.
constexpr size_t Padded(size_t n) { return (n + 3) & ~size_t{3}; }

inline uint16_t ReadU16(absl::Span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>((b[at] << 8) | b[at + 1]);
}
inline uint32_t ReadU32(absl::Span<const uint8_t> b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) |
         (uint32_t{b[at + 2]} << 8) | uint32_t{b[at + 3]};
}
inline uint64_t ReadU64(absl::Span<const uint8_t> b, size_t at) {
  return (uint64_t{ReadU32(b, at)} << 32) | ReadU32(b, at + 4);
}

inline void PutU16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
inline void PutU32(std::vector<uint8_t>& out, uint32_t v) {
  PutU16(out, static_cast<uint16_t>(v >> 16));
  PutU16(out, static_cast<uint16_t>(v));
}
// Overwrites the 16 bits at `at`; the caller has checked `at + 2` fits.
inline void SetU16(std::vector<uint8_t>& out, size_t at, uint16_t v) {
  out[at] = static_cast<uint8_t>(v >> 8);
  out[at + 1] = static_cast<uint8_t>(v);
}

}  // namespace konfero::stun::wire

#endif  // KONFERO_STUN_STUN_WIRE_H_
