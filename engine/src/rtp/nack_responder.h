// rtp/nack_responder.h: answers the generic NACKs (RFC 4585) of one outgoing
// stream with retransmissions from its send history, as RTX (RFC 4588) when
// an RTX stream was negotiated and as the original packet otherwise.
//
// RTX packets get the RTX stream's SSRC and payload type and its own
// sequence numbers, one more per packet sent (RFC 4588 section 4: the first
// one should be random, so the caller chooses it). Each RTX packet is built
// in a scratch buffer owned by the responder: Respond() never allocates.
// Without RTX the stored packet is sent again unchanged (RFC 4585 allows
// plain retransmission; the receiver then sees a duplicate sequence number
// where it saw a gap).
//
//   NackResponder responder({.media_ssrc = ssrc,
//                            .rtx = RtxStream{.payload_type = 97, .ssrc = rtx_ssrc},
//                            .first_rtx_sequence_number = random16});
//   responder.history().Store(packet, now_us);           // every packet sent
//   responder.Respond(nack, now_us, [&](std::span<const uint8_t> p) {
//     transport.SendRtp(p);                              // protect and send
//   });
//
// The packets handed to the callback are plain RTP: the caller protects
// them with SRTP (an RTX packet with the RTX SSRC's own SRTP context).
// The span is valid only during the call.
//
// Thread contract: not thread-safe. One thread (the one that sends the
// stream and handles its RTCP) calls everything, as for RtpSendHistory.
#ifndef KONFERO_RTP_NACK_RESPONDER_H_
#define KONFERO_RTP_NACK_RESPONDER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "absl/functional/function_ref.h"
#include "rtp/rtcp_feedback.h"
#include "rtp/rtx.h"
#include "rtp/send_history.h"

namespace konfero::rtp {

struct NackResponderConfig {
  uint32_t media_ssrc = 0;            // NACKs for other SSRCs are ignored
  std::optional<RtxStream> rtx = {};  // nullopt: RTX not negotiated
  uint16_t first_rtx_sequence_number = 0;
  SendHistoryConfig history = {};
};

struct NackResponderStats {
  uint64_t nacks = 0;            // NACK messages for this stream
  uint64_t nacks_other_ssrc = 0; // NACK messages ignored: another media SSRC
  uint64_t requested = 0;        // sequence numbers asked for
  uint64_t rtx_sent = 0;         // answered with an RTX packet
  uint64_t plain_sent = 0;       // answered with the original packet
  uint64_t malformed = 0;        // found, but the stored packet did not parse
  // Sequence numbers not answered because the history did not give them
  // (why: see history().stats()).
  uint64_t not_sent = 0;
};

class NackResponder {
 public:
  using SendFn = absl::FunctionRef<void(std::span<const uint8_t> packet)>;

  explicit NackResponder(const NackResponderConfig& config);

  // Calls `send` once per sequence number of `nack` the history still holds
  // (and does not rate-limit), in the order the NACK lists them. Returns the
  // number of packets sent.
  size_t Respond(const Nack& nack, int64_t now_us, SendFn send);

  RtpSendHistory& history() { return history_; }
  const RtpSendHistory& history() const { return history_; }
  const std::optional<RtxStream>& rtx() const { return rtx_; }
  // The sequence number the next RTX packet gets.
  uint16_t next_rtx_sequence_number() const { return next_rtx_sequence_number_; }
  const NackResponderStats& stats() const { return stats_; }

 private:
  uint32_t media_ssrc_ = 0;
  std::optional<RtxStream> rtx_;
  uint16_t next_rtx_sequence_number_ = 0;
  RtpSendHistory history_;
  NackResponderStats stats_;
  // RTX adds the 2-byte OSN to the largest packet the history holds.
  std::array<uint8_t, kMaxStoredPacketSize + 2> scratch_{};
};

}  // namespace konfero::rtp

#endif  // KONFERO_RTP_NACK_RESPONDER_H_
