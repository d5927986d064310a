// sip/server_transaction.h: one SIP server transaction's state machine
// (RFC 3261 17.2.1 INVITE with the RFC 6026 Accepted state, 17.2.2
// non-INVITE). Sans-I/O: it decides, the TransactionLayer sends.
//
//   INVITE:     Proceeding --1xx--> Proceeding
//               Proceeding --300-699--> Completed (timer G resend on UDP: T1,
//                 doubling up to T2; timer H = 64*T1 waits for the ACK)
//               Completed --ACK--> Confirmed (timer I = T4 on UDP, 0 on TCP)
//               Proceeding --2xx--> Accepted (timer L = 64*T1 absorbs
//                 retransmitted INVITEs; 2xx resends come from the TU)
//   non-INVITE: Trying --1xx--> Proceeding --final--> Completed (timer J =
//                 64*T1 on UDP, 0 on TCP) --> Terminated
//
// A retransmitted request gets the last response again (Proceeding,
// Completed); in Trying (nothing sent yet), Confirmed and Accepted it is
// absorbed silently.
//
// Thread contract: one thread per object (the layer's).
#ifndef KONFERO_SIP_SERVER_TRANSACTION_H_
#define KONFERO_SIP_SERVER_TRANSACTION_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "sip/message.h"
#include "sip/transaction_types.h"

namespace konfero::sip {

class ServerTransaction {
 public:
  enum class State : uint8_t { kTrying, kProceeding, kCompleted, kConfirmed, kAccepted, kTerminated };

  // `request` has arrived from `from`; responses go to `response_to`.
  // An INVITE transaction starts in Proceeding, others in Trying.
  ServerTransaction(SipMessage request, Destination from, Destination response_to,
                    const TimerConfig& timers, int64_t now_us);

  bool is_invite() const { return invite_; }
  State state() const { return state_; }
  const SipMessage& request() const { return request_; }
  const Destination& from() const { return from_; }
  const Destination& response_to() const { return response_to_; }
  // The last response passed to Respond, if any.
  const SipMessage* last_response() const { return last_response_ ? &*last_response_ : nullptr; }
  bool final_sent() const { return final_sent_; }

  // The TU's response; the caller sends it to response_to() when OK.
  // FailedPrecondition after a final response (except further 2xx of an
  // INVITE in Accepted, RFC 6026 8.5), InvalidArgument for a request or a
  // status outside 100..699.
  [[nodiscard]] absl::Status Respond(const SipMessage& response, int64_t now_us);

  // A retransmission of the request: the response to send again, or nullptr
  // (absorbed without answer).
  const SipMessage* OnRetransmission();

  enum class AckResult : uint8_t {
    kAbsorbed,   // ACK of our non-2xx final (Completed -> Confirmed, or a repeat)
    kToOwner,    // Accepted (ACK of our 2xx: the TU's) or before any final
  };
  // An ACK matching this INVITE transaction.
  AckResult OnAck(int64_t now_us);

  enum class TimerResult : uint8_t {
    kNone,        // nothing due
    kRetransmit,  // timer G: send last_response() again
    kTimedOut,    // timer H: no ACK came; the transaction is Terminated
    kTerminated,  // timers I, J, L: the transaction ended normally
  };
  // Call at or after next_deadline_us(); handles the earliest due timer.
  TimerResult OnTimer(int64_t now_us);
  int64_t next_deadline_us() const;

 private:
  bool invite_;
  State state_;
  SipMessage request_;
  Destination from_;
  Destination response_to_;
  TimerConfig timers_;
  std::optional<SipMessage> last_response_;
  bool final_sent_ = false;
  int64_t retransmit_at_us_ = kNever;  // timer G
  int64_t retransmit_interval_us_ = 0;
  int64_t end_at_us_ = kNever;         // timers H, I, J, L
};

std::string_view ServerStateName(ServerTransaction::State state);

}  // namespace konfero::sip

#endif  // KONFERO_SIP_SERVER_TRANSACTION_H_
