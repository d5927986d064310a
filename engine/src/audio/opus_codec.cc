// audio/opus_codec.cc: see opus_codec.h.
#include "audio/opus_codec.h"

#include <opus/opus.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "konfero/audio/audio_types.h"

namespace konfero::audio {

absl::StatusOr<std::unique_ptr<OpusFrameEncoder>> OpusFrameEncoder::Create(
    const OpusSettings& s) {
  int err = OPUS_OK;
  ::OpusEncoder* enc =
      opus_encoder_create(kSampleRateHz, 1, OPUS_APPLICATION_VOIP, &err);
  if (err != OPUS_OK || enc == nullptr) {
    return absl::InternalError(
        absl::StrCat("opus_encoder_create: ", opus_strerror(err)));
  }
  std::unique_ptr<OpusFrameEncoder> out(new OpusFrameEncoder(enc, s));
  if (opus_encoder_ctl(enc, OPUS_SET_BITRATE(s.bitrate)) != OPUS_OK ||
      opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(std::clamp(s.complexity, 0, 10))) != OPUS_OK ||
      opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(s.inband_fec ? 1 : 0)) != OPUS_OK ||
      opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(s.expected_loss_percent)) != OPUS_OK ||
      opus_encoder_ctl(enc, OPUS_SET_DTX(s.dtx ? 1 : 0)) != OPUS_OK ||
      opus_encoder_ctl(enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)) != OPUS_OK) {
    return absl::InvalidArgumentError("opus encoder settings refused");
  }
  return out;
}

OpusFrameEncoder::~OpusFrameEncoder() { opus_encoder_destroy(enc_); }

int OpusFrameEncoder::Encode(const int16_t* pcm, uint8_t* out, int max_bytes) {
  const opus_int32 n = opus_encode(enc_, pcm, kFrameSamples, out, max_bytes);
  return n < 0 ? -1 : static_cast<int>(n);
}

void OpusFrameEncoder::Reset() { opus_encoder_ctl(enc_, OPUS_RESET_STATE); }

void OpusFrameEncoder::SetLoss(int loss_percent, bool fec) {
  loss_percent = std::clamp(loss_percent, 0, 100);
  if (loss_percent != loss_percent_) {
    opus_encoder_ctl(enc_, OPUS_SET_PACKET_LOSS_PERC(loss_percent));
    loss_percent_ = loss_percent;
  }
  if (fec != fec_) {
    opus_encoder_ctl(enc_, OPUS_SET_INBAND_FEC(fec ? 1 : 0));
    fec_ = fec;
  }
}

absl::StatusOr<std::unique_ptr<OpusFrameDecoder>> OpusFrameDecoder::Create() {
  int err = OPUS_OK;
  ::OpusDecoder* dec = opus_decoder_create(kSampleRateHz, 1, &err);
  if (err != OPUS_OK || dec == nullptr) {
    return absl::InternalError(
        absl::StrCat("opus_decoder_create: ", opus_strerror(err)));
  }
  return std::unique_ptr<OpusFrameDecoder>(new OpusFrameDecoder(dec));
}

OpusFrameDecoder::~OpusFrameDecoder() { opus_decoder_destroy(dec_); }

bool OpusFrameDecoder::Decode(const uint8_t* data, int size, int16_t* pcm) {
  const int n = opus_decode(dec_, data, size, pcm, kFrameSamples, 0);
  if (n == kFrameSamples) return true;
  Conceal(pcm);
  return false;
}

bool OpusFrameDecoder::DecodeFec(const uint8_t* next_data, int next_size,
                                 int16_t* pcm) {
  // With decode_fec = 1, libopus conceals when the packet carries no FEC.
  const int n = opus_decode(dec_, next_data, next_size, pcm, kFrameSamples, 1);
  if (n == kFrameSamples) return true;
  Conceal(pcm);
  return false;
}

void OpusFrameDecoder::Conceal(int16_t* pcm) {
  if (opus_decode(dec_, nullptr, 0, pcm, kFrameSamples, 0) != kFrameSamples) {
    std::fill(pcm, pcm + kFrameSamples, int16_t{0});
  }
}

void OpusFrameDecoder::Reset() { opus_decoder_ctl(dec_, OPUS_RESET_STATE); }

}  // namespace konfero::audio
