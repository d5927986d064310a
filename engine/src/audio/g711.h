// audio/g711.h: ITU-T G.711 mu-law and A-law companding of 16-bit PCM,
// written from the segment/quantisation rules of the Recommendation.
//
//   uint8_t b = g711::EncodeMuLaw(sample);
//   int16_t s = g711::DecodeMuLaw(b);
//
// Thread contract: pure functions, any thread.
#ifndef KONFERO_AUDIO_G711_H_
#define KONFERO_AUDIO_G711_H_

#include <cstddef>
#include <cstdint>

namespace konfero::audio::g711 {

uint8_t EncodeMuLaw(int16_t pcm);
int16_t DecodeMuLaw(uint8_t code);
uint8_t EncodeALaw(int16_t pcm);
int16_t DecodeALaw(uint8_t code);

// Block forms; `n` samples to `n` bytes and back.
void EncodeMuLaw(const int16_t* pcm, uint8_t* out, size_t n);
void DecodeMuLaw(const uint8_t* in, int16_t* pcm, size_t n);
void EncodeALaw(const int16_t* pcm, uint8_t* out, size_t n);
void DecodeALaw(const uint8_t* in, int16_t* pcm, size_t n);

// The code of digital silence (0) in each law.
inline constexpr uint8_t kMuLawSilence = 0xFF;
inline constexpr uint8_t kALawSilence = 0xD5;

}  // namespace konfero::audio::g711

#endif  // KONFERO_AUDIO_G711_H_
