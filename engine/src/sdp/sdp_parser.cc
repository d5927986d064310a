// sdp/sdp_parser.cc: ParseSdp, text to SessionDescription (RFC 8866 §5).
//
// Lines are read in one pass; the session part ends at the first m= line.
// Known attributes are parsed into their fields (malformed ones reject the
// description, naming the line); the rest are kept in order.
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "konfero/sdp/session_description.h"
#include "sdp/sdp_attributes.h"
#include "sdp/sdp_text.h"

namespace konfero::sdp {
namespace {

// Static payload types (RFC 3551 §6) a browser may list without a=rtpmap.
void FillStaticPayloadType(Codec& codec) {
  struct Entry {
    uint8_t pt;
    const char* name;
    uint32_t clock;
  };
  static constexpr Entry kStatic[] = {{0, "PCMU", 8000}, {3, "GSM", 8000},
                                      {4, "G723", 8000}, {8, "PCMA", 8000},
                                      {9, "G722", 8000}, {13, "CN", 8000},
                                      {18, "G729", 8000}};
  for (const Entry& e : kStatic) {
    if (e.pt == codec.payload_type) {
      codec.name = e.name;
      codec.clock_rate = e.clock;
    }
  }
}

// Per-section caps on repeated attributes whose handling looks entries up
// (so hostile input cannot make parsing quadratic in the line count).
constexpr size_t kMaxSsrcs = 256;
constexpr size_t kMaxRids = 64;
constexpr size_t kMaxCandidates = 256;

Codec* MutableCodec(MediaDescription& m, uint8_t payload_type) {
  for (Codec& c : m.codecs) {
    if (c.payload_type == payload_type) return &c;
  }
  return nullptr;
}

Ssrc* MutableSsrc(MediaDescription& m, uint32_t ssrc) {
  for (Ssrc& s : m.ssrcs) {
    if (s.ssrc == ssrc) return &s;
  }
  return nullptr;
}

class Parser {
 public:
  absl::StatusOr<SessionDescription> Run(std::string_view text);

 private:
  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("SDP line ", line_number_, ": ", Sv(what)));
  }
  absl::Status TooMany(std::string_view what, size_t limit) const {
    return absl::ResourceExhaustedError(absl::StrCat(
        "SDP line ", line_number_, ": more than ", limit, " ", Sv(what), " in one section"));
  }
  absl::Status ParseLine(char type, std::string_view value);
  absl::Status ParseSessionLine(char type, std::string_view value);
  absl::Status ParseMediaLine(std::string_view value);
  absl::Status ParseAttribute(std::string_view name, std::optional<std::string_view> value);
  absl::Status ParseSessionAttribute(std::string_view name, std::string_view value);
  absl::Status ParseMediaAttribute(MediaDescription& m, std::string_view name,
                                   std::string_view value);
  // ICE/DTLS attributes, at either level. Sets `handled`.
  absl::Status ParseTransportAttribute(TransportAttributes& t, std::string_view name,
                                       std::string_view value, bool& handled);
  absl::Status ParseCodecAttribute(MediaDescription& m, std::string_view name,
                                   std::string_view value, bool& handled);

  SessionDescription sdp_;
  MediaDescription* media_ = nullptr;
  size_t line_number_ = 0;
  bool seen_origin_ = false, seen_name_ = false, seen_timing_ = false;
  bool seen_direction_ = false;
  std::vector<bool> seen_rtpmap_;
};

absl::StatusOr<SessionDescription> Parser::Run(std::string_view text) {
  if (text.size() > kMaxSdpBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("SDP of ", text.size(), " bytes exceeds ", kMaxSdpBytes));
  }
  size_t lines = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && IsSpace(line.back())) line.remove_suffix(1);
    if (line.empty()) continue;
    if (++lines > kMaxSdpLines) {
      return absl::ResourceExhaustedError(
          absl::StrCat("SDP has more than ", kMaxSdpLines, " lines"));
    }
    if (line.size() > kMaxSdpLineLength) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "SDP line ", line_number_, ": longer than ", kMaxSdpLineLength, " bytes"));
    }
    for (char c : line) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7F) return Error("control character");
    }
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') {
      return Error("expected <type>=<value>");
    }
    if (lines == 1) {
      if (line != "v=0") return Error("the first line must be v=0");
      continue;
    }
    if (line[0] == 'v') return Error("duplicate v=");
    if (absl::Status s = ParseLine(line[0], line.substr(2)); !s.ok()) return s;
  }
  if (lines == 0) return absl::InvalidArgumentError("SDP is empty");
  if (!seen_origin_) return absl::InvalidArgumentError("SDP has no o= line");
  return std::move(sdp_);
}

