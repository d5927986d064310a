// Tests of plain_rtp_sdp: real offers of ffmpeg, sipp, baresip and
// linphone (tests/plain_rtp/fixtures), hold forms, rtcp-mux and a=rtcp,
// refusals, and our own offer with the peer's answer.
#include "plain_rtp/plain_rtp_sdp.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plain_rtp_test_util.h"

namespace konfero::plain_rtp {
namespace {

using audio::Codec;
using sdp::Direction;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::Ep;
using testing::ReadFixture;

PlainRtpLocal Local() {
  PlainRtpLocal local;
  local.rtp = Ep("198.51.100.7", 30000);
  local.ssrc = 0xCAFE0001;
  local.session_id = 4242;
  local.session_version = 1;
  return local;
}

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  return absl::StrReplaceAll(text, {{absl::string_view(from.data(), from.size()),
                                     absl::string_view(to.data(), to.size())}});
}

PlainRtpNegotiated Negotiate(const std::string& offer, const PlainRtpLocal& local = Local()) {
  absl::StatusOr<PlainRtpNegotiated> n = NegotiatePlainRtpOffer(offer, local);
  EXPECT_TRUE(n.ok()) << n.status();
  return n.ok() ? *n : PlainRtpNegotiated{};
}

sdp::MediaDescription AnswerAudio(const PlainRtpNegotiated& n, size_t index = 0) {
  absl::StatusOr<sdp::SessionDescription> answer = sdp::ParseSdp(n.answer);
  EXPECT_TRUE(answer.ok()) << answer.status() << "\n" << n.answer;
  if (!answer.ok() || answer->media.size() <= index) return {};
  return answer->media[index];
}

struct FfmpegCase {
  const char* fixture;
  Codec codec;
  uint8_t payload_type;
  const char* rtpmap;
};

class FfmpegOfferTest : public ::testing::TestWithParam<FfmpegCase> {};

TEST_P(FfmpegOfferTest, AnswersTheSendersCodecWithoutTelephoneEvent) {
  const FfmpegCase& c = GetParam();
  PlainRtpNegotiated n = Negotiate(ReadFixture(c.fixture));
  EXPECT_EQ(n.params.codec, c.codec);
  EXPECT_EQ(n.params.payload_type, c.payload_type);
  EXPECT_EQ(n.params.telephone_event_pt, 0);
  EXPECT_EQ(n.params.direction, Direction::kSendRecv);
  EXPECT_EQ(n.params.remote_rtp, Ep("127.0.0.1", 46000));
  EXPECT_EQ(n.params.remote_rtcp, Ep("127.0.0.1", 46001));
  EXPECT_FALSE(n.params.rtcp_mux);
  EXPECT_EQ(n.params.ptime_ms, 20);
  EXPECT_EQ(n.params.local_ssrc, 0xCAFE0001u);
  EXPECT_THAT(n.answer, HasSubstr("m=audio 30000 RTP/AVP " + std::to_string(c.payload_type) +
                                  "\r\n"));
  EXPECT_THAT(n.answer, HasSubstr("c=IN IP4 198.51.100.7\r\n"));
  EXPECT_THAT(n.answer, HasSubstr(std::string("a=rtpmap:") + c.rtpmap + "\r\n"));
  EXPECT_THAT(n.answer, HasSubstr("a=ptime:20\r\n"));
  EXPECT_THAT(n.answer, HasSubstr("a=sendrecv\r\n"));
  EXPECT_THAT(n.answer, HasSubstr("o=- 4242 1 IN IP4 198.51.100.7\r\n"));
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, FfmpegOfferTest,
    ::testing::Values(FfmpegCase{"ffmpeg_pcmu.sdp", Codec::kPcmu, 0, "0 PCMU/8000"},
                      FfmpegCase{"ffmpeg_pcma.sdp", Codec::kPcma, 8, "8 PCMA/8000"},
                      FfmpegCase{"ffmpeg_g722.sdp", Codec::kG722, 9, "9 G722/8000"},
                      FfmpegCase{"ffmpeg_opus.sdp", Codec::kOpus, 97, "97 opus/48000/2"},
                      FfmpegCase{"ffmpeg_pcmu_pt100.sdp", Codec::kPcmu, 100,
                                 "100 PCMU/8000"}));

TEST(PlainRtpSdpTest, FfmpegSrtpOutputIsRtpAvpWithCryptoAndIsAnsweredWithoutIt) {
  // ffmpeg's srtp:// writes RTP/AVP plus a=crypto (best-effort SRTP): the
  // answer without a=crypto asks for plain RTP.
  PlainRtpNegotiated n = Negotiate(ReadFixture("ffmpeg_pcmu_srtp.sdp"));
  EXPECT_EQ(n.params.codec, Codec::kPcmu);
  EXPECT_THAT(n.answer, Not(HasSubstr("crypto")));
}

TEST(PlainRtpSdpTest, SippPinOfferGetsPcmuAndTelephoneEvent) {
  PlainRtpNegotiated n = Negotiate(ReadFixture("sipp_uac_pin.sdp"));
  EXPECT_EQ(n.params.codec, Codec::kPcmu);
  EXPECT_EQ(n.params.payload_type, 0);
  EXPECT_EQ(n.params.telephone_event_pt, 101);
  EXPECT_EQ(n.params.remote_rtp, Ep("127.0.0.1", 6000));
  EXPECT_EQ(n.params.remote_rtcp, Ep("127.0.0.1", 6001));
  const sdp::MediaDescription m = AnswerAudio(n);
  ASSERT_EQ(m.codecs.size(), 2u);
  EXPECT_EQ(m.codecs[1].name, "telephone-event");
  EXPECT_EQ(m.codecs[1].clock_rate, 8000u);
  EXPECT_THAT(n.answer, HasSubstr("a=fmtp:101 0-15\r\n"));
  EXPECT_THAT(n.answer, HasSubstr("m=audio 30000 RTP/AVP 0 101\r\n"));
}

TEST(PlainRtpSdpTest, BaresipOpusWithoutTelephoneEvent48kFallsToG722WithDigits) {
  // baresip offers opus first but telephone-event only at 8000 Hz: Opus
  // would leave no way to type a PIN, so G.722 (the next one) is taken.
  PlainRtpNegotiated n = Negotiate(ReadFixture("baresip_offer.sdp"));
  EXPECT_EQ(n.params.codec, Codec::kG722);
  EXPECT_EQ(n.params.payload_type, 9);
  EXPECT_EQ(n.params.telephone_event_pt, 101);
  EXPECT_EQ(n.params.remote_rtp, Ep("127.0.0.1", 16000));
  EXPECT_THAT(n.answer, HasSubstr("m=audio 30000 RTP/AVP 9 101\r\n"));
}

TEST(PlainRtpSdpTest, BaresipOpusIsTakenWhenNothingElseIsAccepted) {
  PlainRtpLocal local = Local();
  local.codecs = {Codec::kOpus};
  PlainRtpNegotiated n = Negotiate(ReadFixture("baresip_offer.sdp"), local);
  EXPECT_EQ(n.params.codec, Codec::kOpus);
  EXPECT_EQ(n.params.payload_type, 96);
  EXPECT_EQ(n.params.telephone_event_pt, 0);  // telephone-event/8000 does not go with Opus
  EXPECT_THAT(n.answer, HasSubstr("a=rtpmap:96 opus/48000/2\r\n"));
  EXPECT_THAT(n.answer, Not(HasSubstr("telephone-event")));
}

TEST(PlainRtpSdpTest, LinphoneOpusTakesTelephoneEventAt48kAndItsRtcpPort) {
  PlainRtpNegotiated n = Negotiate(ReadFixture("linphone_offer.sdp"));
  EXPECT_EQ(n.params.codec, Codec::kOpus);
  EXPECT_EQ(n.params.payload_type, 96);
  EXPECT_EQ(n.params.telephone_event_pt, 101);  // telephone-event/48000
  EXPECT_EQ(n.params.remote_rtp, Ep("127.0.0.1", 7078));
  EXPECT_EQ(n.params.remote_rtcp, Ep("127.0.0.1", 7079));
  EXPECT_THAT(n.answer, HasSubstr("a=rtpmap:101 telephone-event/48000\r\n"));
}

TEST(PlainRtpSdpTest, LinphoneWithG711OnlyTakesPcmuAndTelephoneEvent8k) {
  PlainRtpLocal local = Local();
  local.codecs = {Codec::kPcma, Codec::kPcmu};
  PlainRtpNegotiated n = Negotiate(ReadFixture("linphone_offer.sdp"), local);
  EXPECT_EQ(n.params.codec, Codec::kPcmu);  // the offerer's order, not ours
  EXPECT_EQ(n.params.telephone_event_pt, 100);
}

TEST(PlainRtpSdpTest, TelephoneEventIsLeftOutWhenNotOffered) {
  PlainRtpLocal local = Local();
  local.offer_telephone_event = false;
  PlainRtpNegotiated n = Negotiate(ReadFixture("sipp_uac_pin.sdp"), local);
  EXPECT_EQ(n.params.telephone_event_pt, 0);
  EXPECT_THAT(n.answer, Not(HasSubstr("telephone-event")));
}

TEST(PlainRtpSdpTest, HoldFormsAreAnsweredReversed) {
  struct Case {
    std::string offer;
    Direction ours;
    bool unspecified_address;
  };
  const std::string sipp = ReadFixture("sipp_uac_pin.sdp");
  const std::string with_direction = Replace(sipp, "a=ptime:20\r\n", "a=ptime:20\r\na=DIR\r\n");
  const Case cases[] = {
      {ReadFixture("baresip_hold_sendonly.sdp"), Direction::kRecvOnly, false},
      {ReadFixture("linphone_hold_inactive.sdp"), Direction::kInactive, false},
      {ReadFixture("sipp_hold_c0.sdp"), Direction::kRecvOnly, true},  // RFC 2543
      {Replace(ReadFixture("sipp_hold_c0.sdp"), "a=ptime:20\r\n", "a=ptime:20\r\na=recvonly\r\n"),
       Direction::kInactive, true},
      {Replace(with_direction, "DIR", "sendonly"), Direction::kRecvOnly, false},
      {Replace(with_direction, "DIR", "recvonly"), Direction::kSendOnly, false},
      {Replace(with_direction, "DIR", "inactive"), Direction::kInactive, false},
      {Replace(with_direction, "DIR", "sendrecv"), Direction::kSendRecv, false},
      // Session-level direction.
      {Replace(sipp, "t=0 0\r\n", "t=0 0\r\na=sendonly\r\n"), Direction::kRecvOnly, false},
  };
  for (const Case& c : cases) {
    PlainRtpNegotiated n = Negotiate(c.offer);
    EXPECT_EQ(n.params.direction, c.ours) << c.offer;
    EXPECT_EQ(n.params.remote_rtp.address_bytes()[0] == 0, c.unspecified_address) << c.offer;
    EXPECT_EQ(AnswerAudio(n).direction, c.ours) << n.answer;
    EXPECT_THAT(n.answer, HasSubstr("m=audio 30000 ")) << "hold is not rejection (port 0)";
  }
}

TEST(PlainRtpSdpTest, RtcpMuxIsAnsweredWhenOfferedAndAccepted) {
  const std::string offer =
      Replace(ReadFixture("baresip_offer.sdp"), "a=rtcp-rsize\r\n", "a=rtcp-rsize\r\na=rtcp-mux\r\n");
  PlainRtpNegotiated n = Negotiate(offer);
  EXPECT_TRUE(n.params.rtcp_mux);
  EXPECT_FALSE(n.params.remote_rtcp.has_value());
  EXPECT_THAT(n.answer, HasSubstr("a=rtcp-mux\r\n"));

  PlainRtpLocal local = Local();
  local.accept_rtcp_mux = false;
  n = Negotiate(offer, local);
  EXPECT_FALSE(n.params.rtcp_mux);
  EXPECT_EQ(n.params.remote_rtcp, Ep("127.0.0.1", 16001));
  EXPECT_THAT(n.answer, Not(HasSubstr("rtcp-mux")));
}

TEST(PlainRtpSdpTest, RtcpAttributeWithAnAddressIsHonoured) {
  const std::string offer = Replace(ReadFixture("linphone_offer.sdp"), "a=rtcp:7079",
                                    "a=rtcp:53020 IN IP4 192.0.2.99");
  EXPECT_EQ(Negotiate(offer).params.remote_rtcp, Ep("192.0.2.99", 53020));
  const std::string bad = Replace(ReadFixture("linphone_offer.sdp"), "a=rtcp:7079", "a=rtcp:x");
  absl::StatusOr<PlainRtpNegotiated> n = NegotiatePlainRtpOffer(bad, Local());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(n.status().message(), HasSubstr("a=rtcp"));
}

TEST(PlainRtpSdpTest, PtimeOfTheOfferIsReadAndWeAnswer20) {
  const std::string offer = Replace(ReadFixture("sipp_uac_pin.sdp"), "a=ptime:20", "a=ptime:30");
  PlainRtpNegotiated n = Negotiate(offer);
  EXPECT_EQ(n.params.ptime_ms, 30);
  EXPECT_THAT(n.answer, HasSubstr("a=ptime:20\r\n"));
}

TEST(PlainRtpSdpTest, IPv6OfferAndLocal) {
  std::string offer = Replace(ReadFixture("sipp_uac_pin.sdp"), "IN IP4 127.0.0.1", "IN IP6 2001:db8::5");
  PlainRtpLocal local = Local();
  local.rtp = Ep("2001:db8::1", 30000);
  PlainRtpNegotiated n = Negotiate(offer, local);
  EXPECT_EQ(n.params.remote_rtp, Ep("2001:db8::5", 6000));
  EXPECT_THAT(n.answer, HasSubstr("c=IN IP6 2001:db8::1\r\n"));
}

TEST(PlainRtpSdpTest, OtherSectionsAreRejectedWithPortZero) {
  const std::string sipp = ReadFixture("sipp_uac_pin.sdp");
  const std::string audio_section = sipp.substr(sipp.find("m=audio"));
  const std::string offer = Replace(sipp, "m=audio",
                                    "m=video 6002 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\nm=audio") +
                            Replace(audio_section, "6000", "6004");
  PlainRtpNegotiated n = Negotiate(offer);
  EXPECT_EQ(n.params.remote_rtp, Ep("127.0.0.1", 6000));  // the first audio section
  absl::StatusOr<sdp::SessionDescription> answer = sdp::ParseSdp(n.answer);
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->media.size(), 3u);
  EXPECT_EQ(answer->media[0].port, 0);
  EXPECT_EQ(answer->media[0].media, "video");
  EXPECT_EQ(answer->media[1].port, 30000);
  EXPECT_EQ(answer->media[2].port, 0);
}

