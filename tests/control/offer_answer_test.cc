// Tests of control/offer_answer.h: our answers to real offers (aiortc,
// Chromium) and the PeerSetup read from them, SSRCs kept across a
// renegotiation, offers refused, and the reverse direction (our offer, the
// peer's answer).
#include "control/offer_answer.h"

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/sdp/negotiation.h"

namespace konfero::control {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

constexpr char kOurFingerprint[] =
    "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:"
    "88:99";
constexpr char kChromiumFingerprint[] =
    "7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:"
    "19:08";
constexpr char kAiortcFingerprint[] =
    "9C:DB:9D:6B:D4:F6:5E:00:BA:00:6B:4A:60:B3:70:65:51:B9:E5:78:1A:CF:5C:91:DE:82:AB:7B:B2:FC:"
    "DF:E2";
constexpr uint32_t kAudioSsrc = 0x11223344;

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(KONFERO_SDP_FIXTURES) + "/" + name, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  EXPECT_FALSE(buffer.str().empty()) << name;
  return buffer.str();
}

LocalParams Local() {
  LocalParams local;
  local.ice = {"srvA", "serverPassword+0123456/"};
  local.fingerprint_sha256 = kOurFingerprint;
  local.candidates = {*net::IpEndpoint::Parse("198.51.100.10", 40000)};
  local.audio_ssrc = kAudioSsrc;
  local.cname = "konfero-cname";
  return local;
}

// The lines of an SDP text, without their CRLF.
std::vector<std::string_view> Lines(std::string_view sdp) {
  std::vector<std::string_view> lines;
  while (!sdp.empty()) {
    const size_t end = sdp.find("\r\n");
    lines.push_back(sdp.substr(0, end));
    sdp.remove_prefix(end == std::string_view::npos ? sdp.size() : end + 2);
  }
  return lines;
}

// `sdp` without the lines that start with `prefix`.
std::string WithoutLines(std::string_view sdp, std::string_view prefix) {
  std::string out;
  for (std::string_view line : Lines(sdp)) {
    if (line.starts_with(prefix)) continue;
    out.append(line);
    out.append("\r\n");
  }
  return out;
}

int CountLines(std::string_view sdp, std::string_view line) {
  int n = 0;
  for (std::string_view l : Lines(sdp)) n += l == line;
  return n;
}

sdp::SessionDescription Parse(std::string_view text) {
  absl::StatusOr<sdp::SessionDescription> d = sdp::ParseSdp(text);
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? *std::move(d) : sdp::SessionDescription{};
}

// Every accepted section of our answer carries our ICE credentials,
// fingerprint, host candidate and the DTLS role.
void ExpectOurTransport(const std::string& answer, std::string_view setup, int sections) {
  EXPECT_EQ(CountLines(answer, "a=ice-lite"), 1);
  EXPECT_EQ(CountLines(answer, "a=ice-ufrag:srvA"), sections);
  EXPECT_EQ(CountLines(answer, "a=ice-pwd:serverPassword+0123456/"), sections);
  EXPECT_EQ(CountLines(answer, absl::StrCat("a=fingerprint:sha-256 ", kOurFingerprint)), sections);
  EXPECT_EQ(CountLines(answer, std::string("a=setup:").append(setup)), sections);
  EXPECT_THAT(answer, HasSubstr("198.51.100.10 40000 typ host"));
  EXPECT_THAT(answer, Not(HasSubstr("a=setup:actpass")));
}

