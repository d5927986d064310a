// stun_fuzzer.cc: libFuzzer target for the STUN parser and the ICE-lite
// responder (stun/stun_message.h, stun/ice_lite.h).
//
// Every input goes through StunMessage::Parse; what parses must serialize
// to bytes that parse to an equal message and serialize identically again
// (abort otherwise). The integrity and fingerprint checkers and an
// IceLiteAgent see the raw bytes too; whatever the agent answers must itself
// be a valid, fingerprinted STUN message.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/time/time.h"
#include "konfero/net/ip_endpoint.h"
#include "stun/ice_lite.h"
#include "stun/stun_message.h"

namespace {

using konfero::stun::IceLiteAgent;
using konfero::stun::StunMessage;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "stun_fuzzer: %s\n", what);
    std::abort();
  }
}

// The seed corpus builds requests for these credentials, so mutations of
// them reach the authenticated paths.
constexpr char kLocalUfrag[] = "srvA";
constexpr char kLocalPwd[] = "serverPassword+0123456/";
constexpr char kRemoteUfrag[] = "brw1";
constexpr char kRemotePwd[] = "browserPassword0123456789";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Span<const uint8_t> bytes(data, size);

  const std::optional<StunMessage> first = StunMessage::Parse(bytes);
  if (first) {
    const std::vector<uint8_t> serialized = first->Serialize();
    Check(serialized.size() == size, "serialized size differs");
    const std::optional<StunMessage> second = StunMessage::Parse(serialized);
    Check(second.has_value(), "serialized message does not parse");
    Check(*second == *first, "round trip changed the message");
    Check(second->Serialize() == serialized, "second serialization differs");
    // Typed accessors must not trip on anything Parse accepted.
    (void)first->username();
    (void)first->priority();
    (void)first->ice_controlling();
    (void)first->ice_controlled();
    (void)first->error_code();
    (void)first->xor_mapped_address();
    (void)first->unknown_attributes();
    if (const auto signed_bytes = first->SerializeWithIntegrity(kLocalPwd)) {
      Check(konfero::stun::VerifyMessageIntegrity(*signed_bytes, kLocalPwd),
            "own MESSAGE-INTEGRITY does not verify");
      Check(konfero::stun::VerifyFingerprint(*signed_bytes), "own FINGERPRINT does not verify");
      Check(StunMessage::Parse(*signed_bytes).has_value(), "signed message does not parse");
    }
  }
  (void)konfero::stun::IsStun(bytes);
  (void)konfero::stun::VerifyFingerprint(bytes);
  (void)konfero::stun::VerifyMessageIntegrity(bytes, kLocalPwd);

  const absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  auto agent = IceLiteAgent::Create({kLocalUfrag, kLocalPwd}, {kRemoteUfrag, kRemotePwd}, now);
  Check(agent.ok(), "agent credentials rejected");
  const auto from = konfero::net::IpEndpoint::Ipv4({198, 51, 100, 1}, 40000);
  if (const auto response = agent->HandleStunRequest(bytes, from, now)) {
    Check(StunMessage::Parse(*response).has_value(), "response does not parse");
    Check(konfero::stun::VerifyFingerprint(*response), "response FINGERPRINT wrong");
    Check(first.has_value(), "answered a message that does not parse");
  }
  return 0;
}
