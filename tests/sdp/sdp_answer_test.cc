// The ICE-lite server's answers to aiortc and Chromium offers.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/sdp/negotiation.h"
#include "konfero/sdp/session_description.h"
#include "sdp/sdp_test_util.h"

namespace konfero::sdp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ReadFixture;
using testing::ServerAnswerOptions;

SessionDescription Offer(const std::string& name) {
  absl::StatusOr<SessionDescription> offer = ParseSdp(ReadFixture(name));
  EXPECT_TRUE(offer.ok()) << offer.status();
  return offer.ok() ? *offer : SessionDescription{};
}

SessionDescription Answer(const SessionDescription& offer,
                          const AnswerOptions& options = ServerAnswerOptions()) {
  absl::StatusOr<SessionDescription> answer = BuildAnswer(offer, options);
  EXPECT_TRUE(answer.ok()) << answer.status();
  if (!answer.ok()) return {};
  // What goes on the wire parses back to the same answer.
  absl::StatusOr<SessionDescription> reparsed = ParseSdp(SerializeSdp(*answer));
  EXPECT_TRUE(reparsed.ok()) << reparsed.status();
  if (reparsed.ok()) {
    EXPECT_EQ(*reparsed, *answer);
  }
  return *answer;
}

std::vector<uint8_t> PayloadTypes(const MediaDescription& m) {
  std::vector<uint8_t> pts;
  for (const Codec& c : m.codecs) pts.push_back(c.payload_type);
  return pts;
}

void ExpectServerTransport(const MediaDescription& m, SetupRole setup) {
  EXPECT_EQ(m.transport.ice_ufrag, "srvA");
  EXPECT_EQ(m.transport.ice_pwd, "serverPassword+0123456/");
  ASSERT_EQ(m.transport.fingerprints.size(), 1u);
  EXPECT_EQ(m.transport.fingerprints[0].algorithm, "sha-256");
  EXPECT_EQ(m.transport.setup, setup);
  ASSERT_EQ(m.candidates.size(), 2u);
  EXPECT_EQ(m.candidates[0].address, "198.51.100.10");
  EXPECT_EQ(m.candidates[0].port, 40000);
  EXPECT_EQ(m.candidates[0].priority, 2130706431u);
  EXPECT_EQ(m.candidates[1].address, "2001:db8::10");
  EXPECT_EQ(m.candidates[1].type, "host");
  EXPECT_TRUE(m.end_of_candidates);
  EXPECT_EQ(m.port, 40000);
  ASSERT_TRUE(m.connection.has_value());
  EXPECT_EQ(m.connection->address, "198.51.100.10");
}

TEST(SdpAnswer, AnswersAiortc) {
  const SessionDescription offer = Offer("aiortc_offer.sdp");
  const SessionDescription answer = Answer(offer);
  EXPECT_TRUE(answer.ice_lite);
  EXPECT_EQ(answer.origin.session_id, "7340013495112381021");
  ASSERT_NE(answer.BundleGroup(), nullptr);
  EXPECT_THAT(answer.BundleGroup()->mids, ElementsAre("0", "1", "2"));
  ASSERT_EQ(answer.media.size(), 3u);

  const MediaDescription& audio = answer.media[0];
  EXPECT_EQ(audio.mid, "0");
  ExpectServerTransport(audio, SetupRole::kPassive);
  EXPECT_TRUE(audio.rtcp_mux);
  EXPECT_EQ(audio.direction, Direction::kSendRecv);
  EXPECT_THAT(PayloadTypes(audio), ElementsAre(96, 0, 8));
  EXPECT_EQ(audio.codecs[0].name, "opus");
  EXPECT_EQ(audio.codecs[0].channels, 2);
  EXPECT_THAT(audio.codecs[0].fmtp,
              ElementsAre(Param{"minptime", "10"}, Param{"useinbandfec", "1"}));
  EXPECT_THAT(audio.extmaps, ElementsAre(Extmap{1, std::nullopt, std::string(kExtMid), ""},
                                         Extmap{2, std::nullopt, std::string(kExtAudioLevel), ""}));

  const MediaDescription& video = answer.media[1];
  ExpectServerTransport(video, SetupRole::kPassive);
  EXPECT_THAT(PayloadTypes(video), ElementsAre(97, 98, 99, 100, 101, 102));
  EXPECT_EQ(video.codecs[1].RtxApt(), 97);
  EXPECT_EQ(video.codecs[5].RtxApt(), 101);
  EXPECT_EQ(video.codecs[2].FmtpValue("profile-level-id"), "42001f");
  EXPECT_EQ(video.codecs[4].FmtpValue("profile-level-id"), "42e01f");
  EXPECT_THAT(video.codecs[0].feedback,
              ElementsAre(RtcpFeedback{"nack", ""}, RtcpFeedback{"nack", "pli"},
                          RtcpFeedback{"goog-remb", ""}));
  EXPECT_THAT(video.extmaps,
              ElementsAre(Extmap{1, std::nullopt, std::string(kExtMid), ""},
                          Extmap{2, std::nullopt, std::string(kExtAbsSendTime), ""}));

  // aiortc 1.4 still offers the legacy SCTP form: answered in kind.
  const MediaDescription& data = answer.media[2];
  EXPECT_EQ(data.protocol, "DTLS/SCTP");
  EXPECT_THAT(data.formats, ElementsAre("5000"));
  ASSERT_TRUE(data.sctpmap.has_value());
  EXPECT_EQ(data.sctpmap->protocol, "webrtc-datachannel");
  EXPECT_EQ(data.max_message_size, 262144u);
  ExpectServerTransport(data, SetupRole::kPassive);

  EXPECT_TRUE(ValidateAnswer(offer, answer).ok()) << ValidateAnswer(offer, answer);
}

