// ice_lite.h: the ICE-lite responder for one peer (RFC 8445 §2.5, §7.3) with
// consent freshness (RFC 7675), sans-I/O.
//
// The server is ICE-lite: it gathers only host candidates, never sends
// connectivity checks, and is always the controlled agent. The browser (full
// ICE, controlling) sends Binding requests; the agent answers them, learns
// the nominated remote address from USE-CANDIDATE, and judges from the
// stream of valid requests whether the browser still consents to receive
// media. The caller owns the socket and the clock:
//
//   auto agent = IceLiteAgent::Create(GenerateIceCredentials(),
//                                     {remote_ufrag, remote_pwd}, now);
//   // for each datagram with IsStun(bytes):
//   if (auto response = agent->HandleStunRequest(bytes, from, now)) {
//     socket.send_to(*response, from);
//   }
//   // send media to agent->selected_address(); on a timer:
//   if (agent->state(now) == IceLiteAgent::State::kFailed) DropPeer();
//
// A valid request is a Binding request whose FINGERPRINT verifies, whose
// USERNAME is "<local ufrag>:<remote ufrag>", whose MESSAGE-INTEGRITY
// verifies with the local password, with no unknown comprehension-required
// attribute, and with ICE-CONTROLLING. It gets a Binding success response
// (XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT) and refreshes consent.
// Otherwise (§7.3, RFC 5389 §10.1.2):
//   - not a STUN request, or no valid FINGERPRINT: nothing (may not be STUN);
//   - not Binding, or no USERNAME or MESSAGE-INTEGRITY: 400;
//   - wrong USERNAME (e.g. credentials from before a restart) or bad
//     MESSAGE-INTEGRITY: 401;
//   - unknown comprehension-required attributes: 420 with UNKNOWN-ATTRIBUTES;
//   - ICE-CONTROLLED (the browser thinks it is controlled too): 487, so it
//     takes the controlling role; neither role attribute: 400.
// Error responses after authentication (420, 487, and 400 for a missing
// role) carry MESSAGE-INTEGRITY; 400 and 401 before it cannot. All carry
// FINGERPRINT.
//
// Thread contract: one thread, the UDP worker that owns the peer's transport.
// No locks, no clock reads, no I/O.
#ifndef KONFERO_STUN_ICE_LITE_H_
#define KONFERO_STUN_ICE_LITE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "konfero/net/ip_endpoint.h"

namespace konfero::stun {

// An ICE username fragment and password (a=ice-ufrag, a=ice-pwd).
struct IceCredentials {
  std::string ufrag;
  std::string pwd;

  friend bool operator==(const IceCredentials&, const IceCredentials&) = default;
};

// Fresh local credentials from OpenSSL's CSPRNG: an 8-character ufrag (48
// bits) and a 24-character password (144 bits) of ice-char
// (ALPHA / DIGIT / "+" / "/"). Aborts if the CSPRNG cannot be seeded.
IceCredentials GenerateIceCredentials();

// OK if the ufrag has 4..256 and the password 22..256 ice-chars (RFC 8839
// §5.4); InvalidArgument otherwise. A ':' would make USERNAME ambiguous.
absl::Status ValidateIceCredentials(const IceCredentials& credentials);

struct IceLiteOptions {
  // Without a valid request for this long the peer is reported
  // disconnected: informational, media keeps flowing (browsers check
  // consent every ~5 s).
  absl::Duration disconnected_after = absl::Seconds(5);
  // Without a valid request for this long consent has expired (RFC 7675
  // §5.1): stop sending and drop the peer.
  absl::Duration failed_after = absl::Seconds(30);
};

class IceLiteAgent {
 public:
  enum class State {
    kNew,           // no nominated address yet
    kConnected,     // nominated, consent fresh
    kDisconnected,  // nominated, no valid request for disconnected_after
    kFailed,        // no valid request for failed_after; final
  };

  // `local` is ours (GenerateIceCredentials()), `remote` the browser's from
  // its SDP. `now` starts the consent clock: a peer that never sends a
  // valid request fails after failed_after. InvalidArgument for bad
  // credentials or options.
  static absl::StatusOr<IceLiteAgent> Create(IceCredentials local, IceCredentials remote,
                                             absl::Time now, IceLiteOptions options = {});

  // Handles one datagram from `remote` (which may be IPv4-mapped IPv6; it is
  // unmapped first). Returns the response to send back to `remote`, or
  // nullopt to stay silent. See the file comment for the rules.
  std::optional<std::vector<uint8_t>> HandleStunRequest(absl::Span<const uint8_t> bytes,
                                                        const net::IpEndpoint& remote,
                                                        absl::Time now);

  State state(absl::Time now) const;

  // Where to send media: the source of the latest valid request that had
  // USE-CANDIDATE. A later nomination from another address (the browser
  // changed network) replaces it.
  const std::optional<net::IpEndpoint>& selected_address() const { return selected_; }

  // ICE restart (RFC 8445 §9): new credentials on both sides. Requests with
  // the old ones are refused with 401 from now on. The selected address
  // stays until a request with the new credentials nominates one, so media
  // keeps flowing meanwhile; the consent clock is not reset. A failed agent
  // stays failed. InvalidArgument, and nothing changes, for bad credentials.
  absl::Status Restart(IceCredentials local, IceCredentials remote);

  const IceCredentials& local_credentials() const { return local_; }
  const IceCredentials& remote_credentials() const { return remote_; }
  // When the latest valid request arrived, if any.
  const std::optional<absl::Time>& last_valid_request() const { return last_valid_; }

 private:
  IceLiteAgent(IceCredentials local, IceCredentials remote, absl::Time now,
               IceLiteOptions options);

  IceCredentials local_;
  IceCredentials remote_;
  std::string expected_username_;  // "<local ufrag>:<remote ufrag>"
  IceLiteOptions options_;
  absl::Time created_;
  std::optional<absl::Time> last_valid_;
  std::optional<net::IpEndpoint> selected_;
  bool failed_ = false;  // consent expired once; never cleared
};

}  // namespace konfero::stun

#endif  // KONFERO_STUN_ICE_LITE_H_