TEST(NegotiateOfferTest, AnswersChromiumAndReadsItsSetup) {
  const std::string offer = ReadFixture("chromium_offer.sdp");
  absl::StatusOr<Negotiated> n = NegotiateOffer(offer, Local());
  ASSERT_TRUE(n.ok()) << n.status();
  ExpectOurTransport(n->answer, "passive", 4);
  // The mix goes out with our SSRC on the audio section.
  EXPECT_THAT(n->answer, HasSubstr(absl::StrCat("a=ssrc:", kAudioSsrc, " cname:konfero-cname")));
  const sdp::SessionDescription answer = Parse(n->answer);
  EXPECT_TRUE(sdp::ValidateAnswer(Parse(offer), answer).ok());

  const PeerSetup& setup = n->setup;
  EXPECT_EQ(setup.local_ice, (stun::IceCredentials{"srvA", "serverPassword+0123456/"}));
  EXPECT_EQ(setup.remote_ice, (stun::IceCredentials{"8hhY", "asd88fgpdd777uzjYhagZg"}));
  EXPECT_EQ(setup.dtls.remote_fingerprint_algorithm, "sha-256");
  EXPECT_EQ(setup.dtls.remote_fingerprint, kChromiumFingerprint);
  // We answered passive: the browser is the DTLS client.
  EXPECT_EQ(setup.dtls.role, dtls::DtlsRole::kServer);
  EXPECT_TRUE(setup.has_audio);
  EXPECT_EQ(setup.audio.payload_type, 111);
  EXPECT_EQ(setup.audio.audio_level_id, 1);
  EXPECT_EQ(setup.audio.send_ssrc, kAudioSsrc);
  EXPECT_TRUE(setup.has_data_channels);
  EXPECT_EQ(setup.sctp_remote_port, 5000);
  EXPECT_EQ(setup.sctp_remote_max_message_size, 262144u);

  // Video: mid 1 sends simulcast (the camera), mid 2 sends with an RTX
  // pair (the screen share) and also receives (a slot).
  const media::VideoParams& video = setup.video;
  ASSERT_EQ(video.publications.size(), 2u);
  EXPECT_EQ(video.publications[0].mid, "1");
  EXPECT_EQ(video.publications[0].source, VideoSource::kCamera);
  EXPECT_THAT(video.publications[0].rids, ElementsAre("q", "h", "f"));
  EXPECT_TRUE(video.publications[0].ssrcs.empty());
  EXPECT_EQ(video.publications[1].mid, "2");
  EXPECT_EQ(video.publications[1].source, VideoSource::kScreen);
  EXPECT_TRUE(video.publications[1].rids.empty());
  EXPECT_THAT(video.publications[1].ssrcs, ElementsAre(Pair(1466183283u, 3612098123u)));
  ASSERT_FALSE(video.publications[0].codecs.empty());
  EXPECT_EQ(video.publications[0].codecs[0].codec, video::VideoCodec::kVp8);
  EXPECT_EQ(video.publications[0].codecs[0].payload_type, 96);
  EXPECT_EQ(video.publications[0].codecs[0].rtx_payload_type, 97);

  ASSERT_EQ(video.slots.size(), 1u);
  EXPECT_EQ(video.slots[0].mid, "2");
  EXPECT_NE(video.slots[0].ssrc, 0u);
  EXPECT_NE(video.slots[0].rtx_ssrc, 0u);
  EXPECT_NE(video.slots[0].ssrc, video.slots[0].rtx_ssrc);
  EXPECT_THAT(n->answer, HasSubstr(absl::StrCat("a=ssrc-group:FID ", video.slots[0].ssrc, " ",
                                                video.slots[0].rtx_ssrc)));
  EXPECT_FALSE(video.slots[0].codecs.empty());

  EXPECT_EQ(video.extensions.mid, 4);
  EXPECT_EQ(video.extensions.rid, 10);
  EXPECT_EQ(video.extensions.repaired_rid, 11);
  EXPECT_EQ(video.extensions.abs_send_time, 2);
  EXPECT_EQ(video.extensions.transport_cc, 3);
  EXPECT_TRUE(video.transport_cc);
  EXPECT_TRUE(video.remb);
}