TEST(PlainRtpSdpTest, AnAudioSectionWithoutACommonCodecIsPassedForTheNext) {
  const std::string offer =
      "v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\nc=IN IP4 192.0.2.5\r\nt=0 0\r\n"
      "m=audio 5000 RTP/AVP 18\r\n"
      "m=audio 5002 RTP/AVP 8\r\n";
  PlainRtpNegotiated n = Negotiate(offer);
  EXPECT_EQ(n.params.codec, Codec::kPcma);
  EXPECT_EQ(n.params.remote_rtp, Ep("192.0.2.5", 5002));
  EXPECT_EQ(AnswerAudio(n, 0).port, 0);
}

TEST(PlainRtpSdpTest, SrtpProfilesAreRefused) {
  for (std::string_view profile : {"RTP/SAVP", "UDP/TLS/RTP/SAVPF", "RTP/SAVPF"}) {
    const std::string offer =
        Replace(ReadFixture("sipp_uac_pin.sdp"), "RTP/AVP", profile);
    absl::StatusOr<PlainRtpNegotiated> n = NegotiatePlainRtpOffer(offer, Local());
    EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument) << profile;
    EXPECT_THAT(n.status().message(), HasSubstr(std::string(profile)));
    EXPECT_THAT(n.status().message(), HasSubstr("SRTP"));
  }
}

