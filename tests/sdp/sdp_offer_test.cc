// Server renegotiation offers and the check of the client's answer.
#include <map>
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
using testing::ServerOfferOptions;

SessionDescription Negotiated(const std::string& fixture) {
  absl::StatusOr<SessionDescription> offer = ParseSdp(ReadFixture(fixture));
  EXPECT_TRUE(offer.ok()) << offer.status();
  absl::StatusOr<SessionDescription> answer = BuildAnswer(*offer, ServerAnswerOptions());
  EXPECT_TRUE(answer.ok()) << answer.status();
  return *answer;
}

// The client's side: its own credentials, answering whatever we offer.
AnswerOptions ClientOptions() {
  AnswerOptions options = ServerAnswerOptions();
  options.ice_ufrag = "cli1";
  options.ice_pwd = "clientPassword0123456789";
  return options;
}

// Every payload type means one codec across the whole BUNDLE.
void ExpectConsistentPayloadTypes(const SessionDescription& sdp) {
  std::map<uint8_t, std::string> seen;
  for (const MediaDescription& m : sdp.media) {
    if (m.is_rejected()) continue;
    for (const Codec& c : m.codecs) {
      std::string id = c.name + "/" + std::to_string(c.clock_rate);
      for (const Param& p : c.fmtp) id += ";" + p.key + "=" + p.value;
      auto [it, inserted] = seen.emplace(c.payload_type, id);
      EXPECT_EQ(it->second, id) << "payload type " << int{c.payload_type};
    }
  }
}

TEST(SdpOffer, RenegotiationAddsAndRemovesSections) {
  const SessionDescription current = Negotiated("chromium_offer.sdp");
  OfferOptions options = ServerOfferOptions();
  options.setup = SetupRole::kPassive;
  const OfferSection sections[] = {
      {"0", MediaKind::kAudio, Direction::kSendRecv, false, std::nullopt},
      {"1", MediaKind::kVideo, Direction::kRecvOnly, false, std::nullopt},
      {"2", MediaKind::kVideo, Direction::kInactive, true, std::nullopt},
      {"3", MediaKind::kApplication, Direction::kSendRecv, false, std::nullopt},
      {"4", MediaKind::kVideo, Direction::kSendOnly, false,
       LocalTrack{"peer-b", "peer-b-cam", "cname-b", 0x11111111, 0x22222222}},
      {"5", MediaKind::kAudio, Direction::kSendOnly, false,
       LocalTrack{"peer-b", "peer-b-mic", "cname-b", 0x33333333, std::nullopt}},
  };
  absl::StatusOr<SessionDescription> offer = BuildOffer(sections, options, &current);
  ASSERT_TRUE(offer.ok()) << offer.status();
  EXPECT_EQ(offer->origin.session_id, current.origin.session_id);
  EXPECT_EQ(offer->origin.session_version, current.origin.session_version + 1);
  EXPECT_TRUE(offer->ice_lite);
  ASSERT_EQ(offer->media.size(), 6u);
  std::vector<std::string> mids;
  for (const MediaDescription& m : offer->media) mids.push_back(m.mid);
  EXPECT_THAT(mids, ElementsAre("0", "1", "2", "3", "4", "5"));
  EXPECT_THAT(offer->BundleGroup()->mids, ElementsAre("0", "1", "3", "4", "5"));

  EXPECT_EQ(offer->media[2].port, 0);
  EXPECT_TRUE(offer->media[2].candidates.empty());
  EXPECT_EQ(offer->media[0].codecs, current.media[0].codecs);
  EXPECT_EQ(offer->media[1].extmaps, current.media[1].extmaps);
  EXPECT_EQ(offer->media[1].simulcast, current.media[1].simulcast);  // still receiving q;h;f
  EXPECT_EQ(offer->media[1].rids.size(), 3u);
  EXPECT_EQ(offer->media[0].transport.setup, SetupRole::kPassive);

  const MediaDescription& added = offer->media[4];
  EXPECT_EQ(added.direction, Direction::kSendOnly);
  EXPECT_EQ(added.codecs, current.media[1].codecs);  // payload types stay
  EXPECT_THAT(added.msids, ElementsAre(Msid{"peer-b", "peer-b-cam"}));
  ASSERT_EQ(added.ssrcs.size(), 2u);
  EXPECT_EQ(added.ssrcs[0].ssrc, 0x11111111u);
  EXPECT_EQ(added.ssrcs[1].cname, "cname-b");
  EXPECT_THAT(added.ssrc_groups, ElementsAre(SsrcGroup{"FID", {0x11111111, 0x22222222}}));
  EXPECT_TRUE(added.rtcp_mux);
  EXPECT_EQ(added.transport.ice_ufrag, "srvA");
  EXPECT_EQ(offer->media[5].codecs, current.media[0].codecs);
  ExpectConsistentPayloadTypes(*offer);

  // Round trip on the wire.
  absl::StatusOr<SessionDescription> reparsed = ParseSdp(SerializeSdp(*offer));
  ASSERT_TRUE(reparsed.ok()) << reparsed.status();
  EXPECT_EQ(*reparsed, *offer);

  // The browser's answer (simulated with the answer builder) passes.
  absl::StatusOr<SessionDescription> answer = BuildAnswer(*offer, ClientOptions());
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->media[0].transport.setup, SetupRole::kActive);
  EXPECT_EQ(answer->media[4].direction, Direction::kRecvOnly);
  EXPECT_EQ(answer->media[2].port, 0);
  EXPECT_TRUE(ValidateAnswer(*offer, *answer).ok()) << ValidateAnswer(*offer, *answer);
}

