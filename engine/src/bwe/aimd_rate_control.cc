// bwe/aimd_rate_control.cc: the increase/hold/decrease state machine.
#include "bwe/aimd_rate_control.h"

#include <algorithm>
#include <cmath>

namespace konfero::bwe {

AimdRateControl::AimdRateControl(int64_t start_bps, int64_t min_bps, int64_t max_bps)
    : min_bps_(min_bps), max_bps_(std::max(min_bps, max_bps)),
      estimate_bps_(std::clamp(start_bps, min_bps_, max_bps_)) {}

int64_t AimdRateControl::Clamp(double bps) const {
  return std::clamp<int64_t>(std::llround(bps), min_bps_, max_bps_);
}

int64_t AimdRateControl::Update(BandwidthUsage usage, std::optional<int64_t> acknowledged_bps,
                                int64_t now_us) {
  if (!last_change_us_) last_change_us_ = now_us;
  switch (usage) {
    case BandwidthUsage::kNormal:
      if (state_ == State::kHold) {
        // The increase is measured from here, not from before the hold.
        state_ = State::kIncrease;
        last_change_us_ = now_us;
      }
      break;
    case BandwidthUsage::kOverusing:
      // Too soon after the last change for it to have shown: hold.
      if (!TimeToReduceFurther(acknowledged_bps, now_us)) return estimate_bps_;
      state_ = State::kDecrease;
      break;
    case BandwidthUsage::kUnderusing:
      state_ = State::kHold;
      break;
  }
  switch (state_) {
    case State::kHold:
      break;
    case State::kIncrease:
      Increase(acknowledged_bps, now_us);
      break;
    case State::kDecrease:
      Decrease(acknowledged_bps, now_us);
      state_ = State::kHold;
      break;
  }
  return estimate_bps_;
}

bool AimdRateControl::TimeToReduceFurther(std::optional<int64_t> acknowledged_bps,
                                          int64_t now_us) const {
  const int64_t interval = std::clamp(rtt_us_, kMinReduceIntervalUs, kMaxReduceIntervalUs);
  if (now_us - *last_change_us_ >= interval) return true;
  return acknowledged_bps && *acknowledged_bps < estimate_bps_ / 2;
}

void AimdRateControl::Increase(std::optional<int64_t> acknowledged_bps, int64_t now_us) {
  if (acknowledged_bps && link_capacity_.has_estimate() &&
      *acknowledged_bps > link_capacity_.upper_bound_bps()) {
    link_capacity_.Reset();  // the path carries more than it did: far again
  }
  const double elapsed_s =
      static_cast<double>(std::clamp<int64_t>(now_us - *last_change_us_, 0,
                                              kMaxIncreaseIntervalUs)) /
      1e6;
  const auto current = static_cast<double>(estimate_bps_);
  double increase;
  if (link_capacity_.has_estimate()) {
    const double response_time_s =
        static_cast<double>(rtt_us_ + kResponseTimeExtraUs) / 1e6;
    increase = static_cast<double>(kPacketBits) * elapsed_s / response_time_s;
  } else {
    increase = std::max(current * (std::pow(kIncreasePerSecond, elapsed_s) - 1),
                        static_cast<double>(kMinMultiplicativeIncreaseBps));
  }
  double increased = current + increase;
  if (acknowledged_bps) {
    const double limit = kThroughputHeadroom * static_cast<double>(*acknowledged_bps) +
                         static_cast<double>(kThroughputHeadroomBps);
    increased = std::min(increased, std::max(current, limit));
  }
  estimate_bps_ = Clamp(increased);
  last_change_us_ = now_us;
}

void AimdRateControl::Decrease(std::optional<int64_t> acknowledged_bps, int64_t now_us) {
  const auto current = static_cast<double>(estimate_bps_);
  double decreased =
      kDecreaseFactor * static_cast<double>(acknowledged_bps.value_or(estimate_bps_));
  if (decreased > current && link_capacity_.has_estimate()) {
    // The throughput sample is stale (above what we send): fall back on
    // where the link was found before.
    decreased = kDecreaseFactor * static_cast<double>(link_capacity_.estimate_bps());
  }
  if (decreased < current) {
    estimate_bps_ = Clamp(decreased);
    ++decreases_;
  }
  if (acknowledged_bps) {
    if (link_capacity_.has_estimate() &&
        *acknowledged_bps < link_capacity_.lower_bound_bps()) {
      link_capacity_.Reset();  // the link got worse: start the average over
    }
    link_capacity_.OnOveruse(*acknowledged_bps);
  }
  last_change_us_ = now_us;
}

}  // namespace konfero::bwe
