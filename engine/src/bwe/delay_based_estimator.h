// bwe/delay_based_estimator.h: the GCC delay-based estimate
// (draft-ietf-rmcat-gcc-02): how fast we can send before a queue builds on
// the path, judged from how packet spacing changes between send and
// arrival.
//
// The pipeline, one stage a file:
//   InterArrival        5 ms send-time groups -> inter-group delay variation
//   TrendlineEstimator  smoothed accumulated delay -> its slope
//   OveruseDetector     slope vs adaptive threshold -> normal/over/underuse
//   AimdRateControl     signal + acknowledged rate -> the estimate
// The detector runs on every group; the rate control once per feedback,
// with the detector's state at its end.
//
//   DelayBasedEstimator delay_based(start_bps, min_bps, max_bps);
//   // per feedback: the newly acknowledged packets, sorted by arrival
//   delay_based.OnFeedback(packets, acked.bitrate_bps(), now_us);
//   int64_t bps = delay_based.estimate_bps();
//
// Thread contract: value type, not thread-safe.
#ifndef KONFERO_BWE_DELAY_BASED_ESTIMATOR_H_
#define KONFERO_BWE_DELAY_BASED_ESTIMATOR_H_

#include <cstdint>
#include <optional>
#include <span>

#include "bwe/aimd_rate_control.h"
#include "bwe/inter_arrival.h"
#include "bwe/overuse_detector.h"
#include "bwe/trendline_estimator.h"

namespace konfero::bwe {

// One packet the far end received: when we sent it (our clock) and when it
// arrived (its clock).
struct PacketTiming {
  int64_t send_time_us = 0;
  int64_t arrival_time_us = 0;
};

class DelayBasedEstimator {
 public:
  DelayBasedEstimator(int64_t start_bps, int64_t min_bps, int64_t max_bps);

  // The packets a feedback reports as received (each once), in arrival
  // order, the acknowledged rate (nullopt while unknown) and the time the
  // feedback came in (our clock). A feedback with no received packet
  // changes nothing: silence is not evidence that the path keeps up.
  void OnFeedback(std::span<const PacketTiming> packets,
                  std::optional<int64_t> acknowledged_bps, int64_t now_us);

  void set_rtt_us(int64_t rtt_us) { rate_control_.set_rtt_us(rtt_us); }

  int64_t estimate_bps() const { return rate_control_.estimate_bps(); }
  BandwidthUsage usage() const { return detector_.state(); }
  // Times the detector has entered the overusing state.
  int overuse_events() const { return overuse_events_; }
  const AimdRateControl& rate_control() const { return rate_control_; }
  const OveruseDetector& detector() const { return detector_; }

 private:
  InterArrival inter_arrival_;
  TrendlineEstimator trendline_;
  OveruseDetector detector_;
  AimdRateControl rate_control_;
  int overuse_events_ = 0;
};

}  // namespace konfero::bwe

#endif  // KONFERO_BWE_DELAY_BASED_ESTIMATOR_H_
