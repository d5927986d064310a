// sip/transaction_types.h: the values shared by the SIP transaction layer
// (RFC 3261 section 17): where a message goes or came from (transport and
// address, plus the connection for TCP/TLS), the timer constants T1/T2/T4,
// transaction handles, and the RFC 3261 18.2.2 / RFC 3581 rule that picks
// where a response to a request goes.
//
//   Destination to = ResponseDestination(request, from);   // Via received/rport/sent-by
//   TimerConfig t;                                          // T1 500 ms, T2 4 s, T4 5 s
//
// Thread contract: plain values and pure functions, safe from any thread.
#ifndef KONFERO_SIP_TRANSACTION_TYPES_H_
#define KONFERO_SIP_TRANSACTION_TYPES_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "konfero/net/ip_endpoint.h"
#include "sip/message.h"

namespace konfero::sip {

enum class Transport : uint8_t { kUdp, kTcp, kTls };

// "UDP", "TCP", "TLS".
std::string_view TransportName(Transport transport);
// Case-insensitive "UDP"/"TCP"/"TLS"; nullopt for anything else.
std::optional<Transport> ParseTransport(std::string_view name);
// TCP and TLS: no retransmissions, and the "wait" timers I, J, K, D are 0.
inline bool IsReliable(Transport transport) { return transport != Transport::kUdp; }

// Where a message is sent, or where it came from. For TCP/TLS,
// `connection_id` names the connection a request arrived on (the owner's
// number, 0 = none/any): responses go back on it (RFC 3261 18.2.2).
struct Destination {
  Transport transport = Transport::kUdp;
  net::IpEndpoint endpoint;
  uint64_t connection_id = 0;

  bool reliable() const { return IsReliable(transport); }
  std::string ToString() const;  // "UDP 192.0.2.1:5060" (" #7" for a connection)
  friend bool operator==(const Destination&, const Destination&) = default;
};

// RFC 3261 17.1.1.1 and 17.1.2.1 timer values, in microseconds.
struct TimerConfig {
  int64_t t1_us = 500'000;    // RTT estimate
  int64_t t2_us = 4'000'000;  // maximum retransmit interval of non-INVITE requests and INVITE responses
  int64_t t4_us = 5'000'000;  // maximum time a message stays in the network

  int64_t timeout_us() const { return 64 * t1_us; }  // timers B, F, H, J, L, M
};

inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// Handles name a transaction for the owner; 0 is never a valid id. A handle
// of a terminated transaction is simply not found any more.
struct ServerTransactionHandle {
  uint64_t id = 0;
  friend bool operator==(ServerTransactionHandle, ServerTransactionHandle) = default;
};
struct ClientTransactionHandle {
  uint64_t id = 0;
  friend bool operator==(ClientTransactionHandle, ClientTransactionHandle) = default;
};

// The RFC 3261 magic cookie every RFC 3261 branch starts with.
inline constexpr std::string_view kBranchMagicCookie = "z9hG4bK";

// Where responses to `request` (received from `from`) go:
// - TCP/TLS: back to `from` (the connection it came on);
// - UDP: the top Via's `received` address (or its sent-by host if that is an
//   IP literal, else the source address), and the `rport` value (RFC 3581)
//   if present, else the sent-by port, else 5060 (5061 for TLS).
// maddr is ignored (multicast is not supported). A request without a
// parsable Via gets `from`.
Destination ResponseDestination(const SipMessage& request, const Destination& from);

// RFC 3261 18.2.1 and RFC 3581 4: adds `received=<source IP>` to the top Via
// when its sent-by host differs from the source address, and fills an empty
// `rport` with the source port, so the responses (which copy the Vias)
// carry them. False if the message has no parsable Via (left unchanged).
bool StampTopVia(SipMessage& request, const Destination& from);

// StampTopVia, then ResponseDestination of the stamped request, parsing the
// Via once (the transaction layer's path for every new request). `from`
// if the message has no parsable Via.
Destination StampTopViaForResponses(SipMessage& request, const Destination& from);

}  // namespace konfero::sip

#endif  // KONFERO_SIP_TRANSACTION_TYPES_H_
