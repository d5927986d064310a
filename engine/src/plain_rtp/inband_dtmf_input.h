// plain_rtp/inband_dtmf_input.h: in-band DTMF on a phone's audio: decodes
// G.711 (mu-law, A-law) or G.722 payloads to 8 kHz PCM (G.722's low
// sub-band, where every DTMF frequency lies) and runs the DTMF detector on
// it. Opus is not decoded here (a phone on Opus sends RFC 4733 events).
//
//   auto input = InbandDtmfInput::Create(audio::Codec::kPcmu);
//   (*input)->Process(rtp_payload, [&](char digit) { ... });
//
// Thread contract: one thread per object. Create() and SetCodec() allocate
// (the G.722 decoder); Process() and Reset() do not.
#ifndef KONFERO_PLAIN_RTP_INBAND_DTMF_INPUT_H_
#define KONFERO_PLAIN_RTP_INBAND_DTMF_INPUT_H_

#include <array>
#include <cstdint>
#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "audio/g722.h"
#include "dtmf/inband_detector.h"
#include "konfero/audio/audio_types.h"

namespace konfero::plain_rtp {

class InbandDtmfInput {
 public:
  // Whether in-band detection can run on `codec` (G.711 and G.722).
  static bool Supports(audio::Codec codec);
  // InvalidArgument for a codec Supports() refuses; Internal if spandsp
  // cannot allocate.
  static absl::StatusOr<std::unique_ptr<InbandDtmfInput>> Create(audio::Codec codec);

  // A codec change (a re-INVITE): a new decoder, the detector reset.
  absl::Status SetCodec(audio::Codec codec);
  // One payload of the codec, in stream order, any length.
  void Process(absl::Span<const uint8_t> payload, absl::FunctionRef<void(char)> on_digit);
  // A new stream (SSRC change): decoder and detector start afresh.
  void Reset();

 private:
  InbandDtmfInput(audio::Codec codec, std::unique_ptr<dtmf::InbandDtmfDetector> detector)
      : codec_(codec), detector_(std::move(detector)) {}

  static constexpr int kBlock = 160;  // bytes decoded per step: 20 ms, 160 samples at 8 kHz
  audio::Codec codec_;
  std::unique_ptr<dtmf::InbandDtmfDetector> detector_;
  std::unique_ptr<audio::G722Decoder> g722_;  // G.722 only, 8 kHz output
  std::array<int16_t, kBlock> pcm_{};
};

}  // namespace konfero::plain_rtp

#endif  // KONFERO_PLAIN_RTP_INBAND_DTMF_INPUT_H_