TEST(SdpOffer, MidsAndOrderMustStay) {
  const SessionDescription current = Negotiated("aiortc_offer.sdp");
  const OfferSection swapped[] = {
      {"1", MediaKind::kVideo, Direction::kSendRecv, false, std::nullopt},
      {"0", MediaKind::kAudio, Direction::kSendRecv, false, std::nullopt},
      {"2", MediaKind::kApplication, Direction::kSendRecv, false, std::nullopt},
  };
  absl::Status status = BuildOffer(swapped, ServerOfferOptions(), &current).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("mids and order must stay"));

  const OfferSection dropped[] = {
      {"0", MediaKind::kAudio, Direction::kSendRecv, false, std::nullopt}};
  EXPECT_EQ(BuildOffer(dropped, ServerOfferOptions(), &current).status().code(),
            absl::StatusCode::kFailedPrecondition);

  const OfferSection duplicate[] = {
      {"a", MediaKind::kAudio, Direction::kSendRecv, false, std::nullopt},
      {"a", MediaKind::kVideo, Direction::kSendRecv, false, std::nullopt}};
  EXPECT_EQ(BuildOffer(duplicate, ServerOfferOptions()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SdpOffer, FreshOfferUsesPreferredNumbers) {
  const OfferSection sections[] = {
      {"a", MediaKind::kAudio, Direction::kSendOnly, false, std::nullopt},
      {"v", MediaKind::kVideo, Direction::kSendOnly, false, std::nullopt},
      {"d", MediaKind::kApplication, Direction::kSendRecv, false, std::nullopt},
  };
  absl::StatusOr<SessionDescription> offer = BuildOffer(sections, ServerOfferOptions());
  ASSERT_TRUE(offer.ok()) << offer.status();
  EXPECT_EQ(offer->media[0].transport.setup, SetupRole::kActpass);
  EXPECT_EQ(offer->media[0].codecs[0].payload_type, 111);
  EXPECT_EQ(offer->media[0].codecs[0].name, "opus");
  EXPECT_EQ(offer->media[1].codecs[0].payload_type, 96);
  EXPECT_EQ(offer->media[1].codecs[1].RtxApt(), 96);
  EXPECT_EQ(offer->media[2].sctp_port, 5000);
  ExpectConsistentPayloadTypes(*offer);
  absl::StatusOr<SessionDescription> answer = BuildAnswer(*offer, ClientOptions());
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->media[1].codecs.size(), offer->media[1].codecs.size());
  EXPECT_TRUE(ValidateAnswer(*offer, *answer).ok()) << ValidateAnswer(*offer, *answer);
}

TEST(SdpOffer, NewKindAvoidsNegotiatedPayloadTypes) {
  // aiortc put opus on 96, where konfero would put VP8.
  SessionDescription current = Negotiated("aiortc_offer.sdp");
  current.media.resize(1);
  const OfferSection sections[] = {
      {"0", MediaKind::kAudio, Direction::kSendRecv, false, std::nullopt},
      {"9", MediaKind::kVideo, Direction::kSendOnly, false, std::nullopt},
  };
  absl::StatusOr<SessionDescription> offer = BuildOffer(sections, ServerOfferOptions(), &current);
  ASSERT_TRUE(offer.ok()) << offer.status();
  EXPECT_NE(offer->media[1].codecs[0].payload_type, 96);
  ExpectConsistentPayloadTypes(*offer);
}

