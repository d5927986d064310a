// plain_rtp/remote_media.cc: reading the peer's plain-RTP m= section.
#include "plain_rtp/remote_media.h"

#include <algorithm>
#include <array>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "sdp/sdp_text.h"

namespace konfero::plain_rtp {
namespace {

using audio::Codec;

struct KnownCodec {
  Codec codec;
  std::string_view name;
  uint32_t clock_rate;
};
constexpr KnownCodec kKnown[] = {{Codec::kOpus, "opus", 48000},
                                 {Codec::kG722, "G722", 8000},
                                 {Codec::kPcmu, "PCMU", 8000},
                                 {Codec::kPcma, "PCMA", 8000}};

const sdp::Attribute* FindAttribute(const std::vector<sdp::Attribute>& attributes,
                                    std::string_view name) {
  for (const sdp::Attribute& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// A direction attribute at session level (RFC 8866 allows it there; the
// SDP model keeps it among the session's other attributes).
std::optional<sdp::Direction> SessionDirection(const sdp::SessionDescription& d) {
  for (const sdp::Attribute& a : d.other_attributes) {
    if (a.value) continue;
    if (a.name == "sendrecv") return sdp::Direction::kSendRecv;
    if (a.name == "sendonly") return sdp::Direction::kSendOnly;
    if (a.name == "recvonly") return sdp::Direction::kRecvOnly;
    if (a.name == "inactive") return sdp::Direction::kInactive;
  }
  return std::nullopt;
}

absl::StatusOr<net::IpEndpoint> ParseAddress(const sdp::Connection& c, uint16_t port) {
  if (!sdp::EqualsIgnoreCase(c.net_type, "IN")) {
    return absl::InvalidArgumentError(
        absl::StrCat("c= network type \"", c.net_type, "\" is not IN"));
  }
  // A multicast address may carry /ttl[/count]: the address is before it.
  std::string_view address = c.address;
  address = address.substr(0, address.find('/'));
  std::optional<net::IpEndpoint> endpoint = net::IpEndpoint::Parse(address, port);
  if (!endpoint) {
    return absl::InvalidArgumentError(absl::StrCat(
        "c= address \"", Sv(address), "\" is not an IP address (names are not resolved)"));
  }
  return *endpoint;
}

std::optional<int> ReadPtime(const sdp::SessionDescription& d, const sdp::MediaDescription& m) {
  const sdp::Attribute* a = FindAttribute(m.other_attributes, "ptime");
  if (a == nullptr) a = FindAttribute(d.other_attributes, "ptime");
  if (a == nullptr || !a->value) return std::nullopt;
  // Some phones write "20.0"; the integer part is what counts.
  std::string_view value = sdp::Trim(*a->value);
  value = value.substr(0, value.find('.'));
  std::optional<uint64_t> ms = sdp::ParseUint(value, 1000);
  if (!ms || *ms == 0) return std::nullopt;
  return static_cast<int>(*ms);
}

}  // namespace

net::IpEndpoint WithPort(const net::IpEndpoint& endpoint, uint16_t port) {
  const auto bytes = endpoint.address_bytes();
  if (endpoint.is_ipv4()) {
    return net::IpEndpoint::Ipv4({bytes[0], bytes[1], bytes[2], bytes[3]}, port);
  }
  std::array<uint8_t, 16> v6{};
  std::copy(bytes.begin(), bytes.end(), v6.begin());
  return net::IpEndpoint::Ipv6(v6, port);
}

bool IsUnspecified(const net::IpEndpoint& endpoint) {
  const auto bytes = endpoint.address_bytes();
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

absl::StatusOr<RemoteMedia> ReadRemoteMedia(const sdp::SessionDescription& d,
                                            const sdp::MediaDescription& m) {
  const sdp::Connection* c = m.connection ? &*m.connection
                             : d.connection ? &*d.connection
                                            : nullptr;
  if (c == nullptr) {
    return absl::InvalidArgumentError("the audio section has no c= line, nor has the session");
  }
  absl::StatusOr<net::IpEndpoint> rtp = ParseAddress(*c, m.port);
  if (!rtp.ok()) return rtp.status();
  RemoteMedia r;
  r.rtp = *rtp;
  r.rtcp_mux = m.rtcp_mux;
  if (const sdp::Attribute* a = FindAttribute(m.other_attributes, "rtcp"); a && a->value) {
    // a=rtcp:<port> [<nettype> <addrtype> <address>] (RFC 3605).
    const auto words = sdp::SplitWords(*a->value);
    std::optional<uint64_t> port =
        words.empty() ? std::nullopt : sdp::ParseUint(words[0], 65535);
    if (!port || *port == 0 || (words.size() != 1 && words.size() != 4)) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed a=rtcp:", *a->value, " (want <port> [IN IP4 <address>])"));
    }
    if (words.size() == 4) {
      absl::StatusOr<net::IpEndpoint> rtcp = ParseAddress(
          sdp::Connection{std::string(words[1]), std::string(words[2]), std::string(words[3])},
          static_cast<uint16_t>(*port));
      if (!rtcp.ok()) return rtcp.status();
      r.rtcp = *rtcp;
    } else {
      r.rtcp = WithPort(r.rtp, static_cast<uint16_t>(*port));
    }
  } else if (m.port < 65535) {
    r.rtcp = WithPort(r.rtp, static_cast<uint16_t>(m.port + 1));
  }
  r.direction = m.direction;
  if (r.direction == sdp::Direction::kSendRecv) {
    // The model cannot tell an explicit a=sendrecv from none: a session-level
    // direction applies unless the section says something else.
    r.direction = SessionDirection(d).value_or(sdp::Direction::kSendRecv);
  }
  if (IsUnspecified(r.rtp)) {
    if (r.direction == sdp::Direction::kSendRecv) r.direction = sdp::Direction::kSendOnly;
    if (r.direction == sdp::Direction::kRecvOnly) r.direction = sdp::Direction::kInactive;
  }
  r.ptime_ms = ReadPtime(d, m).value_or(20);
  return r;
}

std::optional<Codec> IdentifyCodec(const sdp::Codec& c) {
  for (const KnownCodec& k : kKnown) {
    if (!sdp::EqualsIgnoreCase(c.name, k.name) || c.clock_rate != k.clock_rate) continue;
    if (k.codec != Codec::kOpus && c.channels > 1) return std::nullopt;  // stereo G.711
    return k.codec;
  }
  return std::nullopt;
}

bool IsTelephoneEvent(const sdp::Codec& c, uint32_t clock_rate) {
  return sdp::EqualsIgnoreCase(c.name, "telephone-event") && c.clock_rate == clock_rate;
}

std::string_view SdpName(Codec codec) {
  for (const KnownCodec& k : kKnown) {
    if (k.codec == codec) return k.name;
  }
  return "";
}

std::string DescribeCodec(const sdp::Codec& c) {
  if (c.name.empty()) return absl::StrCat("PT ", c.payload_type, " (no a=rtpmap)");
  std::string out = absl::StrCat(c.name, "/", c.clock_rate);
  if (c.channels != 0) absl::StrAppend(&out, "/", c.channels);
  return out;
}

std::optional<CodecChoice> ChooseCodec(const sdp::MediaDescription& m,
                                       const PlainRtpLocal& local) {
  std::optional<CodecChoice> first;
  for (const sdp::Codec& c : m.codecs) {
    std::optional<Codec> kind = IdentifyCodec(c);
    if (!kind || std::find(local.codecs.begin(), local.codecs.end(), *kind) == local.codecs.end()) {
      continue;
    }
    CodecChoice choice{&c, *kind, nullptr};
    if (local.offer_telephone_event) {
      for (const sdp::Codec& te : m.codecs) {
        if (IsTelephoneEvent(te, static_cast<uint32_t>(audio::RtpClockHz(*kind)))) {
          choice.telephone_event = &te;
          break;
        }
      }
    }
    if (!first) first = choice;
    if (choice.telephone_event != nullptr || *kind != Codec::kOpus) return choice;
  }
  return first;
}

absl::Status ValidateLocal(const PlainRtpLocal& local) {
  if (local.codecs.empty()) return absl::InvalidArgumentError("PlainRtpLocal.codecs is empty");
  for (size_t i = 0; i < local.codecs.size(); ++i) {
    if (SdpName(local.codecs[i]).empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "PlainRtpLocal.codecs: ", Sv(audio::CodecName(local.codecs[i])),
          " cannot be sent over plain RTP (take Opus, G.722, PCMU, PCMA)"));
    }
    if (std::find(local.codecs.begin(), local.codecs.begin() + static_cast<ptrdiff_t>(i),
                  local.codecs[i]) != local.codecs.begin() + static_cast<ptrdiff_t>(i)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "PlainRtpLocal.codecs lists ", Sv(audio::CodecName(local.codecs[i])), " twice"));
    }
  }
  if (local.rtp.port() == 0) return absl::InvalidArgumentError("PlainRtpLocal.rtp has port 0");
  return absl::OkStatus();
}

bool IsPlainRtpProfile(std::string_view protocol) {
  return sdp::EqualsIgnoreCase(protocol, "RTP/AVP") || sdp::EqualsIgnoreCase(protocol, "RTP/AVPF");
}

bool IsSecureProfile(std::string_view protocol) {
  return sdp::ToLower(protocol).find("savp") != std::string::npos;
}

}  // namespace konfero::plain_rtp