absl::Status Parser::ParseLine(char type, std::string_view value) {
  if (type == 'm') return ParseMediaLine(value);
  if (type == 'a') {
    const size_t colon = value.find(':');
    std::string_view name = value.substr(0, colon);
    if (!IsWord(name)) return Error("bad attribute name");
    std::optional<std::string_view> attr_value;
    if (colon != std::string_view::npos) attr_value = value.substr(colon + 1);
    return ParseAttribute(name, attr_value);
  }
  if (media_ == nullptr) return ParseSessionLine(type, value);
  switch (type) {
    case 'c': {
      if (media_->connection) return Error("duplicate c= in media section");
      media_->connection = ParseConnection(value);
      if (!media_->connection) return Error("malformed c=");
      return absl::OkStatus();
    }
    case 'b': media_->bandwidths.emplace_back(value); return absl::OkStatus();
    case 'i':
    case 'k': media_->other_lines.emplace_back(type, std::string(value)); return absl::OkStatus();
    default: break;
  }
  return Error(absl::StrCat("unexpected ", std::string(1, type), "= line in media section"));
}

absl::Status Parser::ParseSessionLine(char type, std::string_view value) {
  switch (type) {
    case 'o': {
      if (seen_origin_) return Error("duplicate o=");
      seen_origin_ = true;
      auto origin = ParseOrigin(value);
      if (!origin) return Error("malformed o=");
      sdp_.origin = std::move(*origin);
      return absl::OkStatus();
    }
    case 's':
      if (seen_name_) return Error("duplicate s=");
      seen_name_ = true;
      sdp_.session_name = std::string(value);
      return absl::OkStatus();
    case 't':
      if (seen_timing_) return Error("more than one t= is not supported");
      seen_timing_ = true;
      sdp_.timing = std::string(value);
      return absl::OkStatus();
    case 'c':
      if (sdp_.connection) return Error("duplicate c=");
      sdp_.connection = ParseConnection(value);
      if (!sdp_.connection) return Error("malformed c=");
      return absl::OkStatus();
    case 'b': sdp_.bandwidths.emplace_back(value); return absl::OkStatus();
    case 'i': case 'u': case 'e': case 'p': case 'r': case 'z': case 'k':
      sdp_.other_lines.emplace_back(type, std::string(value));
      return absl::OkStatus();
    default: break;
  }
  return Error(absl::StrCat("unknown line type ", std::string(1, type), "="));
}

absl::Status Parser::ParseMediaLine(std::string_view value) {
  if (sdp_.media.size() >= kMaxMediaSections) {
    return absl::ResourceExhaustedError(
        absl::StrCat("SDP has more than ", kMaxMediaSections, " m= sections"));
  }
  const auto words = SplitWords(value);
  if (words.size() < 4) return Error("m= needs <media> <port> <proto> <fmt>...");
  MediaDescription m;
  m.media = std::string(words[0]);
  const size_t slash = words[1].find('/');
  auto port = ParseUint(words[1].substr(0, slash), 65535);
  if (!port) return Error("m= has a bad port");
  m.port = static_cast<uint16_t>(*port);
  if (slash != std::string_view::npos) {
    auto count = ParseUint(words[1].substr(slash + 1), 65535);
    if (!count) return Error("m= has a bad port count");
    m.port_count = static_cast<uint16_t>(*count);
  }
  m.protocol = std::string(words[2]);
  seen_rtpmap_.assign(128, false);
  for (size_t i = 3; i < words.size(); ++i) {
    if (!m.is_rtp()) {
      m.formats.emplace_back(words[i]);
      continue;
    }
    auto pt = ParseUint(words[i], 127);
    if (!pt) return Error(absl::StrCat("m= has a bad payload type ", Sv(words[i])));
    Codec codec;
    codec.payload_type = static_cast<uint8_t>(*pt);
    if (m.FindCodec(codec.payload_type)) return Error("m= repeats a payload type");
    FillStaticPayloadType(codec);
    m.codecs.push_back(std::move(codec));
  }
  sdp_.media.push_back(std::move(m));
  media_ = &sdp_.media.back();
  seen_direction_ = false;
  return absl::OkStatus();
}

