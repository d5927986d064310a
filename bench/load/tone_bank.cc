// tone_bank.cc: Opus encoding of the tones at start, decoding of the mix.
#include "load/tone_bank.h"

#include <opus/opus.h>

#include <cmath>
#include <numbers>

#include "absl/strings/str_cat.h"

namespace konfero::load {
namespace {

constexpr double kToneRmsDbfs = -20;
constexpr int kEncodedFrames = 100;
constexpr int kLoopStart = 50;  // frames 50..99 loop
constexpr int kBitrate = 32000;
constexpr size_t kMaxOpusFrameBytes = 1275;
constexpr int kMaxDecodedSamples = 5760;  // 120 ms: the longest Opus frame

struct EncoderDeleter {
  void operator()(OpusEncoder* e) const { opus_encoder_destroy(e); }
};
using EncoderPtr = std::unique_ptr<OpusEncoder, EncoderDeleter>;

absl::StatusOr<EncoderPtr> NewEncoder() {
  int error = OPUS_OK;
  EncoderPtr encoder(opus_encoder_create(kSampleRate, 1, OPUS_APPLICATION_VOIP, &error));
  if (error != OPUS_OK || !encoder) {
    return absl::InternalError(absl::StrCat("opus_encoder_create: ", opus_strerror(error)));
  }
  opus_encoder_ctl(encoder.get(), OPUS_SET_BITRATE(kBitrate));
  opus_encoder_ctl(encoder.get(), OPUS_SET_COMPLEXITY(5));
  return encoder;
}

double RmsDbfs(std::span<const int16_t> pcm) {
  double sum = 0;
  for (int16_t s : pcm) sum += static_cast<double>(s) * s;
  const double rms = std::sqrt(sum / static_cast<double>(pcm.size()));
  return rms < 1e-6 ? -120.0 : 20 * std::log10(rms / 32768.0);
}

// RFC 6464: the level in -dBov, 0..127.
uint8_t Level(double dbfs) {
  const double level = std::clamp(-dbfs, 0.0, 127.0);
  return static_cast<uint8_t>(std::lround(level));
}

absl::StatusOr<OpusFrame> Encode(OpusEncoder* encoder, std::span<const int16_t> pcm) {
  OpusFrame frame;
  frame.bytes.resize(kMaxOpusFrameBytes);
  const opus_int32 n = opus_encode(encoder, pcm.data(), kFrameSamples, frame.bytes.data(),
                                   static_cast<opus_int32>(frame.bytes.size()));
  if (n < 0) return absl::InternalError(absl::StrCat("opus_encode: ", opus_strerror(n)));
  frame.bytes.resize(static_cast<size_t>(n));
  const double dbfs = RmsDbfs(pcm);
  frame.level = Level(dbfs);
  frame.voice = dbfs > -60;
  return frame;
}

absl::StatusOr<std::vector<OpusFrame>> EncodeTone(int frequency_hz) {
  absl::StatusOr<EncoderPtr> encoder = NewEncoder();
  if (!encoder.ok()) return encoder.status();
  const double amplitude = 32768.0 * std::pow(10.0, kToneRmsDbfs / 20) * std::numbers::sqrt2;
  std::vector<int16_t> pcm(kFrameSamples);
  std::vector<OpusFrame> loop;
  for (int f = 0; f < kEncodedFrames; ++f) {
    for (int i = 0; i < kFrameSamples; ++i) {
      const double t = static_cast<double>(f * kFrameSamples + i) / kSampleRate;
      pcm[static_cast<size_t>(i)] =
          static_cast<int16_t>(std::lround(amplitude * std::sin(2 * std::numbers::pi * frequency_hz * t)));
    }
    absl::StatusOr<OpusFrame> frame = Encode(encoder->get(), pcm);
    if (!frame.ok()) return frame.status();
    if (f >= kLoopStart) loop.push_back(*std::move(frame));
  }
  return loop;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ToneBank>> ToneBank::Create(std::span<const int> frequencies_hz) {
  std::unique_ptr<ToneBank> bank(new ToneBank());
  for (int hz : frequencies_hz) {
    if (hz <= 0 || hz >= kSampleRate / 2) {
      return absl::InvalidArgumentError(absl::StrCat("tone frequency ", hz, " Hz"));
    }
    absl::StatusOr<std::vector<OpusFrame>> tone = EncodeTone(hz);
    if (!tone.ok()) return tone.status();
    bank->tones_.push_back(*std::move(tone));
  }
  absl::StatusOr<EncoderPtr> encoder = NewEncoder();
  if (!encoder.ok()) return encoder.status();
  const std::vector<int16_t> zeros(kFrameSamples, 0);
  absl::StatusOr<OpusFrame> silence = Encode(encoder->get(), zeros);
  if (!silence.ok()) return silence.status();
  bank->silence_ = *std::move(silence);
  bank->silence_.level = 127;
  bank->silence_.voice = false;
  return bank;
}

const OpusFrame& ToneBank::ToneFrame(int tone, uint64_t n) const {
  const std::vector<OpusFrame>& loop = tones_[static_cast<size_t>(tone) % tones_.size()];
  return loop[n % loop.size()];
}

MixMeter::MixMeter() : pcm_(kMaxDecodedSamples) {
  int error = OPUS_OK;
  decoder_ = opus_decoder_create(kSampleRate, 1, &error);
  if (error != OPUS_OK) decoder_ = nullptr;
}

MixMeter::~MixMeter() {
  if (decoder_ != nullptr) opus_decoder_destroy(decoder_);
}

void MixMeter::Reset() {
  if (decoder_ != nullptr) opus_decoder_ctl(decoder_, OPUS_RESET_STATE);
}

std::optional<double> MixMeter::DecodeDbfs(std::span<const uint8_t> payload) {
  if (decoder_ == nullptr || payload.empty()) return std::nullopt;
  const int n = opus_decode(decoder_, payload.data(), static_cast<opus_int32>(payload.size()),
                            pcm_.data(), kMaxDecodedSamples, 0);
  if (n <= 0) return std::nullopt;
  return RmsDbfs(std::span<const int16_t>(pcm_.data(), static_cast<size_t>(n)));
}

}  // namespace konfero::load
