// sip/client_transaction.h: one SIP client transaction's state machine
// (RFC 3261 17.1.1 INVITE with the RFC 6026 Accepted state, 17.1.2
// non-INVITE). Sans-I/O: it decides, the TransactionLayer sends.
//
//   non-INVITE: Trying --1xx--> Proceeding --final--> Completed --K--> Terminated
//     timer E resends on UDP at T1, doubling up to T2 (T2 in Proceeding);
//     timer F = 64*T1 ends it with a timeout; K = T4 on UDP, 0 on TCP.
//   INVITE:     Calling --1xx--> Proceeding --300-699--> Completed (ACK sent
//     by the transaction; timer D = 32 s on UDP, 0 on TCP)
//     Calling/Proceeding --2xx--> Accepted (timer M = 64*T1; every 2xx goes
//     to the TU, which ACKs it)
//     timer A resends on UDP at T1, doubling without cap; timer B = 64*T1.
//
// Thread contract: one thread per object (the layer's).
#ifndef KONFERO_SIP_CLIENT_TRANSACTION_H_
#define KONFERO_SIP_CLIENT_TRANSACTION_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "sip/message.h"
#include "sip/transaction_types.h"

namespace konfero::sip {

class ClientTransaction {
 public:
  enum class State : uint8_t { kCalling, kTrying, kProceeding, kCompleted, kAccepted, kTerminated };
  static constexpr int64_t kTimerDUnreliableUs = 32'000'000;

  // `request` is sent now (by the caller) to `to`. INVITE starts in Calling,
  // others in Trying.
  ClientTransaction(SipMessage request, Destination to, const TimerConfig& timers, int64_t now_us);

  bool is_invite() const { return invite_; }
  State state() const { return state_; }
  const SipMessage& request() const { return request_; }
  const Destination& destination() const { return to_; }

  struct ResponseResult {
    bool to_owner = false;          // pass the response to the TU
    std::optional<SipMessage> ack;  // INVITE, 300-699: the ACK to send to destination()
  };
  // A response whose branch and CSeq method match this transaction.
  ResponseResult OnResponse(const SipMessage& response, int64_t now_us);

  enum class TimerResult : uint8_t {
    kNone,        // nothing due
    kRetransmit,  // timer A/E: send request() again
    kTimedOut,    // timer B/F: no final response; Terminated
    kTerminated,  // timers D, K, M: ended normally
  };
  TimerResult OnTimer(int64_t now_us);
  int64_t next_deadline_us() const;

 private:
  SipMessage MakeAck(const SipMessage& response) const;

  bool invite_;
  State state_;
  SipMessage request_;
  Destination to_;
  TimerConfig timers_;
  std::optional<SipMessage> ack_;     // INVITE: the ACK of the non-2xx final, resent on repeats
  int64_t retransmit_at_us_ = kNever;  // timers A, E
  int64_t retransmit_interval_us_ = 0;
  int64_t end_at_us_ = kNever;         // timers B, D, F, K, M
};

std::string_view ClientStateName(ClientTransaction::State state);

}  // namespace konfero::sip

#endif  // KONFERO_SIP_CLIENT_TRANSACTION_H_
