// bwe/link_capacity_estimator.h: where the link's capacity was last found:
// an average of the acknowledged rate at each overuse, with its spread.
//
// The rate control uses it to tell "far from congestion" (no estimate, or
// the throughput has left the band: grow multiplicatively) from "near the
// last congestion" (inside the band: grow additively, carefully). The band
// is estimate +- 3 deviations, with the variance kept relative to the
// estimate (so a 1 Mbit/s link and a 10 Mbit/s one have bands of similar
// relative width) and clamped so the band never collapses nor becomes
// meaningless.
//
//   LinkCapacityEstimator capacity;
//   capacity.OnOveruse(acknowledged_bps);     // at each overuse
//   if (capacity.has_estimate() && acked > capacity.upper_bound_bps()) {
//     capacity.Reset();                       // the link got better
//   }
//
// Thread contract: value type, not thread-safe.
#ifndef KONFERO_BWE_LINK_CAPACITY_ESTIMATOR_H_
#define KONFERO_BWE_LINK_CAPACITY_ESTIMATOR_H_

#include <cstdint>
#include <optional>

namespace konfero::bwe {

class LinkCapacityEstimator {
 public:
  // Weight of a new sample in the averages.
  static constexpr double kAlpha = 0.05;
  // Relative variance (kbit/s) bounds: at 1 Mbit/s, deviations of 20 to
  // 50 kbit/s.
  static constexpr double kMinVariance = 0.4;
  static constexpr double kMaxVariance = 2.5;
  static constexpr double kBandDeviations = 3;

  void OnOveruse(int64_t acknowledged_bps);
  void Reset() { estimate_kbps_.reset(); }

  bool has_estimate() const { return estimate_kbps_.has_value(); }
  // The estimate and the band's bounds; 0 without an estimate.
  int64_t estimate_bps() const;
  int64_t upper_bound_bps() const;
  int64_t lower_bound_bps() const;

 private:
  double deviation_kbps() const;

  std::optional<double> estimate_kbps_;
  double variance_ = kMinVariance;
};

}  // namespace konfero::bwe

#endif  // KONFERO_BWE_LINK_CAPACITY_ESTIMATOR_H_