absl::Status Parser::ParseAttribute(std::string_view name,
                                    std::optional<std::string_view> value) {
  // Flags: known only without a value.
  if (!value) {
    if (media_ == nullptr) {
      if (name == "ice-lite") { sdp_.ice_lite = true; return absl::OkStatus(); }
      if (name == "extmap-allow-mixed") { sdp_.extmap_allow_mixed = true; return absl::OkStatus(); }
    } else {
      MediaDescription& m = *media_;
      if (auto direction = ParseDirection(name)) {
        if (seen_direction_) return Error("more than one direction attribute");
        seen_direction_ = true;
        m.direction = *direction;
        return absl::OkStatus();
      }
      bool* flag = nullptr;
      if (name == "rtcp-mux") flag = &m.rtcp_mux;
      if (name == "rtcp-mux-only") flag = &m.rtcp_mux_only;
      if (name == "rtcp-rsize") flag = &m.rtcp_rsize;
      if (name == "bundle-only") flag = &m.bundle_only;
      if (name == "end-of-candidates") flag = &m.end_of_candidates;
      if (name == "extmap-allow-mixed") flag = &m.extmap_allow_mixed;
      if (flag) { *flag = true; return absl::OkStatus(); }
    }
    static constexpr std::string_view kValued[] = {
        "mid", "ice-ufrag", "ice-pwd", "ice-options", "fingerprint", "setup", "group",
        "extmap", "msid", "ssrc", "ssrc-group", "rid", "simulcast", "rtpmap", "fmtp",
        "rtcp-fb", "candidate", "sctp-port", "sctpmap", "max-message-size"};
    for (std::string_view v : kValued) {
      if (name == v) return Error(absl::StrCat("a=", Sv(name), " needs a value"));
    }
  } else if (media_ == nullptr) {
    return ParseSessionAttribute(name, *value);
  } else {
    return ParseMediaAttribute(*media_, name, *value);
  }
  Attribute other{std::string(name), std::nullopt};
  (media_ ? media_->other_attributes : sdp_.other_attributes).push_back(std::move(other));
  return absl::OkStatus();
}

