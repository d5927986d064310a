// bwe/overuse_detector.cc: the adaptive-threshold overuse signal.
#include "bwe/overuse_detector.h"

#include <algorithm>
#include <cmath>

namespace konfero::bwe {

BandwidthUsage OveruseDetector::Detect(double modified_trend, double trend,
                                       int64_t send_delta_us, int64_t now_us) {
  if (modified_trend > threshold_ms_) {
    // The first sample above the threshold counts half its interval: the
    // crossing happened somewhere within it.
    const auto interval = static_cast<double>(send_delta_us);
    time_over_using_us_ = time_over_using_us_ ? *time_over_using_us_ + interval : interval / 2;
    ++overuse_count_;
    if (*time_over_using_us_ > kOverusingTimeUs && overuse_count_ > 1 &&
        trend >= previous_trend_) {
      time_over_using_us_ = 0.0;
      overuse_count_ = 0;
      state_ = BandwidthUsage::kOverusing;
    }
  } else {
    time_over_using_us_.reset();
    overuse_count_ = 0;
    state_ = modified_trend < -threshold_ms_ ? BandwidthUsage::kUnderusing
                                             : BandwidthUsage::kNormal;
  }
  previous_trend_ = trend;
  AdaptThreshold(modified_trend, now_us);
  return state_;
}

void OveruseDetector::AdaptThreshold(double modified_trend, int64_t now_us) {
  if (!last_adapt_us_) last_adapt_us_ = now_us;
  const double magnitude = std::abs(modified_trend);
  if (magnitude > threshold_ms_ + kMaxAdaptOffsetMs) {
    last_adapt_us_ = now_us;
    return;
  }
  const double gain = magnitude < threshold_ms_ ? kDown : kUp;
  const double elapsed_ms =
      static_cast<double>(std::clamp<int64_t>(now_us - *last_adapt_us_, 0, kMaxAdaptIntervalUs)) /
      1000.0;
  threshold_ms_ += gain * (magnitude - threshold_ms_) * elapsed_ms;
  threshold_ms_ = std::clamp(threshold_ms_, kMinThresholdMs, kMaxThresholdMs);
  last_adapt_us_ = now_us;
}

}  // namespace konfero::bwe
