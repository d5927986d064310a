// sdp_test_util.h: fixtures and server options shared by the SDP tests.
#ifndef KONFERO_TESTS_SDP_SDP_TEST_UTIL_H_
#define KONFERO_TESTS_SDP_SDP_TEST_UTIL_H_

#include <fstream>
#include <sstream>
#include <string>

#include "konfero/net/ip_endpoint.h"
#include "konfero/sdp/negotiation.h"
#include "konfero/sdp/session_description.h"

namespace konfero::sdp::testing {

// tests/sdp/fixtures/<name>: aiortc_offer.sdp was produced by aiortc 1.4
// (audio, video, data channel); chromium_offer.sdp follows Chrome's
// unified-plan offers (simulcast video, FID video, SCTP).
inline std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(KONFERO_SDP_FIXTURES) + "/" + name, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline constexpr char kServerFingerprint[] =
    "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:"
    "88:99";

inline AnswerOptions ServerAnswerOptions() {
  AnswerOptions options;
  options.ice_ufrag = "srvA";
  options.ice_pwd = "serverPassword+0123456/";
  options.fingerprint = {"sha-256", kServerFingerprint};
  options.candidates = {{*net::IpEndpoint::Parse("198.51.100.10", 40000), 2130706431},
                        {*net::IpEndpoint::Parse("2001:db8::10", 40000), 2130706175}};
  options.origin_session_id = "7340013495112381021";
  return options;
}

inline OfferOptions ServerOfferOptions() {
  OfferOptions options;
  static_cast<LocalParameters&>(options) = ServerAnswerOptions();
  return options;
}

}  // namespace konfero::sdp::testing

#endif  // KONFERO_TESTS_SDP_SDP_TEST_UTIL_H_