TEST(NegotiateOfferTest, AnswersAiortcAndReadsItsSetup) {
  const std::string offer = ReadFixture("aiortc_offer.sdp");
  absl::StatusOr<Negotiated> n = NegotiateOffer(offer, Local());
  ASSERT_TRUE(n.ok()) << n.status();
  ExpectOurTransport(n->answer, "passive", 3);
  EXPECT_TRUE(sdp::ValidateAnswer(Parse(offer), Parse(n->answer)).ok());

  const PeerSetup& setup = n->setup;
  // aiortc writes other ICE credentials in every section: the BUNDLE tag's count.
  EXPECT_EQ(setup.remote_ice, (stun::IceCredentials{"juQX", "CVvNyU9wNHStCwVVccf9yZ"}));
  EXPECT_EQ(setup.dtls.remote_fingerprint, kAiortcFingerprint);
  EXPECT_EQ(setup.dtls.role, dtls::DtlsRole::kServer);
  EXPECT_TRUE(setup.has_audio);
  EXPECT_EQ(setup.audio.payload_type, 96);
  EXPECT_EQ(setup.audio.audio_level_id, 2);
  EXPECT_EQ(setup.audio.send_ssrc, kAudioSsrc);
  // The legacy a=sctpmap form and its max-message-size.
  EXPECT_TRUE(setup.has_data_channels);
  EXPECT_EQ(setup.sctp_remote_port, 5000);
  EXPECT_EQ(setup.sctp_remote_max_message_size, 65536u);

  const media::VideoParams& video = setup.video;
  ASSERT_EQ(video.publications.size(), 1u);
  EXPECT_EQ(video.publications[0].mid, "1");
  EXPECT_EQ(video.publications[0].source, VideoSource::kCamera);
  EXPECT_THAT(video.publications[0].ssrcs, ElementsAre(Pair(1084708545u, 2194645173u)));
  ASSERT_EQ(video.slots.size(), 1u);
  EXPECT_EQ(video.slots[0].mid, "1");
  EXPECT_EQ(video.extensions.mid, 1);
  EXPECT_EQ(video.extensions.abs_send_time, 2);
  EXPECT_EQ(video.extensions.transport_cc, 0);
  EXPECT_FALSE(video.transport_cc);
  EXPECT_TRUE(video.remb);
}

TEST(NegotiateOfferTest, PassiveOfferMakesUsTheDtlsClient) {
  const std::string offer = absl::StrReplaceAll(ReadFixture("chromium_offer.sdp"),
                                                {{"a=setup:actpass", "a=setup:passive"}});
  absl::StatusOr<Negotiated> n = NegotiateOffer(offer, Local());
  ASSERT_TRUE(n.ok()) << n.status();
  ExpectOurTransport(n->answer, "active", 4);
  EXPECT_EQ(n->setup.dtls.role, dtls::DtlsRole::kClient);
}

TEST(NegotiateOfferTest, RenegotiationKeepsTheSlotsSsrcs) {
  const std::string offer = ReadFixture("chromium_offer.sdp");
  absl::StatusOr<Negotiated> first = NegotiateOffer(offer, Local());
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->setup.video.slots.size(), 1u);
  const media::VideoSlotParams slot = first->setup.video.slots[0];

  LocalParams local = Local();
  local.known_slots = first->setup.video.slots;
  absl::StatusOr<Negotiated> again = NegotiateOffer(offer, local);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->setup.video.slots.size(), 1u);
  EXPECT_EQ(again->setup.video.slots[0].ssrc, slot.ssrc);
  EXPECT_EQ(again->setup.video.slots[0].rtx_ssrc, slot.rtx_ssrc);
  EXPECT_THAT(again->answer,
              HasSubstr(absl::StrCat("a=ssrc-group:FID ", slot.ssrc, " ", slot.rtx_ssrc)));

  // A known slot without an RTX SSRC keeps its SSRC and gets a new RTX one.
  local.known_slots[0].rtx_ssrc = 0;
  absl::StatusOr<Negotiated> no_rtx = NegotiateOffer(offer, local);
  ASSERT_TRUE(no_rtx.ok()) << no_rtx.status();
  ASSERT_EQ(no_rtx->setup.video.slots.size(), 1u);
  EXPECT_EQ(no_rtx->setup.video.slots[0].ssrc, slot.ssrc);
  EXPECT_NE(no_rtx->setup.video.slots[0].rtx_ssrc, 0u);

  // Known slots of other mids do not leak into this one.
  local.known_slots[0].mid = "7";
  local.known_slots[0].ssrc = 4242;
  absl::StatusOr<Negotiated> other = NegotiateOffer(offer, local);
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_EQ(other->setup.video.slots.size(), 1u);
  EXPECT_NE(other->setup.video.slots[0].ssrc, 4242u);
}