TEST(PlainRtpSdpTest, RtpAvpfIsAccepted) {
  const std::string offer = Replace(ReadFixture("sipp_uac_pin.sdp"), "RTP/AVP", "RTP/AVPF");
  PlainRtpNegotiated n = Negotiate(offer);
  EXPECT_THAT(n.answer, HasSubstr("m=audio 30000 RTP/AVPF 0 101\r\n"));
}

TEST(PlainRtpSdpTest, NoCommonCodecNamesTheOfferedOnes) {
  const std::string offer =
      "v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\nc=IN IP4 192.0.2.5\r\nt=0 0\r\n"
      "m=audio 5000 RTP/AVP 18 3 97\r\na=rtpmap:97 iLBC/8000\r\n";
  absl::StatusOr<PlainRtpNegotiated> n = NegotiatePlainRtpOffer(offer, Local());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(n.status().message(), HasSubstr("G729/8000"));
  EXPECT_THAT(n.status().message(), HasSubstr("GSM/8000"));
  EXPECT_THAT(n.status().message(), HasSubstr("iLBC/8000"));
  EXPECT_THAT(n.status().message(), HasSubstr("PCMU/8000"));  // what we take
}

TEST(PlainRtpSdpTest, StereoG711AndDynamicPayloadWithoutRtpmapAreNotTaken) {
  const std::string offer =
      "v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\nc=IN IP4 192.0.2.5\r\nt=0 0\r\n"
      "m=audio 5000 RTP/AVP 96 98\r\na=rtpmap:98 PCMU/8000/2\r\n";
  absl::StatusOr<PlainRtpNegotiated> n = NegotiatePlainRtpOffer(offer, Local());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(n.status().message(), HasSubstr("PT 96 (no a=rtpmap)"));
}

