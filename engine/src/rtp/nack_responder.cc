// rtp/nack_responder.cc: NACK to retransmissions, RTX or plain.
#include "rtp/nack_responder.h"

namespace konfero::rtp {

NackResponder::NackResponder(const NackResponderConfig& config)
    : media_ssrc_(config.media_ssrc),
      rtx_(config.rtx),
      next_rtx_sequence_number_(config.first_rtx_sequence_number),
      history_(config.history) {}

size_t NackResponder::Respond(const Nack& nack, int64_t now_us, SendFn send) {
  if (nack.media_ssrc != media_ssrc_) {
    ++stats_.nacks_other_ssrc;
    return 0;
  }
  ++stats_.nacks;
  size_t sent = 0;
  for (const uint16_t sequence_number : nack.sequence_numbers) {
    ++stats_.requested;
    const auto stored = history_.Find(sequence_number, now_us);
    if (!stored) {
      ++stats_.not_sent;
      continue;
    }
    if (!rtx_) {
      send(*stored);
      ++stats_.plain_sent;
      ++sent;
      continue;
    }
    // Store() checked only the fixed header; the packet came from our own
    // packetizer, so this fails only on a bug upstream.
    const auto original = RtpPacketView::Parse(*stored);
    if (!original) {
      ++stats_.malformed;
      continue;
    }
    // Cannot fail: scratch_ holds the largest stored packet plus the OSN.
    const auto size = WrapRtx(*original, *rtx_, next_rtx_sequence_number_, scratch_);
    if (!size) {
      ++stats_.malformed;
      continue;
    }
    ++next_rtx_sequence_number_;
    send(std::span<const uint8_t>(scratch_).first(*size));
    ++stats_.rtx_sent;
    ++sent;
  }
  return sent;
}

}  // namespace konfero::rtp