TEST(NegotiateOfferTest, RefusesAnOfferWithoutFingerprint) {
  const std::string offer = WithoutLines(ReadFixture("chromium_offer.sdp"), "a=fingerprint:");
  absl::StatusOr<Negotiated> n = NegotiateOffer(offer, Local());
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument) << n.status();
}

TEST(NegotiateOfferTest, RefusesAnOfferWithoutRtcpMux) {
  const std::string offer = WithoutLines(ReadFixture("chromium_offer.sdp"), "a=rtcp-mux");
  absl::StatusOr<Negotiated> n = NegotiateOffer(offer, Local());
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument) << n.status();
  EXPECT_THAT(std::string(n.status().message()), HasSubstr("rtcp-mux"));
}

TEST(NegotiateOfferTest, RefusesGarbage) {
  for (std::string_view garbage :
       {std::string_view(""), std::string_view("hello world"),
        std::string_view("v=0\r\nm=audio\r\n"), std::string_view("\x01\x02\x03\xff", 4)}) {
    absl::StatusOr<Negotiated> n = NegotiateOffer(garbage, Local());
    EXPECT_FALSE(n.ok()) << garbage;
  }
}

TEST(NegotiateOfferTest, RefusesBadLocalCredentials) {
  LocalParams local = Local();
  local.ice.pwd = "short";
  absl::StatusOr<Negotiated> n = NegotiateOffer(ReadFixture("chromium_offer.sdp"), local);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument);
}

// ---- Our offer, the peer's answer ------------------------------------------------------

constexpr char kBrowserFingerprint[] =
    "0B:D3:E8:FF:0B:F2:2D:40:4A:73:13:FC:D1:F7:30:06:87:83:69:DC:A8:B2:6A:CA:ED:00:E7:63:9B:2B:"
    "59:A7";

// What a browser answers to BuildServerOffer's audio + data offer; `setup`,
// the audio payload types and rtcp-mux can be varied.
struct AnswerSpec {
  std::string setup = "active";
  std::string audio_formats = "111 0";
  std::string audio_rtpmaps = "a=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\n";
  bool rtcp_mux = true;
  bool data = true;
};

std::string BrowserAnswer(const AnswerSpec& spec = {}) {
  const std::string transport = absl::StrCat(
      "a=ice-ufrag:brw1\r\n"
      "a=ice-pwd:browserPassword0123456789\r\n"
      "a=fingerprint:sha-256 ",
      kBrowserFingerprint, "\r\n", "a=setup:", spec.setup, "\r\n");
  std::string answer = absl::StrCat(
      "v=0\r\n"
      "o=- 5309 2 IN IP4 127.0.0.1\r\n"
      "s=-\r\n"
      "t=0 0\r\n",
      spec.data ? "a=group:BUNDLE 0 1\r\n" : "a=group:BUNDLE 0\r\n", "m=audio 9 UDP/TLS/RTP/SAVPF ",
      spec.audio_formats, "\r\n", "c=IN IP4 0.0.0.0\r\n", transport,
      "a=mid:0\r\n"
      "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
      "a=sendrecv\r\n",
      spec.rtcp_mux ? "a=rtcp-mux\r\n" : "", spec.audio_rtpmaps,
      "a=ssrc:5551212 cname:browser\r\n");
  if (spec.data) {
    absl::StrAppend(&answer,
                    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
                    "c=IN IP4 0.0.0.0\r\n",
                    transport,
                    "a=mid:1\r\n"
                    "a=sctp-port:5001\r\n"
                    "a=max-message-size:131072\r\n");
  }
  return answer;
}