TEST(PlainRtpSdpTest, OtherRefusals) {
  const std::string sipp = ReadFixture("sipp_uac_pin.sdp");
  struct Case {
    std::string offer;
    absl::StatusCode code;
    const char* message;
  };
  const Case cases[] = {
      {Replace(sipp, "m=audio 6000", "m=audio 0"), absl::StatusCode::kInvalidArgument,
       "no audio section"},
      {Replace(sipp, "m=audio 6000 RTP/AVP 0 101", "m=video 6000 RTP/AVP 0 101"),
       absl::StatusCode::kInvalidArgument, "no audio section"},
      {Replace(sipp, "c=IN IP4 127.0.0.1", "c=IN IP4 pbx.example.com"),
       absl::StatusCode::kInvalidArgument, "pbx.example.com"},
      {Replace(sipp, "c=IN IP4 127.0.0.1\r\n", ""), absl::StatusCode::kInvalidArgument, "no c="},
      {"v=0\r\nthis is not SDP\r\n", absl::StatusCode::kInvalidArgument, "SDP line"},
      {"v=0\r\n" + std::string(sdp::kMaxSdpBytes, 'x'), absl::StatusCode::kResourceExhausted, ""},
  };
  for (const Case& c : cases) {
    absl::StatusOr<PlainRtpNegotiated> n = NegotiatePlainRtpOffer(c.offer, Local());
    EXPECT_EQ(n.status().code(), c.code) << c.offer.substr(0, 200);
    EXPECT_THAT(n.status().message(), HasSubstr(c.message));
  }
}

