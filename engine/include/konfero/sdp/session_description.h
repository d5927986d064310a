// konfero/sdp/session_description.h: an SDP session description (RFC 8866)
// as a value, with the WebRTC attributes a server negotiates (JSEP, RFC
// 8829): BUNDLE (RFC 8843), ICE (RFC 8839), DTLS fingerprint and setup (RFC
// 8122, RFC 5763), rtpmap/fmtp/rtcp-fb, extmap (RFC 8285), msid (RFC 8830),
// ssrc and ssrc-group (RFC 5576), rid and simulcast (RFC 8851, RFC 8853),
// and SCTP data channels (RFC 8841, and the legacy sctpmap form).
//
//   absl::StatusOr<konfero::sdp::SessionDescription> offer =
//       konfero::sdp::ParseSdp(text_from_browser);
//   if (!offer.ok()) return offer.status();   // InvalidArgument, "SDP line 7: ..."
//   std::string text = konfero::sdp::SerializeSdp(*offer);   // CRLF lines
//
// Parsing is strict about the attributes it knows (a malformed a=rtpmap or a
// duplicate a=mid rejects the whole description) and keeps every other
// attribute, in order, in `other_attributes`, so that parse, serialize, parse
// gives an equal value. Serialization writes the known attributes in a fixed
// order, then the others. Hostile input is bounded: see kMaxSdpBytes and
// friends below.
//
// For RTP m= sections (a protocol containing "RTP/") the payload types live
// in `codecs`, in m= line order; for other protocols the m= line's format
// tokens live in `formats`.
//
// Thread contract: plain values and pure functions, safe from any thread.
#ifndef KONFERO_SDP_SESSION_DESCRIPTION_H_
#define KONFERO_SDP_SESSION_DESCRIPTION_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace konfero::sdp {

// Limits on what ParseSdp accepts (ResourceExhausted beyond them). Within
// one m= section it also takes at most 256 SSRCs, 64 rids and 256
// candidates.
inline constexpr size_t kMaxSdpBytes = 256 * 1024;
inline constexpr size_t kMaxSdpLines = 8192;
inline constexpr size_t kMaxSdpLineLength = 4096;
inline constexpr size_t kMaxMediaSections = 256;

enum class MediaKind { kAudio, kVideo, kApplication, kOther };
enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };
enum class SetupRole { kActpass, kActive, kPassive, kHoldconn };

std::string_view ToString(MediaKind kind);  // "audio", "video", ...; "" for kOther
std::string_view ToString(Direction direction);  // "sendrecv", ...
std::string_view ToString(SetupRole role);       // "actpass", ...
// sendonly <-> recvonly; sendrecv and inactive stay.
Direction Reverse(Direction direction);

// An a= line this model has no field for: a=name or a=name:value.
struct Attribute {
  std::string name;
  std::optional<std::string> value;
  friend bool operator==(const Attribute&, const Attribute&) = default;
};

// One entry of an fmtp or rid parameter list. "key=value", or a bare token
// (key empty) such as RED's "111/111" or telephone-event's "0-16".
struct Param {
  std::string key;
  std::string value;
  friend bool operator==(const Param&, const Param&) = default;
};

struct Origin {
  std::string username = "-";
  std::string session_id = "0";  // decimal digits, may exceed 64 bits
  uint64_t session_version = 0;
  std::string net_type = "IN";
  std::string address_type = "IP4";
  std::string address = "0.0.0.0";
  friend bool operator==(const Origin&, const Origin&) = default;
};

// c=<net type> <address type> <address>.
struct Connection {
  std::string net_type = "IN";
  std::string address_type = "IP4";
  std::string address = "0.0.0.0";
  friend bool operator==(const Connection&, const Connection&) = default;
};

// a=group:<semantics> <mid>... (BUNDLE, LS, ...).
struct Group {
  std::string semantics;
  std::vector<std::string> mids;
  friend bool operator==(const Group&, const Group&) = default;
};

