// sfu/stream_rewriter.cc: one continuous outgoing stream from switching sources.
#include "sfu/stream_rewriter.h"

#include <algorithm>

namespace konfero::sfu {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
// The largest timestamp step across a pause: a quarter of the 32-bit space,
// so that the receiver still reads it as forward (a step beyond 2^31 would
// look like a step back). At 90 kHz that is over three hours.
constexpr int64_t kMaxTimestampStep = int64_t{1} << 30;
// How long packets of a source the stream has left count as late arrivals.
// Beyond it they are a new offer: after a long time away, the source's
// sequence numbers may have travelled past half their space, and comparing
// them with the ones it had when left would mean nothing.
constexpr int64_t kLateWindowUs = 2'000'000;

// True if `a` comes after `b` in 16-bit serial number arithmetic.
bool IsNewer(uint16_t a, uint16_t b) { return static_cast<int16_t>(a - b) > 0; }
bool IsNewer(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) > 0; }

}  // namespace

StreamRewriter::StreamRewriter(uint32_t clock_rate)
    : clock_rate_(std::max<uint32_t>(clock_rate, 1)),
      max_gap_us_(kMaxTimestampStep * kMicrosPerSecond / clock_rate_) {}

std::optional<RewrittenPacket> StreamRewriter::Rewrite(const SourcePacket& packet) {
  if (paused_) {
    ++stats_.dropped_paused;
    return std::nullopt;
  }
  if (has_source_ && packet.source_ssrc == source_ssrc_) {
    // Unwrap against the highest so far: a long-running source passes 2^16
    // many times, and only the distance to the switch point matters.
    const int64_t extended =
        highest_extended_ +
        static_cast<int16_t>(packet.sequence_number - static_cast<uint16_t>(highest_extended_));
    if (extended < first_extended_) {
      ++stats_.dropped_stale;
      return std::nullopt;
    }
    return Forward(packet, extended, /*switched=*/false);
  }
  if (IsLateFromLeftSource(packet)) {
    ++stats_.dropped_stale;
    return std::nullopt;
  }
  if (!packet.keyframe || !packet.begins_frame) {
    // The decoder could not use it: wait for the new source's keyframe.
    refused_new_source_ = true;
    ++stats_.dropped_waiting_for_keyframe;
    return std::nullopt;
  }
  TakeUp(packet);
  return Forward(packet, highest_extended_, /*switched=*/true);
}

bool StreamRewriter::WaitingForKeyframe() const {
  return !paused_ && (!has_source_ || refused_new_source_);
}

void StreamRewriter::Pause() { paused_ = true; }

void StreamRewriter::Resume() {
  if (!paused_) return;
  paused_ = false;
  Leave();
}

std::optional<uint32_t> StreamRewriter::current_source() const {
  if (!has_source_) return std::nullopt;
  return source_ssrc_;
}

bool StreamRewriter::IsLateFromLeftSource(const SourcePacket& packet) const {
  for (const LeftSource& left : left_) {
    if (!left.valid || left.ssrc != packet.source_ssrc) continue;
    if (packet.arrival_us - left.left_at_us > kLateWindowUs) return false;
    // Only a keyframe the source sent after the stream left it may bring the
    // stream back; anything else of it is a late arrival.
    const bool new_keyframe = packet.keyframe && packet.begins_frame &&
                              IsNewer(packet.sequence_number, left.highest_sequence_number);
    return !new_keyframe;
  }
  return false;
}

void StreamRewriter::Leave() {
  if (!has_source_) return;
  LeftSource* slot = nullptr;
  for (LeftSource& left : left_) {
    if (left.valid && left.ssrc == source_ssrc_) slot = &left;
  }
  if (slot == nullptr) {
    slot = &left_[static_cast<size_t>(next_left_)];
    next_left_ = (next_left_ + 1) % kLeftSources;
  }
  *slot = {.ssrc = source_ssrc_,
           .highest_sequence_number = static_cast<uint16_t>(highest_extended_),
           .left_at_us = source_last_arrival_us_,
           .valid = true};
  has_source_ = false;
}

void StreamRewriter::TakeUp(const SourcePacket& packet) {
  Leave();
  for (LeftSource& left : left_) {
    if (left.valid && left.ssrc == packet.source_ssrc) left.valid = false;
  }
  if (started_) {
    sequence_offset_ =
        static_cast<uint16_t>(highest_out_sequence_number_ + 1 - packet.sequence_number);
    const int64_t elapsed_us = packet.arrival_us - highest_out_timestamp_arrival_us_;
    int64_t step = 1;
    if (elapsed_us >= max_gap_us_) {
      step = kMaxTimestampStep;
    } else if (elapsed_us > 0) {
      step = std::max<int64_t>(elapsed_us * clock_rate_ / kMicrosPerSecond, 1);
    }
    timestamp_offset_ = static_cast<uint32_t>(highest_out_timestamp_ + static_cast<uint32_t>(step) -
                                              packet.timestamp);
    ++stats_.switches;
  }
  source_ssrc_ = packet.source_ssrc;
  first_extended_ = packet.sequence_number;
  highest_extended_ = packet.sequence_number;
  source_last_arrival_us_ = packet.arrival_us;
  has_source_ = true;
  refused_new_source_ = false;
}

RewrittenPacket StreamRewriter::Forward(const SourcePacket& packet,
                                        int64_t extended_sequence_number, bool switched) {
  const RewrittenPacket out = {
      .sequence_number = static_cast<uint16_t>(packet.sequence_number + sequence_offset_),
      .timestamp = packet.timestamp + timestamp_offset_,
      .source_switched = switched,
  };
  if (switched || extended_sequence_number > highest_extended_) {
    highest_extended_ = extended_sequence_number;
    highest_out_sequence_number_ = out.sequence_number;
  }
  if (!started_ || IsNewer(out.timestamp, highest_out_timestamp_)) {
    // The arrival of the first packet of the newest frame: a new source's
    // keyframe (itself a first packet) is timed against it.
    highest_out_timestamp_ = out.timestamp;
    highest_out_timestamp_arrival_us_ = packet.arrival_us;
  }
  source_last_arrival_us_ = std::max(source_last_arrival_us_, packet.arrival_us);
  started_ = true;
  ++stats_.forwarded;
  return out;
}

}  // namespace konfero::sfu
