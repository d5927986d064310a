// sdp_fuzzer.cc: libFuzzer target for the SDP parser, serializer and the
// answer builder (konfero/sdp/session_description.h, negotiation.h).
//
// Every input goes through ParseSdp; what parses must serialize to text that
// parses to an equal description and serializes identically again (abort
// otherwise). Each parsed description is also answered as an offer; an
// answer, when there is one, must serialize to text that parses back to it
// and must pass ValidateAnswer against the offer.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "konfero/net/ip_endpoint.h"
#include "konfero/sdp/negotiation.h"
#include "konfero/sdp/session_description.h"

namespace {

using konfero::sdp::AnswerOptions;
using konfero::sdp::ParseSdp;
using konfero::sdp::SerializeSdp;
using konfero::sdp::SessionDescription;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "sdp_fuzzer: %s\n", what);
    std::abort();
  }
}

AnswerOptions ServerOptions() {
  AnswerOptions options;
  options.ice_ufrag = "srvA";
  options.ice_pwd = "serverPassword+0123456/";
  options.fingerprint = {"sha-256",
                         "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:"
                         "11:22:33:44:55:66:77:88:99"};
  options.candidates = {{*konfero::net::IpEndpoint::Parse("198.51.100.10", 40000), 2130706431}};
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<SessionDescription> first = ParseSdp(text);
  if (!first.ok()) return 0;

  const std::string serialized = SerializeSdp(*first);
  const absl::StatusOr<SessionDescription> second = ParseSdp(serialized);
  Check(second.ok(), "serialized description does not parse");
  Check(*second == *first, "round trip changed the description");
  Check(SerializeSdp(*second) == serialized, "second serialization differs");

  static const AnswerOptions options = ServerOptions();
  const absl::StatusOr<SessionDescription> answer = konfero::sdp::BuildAnswer(*first, options);
  if (answer.ok()) {
    const std::string answer_text = SerializeSdp(*answer);
    const absl::StatusOr<SessionDescription> reparsed = ParseSdp(answer_text);
    Check(reparsed.ok(), "answer does not parse");
    Check(*reparsed == *answer, "answer round trip changed it");
    Check(konfero::sdp::ValidateAnswer(*first, *answer).ok(), "answer fails ValidateAnswer");
  }
  (void)konfero::sdp::GetBundleTransport(*first);
  return 0;
}
