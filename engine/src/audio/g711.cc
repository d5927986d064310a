// audio/g711.cc: see g711.h. Encoding finds the segment (the position of the
// highest set bit of the magnitude) and keeps four mantissa bits; decoding
// reconstructs the middle of the quantisation interval.
#include "audio/g711.h"

#include <array>

namespace konfero::audio::g711 {
namespace {

constexpr int kMuBias = 0x84;   // 132: shifts segment boundaries to 2^k
constexpr int kMuClip = 32635;  // 32767 - bias

// A-law segment of a 13-bit magnitude of at least 32: x in
// [16 << s, 32 << s) is segment s (1..7).
int ALawSegment(int x) {
  int seg = 1;
  for (int v = x >> 6; v > 0; v >>= 1) ++seg;
  return seg;
}

constexpr int16_t MuLawToLinear(uint8_t code) {
  const int c = ~code & 0xFF;
  const int seg = (c >> 4) & 0x07;
  const int mantissa = c & 0x0F;
  const int x = (((mantissa << 3) + kMuBias) << seg) - kMuBias;
  return static_cast<int16_t>((c & 0x80) ? -x : x);
}

constexpr int16_t ALawToLinear(uint8_t code) {
  const int c = code ^ 0x55;
  const int seg = (c >> 4) & 0x07;
  const int mantissa = c & 0x0F;
  int x = seg == 0 ? (mantissa << 4) + 8
                   : ((mantissa << 4) + 0x108) << (seg - 1);
  return static_cast<int16_t>((c & 0x80) ? x : -x);
}

// The block decoders look codes up (256 entries each, built at compile
// time): several times faster than the arithmetic per sample, which matters
// for phone legs whose level is read from every frame.
template <int16_t (*Decode)(uint8_t)>
constexpr std::array<int16_t, 256> MakeTable() {
  std::array<int16_t, 256> t{};
  for (int c = 0; c < 256; ++c) t[static_cast<size_t>(c)] = Decode(static_cast<uint8_t>(c));
  return t;
}
constexpr std::array<int16_t, 256> kMuLawTable = MakeTable<MuLawToLinear>();
constexpr std::array<int16_t, 256> kALawTable = MakeTable<ALawToLinear>();

}  // namespace

uint8_t EncodeMuLaw(int16_t pcm) {
  int x = pcm;
  const int sign = x < 0 ? 0x80 : 0;
  if (x < 0) x = -x;
  if (x > kMuClip) x = kMuClip;
  x += kMuBias;  // now 132..32767: the top bit position gives the segment
  int seg = 0;
  for (int v = x >> 8; v > 0 && seg < 7; v >>= 1) ++seg;
  const int mantissa = (x >> (seg + 3)) & 0x0F;
  return static_cast<uint8_t>(~(sign | (seg << 4) | mantissa));
}

int16_t DecodeMuLaw(uint8_t code) { return MuLawToLinear(code); }

uint8_t EncodeALaw(int16_t pcm) {
  int x = pcm >> 3;  // A-law works on 13-bit magnitudes
  int sign = 0x80;   // A-law sets the bit for positive values
  if (x < 0) {
    sign = 0;
    x = -x - 1;
  }
  if (x > 0x0FFF) x = 0x0FFF;
  int code;
  if (x < 32) {
    code = x >> 1;  // segment 0: linear
  } else {
    const int seg = ALawSegment(x);
    code = (seg << 4) | ((x >> seg) & 0x0F);
  }
  return static_cast<uint8_t>((sign | code) ^ 0x55);
}

int16_t DecodeALaw(uint8_t code) { return ALawToLinear(code); }

void EncodeMuLaw(const int16_t* pcm, uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = EncodeMuLaw(pcm[i]);
}
void DecodeMuLaw(const uint8_t* in, int16_t* pcm, size_t n) {
  for (size_t i = 0; i < n; ++i) pcm[i] = kMuLawTable[in[i]];
}
void EncodeALaw(const int16_t* pcm, uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = EncodeALaw(pcm[i]);
}
void DecodeALaw(const uint8_t* in, int16_t* pcm, size_t n) {
  for (size_t i = 0; i < n; ++i) pcm[i] = kALawTable[in[i]];
}

}  // namespace konfero::audio::g711
