// Parsing real offers, round trips, and malformed or hostile input.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/sdp/session_description.h"
#include "sdp/sdp_test_util.h"

namespace konfero::sdp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ReadFixture;

SessionDescription MustParse(const std::string& text) {
  absl::StatusOr<SessionDescription> sdp = ParseSdp(text);
  EXPECT_TRUE(sdp.ok()) << sdp.status();
  return sdp.ok() ? *sdp : SessionDescription{};
}

TEST(SdpParse, AiortcOfferFields) {
  const SessionDescription sdp = MustParse(ReadFixture("aiortc_offer.sdp"));
  EXPECT_EQ(sdp.origin.session_id, "4004850138");
  EXPECT_EQ(sdp.origin.address, "0.0.0.0");
  ASSERT_NE(sdp.BundleGroup(), nullptr);
  EXPECT_THAT(sdp.BundleGroup()->mids, ElementsAre("0", "1", "2"));
  ASSERT_TRUE(sdp.msid_semantic.has_value());
  EXPECT_EQ(sdp.msid_semantic->semantic, "WMS");
  ASSERT_EQ(sdp.media.size(), 3u);

  const MediaDescription& audio = sdp.media[0];
  EXPECT_EQ(audio.kind(), MediaKind::kAudio);
  EXPECT_EQ(audio.port, 59140);
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.direction, Direction::kSendRecv);
  EXPECT_TRUE(audio.rtcp_mux);
  ASSERT_EQ(audio.codecs.size(), 3u);
  EXPECT_EQ(audio.codecs[0].name, "opus");
  EXPECT_EQ(audio.codecs[0].clock_rate, 48000u);
  EXPECT_EQ(audio.codecs[0].channels, 2);
  EXPECT_EQ(audio.codecs[1].payload_type, 0);
  EXPECT_EQ(audio.codecs[2].name, "PCMA");
  ASSERT_EQ(audio.extmaps.size(), 2u);
  EXPECT_EQ(audio.extmaps[1].uri, "urn:ietf:params:rtp-hdrext:ssrc-audio-level");
  ASSERT_EQ(audio.ssrcs.size(), 1u);
  EXPECT_EQ(audio.ssrcs[0].ssrc, 820404462u);
  EXPECT_EQ(audio.ssrcs[0].cname, "badc7910-a1e6-4028-b4b0-f69144233394");
  ASSERT_EQ(audio.candidates.size(), 2u);
  EXPECT_EQ(audio.candidates[1].address, "fd00::2");
  EXPECT_EQ(audio.candidates[1].port, 34649);
  EXPECT_EQ(audio.candidates[1].type, "host");
  EXPECT_TRUE(audio.end_of_candidates);
  EXPECT_EQ(audio.transport.ice_ufrag, "juQX");
  ASSERT_EQ(audio.transport.fingerprints.size(), 1u);
  EXPECT_EQ(audio.transport.fingerprints[0].algorithm, "sha-256");
  EXPECT_EQ(audio.transport.setup, SetupRole::kActpass);
  // a=rtcp:9 IN IP4 0.0.0.0 has no field: kept as written.
  ASSERT_EQ(audio.other_attributes.size(), 1u);
  EXPECT_EQ(audio.other_attributes[0].name, "rtcp");

  const MediaDescription& video = sdp.media[1];
  ASSERT_EQ(video.codecs.size(), 6u);
  EXPECT_EQ(video.codecs[1].RtxApt(), 97);
  EXPECT_EQ(video.codecs[2].FmtpValue("profile-level-id"), "42001f");
  EXPECT_THAT(video.codecs[0].feedback,
              ElementsAre(RtcpFeedback{"nack", ""}, RtcpFeedback{"nack", "pli"},
                          RtcpFeedback{"goog-remb", ""}));
  ASSERT_EQ(video.ssrc_groups.size(), 1u);
  EXPECT_EQ(video.ssrc_groups[0].semantics, "FID");
  EXPECT_THAT(video.ssrc_groups[0].ssrcs, ElementsAre(1084708545u, 2194645173u));
  ASSERT_EQ(video.msids.size(), 1u);
  EXPECT_EQ(video.msids[0].track_id, "2bf85eed-acce-4a54-9423-da2f504a9a85");

  const MediaDescription& data = sdp.media[2];
  EXPECT_EQ(data.kind(), MediaKind::kApplication);
  EXPECT_EQ(data.protocol, "DTLS/SCTP");
  EXPECT_THAT(data.formats, ElementsAre("5000"));
  ASSERT_TRUE(data.sctpmap.has_value());
  EXPECT_EQ(data.sctpmap->protocol, "webrtc-datachannel");
  EXPECT_EQ(data.sctpmap->streams, 65535u);
  EXPECT_EQ(data.max_message_size, 65536u);
}