// a=fingerprint:<hash function> <hex pairs separated by ':'>.
struct Fingerprint {
  std::string algorithm;  // lower case, e.g. "sha-256"
  std::string value;      // upper-case hex pairs, e.g. "9C:DB:..."
  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

struct MsidSemantic {
  std::string semantic;  // "WMS"
  std::vector<std::string> ids;
  friend bool operator==(const MsidSemantic&, const MsidSemantic&) = default;
};

// a=rtcp-fb:<pt> <type> [<subtype>].
struct RtcpFeedback {
  std::string type;     // "nack", "ccm", "goog-remb", "transport-cc"
  std::string subtype;  // "", "pli", "fir"
  friend bool operator==(const RtcpFeedback&, const RtcpFeedback&) = default;
};

// One payload type: rtpmap, fmtp and rtcp-fb together.
struct Codec {
  uint8_t payload_type = 0;
  std::string name;  // as written, e.g. "opus", "VP8", "rtx"
  uint32_t clock_rate = 0;
  uint16_t channels = 0;  // 0: not given
  std::vector<Param> fmtp;
  std::vector<RtcpFeedback> feedback;

  // The value of fmtp parameter `key`, if present.
  std::optional<std::string_view> FmtpValue(std::string_view key) const;
  // For an rtx codec, the payload type of apt=; otherwise nullopt.
  std::optional<uint8_t> RtxApt() const;
  friend bool operator==(const Codec&, const Codec&) = default;
};

// a=extmap:<id>[/<direction>] <uri> [<attributes>].
struct Extmap {
  uint16_t id = 0;  // 1-14 one-byte form, up to 255 two-byte form
  std::optional<Direction> direction;
  std::string uri;
  std::string attributes;  // rest of the line, "" if none
  friend bool operator==(const Extmap&, const Extmap&) = default;
};

// a=msid:<stream id> [<track id>].
struct Msid {
  std::string stream_id;
  std::string track_id;  // "" if not given
  friend bool operator==(const Msid&, const Msid&) = default;
};

// All a=ssrc:<ssrc> lines of one SSRC, in first-seen order of SSRCs.
struct Ssrc {
  uint32_t ssrc = 0;
  std::string cname;  // "" if no cname line
  std::vector<Attribute> attributes;  // msid:, label:, ... other than cname
  friend bool operator==(const Ssrc&, const Ssrc&) = default;
};

// a=ssrc-group:<semantics> <ssrc>... (FID, SIM, FEC-FR).
struct SsrcGroup {
  std::string semantics;
  std::vector<uint32_t> ssrcs;
  friend bool operator==(const SsrcGroup&, const SsrcGroup&) = default;
};

enum class RidDirection { kSend, kRecv };

// a=rid:<id> <send|recv> [<params separated by ';'>], e.g. pt=96,97;max-width=640.
struct Rid {
  std::string id;
  RidDirection direction = RidDirection::kSend;
  std::vector<Param> params;
  friend bool operator==(const Rid&, const Rid&) = default;
};

struct SimulcastStream {
  std::string rid;
  bool paused = false;  // written "~rid"
  friend bool operator==(const SimulcastStream&, const SimulcastStream&) = default;
};

// a=simulcast:send <streams> recv <streams>: each stream is a list of
// alternative rids (',' between them), streams separated by ';'.
struct Simulcast {
  std::vector<std::vector<SimulcastStream>> send;
  std::vector<std::vector<SimulcastStream>> recv;
  friend bool operator==(const Simulcast&, const Simulcast&) = default;
};

// a=candidate:<foundation> <component> <transport> <priority> <address>
// <port> typ <type> [<name> <value>]... (raddr, rport, tcptype, generation...).
struct Candidate {
  std::string foundation;
  uint16_t component = 1;
  std::string transport;  // "udp", "UDP", "tcp"
  uint32_t priority = 0;
  std::string address;
  uint16_t port = 0;
  std::string type;  // "host", "srflx", "prflx", "relay"
  std::vector<std::pair<std::string, std::string>> extensions;
  friend bool operator==(const Candidate&, const Candidate&) = default;
};

// Legacy data channel form: a=sctpmap:<port> webrtc-datachannel <streams>.
struct SctpMap {
  uint16_t port = 0;
  std::string protocol;
  std::optional<uint32_t> streams;
  friend bool operator==(const SctpMap&, const SctpMap&) = default;
};

// ICE and DTLS parameters that may sit at session or media level.
struct TransportAttributes {
  std::optional<std::string> ice_ufrag;
  std::optional<std::string> ice_pwd;
  std::vector<std::string> ice_options;  // "trickle", "renomination"
  std::vector<Fingerprint> fingerprints;
  std::optional<SetupRole> setup;
  friend bool operator==(const TransportAttributes&, const TransportAttributes&) = default;
};

// One m= section.
struct MediaDescription {
  std::string media = "audio";  // the m= line's media token
  uint16_t port = 9;
  std::optional<uint16_t> port_count;  // m=audio 9/2
  std::string protocol = "UDP/TLS/RTP/SAVPF";
  std::vector<Codec> codecs;         // RTP protocols
  std::vector<std::string> formats;  // other protocols
  std::vector<std::pair<char, std::string>> other_lines;  // i=, k=
  std::optional<Connection> connection;
  std::vector<std::string> bandwidths;  // b= values, e.g. "AS:30"

