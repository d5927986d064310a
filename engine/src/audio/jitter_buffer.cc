// audio/jitter_buffer.cc: see jitter_buffer.h.
#include "audio/jitter_buffer.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace konfero::audio {

namespace {
constexpr int64_t kEmpty = INT64_MIN;
}  // namespace

struct JitterBuffer::Slot {
  int64_t index = kEmpty;  // frame index held
  InputPacket packet;
};

namespace {
constexpr int64_t kFrameUs = kFrameMs * 1000;
// A frame this quiet (RFC 6464, -dBov) may be dropped to cut delay.
constexpr int kQuietLevel = 50;
// Remove excess delay after it has lasted this many ticks...
constexpr int kExcessPatienceTicks = 25;
// ...taking a loud frame only if no quiet one came for this long.
constexpr int kExcessForceTicks = 150;
}  // namespace

namespace {
// Copies the header and the used payload bytes only.
void CopyPacket(const InputPacket& from, InputPacket* to) {
  to->sequence = from.sequence;
  to->timestamp = from.timestamp;
  to->arrival_us = from.arrival_us;
  to->audio_level = from.audio_level;
  to->voice = from.voice;
  to->size = std::min<uint16_t>(from.size, kMaxPayloadBytes);
  std::memcpy(to->payload.data(), from.payload.data(), to->size);
}
}  // namespace

JitterBuffer::JitterBuffer(const JitterConfig& config)
    : config_(config),
      slots_(std::make_unique<Slot[]>(static_cast<size_t>(
          std::max(config.capacity_frames, 4)))),
      target_delay_(config.min_delay_frames) {}

JitterBuffer::~JitterBuffer() = default;

void JitterBuffer::Reset(uint32_t frame_rtp_samples) {
  config_.frame_rtp_samples = frame_rtp_samples;
  stats_ = JitterStats{};
  const int cap = std::max(config_.capacity_frames, 4);
  for (int i = 0; i < cap; ++i) slots_[i].index = kEmpty;
  started_ = playing_ = false;
  highest_index_ = -1;
  next_index_ = 0;
  have_played_seq_ = in_dtx_ = false;
  excess_ticks_ = 0;
  block_count_ = 0;
  have_transit_ = false;
  spread_cur_ = spread_prev_ = 0;
  target_delay_ = config_.min_delay_frames;
}

JitterBuffer::Slot& JitterBuffer::SlotFor(int64_t index) {
  const int64_t cap = std::max(config_.capacity_frames, 4);
  return slots_[static_cast<size_t>(((index % cap) + cap) % cap)];
}

int JitterBuffer::buffered_frames() const {
  if (!started_) return 0;
  return static_cast<int>(std::max<int64_t>(0, highest_index_ - next_index_ + 1));
}

void JitterBuffer::Insert(const InputPacket& packet) {
  ++stats_.received;
  const int64_t cap = std::max(config_.capacity_frames, 4);
  if (!started_) {
    started_ = true;
    last_rtp_ = packet.timestamp;
    last_ext_rtp_ = base_ext_rtp_ = packet.timestamp;
    next_index_ = 0;
  }
  // Unwrap the 32-bit timestamp relative to the last one seen.
  const int64_t ext = last_ext_rtp_ + static_cast<int32_t>(packet.timestamp - last_rtp_);
  if (ext > last_ext_rtp_) {
    last_ext_rtp_ = ext;
    last_rtp_ = packet.timestamp;
  }
  const int64_t step = config_.frame_rtp_samples;
  const int64_t rel = ext - base_ext_rtp_;
  const int64_t index = rel >= 0 ? rel / step : -((-rel + step - 1) / step);

  if (index < next_index_) {
    if (playing_ || highest_index_ - index >= cap) {
      ++stats_.late;
      return;
    }
    next_index_ = index;  // still prebuffering: an earlier frame came late
  }
  if (index >= next_index_ + cap) {
    if (buffered_frames() <= target_delay_ + 1) {
      // Little is buffered: the sender jumped (restart, long silence
      // without DTX). Start again from this frame.
      ++stats_.resyncs;
      for (int64_t i = 0; i < cap; ++i) slots_[i].index = kEmpty;
      next_index_ = index;
      highest_index_ = index - 1;
      playing_ = false;
    } else {
      // Too much is buffered: drop the oldest frames to make room.
      ++stats_.overruns;
      next_index_ = index - cap + 1;
    }
  }
  Slot& slot = SlotFor(index);
  if (slot.index == index) {
    ++stats_.duplicates;
    return;
  }
  slot.index = index;
  CopyPacket(packet, &slot.packet);
  highest_index_ = std::max(highest_index_, index);
  UpdateDelayEstimate(index, packet.arrival_us);
}