TEST(SdpOffer, KeepsRejectedSectionsOfAnyKind) {
  // The client offered m=text; the server rejected it and keeps it rejected.
  SessionDescription offer = *ParseSdp(ReadFixture("aiortc_offer.sdp"));
  MediaDescription text;
  text.media = "text";
  text.codecs = {Codec{98, "t140", 1000, 0, {}, {}}};
  text.mid = "t";
  text.rtcp_mux = true;
  offer.media.push_back(text);
  const SessionDescription current = *BuildAnswer(offer, ServerAnswerOptions());
  ASSERT_EQ(current.media[3].port, 0);
  const OfferSection sections[] = {
      {"0", MediaKind::kAudio, Direction::kSendRecv, false, std::nullopt},
      {"1", MediaKind::kVideo, Direction::kSendRecv, false, std::nullopt},
      {"2", MediaKind::kApplication, Direction::kSendRecv, false, std::nullopt},
      {"t", MediaKind::kOther, Direction::kInactive, true, std::nullopt},
  };
  absl::StatusOr<SessionDescription> reoffer = BuildOffer(sections, ServerOfferOptions(), &current);
  ASSERT_TRUE(reoffer.ok()) << reoffer.status();
  EXPECT_EQ(reoffer->media[3].media, "text");
  EXPECT_EQ(reoffer->media[3].port, 0);
  // The legacy SCTP form negotiated with aiortc stays.
  EXPECT_EQ(reoffer->media[2].protocol, "DTLS/SCTP");
  EXPECT_TRUE(reoffer->media[2].sctpmap.has_value());
}

TEST(SdpOffer, BundledPortZeroSectionsInAnAnswerAreAccepted) {
  const OfferSection sections[] = {
      {"a", MediaKind::kAudio, Direction::kSendOnly, false, std::nullopt},
      {"v", MediaKind::kVideo, Direction::kSendOnly, false, std::nullopt},
  };
  const SessionDescription offer = *BuildOffer(sections, ServerOfferOptions());
  SessionDescription answer = *BuildAnswer(offer, ClientOptions());
  // An RFC 8843 answerer may leave only the tag with a port and transport.
  answer.media[1].port = 0;
  answer.media[1].transport = {};
  answer.media[1].candidates.clear();
  EXPECT_TRUE(ValidateAnswer(offer, answer).ok()) << ValidateAnswer(offer, answer);
  answer.media[1].codecs[0].payload_type = 77;  // still checked
  EXPECT_FALSE(ValidateAnswer(offer, answer).ok());
}

TEST(SdpOffer, ValidateAnswerCatchesBadAnswers) {
  const OfferSection sections[] = {
      {"a", MediaKind::kAudio, Direction::kSendOnly, false, std::nullopt},
      {"v", MediaKind::kVideo, Direction::kSendOnly, false, std::nullopt},
  };
  OfferOptions options = ServerOfferOptions();
  options.setup = SetupRole::kPassive;
  const SessionDescription offer = *BuildOffer(sections, options);
  const SessionDescription good = *BuildAnswer(offer, ClientOptions());
  ASSERT_TRUE(ValidateAnswer(offer, good).ok()) << ValidateAnswer(offer, good);

  SessionDescription bad = good;
  bad.media[0].codecs[0].payload_type = 77;
  EXPECT_THAT(ValidateAnswer(offer, bad).message(), HasSubstr("not offered"));
  bad = good;
  bad.media[1].mid = "x";
  EXPECT_FALSE(ValidateAnswer(offer, bad).ok());
  bad = good;
  bad.media.pop_back();
  EXPECT_FALSE(ValidateAnswer(offer, bad).ok());
  bad = good;
  bad.media[0].rtcp_mux = false;
  EXPECT_THAT(ValidateAnswer(offer, bad).message(), HasSubstr("rtcp-mux"));
  bad = good;
  bad.media[0].direction = Direction::kSendOnly;  // answering sendonly with sendonly
  EXPECT_FALSE(ValidateAnswer(offer, bad).ok());
  bad = good;
  for (MediaDescription& m : bad.media) m.transport.setup = SetupRole::kPassive;
  EXPECT_THAT(ValidateAnswer(offer, bad).message(), HasSubstr("setup"));
  bad = good;
  for (MediaDescription& m : bad.media) m.transport.ice_ufrag.reset();
  EXPECT_FALSE(ValidateAnswer(offer, bad).ok());
  bad = good;
  bad.media[1].extmaps.push_back(Extmap{14, std::nullopt, "urn:x", ""});
  EXPECT_FALSE(ValidateAnswer(offer, bad).ok());
}

}  // namespace
}  // namespace konfero::sdp
