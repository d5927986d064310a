// bwe/overuse_detector.h: turns the delay trend into a signal: the path is
// overused (a queue is building), underused (a queue is draining) or
// normal, against a threshold that adapts to the trend itself
// (draft-ietf-rmcat-gcc-02 sections 5.4 and 5.5).
//
// Overuse is declared only when the trend has stayed above the threshold
// for more than kOverusingTimeUs and more than one sample, and is not
// falling: one late group is not congestion. The threshold follows the
// magnitude of the trend, slowly up (kUp) and faster down (kDown): a fixed
// threshold would either starve against a loss-based TCP flow sharing the
// bottleneck (too low: we back off while TCP fills the queue) or react
// late (too high). Outliers beyond threshold + kMaxAdaptOffsetMs do not move
// it.
//
//   OveruseDetector detector;
//   BandwidthUsage usage = detector.Detect(trendline.modified_trend(),
//                                          trendline.trend(),
//                                          delta.send_delta_us,
//                                          delta.arrival_time_us);
//
// Thread contract: value type, not thread-safe.
#ifndef KONFERO_BWE_OVERUSE_DETECTOR_H_
#define KONFERO_BWE_OVERUSE_DETECTOR_H_

#include <cstdint>
#include <optional>

namespace konfero::bwe {

enum class BandwidthUsage { kNormal, kUnderusing, kOverusing };

class OveruseDetector {
 public:
  static constexpr double kInitialThresholdMs = 12.5;
  static constexpr double kMinThresholdMs = 6;
  static constexpr double kMaxThresholdMs = 600;
  // Adaptation gains per millisecond: towards a larger |trend| (up) and a
  // smaller one (down).
  static constexpr double kUp = 0.0087;
  static constexpr double kDown = 0.039;
  static constexpr double kMaxAdaptOffsetMs = 15;
  // The adaptation step covers at most this much time.
  static constexpr int64_t kMaxAdaptIntervalUs = 100'000;
  static constexpr int64_t kOverusingTimeUs = 10'000;

  // One sample: the trendline's modified and raw trends, the send delta of
  // the group pair (how long the trend lasted) and the time of the sample
  // (the group's arrival time). Returns the state after it.
  BandwidthUsage Detect(double modified_trend, double trend, int64_t send_delta_us,
                        int64_t now_us);

  BandwidthUsage state() const { return state_; }
  double threshold_ms() const { return threshold_ms_; }

 private:
  void AdaptThreshold(double modified_trend, int64_t now_us);

  BandwidthUsage state_ = BandwidthUsage::kNormal;
  double threshold_ms_ = kInitialThresholdMs;
  std::optional<int64_t> last_adapt_us_;
  // Time spent above the threshold; nullopt when below it.
  std::optional<double> time_over_using_us_;
  int overuse_count_ = 0;
  double previous_trend_ = 0;
};

}  // namespace konfero::bwe

#endif  // KONFERO_BWE_OVERUSE_DETECTOR_H_
