// bwe/link_capacity_estimator.cc: averaged throughput at overuse.
#include "bwe/link_capacity_estimator.h"

#include <algorithm>
#include <cmath>

namespace konfero::bwe {

void LinkCapacityEstimator::OnOveruse(int64_t acknowledged_bps) {
  const double sample_kbps = static_cast<double>(acknowledged_bps) / 1000.0;
  if (!estimate_kbps_) {
    estimate_kbps_ = sample_kbps;
  } else {
    estimate_kbps_ = (1 - kAlpha) * *estimate_kbps_ + kAlpha * sample_kbps;
  }
  const double error = *estimate_kbps_ - sample_kbps;
  const double normalized_error = error * error / std::max(*estimate_kbps_, 1.0);
  variance_ = std::clamp((1 - kAlpha) * variance_ + kAlpha * normalized_error, kMinVariance,
                         kMaxVariance);
}

double LinkCapacityEstimator::deviation_kbps() const {
  return estimate_kbps_ ? std::sqrt(variance_ * *estimate_kbps_) : 0.0;
}

int64_t LinkCapacityEstimator::estimate_bps() const {
  return estimate_kbps_ ? std::llround(*estimate_kbps_ * 1000) : 0;
}

int64_t LinkCapacityEstimator::upper_bound_bps() const {
  if (!estimate_kbps_) return 0;
  return std::llround((*estimate_kbps_ + kBandDeviations * deviation_kbps()) * 1000);
}

int64_t LinkCapacityEstimator::lower_bound_bps() const {
  if (!estimate_kbps_) return 0;
  return std::llround(std::max(0.0, *estimate_kbps_ - kBandDeviations * deviation_kbps()) * 1000);
}

}  // namespace konfero::bwe
