// bwe/trendline_estimator.cc: smoothed accumulated delay and its slope.
#include "bwe/trendline_estimator.h"

#include <algorithm>
#include <cmath>

namespace konfero::bwe {

void TrendlineEstimator::Update(double delay_variation_ms, int64_t arrival_time_us) {
  if (!started_) {
    started_ = true;
    first_arrival_us_ = arrival_time_us;
  }
  samples_ = std::min(samples_ + 1, kMaxSampleWeight);
  accumulated_delay_ms_ += delay_variation_ms;
  smoothed_delay_ms_ =
      kSmoothing * smoothed_delay_ms_ + (1 - kSmoothing) * accumulated_delay_ms_;

  window_[next_] = {.x_ms = static_cast<double>(arrival_time_us - first_arrival_us_) / 1000.0,
                    .y_ms = smoothed_delay_ms_};
  next_ = (next_ + 1) % kWindowSize;
  count_ = std::min(count_ + 1, kWindowSize);
  if (count_ == kWindowSize) FitSlope();
}

double TrendlineEstimator::modified_trend() const {
  return trend_ * samples_ * kThresholdGain;
}

void TrendlineEstimator::FitSlope() {
  double sum_x = 0;
  double sum_y = 0;
  for (const Point& p : window_) {
    sum_x += p.x_ms;
    sum_y += p.y_ms;
  }
  const double mean_x = sum_x / kWindowSize;
  const double mean_y = sum_y / kWindowSize;
  double numerator = 0;
  double denominator = 0;
  for (const Point& p : window_) {
    numerator += (p.x_ms - mean_x) * (p.y_ms - mean_y);
    denominator += (p.x_ms - mean_x) * (p.x_ms - mean_x);
  }
  if (denominator > 0) trend_ = numerator / denominator;
}

}  // namespace konfero::bwe
