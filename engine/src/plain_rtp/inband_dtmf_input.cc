// plain_rtp/inband_dtmf_input.cc: decode to 8 kHz, then detect DTMF tones.
#include "plain_rtp/inband_dtmf_input.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "audio/g711.h"
#include "common/absl_compat.h"

namespace konfero::plain_rtp {

bool InbandDtmfInput::Supports(audio::Codec codec) {
  return codec == audio::Codec::kPcmu || codec == audio::Codec::kPcma ||
         codec == audio::Codec::kG722;
}

absl::StatusOr<std::unique_ptr<InbandDtmfInput>> InbandDtmfInput::Create(audio::Codec codec) {
  absl::StatusOr<std::unique_ptr<dtmf::InbandDtmfDetector>> detector =
      dtmf::InbandDtmfDetector::Create();
  if (!detector.ok()) return detector.status();
  std::unique_ptr<InbandDtmfInput> input(new InbandDtmfInput(codec, *std::move(detector)));
  if (absl::Status s = input->SetCodec(codec); !s.ok()) return s;
  return input;
}

absl::Status InbandDtmfInput::SetCodec(audio::Codec codec) {
  if (!Supports(codec)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "in-band DTMF needs G.711 or G.722 audio, not ", Sv(audio::CodecName(codec))));
  }
  codec_ = codec;
  g722_.reset();
  if (codec == audio::Codec::kG722) {
    absl::StatusOr<std::unique_ptr<audio::G722Decoder>> decoder =
        audio::G722Decoder::Create(audio::G722Decoder::Output::k8kHz);
    if (!decoder.ok()) return decoder.status();
    g722_ = *std::move(decoder);
  }
  detector_->Reset();
  return absl::OkStatus();
}

void InbandDtmfInput::Process(absl::Span<const uint8_t> payload,
                              absl::FunctionRef<void(char)> on_digit) {
  while (!payload.empty()) {
    const size_t n = std::min<size_t>(payload.size(), kBlock);
    size_t samples = n;
    switch (codec_) {
      case audio::Codec::kPcmu: audio::g711::DecodeMuLaw(payload.data(), pcm_.data(), n); break;
      case audio::Codec::kPcma: audio::g711::DecodeALaw(payload.data(), pcm_.data(), n); break;
      case audio::Codec::kG722:
        samples = static_cast<size_t>(
            std::max(0, g722_->Decode(payload.data(), static_cast<int>(n), pcm_.data())));
        break;
      default: return;
    }
    detector_->Process(absl::MakeConstSpan(pcm_.data(), samples), on_digit);
    payload.remove_prefix(n);
  }
}

void InbandDtmfInput::Reset() {
  if (g722_) g722_->Reset();
  detector_->Reset();
}

}  // namespace konfero::plain_rtp
