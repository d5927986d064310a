// sdp_answer_tool.cc: konfero's offer/answer on files, for the interop checks
// in this folder, which hand real peers (Chromium, aiortc) konfero's SDP.
// The ICE credentials and fingerprint are fixed test values, so no media
// flows; only the peers' setRemoteDescription/createAnswer are exercised.
//
//   sdp_answer_tool < offer              answer on stdout (BuildAnswer)
//   sdp_answer_tool reoffer ANSWER_FILE  a renegotiation offer on stdout:
//       the sections of the server's answer kept (mid "2" removed) and a
//       new sendonly video section "k1" (BuildOffer)
//   sdp_answer_tool validate OFFER_FILE ANSWER_FILE   (ValidateAnswer)
// Errors go to stderr with exit status 1.
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "konfero/net/ip_endpoint.h"
#include "konfero/sdp/negotiation.h"
#include "konfero/sdp/session_description.h"

namespace {

namespace sdp = konfero::sdp;

std::string Slurp(std::istream& in) {
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

absl::StatusOr<sdp::SessionDescription> ParseFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return sdp::ParseSdp(Slurp(in));
}

void Local(sdp::LocalParameters& local) {
  local.ice_ufrag = "srvA";
  local.ice_pwd = "serverPassword+0123456/";
  local.fingerprint = {"sha-256",
                       "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:"
                       "11:22:33:44:55:66:77:88:99"};
  local.candidates = {{*konfero::net::IpEndpoint::Parse("127.0.0.1", 40000), 2130706431}};
}

int Fail(const absl::Status& status) {
  std::cerr << status << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "answer";
  if (mode == "answer") {
    const auto offer = sdp::ParseSdp(Slurp(std::cin));
    if (!offer.ok()) return Fail(offer.status());
    sdp::AnswerOptions options;
    Local(options);
    const auto answer = sdp::BuildAnswer(*offer, options);
    if (!answer.ok()) return Fail(answer.status());
    std::cout << sdp::SerializeSdp(*answer);
    return 0;
  }
  if (mode == "reoffer" && argc == 3) {
    const auto current = ParseFile(argv[2]);
    if (!current.ok()) return Fail(current.status());
    std::vector<sdp::OfferSection> sections;
    for (const sdp::MediaDescription& m : current->media) {
      sections.push_back({m.mid, m.kind(), m.direction, m.is_rejected() || m.mid == "2", {}});
    }
    sections.push_back({"k1", sdp::MediaKind::kVideo, sdp::Direction::kSendOnly, false,
                        sdp::LocalTrack{"peer-b", "peer-b-cam", "konfero", 1111, 2222}});
    sdp::OfferOptions options;
    Local(options);
    options.setup = sdp::SetupRole::kPassive;  // the DTLS role the answer set
    const auto offer = sdp::BuildOffer(sections, options, &*current);
    if (!offer.ok()) return Fail(offer.status());
    std::cout << sdp::SerializeSdp(*offer);
    return 0;
  }
  if (mode == "validate" && argc == 4) {
    const auto offer = ParseFile(argv[2]);
    if (!offer.ok()) return Fail(offer.status());
    const auto answer = ParseFile(argv[3]);
    if (!answer.ok()) return Fail(answer.status());
    if (absl::Status s = sdp::ValidateAnswer(*offer, *answer); !s.ok()) return Fail(s);
    std::cout << "valid\n";
    return 0;
  }
  std::cerr << "usage: sdp_answer_tool [reoffer ANSWER_FILE | validate OFFER ANSWER]\n";
  return 2;
}
