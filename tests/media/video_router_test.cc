// Tests of media/video_router.h: the SFU of one room, driven through fake
// peer transports (video_router_harness.h) on synthetic time. Each test
// reads back what the peers were sent: rewritten RTP, RTCP feedback to the
// publishers, and the "control" messages naming who fills which slot.
// Simulcast is in video_router_simulcast_test.cc.
#include "media/video_router.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "media/video_router_fixture.h"
#include "media/video_router_harness.h"

namespace konfero::media {
namespace {

using ::konfero::media::testing::FakeVideoPeer;
using ::konfero::media::testing::kFrameUs;
using ::konfero::media::testing::kSlotRtx;
using ::konfero::media::testing::kSlotVp8;
using ::konfero::media::testing::On;
using ::konfero::media::testing::PeerVideo;
using ::konfero::media::testing::Received;
using ::konfero::media::testing::SequenceNumbers;
using ::konfero::media::testing::SourceSequenceNumbers;
using ::konfero::media::testing::VideoRouterTest;
using ::konfero::media::testing::Vp8Source;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

// --- Slot assignment ---------------------------------------------------------

TEST_F(VideoRouterTest, EachPeerSeesTheOtherTwoPublishers) {
  FakeVideoPeer& a = Add(PeerVideo(1).Camera(0xA1, 0xA2).Slots(2, 0xA100).Build());
  FakeVideoPeer& b = Add(PeerVideo(2).Camera(0xB1, 0xB2).Slots(2, 0xB100).Build());
  FakeVideoPeer& c = Add(PeerVideo(3).Camera(0xC1, 0xC2).Slots(2, 0xC100).Build());
  Vp8Source camera_a({.ssrc = 0xA1, .tag = 1});
  Vp8Source camera_b({.ssrc = 0xB1, .tag = 2});
  Vp8Source camera_c({.ssrc = 0xC1, .tag = 3});
  Send(a, camera_a.Delta());
  Send(b, camera_b.Delta());
  Send(c, camera_c.Delta());
  Tick();

  EXPECT_THAT(a.ShownParticipants(), UnorderedElementsAre(2, 3));
  EXPECT_THAT(b.ShownParticipants(), UnorderedElementsAre(1, 3));
  EXPECT_THAT(c.ShownParticipants(), UnorderedElementsAre(1, 2));
  for (const FakeVideoPeer* peer : {&a, &b, &c}) {
    EXPECT_THAT(peer->ShownSources(), Each("camera"));
    ASSERT_THAT(peer->Control("video-slots"), SizeIs(1));
    EXPECT_EQ(peer->Control("video-slots")[0]["slots"][0]["mid"], "s0");
    EXPECT_EQ(peer->Control("video-slots")[0]["slots"][1]["mid"], "s1");
  }

  // The video follows the message: each slot gets the publisher it names.
  Send(a, camera_a.Keyframe());
  Send(b, camera_b.Keyframe());
  Send(c, camera_c.Keyframe());
  for (const FakeVideoPeer* peer : {&a, &b, &c}) {
    const std::vector<uint64_t> shown = peer->ShownParticipants();
    const uint32_t first_slot = peer->setup().video.slots[0].ssrc;
    for (size_t i = 0; i < shown.size(); ++i) {
      const std::vector<Received> got = On(*peer, first_slot + 2 * static_cast<uint32_t>(i));
      ASSERT_THAT(got, SizeIs(1)) << "peer " << ToInt(peer->id()) << " slot " << i;
      EXPECT_EQ(got[0].source_tag, shown[i]);
    }
    EXPECT_THAT(peer->ReceivedRtp(), SizeIs(2));
  }
}

TEST_F(VideoRouterTest, RemovedPublishersSlotIsFreedThenRefilled) {
  FakeVideoPeer& viewer = Add(PeerVideo(1).Slots(2, 0xA100).Build());
  FakeVideoPeer& b = Add(PeerVideo(2).Camera(0xB1, 0xB2).Build());
  Add(PeerVideo(3).Camera(0xC1, 0xC2).Build());
  Tick();
  EXPECT_THAT(viewer.ShownParticipants(), ElementsAre(2, 3));  // in the order they came

  router_.RemovePeer(b.id());
  Tick();
  // The viewer learns that the slot is empty, and the other one stays put.
  EXPECT_THAT(viewer.ShownParticipants(), ElementsAre(0, 3));

  FakeVideoPeer& d = Add(PeerVideo(4).Camera(0xD1, 0xD2).Build());
  Vp8Source camera_d({.ssrc = 0xD1, .tag = 4});
  StartForwarding(d, camera_d);
  EXPECT_THAT(viewer.ShownParticipants(), ElementsAre(4, 3));
  const std::vector<Received> got = On(viewer, 0xA100);
  ASSERT_THAT(got, SizeIs(1));
  EXPECT_EQ(got[0].source_tag, 4);
}

TEST_F(VideoRouterTest, PeerOnHoldGetsNoVideoAndItsCameraGoesToNobody) {
  FakeVideoPeer& a = Add(PeerVideo(1).Camera(0xA1, 0xA2).Slots(2, 0xA100).Build());
  FakeVideoPeer& b = Add(PeerVideo(2).Camera(0xB1, 0xB2).Slots(2, 0xB100).Build());
  FakeVideoPeer& c = Add(PeerVideo(3).Camera(0xC1, 0xC2).Slots(2, 0xC100).Build());
  Vp8Source camera_a({.ssrc = 0xA1, .tag = 1});
  Vp8Source camera_c({.ssrc = 0xC1, .tag = 3});
  Send(a, camera_a.Delta());
  Send(c, camera_c.Delta());
  Tick();
  Send(a, camera_a.Keyframe());
  Send(c, camera_c.Keyframe());
  ASSERT_THAT(On(b, 0xB100), SizeIs(1));  // a's camera
  ASSERT_THAT(On(b, 0xB102), SizeIs(1));  // c's camera

  router_.SetOnHold(c.id(), true);
  Tick();
  EXPECT_THAT(c.ShownParticipants(), ElementsAre(0, 0));
  EXPECT_THAT(a.ShownParticipants(), ElementsAre(2, 0));
  EXPECT_THAT(b.ShownParticipants(), ElementsAre(1, 0));

  for (FakeVideoPeer* peer : {&a, &b, &c}) peer->Clear();
  Send(a, camera_a.Delta());
  Send(a, camera_a.Keyframe());
  Send(c, camera_c.Keyframe());
  Send(c, camera_c.Delta());
  EXPECT_THAT(c.ReceivedRtp(), IsEmpty());
  EXPECT_THAT(a.ReceivedRtp(), IsEmpty());
  const std::vector<Received> at_b = b.ReceivedRtp();
  ASSERT_THAT(at_b, SizeIs(2));
  EXPECT_THAT(at_b, Each(::testing::Field(&Received::source_tag, 1)));

  // Back from hold: c sees both others again and is seen.
  router_.SetOnHold(c.id(), false);
  Tick();
  EXPECT_THAT(c.ShownParticipants(), ElementsAre(1, 2));
  EXPECT_THAT(a.ShownParticipants(), ElementsAre(2, 3));
}

TEST_F(VideoRouterTest, ScreenShareTakesTheOnlySlotBeforeACamera) {
  FakeVideoPeer& viewer = Add(PeerVideo(1).Slots(1, 0xA100).Build());
  Add(PeerVideo(2).Camera(0xB1, 0xB2).Build());
  Tick();
  EXPECT_THAT(viewer.ShownParticipants(), ElementsAre(2));
  EXPECT_THAT(viewer.ShownSources(), ElementsAre("camera"));

  FakeVideoPeer& presenter =
      Add(PeerVideo(3).Camera(0xC1, 0xC2).Screen(0xC3, 0xC4).Build());
  Vp8Source screen({.ssrc = 0xC3, .tag = 33});
  StartForwarding(presenter, screen);
  EXPECT_THAT(viewer.ShownParticipants(), ElementsAre(3));
  EXPECT_THAT(viewer.ShownSources(), ElementsAre("screen"));
  const std::vector<Received> got = On(viewer, 0xA100);
  ASSERT_THAT(got, SizeIs(1));
  EXPECT_EQ(got[0].source_tag, 33);
}

// --- Rewriting ---------------------------------------------------------------

TEST_F(VideoRouterTest, ForwardsOnTheSlotsSsrcAndPayloadType) {
  FakeVideoPeer& publisher = Add(PeerVideo(1).Camera(0xA1, 0xA2).Build());
  FakeVideoPeer& viewer = Add(PeerVideo(2).Slots(1, 0xB100).Build());
  Vp8Source camera({.ssrc = 0xA1, .first_sequence_number = 5000, .first_timestamp = 777'000,
                    .first_picture_id = 1234, .tag = 1});
  StartForwarding(publisher, camera);  // delta 5000 (dropped), keyframe 5001
  Send(publisher, camera.Continuation());
  Send(publisher, camera.Delta());

  const std::vector<Received> got = viewer.ReceivedRtp();
  ASSERT_THAT(got, SizeIs(3));
  for (const Received& r : got) {
    EXPECT_EQ(r.ssrc, 0xB100u);
    EXPECT_EQ(r.payload_type, kSlotVp8);
    EXPECT_FALSE(r.retransmission);
    // Placeholders the transport stamps when it sends.
    EXPECT_TRUE(r.has_abs_send_time);
    EXPECT_TRUE(r.has_transport_cc);
  }
  // The first source keeps its own numbers.
  EXPECT_THAT(SequenceNumbers(got), ElementsAre(5001, 5002, 5003));
  EXPECT_THAT(SourceSequenceNumbers(got), ElementsAre(5001, 5002, 5003));
  EXPECT_EQ(got[0].timestamp, 780'000u);
  EXPECT_EQ(got[1].timestamp, 780'000u);
  EXPECT_EQ(got[2].timestamp, 783'000u);
  EXPECT_EQ(got[0].picture_id, 1235);
  EXPECT_EQ(got[2].picture_id, 1236);
}

TEST_F(VideoRouterTest, SequenceNumbersContinueAcrossAPublisherReconnect) {
  FakeVideoPeer& first = Add(PeerVideo(1).Camera(0xA1, 0xA2).Build());
  FakeVideoPeer& viewer = Add(PeerVideo(2).Slots(1, 0xB100).Build());
  Vp8Source before({.ssrc = 0xA1, .first_sequence_number = 1000, .tag = 1});
  StartForwarding(first, before);
  for (int i = 0; i < 3; ++i) Send(first, before.Delta());
  const std::vector<Received> old = On(viewer, 0xB100);
  ASSERT_THAT(old, SizeIs(4));
  const Received last = old.back();

  // The same participant comes back on a new transport with new SSRCs and
  // its own numbering.
  router_.RemovePeer(first.id());
  FakeVideoPeer& again = Add(PeerVideo(1).Camera(0xE1, 0xE2).Build());
  Vp8Source after({.ssrc = 0xE1, .first_sequence_number = 40000, .first_timestamp = 5'000'000,
                   .first_picture_id = 20000, .tag = 2});
  viewer.Clear();
  Send(again, after.Delta());
  now_ += 100'000;
  Tick();
  EXPECT_EQ(again.PliCount(), 1);  // the keyframe wait asks for one
  Send(again, after.Delta());      // not a keyframe: still waiting
  Send(again, after.Continuation());
  EXPECT_THAT(viewer.ReceivedRtp(), IsEmpty());

  Send(again, after.Keyframe());
  Send(again, after.Continuation());
  Send(again, after.Delta());
  const std::vector<Received> got = viewer.ReceivedRtp();
  ASSERT_THAT(got, SizeIs(3));
  EXPECT_THAT(got, Each(::testing::Field(&Received::ssrc, 0xB100u)));
  EXPECT_THAT(got, Each(::testing::Field(&Received::source_tag, 2)));
  EXPECT_EQ(got[0].sequence_number, static_cast<uint16_t>(last.sequence_number + 1));
  EXPECT_EQ(got[1].sequence_number, static_cast<uint16_t>(last.sequence_number + 2));
  EXPECT_EQ(got[2].sequence_number, static_cast<uint16_t>(last.sequence_number + 3));
  EXPECT_GT(got[0].timestamp, last.timestamp);
  EXPECT_EQ(got[0].picture_id, *last.picture_id + 1);
  EXPECT_EQ(got[2].picture_id, *last.picture_id + 2);
}

// --- Keyframe requests ---------------------------------------------------------

TEST_F(VideoRouterTest, TenSubscribersJoiningCauseOnePli) {
  FakeVideoPeer& publisher = Add(PeerVideo(1).Camera(0xA1, 0xA2).Build());
  Vp8Source camera({.ssrc = 0xA1, .tag = 1});
  Send(publisher, camera.Keyframe());
  Tick();
  Send(publisher, camera.Delta());

  std::vector<FakeVideoPeer*> viewers;
  for (uint32_t i = 0; i < 10; ++i) {
    viewers.push_back(&Add(PeerVideo(10 + i).Slots(1, 0x1000 * (i + 1)).Build()));
  }
  AllocateNow();
  EXPECT_EQ(publisher.PliCount(), 1);
  ASSERT_THAT(publisher.Plis(), SizeIs(1));
  EXPECT_EQ(publisher.Plis()[0].media_ssrc, 0xA1u);

  // Within the aggregator's interval (300 ms) the same keyframe serves all.
  for (int i = 0; i < 25; ++i) {
    Send(publisher, camera.Delta());
    Tick();
  }
  EXPECT_EQ(publisher.PliCount(), 1);
  for (const FakeVideoPeer* v : viewers) EXPECT_THAT(v->ReceivedRtp(), IsEmpty());

  Send(publisher, camera.Keyframe());
  for (const FakeVideoPeer* v : viewers) {
    ASSERT_THAT(v->ReceivedRtp(), SizeIs(1));
    EXPECT_EQ(v->ReceivedRtp()[0].ssrc, v->setup().video.slots[0].ssrc);
  }
  RunFor(1'000'000);
  EXPECT_EQ(publisher.PliCount(), 1);  // nobody waits any more
}

// --- NACK ----------------------------------------------------------------------

TEST_F(VideoRouterTest, NackIsAnsweredWithRtxFromTheSlotsHistory) {
  FakeVideoPeer& publisher = Add(PeerVideo(1).Camera(0xA1, 0xA2).Build());
  FakeVideoPeer& viewer = Add(PeerVideo(2).Slots(1, 0xB100).Build());
  Vp8Source camera({.ssrc = 0xA1, .first_sequence_number = 1000, .tag = 1});
  StartForwarding(publisher, camera);
  for (int i = 0; i < 4; ++i) Send(publisher, camera.Delta());
  const std::vector<Received> sent = viewer.ReceivedRtp();
  ASSERT_THAT(sent, SizeIs(5));
  const Received& lost = sent[2];

  viewer.Clear();
  router_.OnFeedback(viewer, rtp::Nack{0xB0B, 0xB100, {lost.sequence_number}}, now_);
  const std::vector<Received> got = viewer.ReceivedRtp();
  ASSERT_THAT(got, SizeIs(1));
  const Received& rtx = got[0];
  EXPECT_TRUE(rtx.retransmission);
  EXPECT_EQ(rtx.ssrc, 0xB101u);  // the slot's RTX SSRC
  EXPECT_EQ(rtx.payload_type, kSlotRtx);
  EXPECT_EQ(rtx.timestamp, lost.timestamp);
  ASSERT_EQ(rtx.payload.size(), lost.payload.size() + 2);
  EXPECT_EQ(rtx.payload[0] << 8 | rtx.payload[1], lost.sequence_number);  // OSN
  EXPECT_TRUE(std::equal(lost.payload.begin(), lost.payload.end(), rtx.payload.begin() + 2));
  EXPECT_THAT(publisher.Nacks(), IsEmpty());  // answered here, not upstream
}

TEST_F(VideoRouterTest, NackForAPacketNeverForwardedGoesUpstreamTranslated) {
  // A reconnect first, so the slot's numbers differ from the publisher's.
  FakeVideoPeer& first = Add(PeerVideo(1).Camera(0xA1, 0xA2).Build());
  FakeVideoPeer& viewer = Add(PeerVideo(2).Slots(1, 0xB100).Build());
  Vp8Source before({.ssrc = 0xA1, .first_sequence_number = 1000, .tag = 1});
  StartForwarding(first, before);
  Send(first, before.Delta());
  router_.RemovePeer(first.id());
  FakeVideoPeer& again = Add(PeerVideo(1).Camera(0xE1, 0xE2).Build());
  Vp8Source after({.ssrc = 0xE1, .first_sequence_number = 40000, .tag = 2});
  StartForwarding(again, after);  // 40000 dropped, 40001 forwarded
  Send(again, after.Delta());     // 40002
  const uint16_t lost = after.Lose();  // 40003 never arrives
  Send(again, after.Delta());     // 40004
  ASSERT_EQ(lost, 40003);

  const std::vector<Received> got = On(viewer, 0xB100);
  ASSERT_THAT(got, SizeIs(5));
  EXPECT_THAT(SourceSequenceNumbers(got), ElementsAre(1001, 1002, 40001, 40002, 40004));
  EXPECT_THAT(SequenceNumbers(got), ElementsAre(1001, 1002, 1003, 1004, 1006));

  viewer.Clear();
  router_.OnFeedback(viewer, rtp::Nack{0xB0B, 0xB100, {1005}}, now_);
  EXPECT_THAT(viewer.ReceivedRtp(), IsEmpty());  // nothing to resend
  const std::vector<rtp::Nack> upstream = again.Nacks();
  ASSERT_THAT(upstream, SizeIs(1));
  EXPECT_EQ(upstream[0].media_ssrc, 0xE1u);
  EXPECT_THAT(upstream[0].sequence_numbers, ElementsAre(40003));
  EXPECT_THAT(first.Nacks(), IsEmpty());
}

// --- Pause ---------------------------------------------------------------------

TEST_F(VideoRouterTest, PausedSubscriptionGetsNothingAndResumesAtAKeyframe) {
  FakeVideoPeer& publisher = Add(PeerVideo(1).Camera(0xA1, 0xA2).Build());
  FakeVideoPeer& viewer = Add(PeerVideo(2).Slots(1, 0xB100).Build());
  Vp8Source camera({.ssrc = 0xA1, .first_sequence_number = 1000, .tag = 1});
  StartForwarding(publisher, camera);
  Send(publisher, camera.Delta());
  const uint16_t last = On(viewer, 0xB100).back().sequence_number;

  ASSERT_TRUE(router_.SetSubscription(viewer.id(), "s0", {.paused = true}).ok());
  viewer.Clear();
  publisher.Clear();
  for (int i = 0; i < 10; ++i) {
    Send(publisher, i == 5 ? camera.Keyframe() : camera.Delta());
    now_ += kFrameUs;
    router_.OnTimer(now_);
  }
  EXPECT_THAT(viewer.ReceivedRtp(), IsEmpty());
  EXPECT_EQ(publisher.PliCount(), 0);  // nobody wants the keyframes

  ASSERT_TRUE(router_.SetSubscription(viewer.id(), "s0", {.paused = false}).ok());
  for (int i = 0; i < 10; ++i) {
    Send(publisher, camera.Delta());
    now_ += kFrameUs;
    router_.OnTimer(now_);
  }
  EXPECT_THAT(viewer.ReceivedRtp(), IsEmpty());  // deltas: it needs a keyframe
  EXPECT_EQ(publisher.PliCount(), 1);

  Send(publisher, camera.Keyframe());
  Send(publisher, camera.Delta());
  const std::vector<Received> got = viewer.ReceivedRtp();
  ASSERT_THAT(got, SizeIs(2));
  // Numbered on from the pause: the frames skipped are no loss to NACK.
  EXPECT_THAT(SequenceNumbers(got), ElementsAre(static_cast<uint16_t>(last + 1),
                                                static_cast<uint16_t>(last + 2)));
}

TEST_F(VideoRouterTest, ResumingRightAfterPausingStillAsksForAKeyframe) {
  FakeVideoPeer& publisher = Add(PeerVideo(1).Camera(0xA1, 0xA2).Build());
  FakeVideoPeer& viewer = Add(PeerVideo(2).Slots(1, 0xB100).Build());
  Vp8Source camera({.ssrc = 0xA1, .tag = 1});
  StartForwarding(publisher, camera);
  RunFor(500'000);
  publisher.Clear();
  viewer.Clear();

  // No timer between the two: the allocation sees the same layer.
  ASSERT_TRUE(router_.SetSubscription(viewer.id(), "s0", {.paused = true}).ok());
  Send(publisher, camera.Delta());
  ASSERT_TRUE(router_.SetSubscription(viewer.id(), "s0", {.paused = false}).ok());
  for (int i = 0; i < 10; ++i) {
    Send(publisher, camera.Delta());
    now_ += kFrameUs;
    router_.OnTimer(now_);
  }
  EXPECT_THAT(viewer.ReceivedRtp(), IsEmpty());
  EXPECT_EQ(publisher.PliCount(), 1);
  Send(publisher, camera.Keyframe());
  EXPECT_THAT(viewer.ReceivedRtp(), SizeIs(1));
}

TEST_F(VideoRouterTest, PausedPublicationReachesNobodyUntilAKeyframeAfterResume) {
  FakeVideoPeer& publisher = Add(PeerVideo(1).Camera(0xA1, 0xA2).Build());
  FakeVideoPeer& b = Add(PeerVideo(2).Slots(1, 0xB100).Build());
  FakeVideoPeer& c = Add(PeerVideo(3).Slots(1, 0xC100).Build());
  Vp8Source camera({.ssrc = 0xA1, .tag = 1});
  StartForwarding(publisher, camera);
  ASSERT_THAT(b.ReceivedRtp(), SizeIs(1));
  ASSERT_THAT(c.ReceivedRtp(), SizeIs(1));
  const uint16_t last = b.ReceivedRtp().back().sequence_number;
  RunFor(500'000);

  ASSERT_TRUE(router_.SetPublicationPaused(publisher.id(), VideoSource::kCamera, true).ok());
  b.Clear();
  c.Clear();
  publisher.Clear();
  for (int i = 0; i < 10; ++i) {
    Send(publisher, i == 3 ? camera.Keyframe() : camera.Delta());
    now_ += kFrameUs;
    router_.OnTimer(now_);
  }
  EXPECT_THAT(b.ReceivedRtp(), IsEmpty());
  EXPECT_THAT(c.ReceivedRtp(), IsEmpty());

  ASSERT_TRUE(router_.SetPublicationPaused(publisher.id(), VideoSource::kCamera, false).ok());
  for (int i = 0; i < 10; ++i) {
    Send(publisher, camera.Delta());
    now_ += kFrameUs;
    router_.OnTimer(now_);
  }
  EXPECT_THAT(b.ReceivedRtp(), IsEmpty());
  EXPECT_THAT(c.ReceivedRtp(), IsEmpty());
  EXPECT_EQ(publisher.PliCount(), 1);

  Send(publisher, camera.Keyframe());
  for (const FakeVideoPeer* v : {&b, &c}) {
    ASSERT_THAT(v->ReceivedRtp(), SizeIs(1));
  }
  EXPECT_EQ(b.ReceivedRtp()[0].sequence_number, static_cast<uint16_t>(last + 1));
}

TEST_F(VideoRouterTest, SubscriptionAndPublicationErrors) {
  FakeVideoPeer& publisher = Add(PeerVideo(1).Camera(0xA1, 0xA2).Build());
  FakeVideoPeer& viewer = Add(PeerVideo(2).Slots(1, 0xB100).Build());
  EXPECT_EQ(router_.SetSubscription(viewer.id(), "nope", {}).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(router_.SetSubscription(ParticipantId{99}, "s0", {}).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(router_.SetSubscription(viewer.id(), "s0", {.max_width = -1}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(router_.SetPublicationPaused(viewer.id(), VideoSource::kCamera, true).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(router_.SetPublicationPaused(publisher.id(), VideoSource::kScreen, true).code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(router_.SetPublicationPaused(publisher.id(), VideoSource::kCamera, true).ok());
}

// --- Control messages --------------------------------------------------------------

TEST_F(VideoRouterTest, SubscribeMessagePausesAndResumes) {
  FakeVideoPeer& publisher = Add(PeerVideo(1).Camera(0xA1, 0xA2).Build());
  FakeVideoPeer& viewer = Add(PeerVideo(2).Slots(1, 0xB100).Build());
  Vp8Source camera({.ssrc = 0xA1, .tag = 1});
  StartForwarding(publisher, camera);
  ASSERT_THAT(viewer.ReceivedRtp(), SizeIs(1));

  router_.OnControlMessage(viewer, R"({"type":"subscribe","mid":"s0","paused":true})");
  viewer.Clear();
  Send(publisher, camera.Keyframe());
  Send(publisher, camera.Delta());
  EXPECT_THAT(viewer.ReceivedRtp(), IsEmpty());

  router_.OnControlMessage(viewer, R"({"type":"subscribe","mid":"s0","paused":false})");
  RunFor(400'000);
  Send(publisher, camera.Keyframe());
  EXPECT_THAT(viewer.ReceivedRtp(), SizeIs(1));
}

TEST_F(VideoRouterTest, PublishMessagePausesThePublication) {
  FakeVideoPeer& publisher = Add(PeerVideo(1).Camera(0xA1, 0xA2).Build());
  FakeVideoPeer& viewer = Add(PeerVideo(2).Slots(1, 0xB100).Build());
  Vp8Source camera({.ssrc = 0xA1, .tag = 1});
  StartForwarding(publisher, camera);
  router_.OnControlMessage(publisher, R"({"type":"publish","source":"camera","paused":true})");
  viewer.Clear();
  Send(publisher, camera.Keyframe());
  EXPECT_THAT(viewer.ReceivedRtp(), IsEmpty());
}

TEST_F(VideoRouterTest, MalformedControlMessagesAreIgnored) {
  FakeVideoPeer& publisher = Add(PeerVideo(1).Camera(0xA1, 0xA2).Build());
  FakeVideoPeer& viewer = Add(PeerVideo(2).Slots(1, 0xB100).Build());
  Vp8Source camera({.ssrc = 0xA1, .tag = 1});
  StartForwarding(publisher, camera);

  static constexpr char kWithNul[] = "{\"type\":\"subscribe\",\0\"mid\":\"s0\",\"paused\":true}";
  const std::string deep(100'000, '[');
  const std::vector<std::string> garbage = {
      "",
      "{",
      "not json",
      "[]",
      "null",
      "42",
      std::string(kWithNul, sizeof(kWithNul) - 1),
      "\xff\xfe\xfd",
      R"({"type":1})",
      R"({"type":null,"mid":"s0","paused":true})",
      R"({"type":"subscribe"})",
      R"({"type":"subscribe","mid":5,"paused":true})",
      R"({"type":"subscribe","mid":"nope","paused":true})",
      R"({"type":"subscribe","mid":"s0","paused":true)",
      R"({"type":"subscribe","mid":"s0","paused":"yes","max_width":-5})",
      R"({"type":"subscribe","mid":["s0"],"paused":true})",
      R"({"type":"publish","source":"window","paused":true})",
      R"({"type":"publish","source":7,"paused":true})",
      R"({"type":"unknown","mid":"s0","paused":true})",
      deep,
  };
  for (const std::string& text : garbage) {
    router_.OnControlMessage(viewer, text);
    router_.OnControlMessage(publisher, text);
  }
  Tick();
  // Still forwarding: nothing above paused the slot or the publication.
  viewer.Clear();
  Send(publisher, camera.Delta());
  EXPECT_THAT(viewer.ReceivedRtp(), SizeIs(1));
}

TEST_F(VideoRouterTest, ControlChannelOpenTellsTheSlotsAndTheSpeaker) {
  Add(PeerVideo(1).Camera(0xA1, 0xA2).Build());
  FakeVideoPeer& viewer = Add(PeerVideo(2).Slots(2, 0xB100).Build());
  Tick();
  router_.SetActiveSpeaker(ParticipantId{1});
  viewer.Clear();
  router_.OnControlChannelOpen(viewer);
  EXPECT_THAT(viewer.ShownParticipants(), ElementsAre(1, 0));
  const std::vector<nlohmann::json> speaker = viewer.Control("active-speaker");
  ASSERT_THAT(speaker, SizeIs(1));
  EXPECT_EQ(speaker[0]["participant"], 1);
}


TEST_F(VideoRouterTest, AStoppedScreenShareGivesItsSlotBackAndTakesItAgain) {
  FakeVideoPeer& viewer = Add(PeerVideo(1).Slots(1, 0xA100).Build());
  FakeVideoPeer& sharer = Add(PeerVideo(2).Screen(0xB1, 0xB2).Build());
  FakeVideoPeer& camera_peer = Add(PeerVideo(3).Camera(0xC1, 0xC2).Build());
  Vp8Source screen({.ssrc = 0xB1, .tag = 2});
  Vp8Source camera({.ssrc = 0xC1, .tag = 3});
  StartForwarding(sharer, screen);
  EXPECT_THAT(viewer.ShownSources(), ElementsAre("screen"));

  // The browser stops the share; the camera keeps sending.
  for (int i = 0; i < 90; ++i) {  // 3 s
    Send(camera_peer, camera.Delta());
    now_ += kFrameUs;
    router_.OnTimer(now_);
  }
  EXPECT_THAT(viewer.ShownParticipants(), ElementsAre(3));
  EXPECT_THAT(viewer.ShownSources(), ElementsAre("camera"));

  // Sharing again takes the slot back (screen share first).
  Send(sharer, screen.Delta());
  Tick();
  EXPECT_THAT(viewer.ShownSources(), ElementsAre("screen"));
}

TEST_F(VideoRouterTest, RenegotiationKeepsTheSlotsNumbering) {
  PeerSetup one_slot = PeerVideo(1).Slots(1, 0xA100).Build();
  FakeVideoPeer& viewer = Add(one_slot);
  FakeVideoPeer& publisher = Add(PeerVideo(2).Camera(0xB1, 0xB2).Build());
  Vp8Source camera({.ssrc = 0xB1, .tag = 2});
  StartForwarding(publisher, camera);
  ASSERT_THAT(On(viewer, 0xA100), SizeIs(1));
  const uint16_t last = On(viewer, 0xA100).back().sequence_number;

  // The viewer adds a tile (and nothing else changes).
  viewer.set_setup(PeerVideo(1).Slots(2, 0xA100).Build());
  router_.UpdatePeer(viewer);
  viewer.Clear();
  Send(publisher, camera.Delta());
  AllocateNow();
  Send(publisher, camera.Keyframe());
  const std::vector<Received> got = On(viewer, 0xA100);
  ASSERT_THAT(got, SizeIs(1));
  EXPECT_EQ(got[0].sequence_number, static_cast<uint16_t>(last + 1));
  EXPECT_EQ(viewer.setup().video.slots.size(), 2u);
}

}  // namespace
}  // namespace konfero::media