TEST(SdpAnswer, AnswersChromium) {
  const SessionDescription offer = Offer("chromium_offer.sdp");
  const SessionDescription answer = Answer(offer);
  EXPECT_TRUE(answer.ice_lite);
  EXPECT_TRUE(answer.extmap_allow_mixed);
  ASSERT_NE(answer.BundleGroup(), nullptr);
  EXPECT_THAT(answer.BundleGroup()->mids, ElementsAre("0", "1", "2", "3"));
  ASSERT_EQ(answer.media.size(), 4u);

  const MediaDescription& audio = answer.media[0];
  // red, G722, CN and telephone-event are not ours.
  EXPECT_THAT(PayloadTypes(audio), ElementsAre(111, 0, 8));
  EXPECT_THAT(audio.codecs[0].feedback, ElementsAre(RtcpFeedback{"transport-cc", ""}));
  EXPECT_TRUE(audio.rtcp_rsize);
  EXPECT_EQ(audio.extmaps.size(), 4u);
  ExpectServerTransport(audio, SetupRole::kPassive);

  const MediaDescription& simulcast = answer.media[1];
  EXPECT_EQ(simulcast.direction, Direction::kRecvOnly);
  // VP9 profile 2, H264 packetization-mode 0 and main profile, red and
  // ulpfec are dropped; each kept codec keeps its rtx.
  EXPECT_THAT(PayloadTypes(simulcast), ElementsAre(96, 97, 98, 99, 102, 103, 106, 107, 45, 46));
  EXPECT_EQ(simulcast.codecs[7].RtxApt(), 106);
  EXPECT_EQ(simulcast.codecs[6].FmtpValue("packetization-mode"), "1");
  EXPECT_EQ(simulcast.codecs[6].FmtpValue("profile-level-id"), "42e01f");
  EXPECT_THAT(simulcast.codecs[0].feedback,
              ElementsAre(RtcpFeedback{"goog-remb", ""}, RtcpFeedback{"transport-cc", ""},
                          RtcpFeedback{"ccm", "fir"}, RtcpFeedback{"nack", ""},
                          RtcpFeedback{"nack", "pli"}));
  std::vector<uint16_t> ids;
  for (const Extmap& e : simulcast.extmaps) ids.push_back(e.id);
  EXPECT_THAT(ids, ElementsAre(2, 3, 4, 10, 11));  // toffset, orientation... dropped
  ASSERT_TRUE(simulcast.simulcast.has_value());
  EXPECT_TRUE(simulcast.simulcast->send.empty());
  ASSERT_EQ(simulcast.simulcast->recv.size(), 3u);
  EXPECT_EQ(simulcast.simulcast->recv[0][0].rid, "q");
  EXPECT_EQ(simulcast.simulcast->recv[2][0].rid, "f");
  EXPECT_THAT(simulcast.rids, ElementsAre(Rid{"q", RidDirection::kRecv, {}},
                                          Rid{"h", RidDirection::kRecv, {}},
                                          Rid{"f", RidDirection::kRecv, {}}));

  const MediaDescription& camera = answer.media[2];
  EXPECT_EQ(camera.direction, Direction::kSendRecv);
  EXPECT_FALSE(camera.simulcast.has_value());
  EXPECT_TRUE(camera.ssrcs.empty());  // the server sends nothing yet

  const MediaDescription& data = answer.media[3];
  EXPECT_EQ(data.protocol, "UDP/DTLS/SCTP");
  EXPECT_THAT(data.formats, ElementsAre("webrtc-datachannel"));
  EXPECT_EQ(data.sctp_port, 5000);
  EXPECT_EQ(data.max_message_size, 262144u);

  const std::string text = SerializeSdp(answer);
  EXPECT_THAT(text, HasSubstr("a=ice-lite\r\n"));
  EXPECT_THAT(text, HasSubstr("a=simulcast:recv q;h;f\r\n"));
  EXPECT_THAT(text, HasSubstr("a=rid:h recv\r\n"));
  EXPECT_THAT(text, HasSubstr("a=group:BUNDLE 0 1 2 3\r\n"));
  EXPECT_THAT(text, HasSubstr("a=setup:passive\r\n"));
  EXPECT_TRUE(ValidateAnswer(offer, answer).ok()) << ValidateAnswer(offer, answer);
}