TEST(PlainRtpSdpTest, BadLocalParametersAreRefused) {
  PlainRtpLocal local = Local();
  local.codecs = {Codec::kL16};
  EXPECT_EQ(NegotiatePlainRtpOffer(ReadFixture("sipp_uac_pin.sdp"), local).status().code(),
            absl::StatusCode::kInvalidArgument);
  local.codecs = {};
  EXPECT_EQ(BuildPlainRtpOffer(local).status().code(), absl::StatusCode::kInvalidArgument);
  local.codecs = {Codec::kPcmu, Codec::kPcmu};
  EXPECT_EQ(BuildPlainRtpOffer(local).status().code(), absl::StatusCode::kInvalidArgument);
}

// --- our offer ---------------------------------------------------------------

TEST(PlainRtpSdpTest, OurOfferListsOurCodecsAndTelephoneEventAtBothClocks) {
  absl::StatusOr<PlainRtpOffer> offer = BuildPlainRtpOffer(Local());
  ASSERT_TRUE(offer.ok()) << offer.status();
  EXPECT_THAT(offer->text, HasSubstr("m=audio 30000 RTP/AVP 111 9 0 8 101 110\r\n"));
  EXPECT_THAT(offer->text, HasSubstr("a=rtpmap:111 opus/48000/2\r\n"));
  EXPECT_THAT(offer->text, HasSubstr("a=rtpmap:9 G722/8000\r\n"));
  EXPECT_THAT(offer->text, HasSubstr("a=rtpmap:101 telephone-event/8000\r\n"));
  EXPECT_THAT(offer->text, HasSubstr("a=rtpmap:110 telephone-event/48000\r\n"));
  EXPECT_THAT(offer->text, HasSubstr("a=fmtp:101 0-15\r\n"));
  EXPECT_THAT(offer->text, HasSubstr("a=sendrecv\r\n"));
  EXPECT_THAT(offer->text, HasSubstr("a=rtcp-mux\r\n"));
  EXPECT_THAT(offer->text, HasSubstr("a=ptime:20\r\n"));
  ASSERT_TRUE(sdp::ParseSdp(offer->text).ok());

  // Answered by ourselves: the offerer's first codec with a DTMF path.
  PlainRtpNegotiated n = Negotiate(offer->text);
  EXPECT_EQ(n.params.codec, Codec::kOpus);
  EXPECT_EQ(n.params.telephone_event_pt, 110);
  EXPECT_TRUE(n.params.rtcp_mux);
}

