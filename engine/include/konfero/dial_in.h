// konfero/dial_in.h: phone dial-in over SIP. Callers dial a dial-in number,
// hear the PIN prompt, type the PIN and '#', and are in the conference as
// phone guests, under the same rules as browser guests (the waiting sound
// until a moderator joins, on hold when the last one leaves, a BYE when
// kicked or when the room is deleted or made private).
//
// Calls arrive in two ways, both configured here:
//   1. from a PBX, SBC or provider that sends INVITEs: allowed by source
//      address (`trunks[].allow`, CIDR), optionally with a digest challenge;
//   2. by registering to a provider with digest credentials
//      (`registrations`), refreshed at half the expiry and retried with
//      back-off after a failure.
// The dialled number (Request-URI user, else To user) picks a DialInNumber:
// one room (the caller goes straight to that room's PIN) or every public
// room (the PIN picks the room).
//
//   konfero::DialInOptions options;
//   options.listen = "0.0.0.0:5060";                    // UDP and TCP
//   options.numbers.push_back({"+49301234567"});        // all public rooms
//   options.executor = executor;                         // the control thread's
//   auto dial_in = *konfero::DialInService::Start(rooms, *engine, options);
//
// The SIP sockets run on a thread of the service's own; every SIP
// transaction, call and PIN lives on the control thread (the executor),
// where the RoomService and the Engine are driven. Nothing secret is
// logged: no PIN, no digest password, caller ids masked.
//
// Thread contract: Start, stats() and the destructor on the control thread.
#ifndef KONFERO_DIAL_IN_H_
#define KONFERO_DIAL_IN_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "konfero/engine.h"
#include "konfero/executor.h"
#include "konfero/prompts.h"
#include "konfero/room_service.h"

namespace konfero {

struct DialInNumber {
  // As dialled; only digits count ("+49 30 1234567" matches 49301234567).
  std::string number;
  // The room it names; empty: every public room (the PIN picks the room).
  std::optional<RoomId> room;
  PromptLanguage language = PromptLanguage::kEnglish;
};

// Who may send INVITEs.
struct SipTrunk {
  std::string name;
  // Source addresses ("192.0.2.0/24", "2001:db8::/32", "127.0.0.1").
  std::vector<std::string> allow;
  // Non-empty: INVITEs are challenged (digest, RFC 7616 / RFC 2617) and
  // must authenticate as `username` with `password` in this realm.
  std::string realm;
  std::string username;
  std::string password;
};

// A provider account konfero registers to; calls to it reach `number`
// (or the account's user, when `number` is empty).
struct SipRegistration {
  std::string registrar;  // "sip:alice@provider.example:5060" (the AOR, and where REGISTER goes)
  std::string username;   // digest user; empty: the AOR's user
  std::string password;
  absl::Duration expires = absl::Minutes(10);
  std::string number;
};

struct DialInOptions {
  // "IP:PORT" for SIP over UDP and TCP (one port); port 0: any.
  std::string listen = "127.0.0.1:5060";
  // "IP:PORT" for SIP over TLS, with a PEM certificate and key; empty: none.
  std::string tls_listen;
  std::string tls_cert_file;
  std::string tls_key_file;
  // The address put in Contact headers (behind NAT); empty: the bound one.
  std::string announced_address;
  std::vector<DialInNumber> numbers;
  // Empty: INVITEs from any source are accepted (the PIN is the gate).
  std::vector<SipTrunk> trunks;
  std::vector<SipRegistration> registrations;
  // Silence before the reminder, and again before goodbye.
  absl::Duration pin_timeout = absl::Seconds(20);
  // Wrong PINs per call before goodbye.
  int max_pin_attempts = 3;
  // RFC 4028: the session interval we ask for, and our Min-SE.
  absl::Duration session_expires = absl::Minutes(30);
  absl::Duration min_session_expires = absl::Seconds(90);
  // Codecs answered, best first (the caller's order wins); empty: PCMU,
  // PCMA, G.722, Opus.
  std::vector<audio::Codec> codecs;
  // Calls at once (beyond: 486 Busy Here); PIN stage included.
  int max_calls = 500;
  // Required: the control thread's executor (the Engine's).
  ControlExecutor* executor = nullptr;
};

struct DialInStats {
  int calls_answering = 0;   // INVITE received, not yet answered
  int calls_pin = 0;         // in the PIN prompt
  int calls_in_conference = 0;
  uint64_t calls_total = 0;
  uint64_t calls_rejected = 0;  // refused before the answer (source, number, busy, SDP)
  uint64_t pin_failures = 0;    // wrong PINs typed
  uint64_t registrations_ok = 0;
  uint64_t registration_failures = 0;
  uint64_t malformed_messages = 0;  // answered 400 or dropped
};

class DialInService {
 public:
  // Binds the SIP ports and starts registering. InvalidArgument for bad
  // options (naming which), Unavailable if a port cannot be bound.
  static absl::StatusOr<std::unique_ptr<DialInService>> Start(RoomService& rooms, Engine& engine,
                                                              DialInOptions options);
  // Ends every call with a BYE and unregisters.
  virtual ~DialInService() = default;
  virtual DialInStats stats() const = 0;
  // "udp 127.0.0.1:5060", "tcp 127.0.0.1:5060", "tls ...".
  virtual std::vector<std::string> listen_addresses() const = 0;
};

}  // namespace konfero

#endif  // KONFERO_DIAL_IN_H_