// A real offer of Chromium 156 (tests/sdp/fixtures/make_chromium_offer.sh);
// Chromium accepted this answer in setRemoteDescription with three simulcast
// encodings (see tests/sdp/interop).
TEST(SdpAnswer, AnswersRealChromium156) {
  const SessionDescription offer = Offer("chromium156_offer.sdp");
  ASSERT_EQ(offer.media.size(), 4u);
  EXPECT_EQ(offer.media[1].codecs.size(), 23u);
  EXPECT_EQ(offer.media[1].msids[0].stream_id, "-");
  const SessionDescription answer = Answer(offer);
  EXPECT_THAT(answer.BundleGroup()->mids, ElementsAre("0", "1", "2", "3"));
  EXPECT_THAT(PayloadTypes(answer.media[0]), ElementsAre(111, 0, 8));
  // H264 with packetization-mode=0 or the main profile, red, ulpfec and
  // VP9 profile 2 are dropped.
  EXPECT_THAT(PayloadTypes(answer.media[1]),
              ElementsAre(96, 97, 102, 103, 108, 109, 45, 46, 98, 99));
  EXPECT_EQ(answer.media[1].direction, Direction::kRecvOnly);
  ASSERT_TRUE(answer.media[1].simulcast.has_value());
  EXPECT_EQ(answer.media[1].simulcast->recv.size(), 3u);
  EXPECT_EQ(answer.media[1].rids.size(), 3u);
  EXPECT_EQ(answer.media[2].direction, Direction::kSendRecv);
  EXPECT_EQ(answer.media[3].sctp_port, 5000);
  for (const MediaDescription& m : answer.media) ExpectServerTransport(m, SetupRole::kPassive);
  EXPECT_TRUE(ValidateAnswer(offer, answer).ok()) << ValidateAnswer(offer, answer);
}

TEST(SdpAnswer, SendTrackInAnswer) {
  const SessionDescription offer = Offer("chromium_offer.sdp");
  AnswerOptions options = ServerAnswerOptions();
  options.send_tracks = {{"2", LocalTrack{"room", "peer-b-video", "srvcname", 1111, 2222}},
                         {"1", LocalTrack{"room", "not-sent", "srvcname", 3333, std::nullopt}}};
  const SessionDescription answer = Answer(offer, options);
  const MediaDescription& camera = answer.media[2];
  EXPECT_THAT(camera.msids, ElementsAre(Msid{"room", "peer-b-video"}));
  ASSERT_EQ(camera.ssrcs.size(), 2u);
  EXPECT_EQ(camera.ssrcs[0].cname, "srvcname");
  EXPECT_THAT(camera.ssrc_groups, ElementsAre(SsrcGroup{"FID", {1111, 2222}}));
  EXPECT_TRUE(answer.media[1].ssrcs.empty());  // recvonly: nothing to send
}

TEST(SdpAnswer, SetupFollowsTheOffer) {
  SessionDescription offer = Offer("aiortc_offer.sdp");
  for (MediaDescription& m : offer.media) m.transport.setup = SetupRole::kPassive;
  EXPECT_EQ(Answer(offer).media[0].transport.setup, SetupRole::kActive);
  for (MediaDescription& m : offer.media) m.transport.setup = SetupRole::kActive;
  EXPECT_EQ(Answer(offer).media[0].transport.setup, SetupRole::kPassive);
  for (MediaDescription& m : offer.media) m.transport.setup = SetupRole::kHoldconn;
  EXPECT_FALSE(BuildAnswer(offer, ServerAnswerOptions()).ok());
}

TEST(SdpAnswer, DirectionsAreMirrored) {
  SessionDescription offer = Offer("aiortc_offer.sdp");
  offer.media[0].direction = Direction::kRecvOnly;
  offer.media[1].direction = Direction::kInactive;
  const SessionDescription answer = Answer(offer);
  EXPECT_EQ(answer.media[0].direction, Direction::kSendOnly);
  EXPECT_EQ(answer.media[1].direction, Direction::kInactive);
}

