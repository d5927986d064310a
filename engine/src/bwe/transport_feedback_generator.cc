// bwe/transport_feedback_generator.cc: pending arrivals to feedback packets.
#include "bwe/transport_feedback_generator.h"

#include <algorithm>

namespace konfero::bwe {
namespace {

using Feedback = rtp::TransportFeedback;

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

// The 24-bit signed field's value for an unwrapped tick count.
int32_t WrapReferenceTime(int64_t ticks) {
  const auto low = static_cast<int32_t>(ticks & 0xFFFFFF);
  return low >= 0x800000 ? low - 0x1000000 : low;
}

constexpr int64_t kMaxStatusCount = 0xFFFF;

}  // namespace

TransportFeedbackGenerator::TransportFeedbackGenerator(int64_t interval_us)
    : interval_us_(interval_us) {
  pending_.reserve(kMaxPendingPackets);
}

void TransportFeedbackGenerator::OnPacketReceived(uint16_t transport_seq, int64_t arrival_us) {
  const int64_t seq = unwrapper_.Unwrap(transport_seq);
  if (next_base_ && seq < *next_base_) {
    ++stats_.late;
    return;
  }
  const auto at = std::lower_bound(pending_.begin(), pending_.end(), seq,
                                   [](const Arrival& a, int64_t s) { return a.seq < s; });
  if (at != pending_.end() && at->seq == seq) {
    ++stats_.duplicates;
    return;
  }
  if (pending_.size() == kMaxPendingPackets) {
    ++stats_.overflow;
    return;
  }
  pending_.insert(at, {.seq = seq, .arrival_us = arrival_us});  // within capacity
  if (!last_feedback_us_) last_feedback_us_ = arrival_us;
  ++stats_.received;
}

bool TransportFeedbackGenerator::Due(int64_t now_us) const {
  if (pending_.empty()) return false;
  return ended_early_ || pending_.size() >= kBuildThreshold ||
         now_us - *last_feedback_us_ >= interval_us_;
}

std::optional<rtp::TransportFeedback> TransportFeedbackGenerator::MaybeBuild(
    int64_t now_us, uint32_t sender_ssrc, uint32_t media_ssrc) {
  if (!Due(now_us)) return std::nullopt;
  Feedback feedback = Build(sender_ssrc, media_ssrc);
  last_feedback_us_ = now_us;
  ++stats_.feedbacks;
  return feedback;
}

rtp::TransportFeedback TransportFeedbackGenerator::Build(uint32_t sender_ssrc,
                                                         uint32_t media_ssrc) {
  int64_t base = next_base_.value_or(pending_.front().seq);
  if (pending_.front().seq - base > kMaxGap) base = pending_.front().seq;
  const int64_t reference_ticks =
      FloorDiv(pending_.front().arrival_us, Feedback::kReferenceTickMicros);

  Feedback feedback{.sender_ssrc = sender_ssrc,
                    .media_ssrc = media_ssrc,
                    .base_sequence = static_cast<uint16_t>(base),
                    .reference_time = WrapReferenceTime(reference_ticks),
                    .feedback_count = feedback_count_++};
  feedback.packets.reserve(std::min(pending_.size(), kMaxReceivedPerFeedback) * 2);

  // Deltas are rounded to ticks, and each is taken from the previous
  // arrival as the receiver of the feedback will reconstruct it, so
  // rounding errors do not add up.
  int64_t reported_us = reference_ticks * Feedback::kReferenceTickMicros;
  int64_t next_seq = base;
  size_t consumed = 0;
  for (const Arrival& packet : pending_) {
    if (consumed == kMaxReceivedPerFeedback) break;
    const int64_t missing = packet.seq - next_seq;
    if (consumed > 0 && missing > kMaxGap) break;
    if (packet.seq - base + 1 > kMaxStatusCount) break;
    const int64_t ticks = FloorDiv(packet.arrival_us - reported_us + Feedback::kDeltaTickMicros / 2,
                                   Feedback::kDeltaTickMicros);
    if (ticks < -0x8000 || ticks > 0x7FFF) break;
    for (int64_t seq = next_seq; seq < packet.seq; ++seq) {
      feedback.packets.push_back({.sequence_number = static_cast<uint16_t>(seq)});
    }
    feedback.packets.push_back({.sequence_number = static_cast<uint16_t>(packet.seq),
                                .received = true,
                                .delta_ticks = static_cast<int32_t>(ticks)});
    reported_us += ticks * Feedback::kDeltaTickMicros;
    next_seq = packet.seq + 1;
    ++consumed;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(consumed));
  next_base_ = next_seq;
  ended_early_ = !pending_.empty();
  return feedback;
}

}  // namespace konfero::bwe