void JitterBuffer::UpdateDelayEstimate(int64_t index, int64_t arrival_us) {
  const int64_t transit = arrival_us - index * kFrameUs;
  newest_arrival_us_ = have_transit_ ? std::max(newest_arrival_us_, arrival_us) : arrival_us;
  if (!have_transit_) {
    have_transit_ = true;
    min_transit_cur_ = min_transit_prev_ = transit;
    spread_cur_ = spread_prev_ = 0;
  }
  min_transit_cur_ = std::min(min_transit_cur_, transit);
  const int64_t min_transit = std::min(min_transit_cur_, min_transit_prev_);
  spread_cur_ = std::max(spread_cur_, transit - min_transit);
  if (++block_count_ >= kBlock) {
    block_count_ = 0;
    min_transit_prev_ = min_transit_cur_;
    spread_prev_ = spread_cur_;
    min_transit_cur_ = transit;
    spread_cur_ = 0;
  }
  const int64_t spread = std::max(spread_cur_, spread_prev_);
  const int frames = static_cast<int>((spread + kFrameUs - 1) / kFrameUs);
  target_delay_ = std::clamp(config_.min_delay_frames + frames,
                             config_.min_delay_frames,
                             std::min(config_.max_delay_frames,
                                      config_.capacity_frames - 2));
}

bool JitterBuffer::MayStillCome(int64_t index) const {
  // Waiting is bounded by the target delay buffered behind the hole...
  if (highest_index_ - index >= target_delay_) return false;
  // ...and ends when the frame is later than the measured jitter allows: its
  // media time plus the smallest transit plus the spread, against the
  // newest arrival (a lower bound of now). Without that deadline, every hole
  // that the jitter leaves below the target would stretch the buffer by a
  // frame more than the jitter needs.
  const int64_t min_transit = std::min(min_transit_cur_, min_transit_prev_);
  const int64_t spread = std::max(spread_cur_, spread_prev_);
  return newest_arrival_us_ < index * kFrameUs + min_transit + spread;
}

JitterBuffer::Frame JitterBuffer::Take(int64_t index, FrameKind kind) {
  Slot& slot = SlotFor(index);
  slot.index = kEmpty;  // the packet stays readable until the next Insert/Pop
  return Frame{kind, &slot.packet};
}

void JitterBuffer::MaybeDropForDrift() {
  const int level = buffered_frames();
  if (level <= target_delay_ + 2) {
    excess_ticks_ = 0;
    return;
  }
  ++excess_ticks_;
  if (excess_ticks_ < kExcessPatienceTicks) return;
  Slot& slot = SlotFor(next_index_);
  const bool present = slot.index == next_index_;
  const bool quiet = !present || slot.packet.size <= 2 ||
                     (slot.packet.audio_level >= kQuietLevel);
  if (!quiet && excess_ticks_ < kExcessForceTicks &&
      level <= target_delay_ + 6) {
    return;
  }
  if (present) {
    slot.index = kEmpty;
    last_played_seq_ = slot.packet.sequence;
    have_played_seq_ = true;
  }
  ++next_index_;
  ++stats_.drift_drops;
  excess_ticks_ = kExcessPatienceTicks / 2;  // one frame at a time
}

JitterBuffer::Frame JitterBuffer::Pop() {
  if (!started_) return {};
  if (!playing_) {
    if (highest_index_ - next_index_ < target_delay_) return {};
    playing_ = true;
  }
  MaybeDropForDrift();

  if (SlotFor(next_index_).index == next_index_) {
    Frame f = Take(next_index_, FrameKind::kNormal);
    last_played_seq_ = f.packet->sequence;
    have_played_seq_ = true;
    in_dtx_ = f.packet->size <= 2;  // an Opus DTX frame is 1 or 2 bytes
    ++next_index_;
    ++stats_.played;
    return f;
  }
  if (highest_index_ > next_index_) {
    // A hole with later frames behind it: DTX if sequence numbers are
    // contiguous across it, else a loss.
    int64_t j = next_index_ + 1;
    while (SlotFor(j).index != j) ++j;  // terminates at highest_index_
    const InputPacket& later = SlotFor(j).packet;
    if (have_played_seq_ &&
        later.sequence == static_cast<uint16_t>(last_played_seq_ + 1)) {
      ++next_index_;
      in_dtx_ = true;
      ++stats_.dtx;
      return Frame{FrameKind::kDtx, nullptr};
    }
    in_dtx_ = false;
    if (MayStillCome(next_index_)) {
      // Under jitter the frame may only be late (packets overtake each
      // other). Conceal without advancing, as in an underrun, so the buffer
      // grows to its target and the frame still plays if it comes; giving
      // it up now would keep the buffer below its target and throw away
      // every frame later than the earliest ones (counted `late`).
      ++stats_.concealed;
      ++stats_.stretched;
      return Frame{FrameKind::kLoss, nullptr};
    }
    const int64_t at = next_index_++;
    if (j == at + 1) {
      ++stats_.fec;
      return Frame{FrameKind::kFec, &later};
    }
    ++stats_.concealed;
    return Frame{FrameKind::kLoss, nullptr};
  }
  // Nothing buffered at all.
  if (in_dtx_) {
    ++next_index_;
    ++stats_.dtx;
    return Frame{FrameKind::kDtx, nullptr};
  }
  // Underrun: conceal without advancing, so the frame can still play if it
  // is only late; this grows the delay by one frame.
  ++stats_.concealed;
  ++stats_.stretched;
  return Frame{FrameKind::kLoss, nullptr};
}

}  // namespace konfero::audio