TEST(SdpParse, ChromiumOfferFields) {
  const SessionDescription sdp = MustParse(ReadFixture("chromium_offer.sdp"));
  EXPECT_EQ(sdp.origin.session_id, "4611731400430051336");
  EXPECT_EQ(sdp.origin.session_version, 2u);
  EXPECT_TRUE(sdp.extmap_allow_mixed);
  ASSERT_NE(sdp.BundleGroup(), nullptr);
  EXPECT_THAT(sdp.BundleGroup()->mids, ElementsAre("0", "1", "2", "3"));
  ASSERT_EQ(sdp.media.size(), 4u);

  const MediaDescription& audio = sdp.media[0];
  EXPECT_TRUE(audio.rtcp_rsize);
  EXPECT_THAT(audio.transport.ice_options, ElementsAre("trickle"));
  ASSERT_EQ(audio.codecs.size(), 8u);
  EXPECT_EQ(audio.codecs[1].name, "red");
  EXPECT_THAT(audio.codecs[1].fmtp, ElementsAre(Param{"", "111/111"}));
  EXPECT_THAT(audio.codecs[0].fmtp,
              ElementsAre(Param{"minptime", "10"}, Param{"useinbandfec", "1"}));
  EXPECT_EQ(audio.codecs[6].name, "telephone-event");
  ASSERT_EQ(audio.ssrcs.size(), 1u);
  ASSERT_EQ(audio.ssrcs[0].attributes.size(), 1u);
  EXPECT_EQ(audio.ssrcs[0].attributes[0].name, "msid");
  ASSERT_EQ(audio.candidates.size(), 2u);
  EXPECT_EQ(audio.candidates[1].type, "srflx");
  EXPECT_EQ(audio.candidates[1].extensions[0],
            (std::pair<std::string, std::string>{"raddr", "192.168.1.23"}));

  const MediaDescription& simulcast = sdp.media[1];
  EXPECT_EQ(simulcast.direction, Direction::kSendOnly);
  ASSERT_EQ(simulcast.rids.size(), 3u);
  EXPECT_EQ(simulcast.rids[2].id, "f");
  EXPECT_EQ(simulcast.rids[2].direction, RidDirection::kSend);
  ASSERT_TRUE(simulcast.simulcast.has_value());
  ASSERT_EQ(simulcast.simulcast->send.size(), 3u);
  EXPECT_EQ(simulcast.simulcast->send[1][0].rid, "h");
  EXPECT_TRUE(simulcast.simulcast->recv.empty());
  EXPECT_EQ(simulcast.extmaps.size(), 11u);
  EXPECT_EQ(simulcast.codecs.size(), 19u);

  const MediaDescription& data = sdp.media[3];
  EXPECT_EQ(data.protocol, "UDP/DTLS/SCTP");
  EXPECT_EQ(data.sctp_port, 5000);
  EXPECT_EQ(data.max_message_size, 262144u);
}

TEST(SdpParse, FixturesRoundTrip) {
  for (const char* name : {"aiortc_offer.sdp", "chromium_offer.sdp", "chromium156_offer.sdp"}) {
    SCOPED_TRACE(name);
    const SessionDescription first = MustParse(ReadFixture(name));
    const std::string text = SerializeSdp(first);
    const SessionDescription second = MustParse(text);
    EXPECT_EQ(first, second);
    EXPECT_EQ(SerializeSdp(second), text);
  }
}

TEST(SdpParse, SerializesCrlfAndAcceptsLf) {
  const SessionDescription sdp = MustParse(ReadFixture("aiortc_offer.sdp"));
  const std::string text = SerializeSdp(sdp);
  EXPECT_EQ(text.rfind("v=0\r\no=- 4004850138 ", 0), 0u);
  std::string lf;
  for (char c : text) {
    if (c != '\r') lf += c;
  }
  EXPECT_EQ(MustParse(lf), sdp);
}

TEST(SdpParse, KeepsUnknownAttributesInOrder) {
  const std::string text =
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=x-session:1\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111 96\r\na=mid:a\r\na=zeta:2\r\na=ptime:20\r\n"
      "a=rtpmap:111 opus/48000/2\r\na=rtpmap:7 foo/8000\r\na=rtcp-fb:* nack\r\na=alpha\r\n";
  const SessionDescription sdp = MustParse(text);
  ASSERT_EQ(sdp.other_attributes.size(), 1u);
  const auto& others = sdp.media[0].other_attributes;
  ASSERT_EQ(others.size(), 5u);
  EXPECT_EQ(others[0].name, "zeta");
  EXPECT_EQ(others[2].name, "rtpmap");  // payload type 7 is not on the m= line
  EXPECT_EQ(others[3].value, "* nack");
  EXPECT_EQ(others[4].name, "alpha");
  EXPECT_FALSE(others[4].value.has_value());
  EXPECT_EQ(sdp.media[0].codecs[1].name, "");  // 96 without rtpmap
  EXPECT_EQ(MustParse(SerializeSdp(sdp)), sdp);
}

