// Tests of control/negotiation.h: ClassifyOffer tells a renegotiation from
// an ICE restart from a new transport.
#include "control/negotiation.h"

#include "gtest/gtest.h"

namespace konfero::control {
namespace {

constexpr RoomId kRoom{7};
constexpr RoomId kOtherRoom{8};
constexpr size_t kWorker = 1;
constexpr char kFingerprint[] = "AA:BB:CC";
constexpr char kUfrag[] = "brw1";

WebRtcNegotiation Existing() {
  WebRtcNegotiation n;
  n.audio_ssrc = 0x1234;
  n.local_ice = {"srvA", "serverPassword+0123456/"};
  n.remote_ufrag = kUfrag;
  n.remote_fingerprint = kFingerprint;
  return n;
}

TEST(ClassifyOfferTest, ParticipantWithoutALegGetsANewTransport) {
  EXPECT_EQ(ClassifyOffer(nullptr, kRoom, kWorker, kRoom, kWorker, kFingerprint, kUfrag),
            OfferCase::kNewTransport);
}

TEST(ClassifyOfferTest, SameFingerprintAndUfragIsARenegotiation) {
  const WebRtcNegotiation existing = Existing();
  EXPECT_EQ(ClassifyOffer(&existing, kRoom, kWorker, kRoom, kWorker, kFingerprint, kUfrag),
            OfferCase::kRenegotiation);
}

TEST(ClassifyOfferTest, SameFingerprintWithANewUfragIsAnIceRestart) {
  const WebRtcNegotiation existing = Existing();
  EXPECT_EQ(ClassifyOffer(&existing, kRoom, kWorker, kRoom, kWorker, kFingerprint, "brw2"),
            OfferCase::kIceRestart);
}

TEST(ClassifyOfferTest, NewFingerprintIsANewTransportWhateverTheUfrag) {
  const WebRtcNegotiation existing = Existing();
  EXPECT_EQ(ClassifyOffer(&existing, kRoom, kWorker, kRoom, kWorker, "DD:EE:FF", kUfrag),
            OfferCase::kNewTransport);
  EXPECT_EQ(ClassifyOffer(&existing, kRoom, kWorker, kRoom, kWorker, "DD:EE:FF", "brw2"),
            OfferCase::kNewTransport);
}

TEST(ClassifyOfferTest, AnotherRoomIsANewTransport) {
  const WebRtcNegotiation existing = Existing();
  EXPECT_EQ(ClassifyOffer(&existing, kRoom, kWorker, kOtherRoom, kWorker, kFingerprint, kUfrag),
            OfferCase::kNewTransport);
}

TEST(ClassifyOfferTest, AnotherWorkerIsANewTransport) {
  const WebRtcNegotiation existing = Existing();
  EXPECT_EQ(ClassifyOffer(&existing, kRoom, kWorker, kRoom, kWorker + 1, kFingerprint, kUfrag),
            OfferCase::kNewTransport);
}

TEST(ClassifyOfferTest, CasesHaveNamesForLogs) {
  EXPECT_EQ(ToString(OfferCase::kNewTransport), "new transport");
  EXPECT_EQ(ToString(OfferCase::kRenegotiation), "renegotiation");
  EXPECT_EQ(ToString(OfferCase::kIceRestart), "ICE restart");
}

}  // namespace
}  // namespace konfero::control
