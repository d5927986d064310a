// plain_rtp/frame_rechunker.cc: 20 ms frames from sample-based payloads.
#include "plain_rtp/frame_rechunker.h"

#include <algorithm>
#include <cstring>

namespace konfero::plain_rtp {

void FrameRechunker::Push(uint16_t sequence, uint32_t timestamp,
                          absl::Span<const uint8_t> payload, EmitFn emit) {
  if (!started_) {
    started_ = true;
    newest_sequence_ = sequence;
    next_sequence_ = sequence;
    next_timestamp_ = timestamp;
    linear_frames_ = 0;
    pending_size_ = 0;
    Append(payload, emit);
    return;
  }
  const auto dseq = static_cast<int16_t>(static_cast<uint16_t>(sequence - newest_sequence_));
  if (dseq <= 0) {
    PushLate(timestamp, payload, emit);
    return;
  }
  newest_sequence_ = sequence;
  if (dseq == 1 && timestamp == static_cast<uint32_t>(next_timestamp_ + pending_size_)) {
    Append(payload, emit);
    return;
  }
  // A discontinuity: the partial frame is lost; renumber from this packet.
  const bool partial = pending_size_ > 0;
  pending_size_ = 0;
  const auto gap = static_cast<int32_t>(timestamp - next_timestamp_);
  uint32_t skip = partial ? 1 : 0;
  bool linear = false;
  if (dseq > 1) {
    // Lost packets: the frames the timestamp gap covers, at most what they
    // (if as long as this one) and the partial frame could have held.
    const uint32_t per_packet = std::max<uint32_t>(
        1, static_cast<uint32_t>((payload.size() + kFrameBytes - 1) / kFrameBytes));
    const uint32_t most = static_cast<uint32_t>(dseq - 1) * per_packet + (partial ? 1 : 0);
    const uint32_t covered =
        gap <= 0 ? 1 : static_cast<uint32_t>((static_cast<int64_t>(gap) + kFrameBytes - 1) /
                                             kFrameBytes);
    skip = std::clamp<uint32_t>(covered, 1, most);
    linear = gap > 0 && static_cast<uint32_t>(gap) == skip * kFrameBytes;
  }
  next_sequence_ = static_cast<uint16_t>(next_sequence_ + skip);
  next_timestamp_ = timestamp;
  linear_frames_ = linear ? linear_frames_ + skip : 0;
  Append(payload, emit);
}

void FrameRechunker::Append(absl::Span<const uint8_t> payload, EmitFn emit) {
  auto emit_frame = [&](absl::Span<const uint8_t> frame) {
    emit(next_sequence_, next_timestamp_, frame);
    ++next_sequence_;
    next_timestamp_ += kFrameBytes;
    linear_frames_ = std::min<uint32_t>(linear_frames_ + 1, 1u << 30);
  };
  size_t i = 0;
  if (pending_size_ > 0) {
    const size_t take = std::min(kFrameBytes - pending_size_, payload.size());
    std::memcpy(pending_.data() + pending_size_, payload.data(), take);
    pending_size_ += take;
    i = take;
    if (pending_size_ < kFrameBytes) return;
    pending_size_ = 0;
    emit_frame(pending_);
  }
  for (; payload.size() - i >= kFrameBytes; i += kFrameBytes) {
    emit_frame(payload.subspan(i, kFrameBytes));
  }
  pending_size_ = payload.size() - i;
  if (pending_size_ > 0) std::memcpy(pending_.data(), payload.data() + i, pending_size_);
}

void FrameRechunker::PushLate(uint32_t timestamp, absl::Span<const uint8_t> payload,
                              EmitFn emit) {
  const auto back = static_cast<int32_t>(next_timestamp_ - timestamp);
  if (back <= 0 || back % static_cast<int32_t>(kFrameBytes) != 0) return;
  const auto frames_back = static_cast<uint32_t>(back) / kFrameBytes;
  if (frames_back > linear_frames_ || frames_back > kMaxLateFrames) return;
  // Only the frames before the one being assembled: those are complete.
  const size_t frames = std::min<size_t>(payload.size() / kFrameBytes, frames_back);
  for (size_t k = 0; k < frames; ++k) {
    emit(static_cast<uint16_t>(next_sequence_ - frames_back + k),
         timestamp + static_cast<uint32_t>(k * kFrameBytes),
         payload.subspan(k * kFrameBytes, kFrameBytes));
  }
}

}  // namespace konfero::plain_rtp
