// tone_bank.h: the audio the simulated participants send, encoded with
// libopus once at start, and the decoder that measures what they hear.
//
//   absl::StatusOr<std::unique_ptr<ToneBank>> bank = ToneBank::Create({440, 477});
//   const OpusFrame& f = (*bank)->ToneFrame(tone, n);   // n-th 20 ms frame, looping
//   const OpusFrame& s = (*bank)->Silence();
//
//   MixMeter meter;                       // one per participant
//   std::optional<double> dbfs = meter.DecodeDbfs(opus_payload);
//
// Each tone is a sine at -20 dBFS RMS (48 kHz mono, 20 ms frames, 32
// kbit/s). Its loop is frames 50..99 of 100 encoded in a row, so the
// encoder's state at the loop's start matches a continuous signal; a whole
// number of periods fits in the second (integer Hz), so the phase matches
// too. The RFC 6464 level of each frame is measured from its PCM. Silence
// is an encoded all-zero frame with level 127.
//
// Thread contract: a ToneBank is immutable after Create, so it may be read
// from any thread. A MixMeter belongs to one participant (one thread).
#ifndef KONFERO_BENCH_LOAD_TONE_BANK_H_
#define KONFERO_BENCH_LOAD_TONE_BANK_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "absl/status/statusor.h"

struct OpusDecoder;

namespace konfero::load {

inline constexpr int kSampleRate = 48000;
inline constexpr int kFrameSamples = 960;  // 20 ms
inline constexpr uint32_t kFrameTicks = 960;  // RTP timestamp step (48 kHz clock)
// A decoded frame louder than this is "hearing the mix" (the tones are at
// -20 dBFS; silence decodes to well below -60).
inline constexpr double kEnergyThresholdDbfs = -45;

struct OpusFrame {
  std::vector<uint8_t> bytes;
  uint8_t level = 127;  // RFC 6464: -dBov, 127 = silence
  bool voice = false;   // the V flag
};

class ToneBank {
 public:
  static absl::StatusOr<std::unique_ptr<ToneBank>> Create(std::span<const int> frequencies_hz);

  int tone_count() const { return static_cast<int>(tones_.size()); }
  // Frame `n` of tone `tone` (both wrap around).
  const OpusFrame& ToneFrame(int tone, uint64_t n) const;
  const OpusFrame& Silence() const { return silence_; }

 private:
  ToneBank() = default;
  std::vector<std::vector<OpusFrame>> tones_;
  OpusFrame silence_;
};

// Decodes Opus payloads of one stream and returns each frame's RMS level.
class MixMeter {
 public:
  MixMeter();
  ~MixMeter();
  MixMeter(const MixMeter&) = delete;
  MixMeter& operator=(const MixMeter&) = delete;

  // RMS of the decoded frame in dBFS (-120 for digital silence); nullopt
  // if the payload does not decode.
  std::optional<double> DecodeDbfs(std::span<const uint8_t> payload);
  // After a gap in decoding: start afresh.
  void Reset();

 private:
  OpusDecoder* decoder_ = nullptr;
  std::vector<int16_t> pcm_;
};

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_TONE_BANK_H_
