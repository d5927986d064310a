// bwe/sent_packet_history.cc: the ring of sent packets feedback refers to.
#include "bwe/sent_packet_history.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <utility>

namespace konfero::bwe {

SentPacketHistory::SentPacketHistory(size_t capacity) {
  const size_t size = std::bit_ceil(std::clamp<size_t>(capacity, 16, kMaxCapacity));
  mask_ = size - 1;
  slots_.resize(size);
}

bool SentPacketHistory::OnPacketSent(uint16_t seq, size_t bytes, int64_t send_time_us) {
  const int64_t unwrapped = unwrapper_.Peek(seq);
  if (const auto newest = unwrapper_.last()) {
    if (unwrapped <= *newest) return false;
    // Numbers skipped by the sender were never sent: empty their slots so
    // that a stale packet from a lap ago cannot answer for them.
    const int64_t skipped =
        std::min<int64_t>(unwrapped - *newest - 1, static_cast<int64_t>(slots_.size()));
    for (int64_t k = 1; k <= skipped; ++k) {
      slots_[static_cast<size_t>(*newest + k) & mask_].state = State::kEmpty;
    }
  }
  unwrapper_.Unwrap(seq);
  slots_[static_cast<size_t>(unwrapped) & mask_] = {
      .send_time_us = send_time_us,
      .size = static_cast<uint32_t>(
          std::min<size_t>(bytes, std::numeric_limits<uint32_t>::max())),
      .seq = seq,
      .state = State::kSent};
  return true;
}

const SentPacketHistory::Slot* SentPacketHistory::Locate(uint16_t seq) const {
  const auto newest = unwrapper_.last();
  if (!newest) return nullptr;
  const int64_t unwrapped = unwrapper_.Peek(seq);
  if (unwrapped > *newest || *newest - unwrapped >= static_cast<int64_t>(slots_.size())) {
    return nullptr;
  }
  const Slot& slot = slots_[static_cast<size_t>(unwrapped) & mask_];
  if (slot.state == State::kEmpty || slot.seq != seq) return nullptr;
  return &slot;
}

SentPacketHistory::Slot* SentPacketHistory::Locate(uint16_t seq) {
  return const_cast<Slot*>(std::as_const(*this).Locate(seq));
}

SentPacket SentPacketHistory::ToPacket(const Slot& slot) const {
  return {.sequence_number = unwrapper_.Peek(slot.seq),
          .send_time_us = slot.send_time_us,
          .size = slot.size};
}

std::optional<SentPacket> SentPacketHistory::Find(uint16_t seq) const {
  const Slot* slot = Locate(seq);
  if (slot == nullptr) return std::nullopt;
  return ToPacket(*slot);
}

std::optional<SentPacket> SentPacketHistory::OnReceived(uint16_t seq) {
  Slot* slot = Locate(seq);
  if (slot == nullptr || slot->state == State::kReportedReceived) return std::nullopt;
  slot->state = State::kReportedReceived;
  return ToPacket(*slot);
}

std::optional<SentPacket> SentPacketHistory::OnLost(uint16_t seq) {
  Slot* slot = Locate(seq);
  if (slot == nullptr || slot->state != State::kSent) return std::nullopt;
  slot->state = State::kReportedLost;
  return ToPacket(*slot);
}

}  // namespace konfero::bwe