absl::Status Parser::ParseTransportAttribute(TransportAttributes& t, std::string_view name,
                                             std::string_view raw, bool& handled) {
  handled = true;
  const std::string_view value = Trim(raw);
  if (name == "ice-ufrag" || name == "ice-pwd") {
    auto& field = name == "ice-ufrag" ? t.ice_ufrag : t.ice_pwd;
    if (field) return Error(absl::StrCat("duplicate a=", Sv(name)));
    if (!IsWord(value) || value.size() > 256) return Error(absl::StrCat("malformed a=", Sv(name)));
    field = std::string(value);
  } else if (name == "ice-options") {
    if (!t.ice_options.empty()) return Error("duplicate a=ice-options");
    const auto words = SplitWords(value);
    if (words.empty()) return Error("empty a=ice-options");
    for (auto w : words) t.ice_options.emplace_back(w);
  } else if (name == "fingerprint") {
    auto fp = ParseFingerprint(value);
    if (!fp) return Error("malformed a=fingerprint");
    t.fingerprints.push_back(std::move(*fp));
  } else if (name == "setup") {
    if (t.setup) return Error("duplicate a=setup");
    t.setup = ParseSetupRole(value);
    if (!t.setup) return Error("a=setup must be actpass, active, passive or holdconn");
  } else {
    handled = false;
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseSessionAttribute(std::string_view name, std::string_view value) {
  bool handled = false;
  if (absl::Status s = ParseTransportAttribute(sdp_.transport, name, value, handled);
      !s.ok() || handled) {
    return s;
  }
  if (name == "group") {
    auto group = ParseGroup(value);
    if (!group) return Error("malformed a=group");
    sdp_.groups.push_back(std::move(*group));
  } else if (name == "msid-semantic") {
    if (sdp_.msid_semantic) return Error("duplicate a=msid-semantic");
    sdp_.msid_semantic = ParseMsidSemantic(value);
    if (!sdp_.msid_semantic) return Error("malformed a=msid-semantic");
  } else {
    sdp_.other_attributes.push_back({std::string(name), std::string(value)});
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseCodecAttribute(MediaDescription& m, std::string_view name,
                                         std::string_view value, bool& handled) {
  handled = false;
  if (!m.is_rtp() || (name != "rtpmap" && name != "fmtp" && name != "rtcp-fb")) {
    return absl::OkStatus();
  }
  const auto words = SplitWords(value);
  if (words.empty()) return Error(absl::StrCat("empty a=", Sv(name)));
  auto pt = ParseUint(words[0], 127);
  if (!pt) {
    // rtcp-fb:* applies to all payload types; keep it as written.
    if (name == "rtcp-fb" && words[0] == "*") return absl::OkStatus();
    return Error(absl::StrCat("a=", Sv(name), " has a bad payload type"));
  }
  Codec* codec = MutableCodec(m, static_cast<uint8_t>(*pt));
  if (codec == nullptr) return absl::OkStatus();  // not on the m= line: kept as other
  handled = true;
  if (name == "rtpmap") {
    auto map = ParseRtpMap(value);
    if (!map) return Error("malformed a=rtpmap (want <pt> <name>/<clock>[/<channels>])");
    if (seen_rtpmap_[map->payload_type]) return Error("duplicate a=rtpmap");
    seen_rtpmap_[map->payload_type] = true;
    codec->name = std::move(map->name);
    codec->clock_rate = map->clock_rate;
    codec->channels = map->channels;
  } else if (name == "fmtp") {
    auto fmtp = ParseFmtp(value);
    if (!fmtp) return Error("malformed a=fmtp");
    for (Param& p : fmtp->params) codec->fmtp.push_back(std::move(p));
  } else {
    auto fb = ParseRtcpFb(value);
    if (!fb) return Error("malformed a=rtcp-fb");
    codec->feedback.push_back(std::move(fb->feedback));
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseMediaAttribute(MediaDescription& m, std::string_view name,
                                         std::string_view raw) {
  bool handled = false;
  if (absl::Status s = ParseTransportAttribute(m.transport, name, raw, handled);
      !s.ok() || handled) {
    return s;
  }
  if (absl::Status s = ParseCodecAttribute(m, name, raw, handled); !s.ok() || handled) {
    return s;
  }
  const std::string_view value = Trim(raw);
  if (name == "mid") {
    if (!m.mid.empty()) return Error("duplicate a=mid");
    if (!IsWord(value) || value.size() > 256) return Error("malformed a=mid");
    m.mid = std::string(value);
  } else if (name == "extmap") {
    auto extmap = ParseExtmap(value);
    if (!extmap) return Error("malformed a=extmap (want <id>[/<direction>] <uri>)");
    for (const Extmap& e : m.extmaps) {
      if (e.id == extmap->id) return Error("duplicate a=extmap id");
    }
    m.extmaps.push_back(std::move(*extmap));
  } else if (name == "msid") {
    auto msid = ParseMsid(value);
    if (!msid) return Error("malformed a=msid");
    m.msids.push_back(std::move(*msid));
  } else if (name == "ssrc") {
    auto line = ParseSsrcLine(value);
    if (!line) return Error("malformed a=ssrc (want <ssrc> <attribute>[:<value>])");
    Ssrc* ssrc = MutableSsrc(m, line->ssrc);
    if (ssrc == nullptr && m.ssrcs.size() >= kMaxSsrcs) return TooMany("a=ssrc SSRCs", kMaxSsrcs);
    if (ssrc == nullptr) {
      m.ssrcs.push_back(Ssrc{line->ssrc, "", {}});
      ssrc = &m.ssrcs.back();
    }
    if (line->attribute.name == "cname" && ssrc->cname.empty()) {
      if (!line->attribute.value || line->attribute.value->empty()) return Error("empty cname");
      ssrc->cname = std::move(*line->attribute.value);
    } else {
      ssrc->attributes.push_back(std::move(line->attribute));
    }
  } else if (name == "ssrc-group") {
    auto group = ParseSsrcGroup(value);
    if (!group) return Error("malformed a=ssrc-group");
    m.ssrc_groups.push_back(std::move(*group));
  } else if (name == "rid") {
    auto rid = ParseRid(value);
    if (!rid) return Error("malformed a=rid (want <id> send|recv [<params>])");
    if (m.rids.size() >= kMaxRids) return TooMany("a=rid", kMaxRids);
    for (const Rid& r : m.rids) {
      if (r.id == rid->id) return Error("duplicate a=rid id");
    }
    m.rids.push_back(std::move(*rid));
  } else if (name == "simulcast") {
    if (m.simulcast) return Error("duplicate a=simulcast");
    m.simulcast = ParseSimulcast(value);
    if (!m.simulcast) return Error("malformed a=simulcast");
  } else if (name == "candidate") {
    auto candidate = ParseCandidate(value);
    if (!candidate) return Error("malformed a=candidate");
    if (m.candidates.size() >= kMaxCandidates) return TooMany("a=candidate", kMaxCandidates);
    m.candidates.push_back(std::move(*candidate));
  } else if (name == "sctp-port") {
    if (m.sctp_port) return Error("duplicate a=sctp-port");
    auto port = ParseUint(value, 65535);
    if (!port) return Error("malformed a=sctp-port");
    m.sctp_port = static_cast<uint16_t>(*port);
  } else if (name == "sctpmap") {
    if (m.sctpmap) return Error("duplicate a=sctpmap");
    m.sctpmap = ParseSctpMap(value);
    if (!m.sctpmap) return Error("malformed a=sctpmap");
  } else if (name == "max-message-size") {
    if (m.max_message_size) return Error("duplicate a=max-message-size");
    m.max_message_size = ParseUint(value, ~uint64_t{0});
    if (!m.max_message_size) return Error("malformed a=max-message-size");
  } else {
    m.other_attributes.push_back({std::string(name), std::string(raw)});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SessionDescription> ParseSdp(std::string_view text) {
  return Parser().Run(text);
}

}  // namespace konfero::sdp
