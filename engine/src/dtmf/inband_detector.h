// dtmf/inband_detector.h: detects DTMF digits in audio (in-band DTMF, from
// phones or gateways that send no RFC 4733 events), with spandsp's dtmf_rx: a
// Goertzel detector per DTMF frequency with energy, twist and duration checks
// (ITU-T Q.24 style), so that speech and music rarely pass for digits.
//
//   auto detector = *InbandDtmfDetector::Create();
//   // per decoded 8 kHz audio frame (e.g. 160 samples of PCMU):
//   detector->Process(pcm, [&](char digit) { pin.push_back(digit); });
//
// A held tone is one digit, reported once its tone has lasted long enough to
// be confirmed (tens of ms), not when it stops. Digits are '0'-'9', '*', '#'
// and 'A'-'D'.
//
// Thread contract: one thread per object. Create() allocates; Process() and
// Reset() do not.
#ifndef KONFERO_DTMF_INBAND_DETECTOR_H_
#define KONFERO_DTMF_INBAND_DETECTOR_H_

#include <cstdint>
#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace konfero::dtmf {

class InbandDtmfDetector {
 public:
  // A detector with spandsp's default thresholds. Internal if spandsp fails
  // to allocate its state.
  static absl::StatusOr<std::unique_ptr<InbandDtmfDetector>> Create();
  ~InbandDtmfDetector();
  InbandDtmfDetector(const InbandDtmfDetector&) = delete;
  InbandDtmfDetector& operator=(const InbandDtmfDetector&) = delete;

  // 8 kHz mono PCM, any block size; calls on_digit once per detected digit
  // (a held tone is one digit), before Process returns.
  void Process(absl::Span<const int16_t> pcm_8k, absl::FunctionRef<void(char)> on_digit);

  // Forgets any tone in progress (e.g. when the audio source changes).
  void Reset();

 private:
  struct State;
  explicit InbandDtmfDetector(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
};

}  // namespace konfero::dtmf

#endif  // KONFERO_DTMF_INBAND_DETECTOR_H_