TEST(PlainRtpSdpTest, PeerAnswerToOurOffer) {
  PlainRtpLocal local = Local();
  absl::StatusOr<PlainRtpOffer> offer = BuildPlainRtpOffer(local);
  ASSERT_TRUE(offer.ok());
  // A phone answers PCMU with telephone-event, without rtcp-mux.
  const std::string answer =
      "v=0\r\no=phone 7 7 IN IP4 192.0.2.30\r\ns=-\r\nc=IN IP4 192.0.2.30\r\nt=0 0\r\n"
      "m=audio 9000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
      "a=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n";
  absl::StatusOr<PlainRtpParams> p = ApplyPlainRtpAnswer(*offer, answer, local);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->codec, Codec::kPcmu);
  EXPECT_EQ(p->payload_type, 0);
  EXPECT_EQ(p->telephone_event_pt, 101);
  EXPECT_EQ(p->remote_rtp, Ep("192.0.2.30", 9000));
  EXPECT_EQ(p->remote_rtcp, Ep("192.0.2.30", 9001));
  EXPECT_FALSE(p->rtcp_mux);
  EXPECT_EQ(p->direction, Direction::kSendRecv);
  EXPECT_EQ(p->local_ssrc, local.ssrc);

  // With rtcp-mux and the answerer holding us.
  p = ApplyPlainRtpAnswer(
      *offer, Replace(answer, "a=sendrecv", "a=sendonly\r\na=rtcp-mux"), local);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->rtcp_mux);
  EXPECT_FALSE(p->remote_rtcp.has_value());
  EXPECT_EQ(p->direction, Direction::kRecvOnly);
}

TEST(PlainRtpSdpTest, BadAnswersAreRefused) {
  PlainRtpLocal local = Local();
  absl::StatusOr<PlainRtpOffer> offer = BuildPlainRtpOffer(local);
  ASSERT_TRUE(offer.ok());
  const std::string answer =
      "v=0\r\no=phone 7 7 IN IP4 192.0.2.30\r\ns=-\r\nc=IN IP4 192.0.2.30\r\nt=0 0\r\n"
      "m=audio 9000 RTP/AVP 0\r\n";
  struct Case {
    std::string answer;
    const char* message;
  };
  const Case cases[] = {
      {Replace(answer, "9000", "0"), "rejected"},
      {Replace(answer, "RTP/AVP 0", "RTP/AVP 18"), "G729/8000"},
      {Replace(answer, "RTP/AVP 0", "RTP/AVP 96\r\na=rtpmap:96 PCMU/8000"), "PCMU/8000"},
      {Replace(answer, "RTP/AVP", "RTP/SAVP"), "RTP/SAVP"},
      {answer + "m=video 0 RTP/AVP 96\r\n", "2 m= sections"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<PlainRtpParams> p = ApplyPlainRtpAnswer(*offer, c.answer, local);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << c.answer;
    EXPECT_THAT(p.status().message(), HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace konfero::plain_rtp
