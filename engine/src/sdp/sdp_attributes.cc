// sdp/sdp_attributes.cc: values of the a= lines the SDP model knows.
#include "sdp/sdp_attributes.h"

#include <utility>

#include "sdp/sdp_text.h"

namespace konfero::sdp {
namespace {

// Removes and returns the first word of `s`; "" when none is left.
std::string_view NextWord(std::string_view& s) {
  s = Trim(s);
  size_t end = 0;
  while (end < s.size() && !IsSpace(s[end])) ++end;
  std::string_view word = s.substr(0, end);
  s = Trim(s.substr(end));
  return word;
}

std::string JoinWords(const std::vector<std::string_view>& words, size_t from) {
  std::string out;
  for (size_t i = from; i < words.size(); ++i) {
    if (i > from) out += ' ';
    out.append(words[i]);
  }
  return out;
}

std::optional<uint8_t> ParsePayloadType(std::string_view s) {
  auto pt = ParseUint(s, 127);
  if (!pt) return std::nullopt;
  return static_cast<uint8_t>(*pt);
}

// rid-id = 1*(alpha-numeric / "-" / "_") (RFC 8851 §10).
bool IsRidId(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::vector<std::vector<SimulcastStream>>> ParseSimulcastList(
    std::string_view text) {
  std::vector<std::vector<SimulcastStream>> streams;
  for (std::string_view stream : SplitOn(text, ';')) {
    std::vector<SimulcastStream> alternatives;
    for (std::string_view alt : SplitOn(stream, ',')) {
      SimulcastStream s;
      if (!alt.empty() && alt.front() == '~') {
        s.paused = true;
        alt.remove_prefix(1);
      }
      if (!IsRidId(alt)) return std::nullopt;
      s.rid = std::string(alt);
      alternatives.push_back(std::move(s));
    }
    streams.push_back(std::move(alternatives));
  }
  return streams;
}

std::string FormatSimulcastList(const std::vector<std::vector<SimulcastStream>>& list) {
  std::string out;
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ';';
    for (size_t j = 0; j < list[i].size(); ++j) {
      if (j > 0) out += ',';
      if (list[i][j].paused) out += '~';
      out += list[i][j].rid;
    }
  }
  return out;
}

}  // namespace

bool IsWord(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (IsSpace(c)) return false;
  }
  return true;
}

std::optional<Direction> ParseDirection(std::string_view name) {
  if (name == "sendrecv") return Direction::kSendRecv;
  if (name == "sendonly") return Direction::kSendOnly;
  if (name == "recvonly") return Direction::kRecvOnly;
  if (name == "inactive") return Direction::kInactive;
  return std::nullopt;
}

std::optional<SetupRole> ParseSetupRole(std::string_view value) {
  value = Trim(value);
  if (value == "actpass") return SetupRole::kActpass;
  if (value == "active") return SetupRole::kActive;
  if (value == "passive") return SetupRole::kPassive;
  if (value == "holdconn") return SetupRole::kHoldconn;
  return std::nullopt;
}

std::vector<Param> ParseParams(std::string_view text) {
  std::vector<Param> params;
  for (std::string_view piece : SplitOn(text, ';')) {
    piece = Trim(piece);
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    Param p;
    if (eq == std::string_view::npos || eq == 0) {
      p.value = std::string(piece);
    } else {
      p.key = std::string(piece.substr(0, eq));
      p.value = std::string(piece.substr(eq + 1));
    }
    params.push_back(std::move(p));
  }
  return params;
}

std::string FormatParams(const std::vector<Param>& params) {
  std::string out;
  for (size_t i = 0; i < params.size(); ++i) {
    if (i > 0) out += ';';
    if (!params[i].key.empty()) {
      out += params[i].key;
      out += '=';
    }
    out += params[i].value;
  }
  return out;
}

std::optional<RtpMap> ParseRtpMap(std::string_view value) {
  const auto words = SplitWords(value);
  if (words.size() != 2) return std::nullopt;
  RtpMap map;
  auto pt = ParsePayloadType(words[0]);
  if (!pt) return std::nullopt;
  map.payload_type = *pt;
  const auto parts = SplitOn(words[1], '/');
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty()) return std::nullopt;
  map.name = std::string(parts[0]);
  auto clock = ParseUint(parts[1], 10'000'000);
  if (!clock || *clock == 0) return std::nullopt;
  map.clock_rate = static_cast<uint32_t>(*clock);
  if (parts.size() == 3) {
    auto channels = ParseUint(parts[2], 255);
    if (!channels || *channels == 0) return std::nullopt;
    map.channels = static_cast<uint16_t>(*channels);
  }
  return map;
}

std::optional<FmtpLine> ParseFmtp(std::string_view value) {
  std::string_view rest = value;
  auto pt = ParsePayloadType(NextWord(rest));
  if (!pt) return std::nullopt;
  return FmtpLine{*pt, ParseParams(rest)};
}