  std::string mid;  // "" if no a=mid
  Direction direction = Direction::kSendRecv;
  TransportAttributes transport;
  std::vector<Extmap> extmaps;
  bool extmap_allow_mixed = false;
  std::vector<Msid> msids;
  bool rtcp_mux = false;
  bool rtcp_mux_only = false;
  bool rtcp_rsize = false;
  bool bundle_only = false;
  std::vector<SsrcGroup> ssrc_groups;
  std::vector<Ssrc> ssrcs;
  std::vector<Rid> rids;
  std::optional<Simulcast> simulcast;
  std::optional<uint16_t> sctp_port;
  std::optional<SctpMap> sctpmap;
  std::optional<uint64_t> max_message_size;
  std::vector<Candidate> candidates;
  bool end_of_candidates = false;
  std::vector<Attribute> other_attributes;

  MediaKind kind() const;
  bool is_rtp() const;          // the protocol carries RTP
  bool is_rejected() const { return port == 0 && !bundle_only; }
  const Codec* FindCodec(uint8_t payload_type) const;
  const Ssrc* FindSsrc(uint32_t ssrc) const;
  friend bool operator==(const MediaDescription&, const MediaDescription&) = default;
};

struct SessionDescription {
  Origin origin;
  std::string session_name = "-";
  std::vector<std::pair<char, std::string>> other_lines;  // i= u= e= p= r= z= k=
  std::optional<Connection> connection;
  std::vector<std::string> bandwidths;
  std::string timing = "0 0";  // t=

  std::vector<Group> groups;
  bool ice_lite = false;
  bool extmap_allow_mixed = false;
  std::optional<MsidSemantic> msid_semantic;
  TransportAttributes transport;
  std::vector<Attribute> other_attributes;

  std::vector<MediaDescription> media;

  const MediaDescription* FindMedia(std::string_view mid) const;
  // The first a=group:BUNDLE, or nullptr.
  const Group* BundleGroup() const;
  friend bool operator==(const SessionDescription&, const SessionDescription&) = default;
};

// Parses `text` (lines end in CRLF or LF). Errors: InvalidArgument naming
// the line ("line 12: a=rtpmap: bad payload type"), ResourceExhausted past
// the limits above.
absl::StatusOr<SessionDescription> ParseSdp(std::string_view text);

// Writes `description` with CRLF line ends.
std::string SerializeSdp(const SessionDescription& description);

}  // namespace konfero::sdp

#endif  // KONFERO_SDP_SESSION_DESCRIPTION_H_
