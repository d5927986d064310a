// sip/uas_2xx_retransmitter.h: the UAS core's retransmission of its 2xx to
// an INVITE until the ACK arrives (RFC 3261 13.3.1.4; with RFC 6026 the
// INVITE server transaction does not do it). The 2xx is resent at T1, 2*T1,
// ... capped at T2, on every transport (it is end-to-end: a UDP hop may lie
// beyond a TCP one); 64*T1 after the first send without an ACK, it reports
// kNoAck and the caller should confirm then end the session with a BYE.
//
//   Uas2xxRetransmitter rtx(ok, dest, timers, now_us);  // `ok` was just sent
//   // on an ACK from Owner::OnAck:  if (rtx.MatchesAck(ack)) rtx.OnAck();
//   // at rtx.next_deadline_us():
//   switch (rtx.OnTimer(now_us)) {
//     case Uas2xxRetransmitter::Action::kRetransmit: send(rtx.response(), rtx.destination()); break;
//     case Uas2xxRetransmitter::Action::kNoAck: SendBye(); break;
//     case Uas2xxRetransmitter::Action::kNone: break;
//   }
//
// Thread contract: one thread per object.
#ifndef KONFERO_SIP_UAS_2XX_RETRANSMITTER_H_
#define KONFERO_SIP_UAS_2XX_RETRANSMITTER_H_

#include <cstdint>

#include "sip/message.h"
#include "sip/transaction_types.h"

namespace konfero::sip {

class Uas2xxRetransmitter {
 public:
  enum class Action : uint8_t { kNone, kRetransmit, kNoAck };

  // `response` (a 2xx to an INVITE) was sent to `to` at `now_us`.
  Uas2xxRetransmitter(SipMessage response, Destination to, const TimerConfig& timers,
                      int64_t now_us);

  // Whether `ack` acknowledges this 2xx: Call-ID, CSeq number, From tag and
  // To tag equal to the response's.
  bool MatchesAck(const SipMessage& ack) const;
  // The ACK arrived: no more retransmissions, no kNoAck.
  void OnAck();

  // Call at or after next_deadline_us().
  Action OnTimer(int64_t now_us);
  int64_t next_deadline_us() const;
  bool active() const { return active_; }
  bool acked() const { return acked_; }

  const SipMessage& response() const { return response_; }
  const Destination& destination() const { return to_; }

 private:
  SipMessage response_;
  Destination to_;
  TimerConfig timers_;
  bool active_ = true;
  bool acked_ = false;
  int64_t interval_us_;
  int64_t retransmit_at_us_;
  int64_t give_up_at_us_;
};

}  // namespace konfero::sip

#endif  // KONFERO_SIP_UAS_2XX_RETRANSMITTER_H_