std::optional<RtcpFbLine> ParseRtcpFb(std::string_view value) {
  const auto words = SplitWords(value);
  if (words.size() < 2) return std::nullopt;
  auto pt = ParsePayloadType(words[0]);
  if (!pt) return std::nullopt;
  return RtcpFbLine{*pt, RtcpFeedback{std::string(words[1]), JoinWords(words, 2)}};
}

std::string FormatRtcpFb(uint8_t payload_type, const RtcpFeedback& feedback) {
  std::string out = std::to_string(payload_type) + " " + feedback.type;
  if (!feedback.subtype.empty()) out += " " + feedback.subtype;
  return out;
}

std::optional<Extmap> ParseExtmap(std::string_view value) {
  std::string_view rest = value;
  std::string_view id_dir = NextWord(rest);
  std::string_view uri = NextWord(rest);
  if (uri.empty()) return std::nullopt;
  Extmap extmap;
  const size_t slash = id_dir.find('/');
  auto id = ParseUint(id_dir.substr(0, slash), 255);
  if (!id || *id == 0) return std::nullopt;
  extmap.id = static_cast<uint16_t>(*id);
  if (slash != std::string_view::npos) {
    extmap.direction = ParseDirection(id_dir.substr(slash + 1));
    if (!extmap.direction) return std::nullopt;
  }
  extmap.uri = std::string(uri);
  extmap.attributes = std::string(rest);
  return extmap;
}

std::string FormatExtmap(const Extmap& extmap) {
  std::string out = std::to_string(extmap.id);
  if (extmap.direction) {
    out += '/';
    out += ToString(*extmap.direction);
  }
  out += ' ' + extmap.uri;
  if (!extmap.attributes.empty()) out += ' ' + extmap.attributes;
  return out;
}

std::optional<Fingerprint> ParseFingerprint(std::string_view value) {
  const auto words = SplitWords(value);
  if (words.size() != 2) return std::nullopt;
  Fingerprint fp;
  fp.algorithm = ToLower(words[0]);
  for (char c : words[1]) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                     (c >= 'A' && c <= 'F') || c == ':';
    if (!hex) return std::nullopt;
    fp.value += (c >= 'a' && c <= 'f') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return fp;
}

std::optional<Group> ParseGroup(std::string_view value) {
  const auto words = SplitWords(value);
  if (words.empty()) return std::nullopt;
  Group group{std::string(words[0]), {}};
  for (size_t i = 1; i < words.size(); ++i) group.mids.emplace_back(words[i]);
  return group;
}

std::string FormatGroup(const Group& group) {
  std::string out = group.semantics;
  for (const auto& mid : group.mids) out += ' ' + mid;
  return out;
}

std::optional<MsidSemantic> ParseMsidSemantic(std::string_view value) {
  const auto words = SplitWords(value);
  if (words.empty()) return std::nullopt;
  MsidSemantic semantic{std::string(words[0]), {}};
  for (size_t i = 1; i < words.size(); ++i) semantic.ids.emplace_back(words[i]);
  return semantic;
}

std::string FormatMsidSemantic(const MsidSemantic& semantic) {
  std::string out = semantic.semantic;
  for (const auto& id : semantic.ids) out += ' ' + id;
  return out;
}

std::optional<Msid> ParseMsid(std::string_view value) {
  const auto words = SplitWords(value);
  if (words.empty() || words.size() > 2) return std::nullopt;
  return Msid{std::string(words[0]), words.size() == 2 ? std::string(words[1]) : ""};
}

std::optional<SsrcLine> ParseSsrcLine(std::string_view value) {
  std::string_view rest = value;
  auto ssrc = ParseUint(NextWord(rest), 0xFFFFFFFFu);
  if (!ssrc || rest.empty()) return std::nullopt;
  SsrcLine line;
  line.ssrc = static_cast<uint32_t>(*ssrc);
  const size_t colon = rest.find(':');
  line.attribute.name = std::string(rest.substr(0, colon));
  if (colon != std::string_view::npos) line.attribute.value = std::string(rest.substr(colon + 1));
  if (!IsWord(line.attribute.name)) return std::nullopt;
  return line;
}

std::optional<SsrcGroup> ParseSsrcGroup(std::string_view value) {
  const auto words = SplitWords(value);
  if (words.size() < 2) return std::nullopt;
  SsrcGroup group{std::string(words[0]), {}};
  for (size_t i = 1; i < words.size(); ++i) {
    auto ssrc = ParseUint(words[i], 0xFFFFFFFFu);
    if (!ssrc) return std::nullopt;
    group.ssrcs.push_back(static_cast<uint32_t>(*ssrc));
  }
  return group;
}

std::string FormatSsrcGroup(const SsrcGroup& group) {
  std::string out = group.semantics;
  for (uint32_t ssrc : group.ssrcs) out += ' ' + std::to_string(ssrc);
  return out;
}

