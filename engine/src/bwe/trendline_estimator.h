// bwe/trendline_estimator.h: whether the one-way queueing delay is growing,
// from the delay variation of consecutive packet groups.
//
// The variations are summed into an accumulated delay (the queueing delay
// up to a constant), which is exponentially smoothed; a least-squares line
// through the last kWindowSize smoothed points, against arrival time, has
// a slope that is the trend: > 0 while a queue builds (we send above the
// bottleneck rate), < 0 while it drains, ~0 when the path keeps up. The
// overuse detector compares `modified_trend()`, the slope scaled by the
// number of samples (few samples, little confidence) and a gain, against
// its adaptive threshold. This is libwebrtc's replacement for the Kalman
// filter of draft-ietf-rmcat-gcc-02 section 5.3, with the same role.
//
//   TrendlineEstimator trendline;
//   trendline.Update(delta.delay_variation_ms(), delta.arrival_time_us);
//   detector.Detect(trendline.modified_trend(), trendline.trend(), ...);
//
// Thread contract: value type, not thread-safe.
#ifndef KONFERO_BWE_TRENDLINE_ESTIMATOR_H_
#define KONFERO_BWE_TRENDLINE_ESTIMATOR_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace konfero::bwe {

class TrendlineEstimator {
 public:
  // Groups in the regression: ~100 ms of 5 ms groups at high rates, longer
  // at low rates. Fewer points react faster and are noisier.
  static constexpr size_t kWindowSize = 20;
  // Weight of the old smoothed delay against the new accumulated delay.
  static constexpr double kSmoothing = 0.9;
  // Scales the slope (ms of delay per ms of time) up to the threshold's
  // millisecond range.
  static constexpr double kThresholdGain = 4.0;
  // The slope is multiplied by the number of samples seen, up to this.
  static constexpr int kMaxSampleWeight = 60;

  // One inter-group delay variation (ms) and the arrival time of the group
  // it completes (receiver clock).
  void Update(double delay_variation_ms, int64_t arrival_time_us);

  // Slope of the last fit, ms per ms; 0 until the window has filled.
  double trend() const { return trend_; }
  // trend() * min(samples, kMaxSampleWeight) * kThresholdGain: what the
  // overuse detector compares with its threshold (ms).
  double modified_trend() const;
  int samples() const { return samples_; }

 private:
  struct Point {
    double x_ms = 0;  // arrival time since the first sample
    double y_ms = 0;  // smoothed accumulated delay
  };

  // Least-squares slope through the window; unchanged if the points all
  // share one arrival time.
  void FitSlope();

  std::array<Point, kWindowSize> window_ = {};
  size_t next_ = 0;   // ring position of the next point
  size_t count_ = 0;  // points held, up to kWindowSize
  int samples_ = 0;   // updates seen, capped at kMaxSampleWeight
  bool started_ = false;
  int64_t first_arrival_us_ = 0;
  double accumulated_delay_ms_ = 0;
  double smoothed_delay_ms_ = 0;
  double trend_ = 0;
};

}  // namespace konfero::bwe

#endif  // KONFERO_BWE_TRENDLINE_ESTIMATOR_H_
