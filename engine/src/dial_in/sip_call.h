// sip_call.h: one dialled-in call as the dial-in core keeps it: its SIP
// dialog and timers, its media call (engine CallId), its PIN dialogue and,
// once admitted, its participant.
//
// Thread contract: the control thread; owned by DialInCore.
#ifndef KONFERO_DIAL_IN_SIP_CALL_H_
#define KONFERO_DIAL_IN_SIP_CALL_H_

#include <cstdint>
#include <optional>
#include <string>

#include "dial_in/pin_collector.h"
#include "konfero/dial_in.h"
#include "konfero/media_types.h"
#include "konfero/room_types.h"
#include "sip/dialog.h"
#include "sip/message.h"
#include "sip/session_timer.h"
#include "sip/transaction_types.h"
#include "sip/uas_2xx_retransmitter.h"

namespace konfero::dial_in {

struct SipCall {
  enum class State : uint8_t {
    kAnswering,     // INVITE received, 200 not sent yet (CANCEL still ends it)
    kPin,           // answered; the caller types the PIN
    kInConference,  // admitted as a phone guest
    kEnding,        // a last prompt plays, then BYE
  };

  uint64_t id = 0;
  State state = State::kAnswering;
  DialInNumber number;
  std::string caller;  // caller id (From or P-Asserted-Identity user); never logged whole
  std::string source;  // the INVITE's source address, for rate limits
  sip::Destination peer;

  sip::SipMessage invite;
  sip::ServerTransactionHandle invite_tx{};
  std::string local_tag;
  std::optional<sip::Dialog> dialog;
  std::optional<sip::Uas2xxRetransmitter> ok_retransmitter;
  sip::SessionTimerAnswer session_timer_answer;  // from the INVITE
  sip::SessionTimer session_timer;
  std::string last_answer_sdp;  // our last SDP (answer, or offer in the 200)
  bool offer_in_200 = false;    // INVITE without SDP: the ACK brings the answer

  CallId media{};
  uint64_t prompts_played = 0;  // PlayPrompt calls since it last became a call
  std::optional<ParticipantId> participant;
  PinCollector pin;
  // A PIN verdict held back by the rate limits' slow answer.
  std::optional<PinCollector::Verdict> delayed_verdict;
  std::optional<ParticipantId> delayed_participant;
  int64_t verdict_at_us = 0;
  int64_t ending_deadline_us = 0;

  SipCall(PinCollectorOptions pin_options, int64_t now_us) : pin(pin_options, now_us) {}
};

}  // namespace konfero::dial_in

#endif  // KONFERO_DIAL_IN_SIP_CALL_H_
