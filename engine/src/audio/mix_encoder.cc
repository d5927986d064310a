// audio/mix_encoder.cc: see mix_encoder.h.
#include "audio/mix_encoder.h"

#include <algorithm>

#include "audio/g711.h"

namespace konfero::audio {

absl::StatusOr<std::unique_ptr<MixEncoder>> MixEncoder::Create(
    const OpusSettings& opus) {
  auto e = std::make_unique<MixEncoder>();
  auto o = OpusFrameEncoder::Create(opus);
  if (!o.ok()) return o.status();
  e->opus = *std::move(o);
  auto d8 = FrameResampler::Create(kSampleRateHz, 8000);
  if (!d8.ok()) return d8.status();
  e->down8 = *std::move(d8);
  auto d16 = FrameResampler::Create(kSampleRateHz, 16000);
  if (!d16.ok()) return d16.status();
  e->down16 = *std::move(d16);
  auto g = G722Encoder::Create();
  if (!g.ok()) return g.status();
  e->g722 = *std::move(g);
  return e;
}

int MixEncoder::Encode(Codec codec, const int16_t* pcm, uint8_t* out) {
  switch (codec) {
    case Codec::kOpus:
      return std::max(opus->Encode(pcm, out, kMaxPayloadBytes), 0);
    case Codec::kPcmu:
    case Codec::kPcma:
      down8->Process(pcm, narrow.data());
      if (codec == Codec::kPcmu) {
        g711::EncodeMuLaw(narrow.data(), out, narrow.size());
      } else {
        g711::EncodeALaw(narrow.data(), out, narrow.size());
      }
      return static_cast<int>(narrow.size());
    case Codec::kG722:
      down16->Process(pcm, wide.data());
      return g722->Encode(wide.data(), static_cast<int>(wide.size()), out);
    case Codec::kL16:
      for (int i = 0; i < kFrameSamples; ++i) {  // little-endian on the wire
        const auto u = static_cast<uint16_t>(pcm[i]);
        out[2 * i] = static_cast<uint8_t>(u & 0xFF);
        out[2 * i + 1] = static_cast<uint8_t>(u >> 8);
      }
      return kFrameSamples * 2;
  }
  return 0;
}

void MixEncoder::Reset() {
  opus->Reset();
  down8->Reset();
  down16->Reset();
  g722->Reset();
}

}  // namespace konfero::audio
