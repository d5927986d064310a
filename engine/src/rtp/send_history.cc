// rtp/send_history.cc: the ring of sent packets behind NACK responses.
#include "rtp/send_history.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "rtp/byte_io.h"
#include "rtp/rtp_packet.h"

namespace konfero::rtp {

RtpSendHistory::RtpSendHistory(const SendHistoryConfig& config)
    : max_age_us_(config.max_age_us),
      min_resend_interval_us_(config.min_resend_interval_us) {
  const size_t capacity =
      std::bit_ceil(std::clamp<size_t>(config.capacity, 1, kMaxCapacity));
  mask_ = capacity - 1;
  slots_.resize(capacity);
  // Value-initialised: the zeroing touches every page now, not on the media
  // path.
  bytes_ = std::make_unique<uint8_t[]>(capacity * kMaxStoredPacketSize);
}

RtpSendHistory::~RtpSendHistory() = default;

bool RtpSendHistory::Store(std::span<const uint8_t> rtp_packet, int64_t now_us) {
  // The sequence number is all the history needs; the full parse is left to
  // the (rare) retransmission.
  if (rtp_packet.size() < kRtpFixedHeaderSize || rtp_packet.size() > kMaxStoredPacketSize ||
      (rtp_packet[0] >> 6) != 2) {
    ++stats_.rejected;
    return false;
  }
  const uint16_t sequence_number = ReadU16(&rtp_packet[2]);
  const size_t index = sequence_number & mask_;
  std::memcpy(&bytes_[index * kMaxStoredPacketSize], rtp_packet.data(), rtp_packet.size());
  slots_[index] = {.stored_at_us = now_us,
                   .resent_at_us = 0,
                   .sequence_number = sequence_number,
                   .size = static_cast<uint16_t>(rtp_packet.size()),
                   .resent = false};
  ++stats_.stored;
  return true;
}

std::optional<std::span<const uint8_t>> RtpSendHistory::Find(uint16_t sequence_number,
                                                             int64_t now_us) {
  const size_t index = sequence_number & mask_;
  Slot& slot = slots_[index];
  if (slot.size == 0) {
    ++stats_.not_found_unknown;
    return std::nullopt;
  }
  if (slot.sequence_number != sequence_number) {
    // The slot holds another packet of the same residue. If that one is
    // newer (in wrapping order), it replaced the packet asked for; if it is
    // older, the packet asked for was never stored. (Exactly half the
    // sequence space apart is ambiguous; it counts as never stored.)
    const auto newer_by = static_cast<int16_t>(slot.sequence_number - sequence_number);
    if (newer_by > 0) {
      ++stats_.not_found_overwritten;
    } else {
      ++stats_.not_found_unknown;
    }
    return std::nullopt;
  }
  if (now_us - slot.stored_at_us > max_age_us_) {
    ++stats_.not_found_too_old;
    return std::nullopt;
  }
  if (slot.resent && now_us - slot.resent_at_us < min_resend_interval_us_) {
    ++stats_.rate_limited;
    return std::nullopt;
  }
  slot.resent = true;
  slot.resent_at_us = now_us;
  ++stats_.found;
  return std::span<const uint8_t>(&bytes_[index * kMaxStoredPacketSize], slot.size);
}

}  // namespace konfero::rtp
