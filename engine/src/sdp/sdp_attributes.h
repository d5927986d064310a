// sdp/sdp_attributes.h: parsers and writers for the values of the a= lines
// the SDP model knows (the text after "a=name:"). Each Parse function
// accepts exactly what its Format function can produce, plus the usual
// variations (extra spaces, case of hash names), so that parse, format,
// parse is the identity on values.
//
// Thread contract: pure functions, safe from any thread.
#ifndef KONFERO_SDP_SDP_ATTRIBUTES_H_
#define KONFERO_SDP_SDP_ATTRIBUTES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "konfero/sdp/session_description.h"

namespace konfero::sdp {

std::optional<Direction> ParseDirection(std::string_view name);
std::optional<SetupRole> ParseSetupRole(std::string_view value);

std::vector<Param> ParseParams(std::string_view text);  // "a=1;b;c=2"
std::string FormatParams(const std::vector<Param>& params);

struct RtpMap {
  uint8_t payload_type = 0;
  std::string name;
  uint32_t clock_rate = 0;
  uint16_t channels = 0;
};
std::optional<RtpMap> ParseRtpMap(std::string_view value);

// "<pt> <params>" of a=fmtp.
struct FmtpLine {
  uint8_t payload_type = 0;
  std::vector<Param> params;
};
std::optional<FmtpLine> ParseFmtp(std::string_view value);

// "<pt> <type> [<subtype>]" of a=rtcp-fb; "*" is not a payload type here.
struct RtcpFbLine {
  uint8_t payload_type = 0;
  RtcpFeedback feedback;
};
std::optional<RtcpFbLine> ParseRtcpFb(std::string_view value);
std::string FormatRtcpFb(uint8_t payload_type, const RtcpFeedback& feedback);

std::optional<Extmap> ParseExtmap(std::string_view value);
std::string FormatExtmap(const Extmap& extmap);

std::optional<Fingerprint> ParseFingerprint(std::string_view value);
std::optional<Group> ParseGroup(std::string_view value);
std::string FormatGroup(const Group& group);
std::optional<MsidSemantic> ParseMsidSemantic(std::string_view value);
std::string FormatMsidSemantic(const MsidSemantic& semantic);
std::optional<Msid> ParseMsid(std::string_view value);

// One a=ssrc line: the SSRC and "name[:value]".
struct SsrcLine {
  uint32_t ssrc = 0;
  Attribute attribute;
};
std::optional<SsrcLine> ParseSsrcLine(std::string_view value);
std::optional<SsrcGroup> ParseSsrcGroup(std::string_view value);
std::string FormatSsrcGroup(const SsrcGroup& group);

std::optional<Rid> ParseRid(std::string_view value);
std::string FormatRid(const Rid& rid);
std::optional<Simulcast> ParseSimulcast(std::string_view value);
std::string FormatSimulcast(const Simulcast& simulcast);

std::optional<Candidate> ParseCandidate(std::string_view value);
std::string FormatCandidate(const Candidate& candidate);

std::optional<SctpMap> ParseSctpMap(std::string_view value);
std::string FormatSctpMap(const SctpMap& map);

std::optional<Connection> ParseConnection(std::string_view value);
std::optional<Origin> ParseOrigin(std::string_view value);

// A non-empty run of characters other than space and tab.
bool IsWord(std::string_view s);

}  // namespace konfero::sdp

#endif  // KONFERO_SDP_SDP_ATTRIBUTES_H_
