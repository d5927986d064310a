// bwe/loss_based_estimator.h: a rate limit from packet loss, for loss the
// delay signal cannot see (a lossy radio link, a shallow buffer that drops
// before it delays, a policer).
//
// The limit exists only while loss holds the rate down. Each window of
// loss (at least kMinWindowPackets packets of transport-wide feedback, or
// one receiver report's fraction lost) moves it relative to the rate being
// sent, target = min(limit, bound), where `bound` is what the other
// estimates allow:
//   loss > 10 %:  limit = target x (1 - loss / 2)   (at most once per
//                 300 ms + RTT, so that a decrease can take effect first)
//   2 % - 10 %:   limit = target                    (hold: no growth)
//   loss < 2 %:   limit = limit x 1.08 + 1 kbit/s   (climb back); once it
//                 reaches the bound, the limit is lifted
// A window of 20 packets or more keeps one lost packet among three from
// reading as 33 % loss.
//
//   LossBasedEstimator loss_based(min_bps, max_bps);
//   loss_based.OnPacketResults(received, lost, delay_based_bps, now_us);
//   target = min(delay_based_bps, loss_based.estimate_bps().value_or(max));
//
// Thread contract: value type, not thread-safe.
#ifndef KONFERO_BWE_LOSS_BASED_ESTIMATOR_H_
#define KONFERO_BWE_LOSS_BASED_ESTIMATOR_H_

#include <cstdint>
#include <optional>

namespace konfero::bwe {

class LossBasedEstimator {
 public:
  static constexpr double kHighLoss = 0.10;
  static constexpr double kLowLoss = 0.02;
  static constexpr double kIncreaseFactor = 1.08;
  static constexpr int64_t kIncreaseBps = 1'000;  // so that growth never stalls at low rates
  static constexpr int64_t kMinWindowPackets = 20;
  static constexpr int64_t kDecreaseIntervalUs = 300'000;  // plus the RTT

  LossBasedEstimator(int64_t min_bps, int64_t max_bps);

  // What one transport-wide feedback newly reports: packets received and
  // lost. Accumulates until the window holds kMinWindowPackets, then
  // updates the limit; `bound_bps` is the rate the other estimates allow.
  void OnPacketResults(int64_t received, int64_t lost, int64_t bound_bps, int64_t now_us);

  // A loss fraction measured over a whole interval (a receiver report's
  // fraction lost): one window by itself.
  void OnLossFraction(double loss, int64_t bound_bps, int64_t now_us);

  void set_rtt_us(int64_t rtt_us) { rtt_us_ = rtt_us; }

  // The limit; nullopt while loss does not hold the rate down.
  std::optional<int64_t> estimate_bps() const { return estimate_bps_; }
  // Loss in the last complete window (0 before the first).
  double loss_fraction() const { return loss_fraction_; }

 private:
  int64_t min_bps_;
  int64_t max_bps_;
  std::optional<int64_t> estimate_bps_;
  double loss_fraction_ = 0;
  int64_t window_packets_ = 0;
  int64_t window_lost_ = 0;
  std::optional<int64_t> last_decrease_us_;
  int64_t rtt_us_ = 0;
};

}  // namespace konfero::bwe

#endif  // KONFERO_BWE_LOSS_BASED_ESTIMATOR_H_