absl::Status ParseError(const std::string& body) {
  return ParseSdp("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n" + body).status();
}

TEST(SdpParse, RejectsMalformedLinesNamingTheLine) {
  const absl::Status bad_rtpmap =
      ParseError("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus\r\n");
  EXPECT_EQ(bad_rtpmap.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_rtpmap.message(), HasSubstr("line 6"));
  EXPECT_THAT(bad_rtpmap.message(), HasSubstr("a=rtpmap"));

  const char* bodies[] = {
      "garbage\r\n",
      "m=audio\r\n",
      "m=audio 70000 UDP/TLS/RTP/SAVPF 111\r\n",
      "m=audio 9 UDP/TLS/RTP/SAVPF 128\r\n",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111 111\r\n",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=mid:1\r\n",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=sendonly\r\na=recvonly\r\n",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/0\r\n",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/99999\r\n",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=extmap:0 urn:x\r\n",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=extmap:1/sideways urn:x\r\n",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ssrc:99999999999 cname:x\r\n",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=candidate:1 1 udp 1 1.2.3.4 5 host\r\n",
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rid:q sideways\r\n",
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=simulcast:send q;;h\r\n",
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=setup:maybe\r\n",
      "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:-1\r\n",
      "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=max-message-size:1e9\r\n",
      "a=fingerprint:sha-256 ZZ:YY\r\n",
      "a=mid\r\n",
      "a=ice-ufrag:a\r\na=ice-ufrag:b\r\n",
      "x=unknown\r\n",
      "a=bad\x01\r\n",
      "o=- 2 2 IN IP4 0.0.0.0\r\n",
  };
  for (const char* body : bodies) {
    EXPECT_EQ(ParseError(body).code(), absl::StatusCode::kInvalidArgument) << body;
  }
  EXPECT_FALSE(ParseSdp("").ok());
  EXPECT_FALSE(ParseSdp("v=1\r\n").ok());
  EXPECT_FALSE(ParseSdp("v=0\r\ns=-\r\n").ok());  // no o=
}

TEST(SdpParse, EnforcesLimits) {
  std::string many = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
  for (size_t i = 0; i < kMaxSdpLines; ++i) many += "a=x\r\n";
  EXPECT_EQ(ParseSdp(many).status().code(), absl::StatusCode::kResourceExhausted);

  EXPECT_EQ(ParseError("a=x:" + std::string(kMaxSdpLineLength, 'y') + "\r\n").code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ParseSdp(std::string(kMaxSdpBytes + 1, 'a')).status().code(),
            absl::StatusCode::kResourceExhausted);

  std::string rids = "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
  for (int i = 0; i < 65; ++i) rids += "a=rid:r" + std::to_string(i) + " send\r\n";
  EXPECT_EQ(ParseError(rids).code(), absl::StatusCode::kResourceExhausted);
  std::string ssrcs = "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
  for (int i = 0; i < 257; ++i) ssrcs += "a=ssrc:" + std::to_string(i) + " cname:c\r\n";
  EXPECT_EQ(ParseError(ssrcs).code(), absl::StatusCode::kResourceExhausted);

  std::string sections;
  for (size_t i = 0; i <= kMaxMediaSections; ++i) sections += "m=audio 9 RTP/AVP 0\r\n";
  EXPECT_EQ(ParseError(sections).code(), absl::StatusCode::kResourceExhausted);
}

TEST(SdpParse, NumbersAtTheirLimits) {
  const SessionDescription sdp = MustParse(
      "v=0\r\no=- 123456789012345678901234567890 18446744073709551615 IN IP4 0.0.0.0\r\n"
      "s=-\r\nt=0 0\r\nm=audio 65535 UDP/TLS/RTP/SAVPF 127\r\n"
      "a=ssrc:4294967295 cname:c\r\na=extmap:255 urn:x\r\n");
  EXPECT_EQ(sdp.origin.session_version, 18446744073709551615u);
  EXPECT_EQ(sdp.media[0].ssrcs[0].ssrc, 4294967295u);
  EXPECT_EQ(sdp.media[0].extmaps[0].id, 255);
  EXPECT_FALSE(ParseSdp("v=0\r\no=- 1 18446744073709551616 IN IP4 0.0.0.0\r\n").ok());
}

}  // namespace
}  // namespace konfero::sdp