TEST(SdpAnswer, RejectsWhatItCannotServe) {
  SessionDescription offer = Offer("chromium_offer.sdp");
  offer.media[0].codecs.erase(offer.media[0].codecs.begin(), offer.media[0].codecs.begin() + 1);
  offer.media[0].codecs.erase(offer.media[0].codecs.begin() + 2, offer.media[0].codecs.begin() + 4);
  MediaDescription text;
  text.media = "text";
  text.protocol = "UDP/TLS/RTP/SAVPF";
  text.codecs = {Codec{98, "t140", 1000, 0, {}, {}}};
  text.mid = "4";
  text.rtcp_mux = true;
  offer.media.push_back(text);
  offer.groups[0].mids.push_back("4");
  MediaDescription outside = offer.media[2];
  outside.mid = "5";  // not in the BUNDLE group
  offer.media.push_back(outside);

  const SessionDescription answer = Answer(offer);
  ASSERT_EQ(answer.media.size(), 6u);
  // Audio offered red, G722, CN, telephone-event only.
  EXPECT_EQ(answer.media[0].port, 0);
  EXPECT_EQ(answer.media[0].mid, "0");
  EXPECT_EQ(answer.media[4].port, 0);
  EXPECT_EQ(answer.media[4].media, "text");
  EXPECT_EQ(answer.media[5].port, 0);
  EXPECT_THAT(answer.BundleGroup()->mids, ElementsAre("1", "2", "3"));
  EXPECT_TRUE(ValidateAnswer(offer, answer).ok()) << ValidateAnswer(offer, answer);
}

TEST(SdpAnswer, RequiresRtcpMuxCredentialsAndFingerprint) {
  SessionDescription offer = Offer("chromium_offer.sdp");
  offer.media[1].rtcp_mux = false;
  absl::Status status = BuildAnswer(offer, ServerAnswerOptions()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("rtcp-mux"));
  EXPECT_THAT(status.message(), HasSubstr("mid '1'"));

  offer = Offer("chromium_offer.sdp");
  offer.media[0].transport.ice_pwd.reset();
  status = BuildAnswer(offer, ServerAnswerOptions()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("ice-pwd"));

  offer = Offer("aiortc_offer.sdp");
  offer.media[0].transport.fingerprints.clear();
  status = BuildAnswer(offer, ServerAnswerOptions()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("fingerprint"));

  offer = Offer("aiortc_offer.sdp");
  offer.media[0].transport.fingerprints = {{"md5", "AA:BB"}};
  EXPECT_FALSE(BuildAnswer(offer, ServerAnswerOptions()).ok());

  offer = Offer("aiortc_offer.sdp");
  offer.media[2].mid = "0";
  status = BuildAnswer(offer, ServerAnswerOptions()).status();
  EXPECT_THAT(status.message(), HasSubstr("mid used twice"));

  offer = Offer("aiortc_offer.sdp");
  offer.media[1].mid.clear();
  offer.groups.clear();
  offer.media[0].mid.clear();
  status = BuildAnswer(offer, ServerAnswerOptions()).status();
  EXPECT_THAT(status.message(), HasSubstr("a=mid"));
}

TEST(SdpAnswer, SessionLevelTransportIsUsed) {
  SessionDescription offer = Offer("aiortc_offer.sdp");
  offer.transport = offer.media[0].transport;
  for (MediaDescription& m : offer.media) m.transport = {};
  EXPECT_TRUE(BuildAnswer(offer, ServerAnswerOptions()).ok());
  const auto remote = GetBundleTransport(offer);
  ASSERT_TRUE(remote.ok());
  EXPECT_EQ(remote->ice_ufrag, "juQX");
  EXPECT_EQ(remote->mid, "0");
}

TEST(SdpAnswer, WithoutBundleOnlyTheFirstSection) {
  SessionDescription offer = Offer("aiortc_offer.sdp");
  offer.groups.clear();
  const SessionDescription answer = Answer(offer);
  EXPECT_NE(answer.media[0].port, 0);
  EXPECT_EQ(answer.media[1].port, 0);
  EXPECT_EQ(answer.media[2].port, 0);
  EXPECT_TRUE(answer.groups.empty());
}

TEST(SdpAnswer, RejectsBadOptions) {
  const SessionDescription offer = Offer("aiortc_offer.sdp");
  AnswerOptions options = ServerAnswerOptions();
  options.ice_pwd = "short";
  EXPECT_EQ(BuildAnswer(offer, options).status().code(), absl::StatusCode::kInvalidArgument);
  options = ServerAnswerOptions();
  options.fingerprint.algorithm = "crc32";
  EXPECT_FALSE(BuildAnswer(offer, options).ok());
  options = ServerAnswerOptions();
  options.max_message_size = 1024;
  EXPECT_FALSE(BuildAnswer(offer, options).ok());
}

}  // namespace
}  // namespace konfero::sdp