TEST(ServerOfferTest, OffersAudioAndDataWithOurTransport) {
  absl::StatusOr<ServerOffer> offer = BuildServerOffer(Local());
  ASSERT_TRUE(offer.ok()) << offer.status();
  EXPECT_EQ(CountLines(offer->text, "a=ice-ufrag:srvA"), 2);
  EXPECT_EQ(CountLines(offer->text, "a=setup:actpass"), 2);
  EXPECT_EQ(CountLines(offer->text, absl::StrCat("a=fingerprint:sha-256 ", kOurFingerprint)), 2);
  EXPECT_THAT(offer->text, HasSubstr(absl::StrCat("a=ssrc:", kAudioSsrc, " cname:konfero-cname")));
  ASSERT_EQ(offer->description.media.size(), 2u);
  EXPECT_EQ(offer->description.media[0].kind(), sdp::MediaKind::kAudio);
  EXPECT_EQ(offer->description.media[0].direction, sdp::Direction::kSendRecv);
  EXPECT_NE(offer->description.media[0].FindCodec(111), nullptr);
  EXPECT_EQ(offer->description.media[1].kind(), sdp::MediaKind::kApplication);
  // The text is what the description says.
  EXPECT_EQ(Parse(offer->text), offer->description);
}

TEST(ServerOfferTest, AnswerRoundTripGivesThePeerSetup) {
  absl::StatusOr<ServerOffer> offer = BuildServerOffer(Local());
  ASSERT_TRUE(offer.ok()) << offer.status();
  absl::StatusOr<PeerSetup> setup = ApplyAnswer(*offer, BrowserAnswer(), Local());
  ASSERT_TRUE(setup.ok()) << setup.status();
  EXPECT_EQ(setup->local_ice, Local().ice);
  EXPECT_EQ(setup->remote_ice, (stun::IceCredentials{"brw1", "browserPassword0123456789"}));
  EXPECT_EQ(setup->dtls.remote_fingerprint, kBrowserFingerprint);
  // We offered actpass and the peer is active: we are the DTLS server.
  EXPECT_EQ(setup->dtls.role, dtls::DtlsRole::kServer);
  EXPECT_TRUE(setup->has_audio);
  EXPECT_EQ(setup->audio.payload_type, 111);
  EXPECT_EQ(setup->audio.audio_level_id, 1);
  EXPECT_EQ(setup->audio.send_ssrc, kAudioSsrc);
  EXPECT_TRUE(setup->has_data_channels);
  EXPECT_EQ(setup->sctp_remote_port, 5001);
  EXPECT_EQ(setup->sctp_remote_max_message_size, 131072u);
}

TEST(ServerOfferTest, PassiveAnswerMakesUsTheDtlsClient) {
  absl::StatusOr<ServerOffer> offer = BuildServerOffer(Local());
  ASSERT_TRUE(offer.ok()) << offer.status();
  absl::StatusOr<PeerSetup> setup =
      ApplyAnswer(*offer, BrowserAnswer({.setup = "passive"}), Local());
  ASSERT_TRUE(setup.ok()) << setup.status();
  EXPECT_EQ(setup->dtls.role, dtls::DtlsRole::kClient);
}

TEST(ServerOfferTest, WrongAnswersAreRefused) {
  absl::StatusOr<ServerOffer> offer = BuildServerOffer(Local());
  ASSERT_TRUE(offer.ok()) << offer.status();
  const std::vector<std::pair<std::string, std::string>> wrong = {
      {"actpass in an answer", BrowserAnswer({.setup = "actpass"})},
      {"a payload type we did not offer",
       BrowserAnswer({.audio_formats = "96", .audio_rtpmaps = "a=rtpmap:96 opus/48000/2\r\n"})},
      {"no rtcp-mux", BrowserAnswer({.rtcp_mux = false})},
      {"a section missing", BrowserAnswer({.data = false})},
      {"no fingerprint", WithoutLines(BrowserAnswer(), "a=fingerprint:")},
      {"garbage", "this is not SDP"},
  };
  for (const auto& [what, answer] : wrong) {
    absl::StatusOr<PeerSetup> setup = ApplyAnswer(*offer, answer, Local());
    EXPECT_FALSE(setup.ok()) << what;
    if (!setup.ok()) {
      EXPECT_EQ(setup.status().code(), absl::StatusCode::kInvalidArgument)
          << what << ": " << setup.status();
    }
  }
}

}  // namespace
}  // namespace konfero::control
