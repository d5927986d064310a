// plain_rtp_sdp_fuzzer: NegotiatePlainRtpOffer on arbitrary text, and the
// same text as a peer's answer to our offer (ApplyPlainRtpAnswer). Whatever
// is accepted must give params a PlainRtpLeg takes, and an answer that
// parses and, offered back to us, negotiates the same codec and payload
// types (abort otherwise).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "konfero/sdp/session_description.h"
#include "plain_rtp/plain_rtp_leg.h"
#include "plain_rtp/plain_rtp_sdp.h"

namespace {

using namespace konfero::plain_rtp;  // NOLINT: a fuzz target's own file

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "plain_rtp_sdp_fuzzer: %s\n", what);
    std::abort();
  }
}

class NullOwner : public PlainRtpLeg::Owner {
 public:
  void SendDatagram(Socket, absl::Span<const uint8_t>, const konfero::net::IpEndpoint&) override {}
  void OnAudioPacket(const konfero::audio::InputPacket&) override {}
  void OnDigit(char, int, DtmfSource) override {}
  void OnEnded(std::string_view) override {}
};

PlainRtpLocal Local() {
  PlainRtpLocal local;
  local.rtp = *konfero::net::IpEndpoint::Parse("198.51.100.7", 30000);
  local.ssrc = 0xCAFE0001;
  local.session_id = 1;
  return local;
}

void CheckLegAccepts(const PlainRtpParams& params) {
  NullOwner owner;
  Check(PlainRtpLeg::Create(params, {}, owner, 0).ok(), "negotiated params refused by the leg");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const PlainRtpLocal local = Local();
  if (auto negotiated = NegotiatePlainRtpOffer(text, local); negotiated.ok()) {
    CheckLegAccepts(negotiated->params);
    Check(konfero::sdp::ParseSdp(negotiated->answer).ok(), "our answer does not parse");
    auto again = NegotiatePlainRtpOffer(negotiated->answer, local);
    Check(again.ok(), "our answer, offered back, is refused");
    Check(again->params.codec == negotiated->params.codec &&
              again->params.payload_type == negotiated->params.payload_type &&
              again->params.telephone_event_pt == negotiated->params.telephone_event_pt,
          "our answer, offered back, negotiates something else");
  }
  static const PlainRtpOffer offer = *BuildPlainRtpOffer(local);
  if (auto params = ApplyPlainRtpAnswer(offer, text, local); params.ok()) {
    CheckLegAccepts(*params);
  }
  return 0;
}
