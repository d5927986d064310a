// bwe/loss_based_estimator.cc: the loss thresholds.
#include "bwe/loss_based_estimator.h"

#include <algorithm>
#include <cmath>

namespace konfero::bwe {

LossBasedEstimator::LossBasedEstimator(int64_t min_bps, int64_t max_bps)
    : min_bps_(min_bps), max_bps_(std::max(min_bps, max_bps)) {}

void LossBasedEstimator::OnPacketResults(int64_t received, int64_t lost, int64_t bound_bps,
                                         int64_t now_us) {
  window_packets_ += std::max<int64_t>(received, 0) + std::max<int64_t>(lost, 0);
  window_lost_ += std::max<int64_t>(lost, 0);
  if (window_packets_ < kMinWindowPackets) return;
  const double loss = static_cast<double>(window_lost_) / static_cast<double>(window_packets_);
  window_packets_ = 0;
  window_lost_ = 0;
  OnLossFraction(loss, bound_bps, now_us);
}

void LossBasedEstimator::OnLossFraction(double loss, int64_t bound_bps, int64_t now_us) {
  loss_fraction_ = std::clamp(loss, 0.0, 1.0);
  const auto target = static_cast<double>(std::min(bound_bps, estimate_bps_.value_or(bound_bps)));
  double limit;
  if (loss_fraction_ > kHighLoss) {
    limit = target;
    if (!last_decrease_us_ || now_us - *last_decrease_us_ >= kDecreaseIntervalUs + rtt_us_) {
      limit = target * (1 - 0.5 * loss_fraction_);
      last_decrease_us_ = now_us;
    }
  } else if (loss_fraction_ >= kLowLoss) {
    limit = target;
  } else {
    if (!estimate_bps_) return;  // nothing to lift
    limit = static_cast<double>(*estimate_bps_) * kIncreaseFactor +
            static_cast<double>(kIncreaseBps);
    if (limit >= static_cast<double>(bound_bps)) {
      estimate_bps_.reset();
      return;
    }
  }
  estimate_bps_ = std::clamp<int64_t>(std::llround(limit), min_bps_, max_bps_);
}

}  // namespace konfero::bwe
