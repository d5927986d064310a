// bwe/delay_based_estimator.cc: the GCC pipeline, stage by stage.
#include "bwe/delay_based_estimator.h"

namespace konfero::bwe {

DelayBasedEstimator::DelayBasedEstimator(int64_t start_bps, int64_t min_bps, int64_t max_bps)
    : rate_control_(start_bps, min_bps, max_bps) {}

void DelayBasedEstimator::OnFeedback(std::span<const PacketTiming> packets,
                                     std::optional<int64_t> acknowledged_bps,
                                     int64_t now_us) {
  if (packets.empty()) return;
  for (const PacketTiming& packet : packets) {
    const auto delta = inter_arrival_.OnPacket(packet.send_time_us, packet.arrival_time_us);
    if (!delta) continue;
    trendline_.Update(delta->delay_variation_ms(), delta->arrival_time_us);
    const BandwidthUsage before = detector_.state();
    const BandwidthUsage after =
        detector_.Detect(trendline_.modified_trend(), trendline_.trend(),
                         delta->send_delta_us, delta->arrival_time_us);
    if (after == BandwidthUsage::kOverusing && before != BandwidthUsage::kOverusing) {
      ++overuse_events_;
    }
  }
  rate_control_.Update(detector_.state(), acknowledged_bps, now_us);
}

}  // namespace konfero::bwe
