// audio/mix_encoder.h: the encoders behind one outgoing mix stream of the
// mixer (the shared listener stream, a speaker's mix-minus, the prepared
// frames), able to encode a 48 kHz frame for any codec: Opus; G.711 through
// a 48 -> 8 kHz resampler; G.722 through a 48 -> 16 kHz resampler; L16 as
// is. Only the part of the codec encoded keeps state worth the name.
//
//   auto enc = MixEncoder::Create({.bitrate = 32000});
//   int n = (*enc)->Encode(Codec::kG722, pcm48k, payload);   // 160 bytes
//
// Thread contract: one thread at a time per object. Create() allocates;
// Encode and Reset do not (safe on the mixer's media path).
#ifndef KONFERO_AUDIO_MIX_ENCODER_H_
#define KONFERO_AUDIO_MIX_ENCODER_H_

#include <array>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "audio/g722.h"
#include "audio/opus_codec.h"
#include "audio/resampler.h"
#include "konfero/audio/audio_types.h"

namespace konfero::audio {

struct MixEncoder {
  static absl::StatusOr<std::unique_ptr<MixEncoder>> Create(const OpusSettings& opus);

  // Encodes one 960-sample 48 kHz frame into `out` (kMaxPayloadBytes of
  // room); returns the payload size, 0 on an Opus error.
  int Encode(Codec codec, const int16_t* pcm, uint8_t* out);
  // Every codec's state back to a fresh stream.
  void Reset();

  std::unique_ptr<OpusFrameEncoder> opus;
  std::unique_ptr<FrameResampler> down8;   // in front of G.711
  std::unique_ptr<FrameResampler> down16;  // in front of G.722
  std::unique_ptr<G722Encoder> g722;
  std::array<int16_t, 160> narrow{};  // 20 ms at 8 kHz
  std::array<int16_t, 320> wide{};    // 20 ms at 16 kHz
};

}  // namespace konfero::audio

#endif  // KONFERO_AUDIO_MIX_ENCODER_H_
