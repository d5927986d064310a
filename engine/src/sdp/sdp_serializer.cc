// sdp/sdp_serializer.cc: SerializeSdp, SessionDescription to CRLF text.
//
// Known attributes come in a fixed order close to what browsers write
// (transport, mid, extmaps, direction, msid, rtcp, codecs, rid/simulcast,
// ssrcs, sctp, candidates), then the kept unknown attributes in order.
#include <string>

#include "konfero/sdp/session_description.h"
#include "sdp/sdp_attributes.h"

namespace konfero::sdp {
namespace {

class Writer {
 public:
  void Line(char type, std::string_view value) {
    out_ += type;
    out_ += '=';
    out_.append(value);
    out_ += "\r\n";
  }
  void Attr(std::string_view name) {
    out_ += "a=";
    out_.append(name);
    out_ += "\r\n";
  }
  void Attr(std::string_view name, std::string_view value) {
    out_ += "a=";
    out_.append(name);
    out_ += ':';
    out_.append(value);
    out_ += "\r\n";
  }
  void Others(const std::vector<Attribute>& attributes) {
    for (const Attribute& a : attributes) {
      if (a.value) {
        Attr(a.name, *a.value);
      } else {
        Attr(a.name);
      }
    }
  }
  void Connection(const sdp::Connection& c) {
    Line('c', c.net_type + ' ' + c.address_type + ' ' + c.address);
  }
  void Transport(const TransportAttributes& t) {
    if (t.ice_ufrag) Attr("ice-ufrag", *t.ice_ufrag);
    if (t.ice_pwd) Attr("ice-pwd", *t.ice_pwd);
    if (!t.ice_options.empty()) {
      std::string options;
      for (const auto& o : t.ice_options) options += (options.empty() ? "" : " ") + o;
      Attr("ice-options", options);
    }
    for (const Fingerprint& fp : t.fingerprints) Attr("fingerprint", fp.algorithm + ' ' + fp.value);
    if (t.setup) Attr("setup", ToString(*t.setup));
  }
  void Media(const MediaDescription& m);
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

void Writer::Media(const MediaDescription& m) {
  std::string mline = m.media + ' ' + std::to_string(m.port);
  if (m.port_count) mline += '/' + std::to_string(*m.port_count);
  mline += ' ' + m.protocol;
  if (m.is_rtp()) {
    for (const Codec& c : m.codecs) mline += ' ' + std::to_string(c.payload_type);
  } else {
    for (const std::string& f : m.formats) mline += ' ' + f;
  }
  Line('m', mline);
  for (const auto& [type, value] : m.other_lines) Line(type, value);
  if (m.connection) Connection(*m.connection);
  for (const std::string& b : m.bandwidths) Line('b', b);

  Transport(m.transport);
  if (!m.mid.empty()) Attr("mid", m.mid);
  if (m.bundle_only) Attr("bundle-only");
  for (const Extmap& e : m.extmaps) Attr("extmap", FormatExtmap(e));
  if (m.extmap_allow_mixed) Attr("extmap-allow-mixed");
  Attr(ToString(m.direction));
  for (const Msid& msid : m.msids) {
    Attr("msid", msid.track_id.empty() ? msid.stream_id : msid.stream_id + ' ' + msid.track_id);
  }
  if (m.rtcp_mux) Attr("rtcp-mux");
  if (m.rtcp_mux_only) Attr("rtcp-mux-only");
  if (m.rtcp_rsize) Attr("rtcp-rsize");
  for (const Codec& c : m.codecs) {
    if (!c.name.empty()) {
      std::string map = std::to_string(c.payload_type) + ' ' + c.name + '/' +
                        std::to_string(c.clock_rate);
      if (c.channels != 0) map += '/' + std::to_string(c.channels);
      Attr("rtpmap", map);
    }
    for (const RtcpFeedback& fb : c.feedback) Attr("rtcp-fb", FormatRtcpFb(c.payload_type, fb));
    if (!c.fmtp.empty()) {
      Attr("fmtp", std::to_string(c.payload_type) + ' ' + FormatParams(c.fmtp));
    }
  }
  for (const Rid& rid : m.rids) Attr("rid", FormatRid(rid));
  if (m.simulcast) Attr("simulcast", FormatSimulcast(*m.simulcast));
  for (const SsrcGroup& g : m.ssrc_groups) Attr("ssrc-group", FormatSsrcGroup(g));
  for (const Ssrc& s : m.ssrcs) {
    const std::string prefix = std::to_string(s.ssrc) + ' ';
    if (!s.cname.empty()) Attr("ssrc", prefix + "cname:" + s.cname);
    for (const Attribute& a : s.attributes) {
      Attr("ssrc", prefix + a.name + (a.value ? ':' + *a.value : std::string()));
    }
  }
  if (m.sctp_port) Attr("sctp-port", std::to_string(*m.sctp_port));
  if (m.sctpmap) Attr("sctpmap", FormatSctpMap(*m.sctpmap));
  if (m.max_message_size) Attr("max-message-size", std::to_string(*m.max_message_size));
  for (const Candidate& c : m.candidates) Attr("candidate", FormatCandidate(c));
  if (m.end_of_candidates) Attr("end-of-candidates");
  Others(m.other_attributes);
}

}  // namespace

std::string SerializeSdp(const SessionDescription& sdp) {
  Writer w;
  w.Line('v', "0");
  const Origin& o = sdp.origin;
  w.Line('o', o.username + ' ' + o.session_id + ' ' + std::to_string(o.session_version) + ' ' +
                  o.net_type + ' ' + o.address_type + ' ' + o.address);
  w.Line('s', sdp.session_name);
  for (const auto& [type, value] : sdp.other_lines) w.Line(type, value);
  if (sdp.connection) w.Connection(*sdp.connection);
  for (const std::string& b : sdp.bandwidths) w.Line('b', b);
  w.Line('t', sdp.timing);
  for (const Group& g : sdp.groups) w.Attr("group", FormatGroup(g));
  if (sdp.extmap_allow_mixed) w.Attr("extmap-allow-mixed");
  if (sdp.msid_semantic) w.Attr("msid-semantic", FormatMsidSemantic(*sdp.msid_semantic));
  if (sdp.ice_lite) w.Attr("ice-lite");
  w.Transport(sdp.transport);
  w.Others(sdp.other_attributes);
  for (const MediaDescription& m : sdp.media) w.Media(m);
  return w.Take();
}

}  // namespace konfero::sdp
