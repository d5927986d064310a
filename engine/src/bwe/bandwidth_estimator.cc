// bwe/bandwidth_estimator.cc: feedback to estimators, estimators to target.
#include "bwe/bandwidth_estimator.h"

#include <algorithm>
#include <limits>

namespace konfero::bwe {
namespace {

constexpr size_t kReservedFeedbackPackets = 1024;
// RTT smoothing: the weight of a new sample.
constexpr int64_t kRttSampleWeightInverse = 8;

}  // namespace

BandwidthEstimator::BandwidthEstimator(BandwidthEstimatorConfig config)
    : config_(config),
      delay_based_(config.start_bps, config.min_bps, config.max_bps),
      loss_based_(config.min_bps, config.max_bps) {
  config_.max_bps = std::max(config_.min_bps, config_.max_bps);
  received_.reserve(kReservedFeedbackPackets);
}

int64_t BandwidthEstimator::Clamp(int64_t bps) const {
  return std::clamp(bps, config_.min_bps, config_.max_bps);
}

void BandwidthEstimator::OnPacketSent(uint16_t transport_seq, size_t bytes,
                                      int64_t send_time_us) {
  latest_time_us_ = std::max(latest_time_us_, send_time_us);
  history_.OnPacketSent(transport_seq, bytes, send_time_us);
}

int64_t BandwidthEstimator::UnwrapReferenceTime(int32_t reference_time) {
  if (last_reference_time_) {
    // The field is 24 bits: the step is the signed 24-bit difference.
    int32_t step = (reference_time - *last_reference_time_) & 0xFFFFFF;
    if (step >= 0x800000) step -= 0x1000000;
    reference_ticks_ += step;
  } else {
    reference_ticks_ = reference_time;
  }
  last_reference_time_ = reference_time;
  return reference_ticks_ * rtp::TransportFeedback::kReferenceTickMicros;
}

void BandwidthEstimator::UpdateRtt(int64_t sample_us) {
  if (!rtt_us_) {
    rtt_us_ = sample_us;
  } else {
    *rtt_us_ += (sample_us - *rtt_us_) / kRttSampleWeightInverse;
  }
  delay_based_.set_rtt_us(*rtt_us_);
  loss_based_.set_rtt_us(*rtt_us_);
}

void BandwidthEstimator::OnTransportFeedback(const rtp::TransportFeedback& feedback,
                                             int64_t now_us) {
  latest_time_us_ = std::max(latest_time_us_, now_us);
  has_transport_feedback_ = true;
  ++feedbacks_;
  // Before this feedback moves the delay-based estimate.
  const int64_t bound = BoundWithoutLoss();

  received_.clear();
  int64_t lost = 0;
  std::optional<int64_t> newest_send_us;
  int64_t arrival_us = UnwrapReferenceTime(feedback.reference_time);
  for (const auto& result : feedback.packets) {
    if (!result.received) {
      if (history_.OnLost(result.sequence_number)) ++lost;
      continue;
    }
    arrival_us += result.delta_micros();
    const auto sent = history_.OnReceived(result.sequence_number);
    if (!sent) continue;
    received_.push_back({.send_time_us = sent->send_time_us, .arrival_time_us = arrival_us});
    acknowledged_.OnPacket(arrival_us, sent->size);
    newest_send_us = std::max(newest_send_us.value_or(sent->send_time_us), sent->send_time_us);
  }
  if (newest_send_us && now_us >= *newest_send_us) UpdateRtt(now_us - *newest_send_us);

  loss_based_.OnPacketResults(static_cast<int64_t>(received_.size()), lost, bound, now_us);

  // The delay-based pipeline wants arrival order (the feedback is in
  // sending order; reordering on the path differs).
  std::sort(received_.begin(), received_.end(), [](const PacketTiming& a, const PacketTiming& b) {
    return a.arrival_time_us != b.arrival_time_us ? a.arrival_time_us < b.arrival_time_us
                                                  : a.send_time_us < b.send_time_us;
  });
  delay_based_.OnFeedback(received_, acknowledged_.bitrate_bps(), now_us);
}

void BandwidthEstimator::OnRemb(uint64_t bitrate_bps, int64_t now_us) {
  latest_time_us_ = std::max(latest_time_us_, now_us);
  remb_bps_ = static_cast<int64_t>(
      std::min<uint64_t>(bitrate_bps, std::numeric_limits<int64_t>::max()));
  remb_time_us_ = now_us;
}

void BandwidthEstimator::OnReceiverReportLoss(uint8_t fraction_lost, int64_t now_us) {
  latest_time_us_ = std::max(latest_time_us_, now_us);
  if (has_transport_feedback_) return;
  loss_based_.OnLossFraction(fraction_lost / 256.0, BoundWithoutLoss(), now_us);
}

int64_t BandwidthEstimator::BoundWithoutLoss() const {
  // REMB is for peers without transport-wide feedback; with it, the
  // peer's own receive-side REMB (Chrome still sends one) is a cruder
  // estimate of the same path and is ignored, as libwebrtc's send side does.
  const bool use_remb = remb_bps_ && !has_transport_feedback_;
  if (!has_transport_feedback_ && !use_remb) return Clamp(config_.start_bps);
  int64_t bound = config_.max_bps;
  if (has_transport_feedback_) bound = std::min(bound, delay_based_.estimate_bps());
  if (use_remb) bound = std::min(bound, *remb_bps_);
  return Clamp(bound);
}

int64_t BandwidthEstimator::target_bps() const {
  return Clamp(std::min(BoundWithoutLoss(), loss_based_.estimate_bps().value_or(config_.max_bps)));
}

BandwidthEstimator::Stats BandwidthEstimator::stats() const {
  return {.target_bps = target_bps(),
          .delay_based_bps = delay_based_.estimate_bps(),
          .loss_based_bps = loss_based_.estimate_bps().value_or(config_.max_bps),
          .acknowledged_bps = acknowledged_.bitrate_bps().value_or(0),
          .loss_fraction = loss_based_.loss_fraction(),
          .overuse_events = delay_based_.overuse_events(),
          .feedbacks = feedbacks_};
}

}  // namespace konfero::bwe
