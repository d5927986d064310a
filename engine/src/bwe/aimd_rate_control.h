// bwe/aimd_rate_control.h: the delay-based rate: additive or multiplicative
// increase while the path keeps up, multiplicative decrease on overuse,
// hold while a queue drains (draft-ietf-rmcat-gcc-02 section 5.5).
//
// States: Hold -> Increase on a normal signal; any -> Decrease on overuse
// (then Hold, so each overuse cuts once); any -> Hold on underuse (the
// queue we built is draining: leave the rate alone until it is gone).
//
// Increase: far from the last congestion (no link capacity known, or the
// throughput has left its band) multiplicatively, kIncreasePerSecond;
// near it additively, one kPacketBits packet per response time (RTT +
// 100 ms), to dwell just under the capacity found. The estimate never grows
// past kThroughputHeadroom x the acknowledged rate (+ 10 kbit/s): an
// application-limited sender does not learn what the path could carry, and
// an estimate that ran ahead would make the first real overuse a deep one.
//
// Decrease: to kDecreaseFactor x the acknowledged rate (what the path
// carried when the queue built), at most once per RTT (10-200 ms) unless
// the throughput has fallen below half the estimate.
//
//   AimdRateControl aimd(/*start_bps=*/1'000'000, /*min_bps=*/100'000,
//                        /*max_bps=*/20'000'000);
//   int64_t bps = aimd.Update(detector.state(), acked.bitrate_bps(), now_us);
//
// Times are the sender's clock.
//
// Thread contract: value type, not thread-safe.
#ifndef KONFERO_BWE_AIMD_RATE_CONTROL_H_
#define KONFERO_BWE_AIMD_RATE_CONTROL_H_

#include <cstdint>
#include <optional>

#include "bwe/link_capacity_estimator.h"
#include "bwe/overuse_detector.h"

namespace konfero::bwe {

class AimdRateControl {
 public:
  enum class State { kHold, kIncrease, kDecrease };

  // GCC grows 8 % a second and relies on the sender probing (Chrome sends
  // padding bursts at 3x and 6x its start rate, and again after a drop) to
  // find the capacity quickly. konfero's SFU sends no probes: the estimate
  // itself is how it finds out, so far from congestion it grows 25 % a
  // second: 5x the start rate in about 7 s. The overuse detector stops it
  // within a few hundred milliseconds of crossing the capacity, by when it
  // has overshot by about 10 %.
  static constexpr double kIncreasePerSecond = 1.25;
  static constexpr int64_t kMinMultiplicativeIncreaseBps = 1'000;
  // Near the capacity: one packet of this size per response time.
  static constexpr int64_t kPacketBits = 1200 * 8;
  static constexpr int64_t kResponseTimeExtraUs = 100'000;
  // An increase step covers at most this much time (after a long hold).
  static constexpr int64_t kMaxIncreaseIntervalUs = 1'000'000;
  static constexpr double kDecreaseFactor = 0.85;
  static constexpr double kThroughputHeadroom = 1.5;
  static constexpr int64_t kThroughputHeadroomBps = 10'000;
  static constexpr int64_t kDefaultRttUs = 200'000;
  static constexpr int64_t kMinReduceIntervalUs = 10'000;
  static constexpr int64_t kMaxReduceIntervalUs = 200'000;

  AimdRateControl(int64_t start_bps, int64_t min_bps, int64_t max_bps);

  // One step per feedback: the detector's signal and the acknowledged rate
  // (nullopt while unknown). Returns the new estimate.
  int64_t Update(BandwidthUsage usage, std::optional<int64_t> acknowledged_bps,
                 int64_t now_us);

  void set_rtt_us(int64_t rtt_us) { rtt_us_ = rtt_us; }

  int64_t estimate_bps() const { return estimate_bps_; }
  State state() const { return state_; }
  const LinkCapacityEstimator& link_capacity() const { return link_capacity_; }
  // Decreases made so far.
  int decreases() const { return decreases_; }

 private:
  bool TimeToReduceFurther(std::optional<int64_t> acknowledged_bps, int64_t now_us) const;
  void Increase(std::optional<int64_t> acknowledged_bps, int64_t now_us);
  void Decrease(std::optional<int64_t> acknowledged_bps, int64_t now_us);
  int64_t Clamp(double bps) const;

  int64_t min_bps_;
  int64_t max_bps_;
  int64_t estimate_bps_;
  State state_ = State::kHold;
  std::optional<int64_t> last_change_us_;
  int64_t rtt_us_ = kDefaultRttUs;
  LinkCapacityEstimator link_capacity_;
  int decreases_ = 0;
};

}  // namespace konfero::bwe

#endif  // KONFERO_BWE_AIMD_RATE_CONTROL_H_