std::optional<Rid> ParseRid(std::string_view value) {
  std::string_view rest = value;
  Rid rid;
  std::string_view id = NextWord(rest);
  if (!IsRidId(id)) return std::nullopt;
  rid.id = std::string(id);
  std::string_view direction = NextWord(rest);
  if (direction == "send") {
    rid.direction = RidDirection::kSend;
  } else if (direction == "recv") {
    rid.direction = RidDirection::kRecv;
  } else {
    return std::nullopt;
  }
  rid.params = ParseParams(rest);
  return rid;
}

std::string FormatRid(const Rid& rid) {
  std::string out = rid.id + (rid.direction == RidDirection::kSend ? " send" : " recv");
  if (!rid.params.empty()) out += ' ' + FormatParams(rid.params);
  return out;
}

std::optional<Simulcast> ParseSimulcast(std::string_view value) {
  const auto words = SplitWords(value);
  if (words.size() != 2 && words.size() != 4) return std::nullopt;
  Simulcast simulcast;
  bool seen_send = false, seen_recv = false;
  for (size_t i = 0; i < words.size(); i += 2) {
    auto list = ParseSimulcastList(words[i + 1]);
    if (!list) return std::nullopt;
    if (words[i] == "send" && !seen_send) {
      seen_send = true;
      simulcast.send = std::move(*list);
    } else if (words[i] == "recv" && !seen_recv) {
      seen_recv = true;
      simulcast.recv = std::move(*list);
    } else {
      return std::nullopt;
    }
  }
  return simulcast;
}

std::string FormatSimulcast(const Simulcast& simulcast) {
  std::string out;
  if (!simulcast.send.empty()) out += "send " + FormatSimulcastList(simulcast.send);
  if (!simulcast.recv.empty()) {
    if (!out.empty()) out += ' ';
    out += "recv " + FormatSimulcastList(simulcast.recv);
  }
  return out;
}

std::optional<Candidate> ParseCandidate(std::string_view value) {
  const auto words = SplitWords(value);
  if (words.size() < 8 || words[6] != "typ" || (words.size() - 8) % 2 != 0) {
    return std::nullopt;
  }
  Candidate c;
  c.foundation = std::string(words[0]);
  auto component = ParseUint(words[1], 256);
  auto priority = ParseUint(words[3], 0xFFFFFFFFu);
  auto port = ParseUint(words[5], 65535);
  if (!component || *component == 0 || !priority || !port) return std::nullopt;
  c.component = static_cast<uint16_t>(*component);
  c.transport = std::string(words[2]);
  c.priority = static_cast<uint32_t>(*priority);
  c.address = std::string(words[4]);
  c.port = static_cast<uint16_t>(*port);
  c.type = std::string(words[7]);
  for (size_t i = 8; i + 1 < words.size(); i += 2) {
    c.extensions.emplace_back(std::string(words[i]), std::string(words[i + 1]));
  }
  return c;
}

std::string FormatCandidate(const Candidate& c) {
  std::string out = c.foundation + ' ' + std::to_string(c.component) + ' ' + c.transport +
                    ' ' + std::to_string(c.priority) + ' ' + c.address + ' ' +
                    std::to_string(c.port) + " typ " + c.type;
  for (const auto& [name, value] : c.extensions) out += ' ' + name + ' ' + value;
  return out;
}

std::optional<SctpMap> ParseSctpMap(std::string_view value) {
  const auto words = SplitWords(value);
  if (words.size() < 2 || words.size() > 3) return std::nullopt;
  auto port = ParseUint(words[0], 65535);
  if (!port) return std::nullopt;
  SctpMap map{static_cast<uint16_t>(*port), std::string(words[1]), std::nullopt};
  if (words.size() == 3) {
    auto streams = ParseUint(words[2], 0xFFFFFFFFu);
    if (!streams) return std::nullopt;
    map.streams = static_cast<uint32_t>(*streams);
  }
  return map;
}

std::string FormatSctpMap(const SctpMap& map) {
  std::string out = std::to_string(map.port) + ' ' + map.protocol;
  if (map.streams) out += ' ' + std::to_string(*map.streams);
  return out;
}

std::optional<Connection> ParseConnection(std::string_view value) {
  const auto words = SplitWords(value);
  if (words.size() != 3) return std::nullopt;
  return Connection{std::string(words[0]), std::string(words[1]), std::string(words[2])};
}

std::optional<Origin> ParseOrigin(std::string_view value) {
  const auto words = SplitWords(value);
  if (words.size() != 6 || !IsDigits(words[1]) || words[1].size() > 64) return std::nullopt;
  auto version = ParseUint(words[2], ~uint64_t{0});
  if (!version) return std::nullopt;
  return Origin{std::string(words[0]), std::string(words[1]), *version,
                std::string(words[3]), std::string(words[4]), std::string(words[5])};
}

}  // namespace konfero::sdp
