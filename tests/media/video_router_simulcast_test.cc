// Tests of media/video_router.h with a simulcast publisher: the layer a
// subscriber gets follows its bandwidth estimate, from the publication's
// first frame on, and a switch keeps one continuous outgoing stream.
#include <cstdint>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/types/span.h"
#include "media/video_router.h"
#include "media/video_router_fixture.h"
#include "media/video_router_harness.h"
#include "rtp/rtcp_packet.h"

namespace konfero::media {
namespace {

using ::konfero::media::testing::FakeVideoPeer;
using ::konfero::media::testing::kFrameUs;
using ::konfero::media::testing::On;
using ::konfero::media::testing::PeerVideo;
using ::konfero::media::testing::Received;
using ::konfero::media::testing::VideoRouterTest;
using ::konfero::media::testing::Vp8Source;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::SizeIs;

// A simulcast publisher that sends three layers every frame and answers
// each PLI with a keyframe of that layer at its next frame.
class SimulcastPublisher {
 public:
  static constexpr uint32_t kSsrcs[3] = {0x5100, 0x5200, 0x5300};
  static constexpr uint8_t kTags[3] = {10, 11, 12};

  SimulcastPublisher()
      : layers_{Vp8Source({.ssrc = kSsrcs[0], .first_sequence_number = 100, .tag = kTags[0],
                           .payload_size = 600, .mid = "cam", .rid = "q", .width = 320,
                           .height = 180}),
                Vp8Source({.ssrc = kSsrcs[1], .first_sequence_number = 20000, .tag = kTags[1],
                           .payload_size = 1000, .mid = "cam", .rid = "h", .width = 640,
                           .height = 360}),
                Vp8Source({.ssrc = kSsrcs[2], .first_sequence_number = 50000, .tag = kTags[2],
                           .payload_size = 1100, .mid = "cam", .rid = "f", .width = 1280,
                           .height = 720})} {}

  // One frame of each layer: 1, 2 and 6 packets (about 150 kbps, 500 kbps
  // and 1.6 Mbps at 30 frames a second).
  void SendFrame(FakeVideoPeer& peer, VideoRouter& router, int64_t now_us) {
    for (const rtp::Pli& pli : peer.Plis()) {
      pli_ssrcs_.push_back(pli.media_ssrc);
      for (int l = 0; l < 3; ++l) {
        if (pli.media_ssrc == kSsrcs[l]) keyframe_due_[l] = true;
      }
    }
    peer.Clear();
    for (int l = 0; l < 3; ++l) {
      const int packets = l == 0 ? 1 : l == 1 ? 2 : 6;
      for (int p = 0; p < packets; ++p) {
        std::vector<uint8_t> bytes = p > 0               ? layers_[l].Continuation()
                                     : keyframe_due_[l] ? layers_[l].Keyframe()
                                                        : layers_[l].Delta();
        router.OnRtp(peer, absl::MakeSpan(bytes), now_us);
      }
      keyframe_due_[l] = false;
    }
  }
  // The media SSRCs of the PLIs it answered so far.
  const std::vector<uint32_t>& pli_ssrcs() const { return pli_ssrcs_; }

 private:
  Vp8Source layers_[3];
  bool keyframe_due_[3] = {true, true, true};
  std::vector<uint32_t> pli_ssrcs_;
};

class SimulcastTest : public VideoRouterTest {
 protected:
  // `count` frames of every layer, with the router's timer after each.
  void Frames(int count) {
    for (int i = 0; i < count; ++i) {
      source_.SendFrame(publisher_, router_, now_);
      now_ += kFrameUs;
      router_.OnTimer(now_);
    }
  }

  FakeVideoPeer& publisher_ = Add(PeerVideo(1).SimulcastCamera({"q", "h", "f"}).Build());
  SimulcastPublisher source_;
};

TEST_F(SimulcastTest, LayerFollowsTheSubscribersBandwidth) {
  FakeVideoPeer& viewer = Add(PeerVideo(2).Slots(1, 0xB100).Build());
  viewer.set_bandwidth_estimate_bps(300'000);

  // From the publication's first frame on: a 300 kbps link gets layer 0.
  Frames(60);
  std::vector<Received> got = On(viewer, 0xB100);
  ASSERT_THAT(got, SizeIs(::testing::Gt(40u)));
  EXPECT_THAT(got, Each(::testing::Field(&Received::source_tag, SimulcastPublisher::kTags[0])));
  EXPECT_THAT(viewer.ReceivedRtp(), SizeIs(got.size()));  // nothing on another SSRC
  EXPECT_THAT(source_.pli_ssrcs(), ElementsAre(SimulcastPublisher::kSsrcs[0]));

  // A fast link: after the next allocation, a keyframe of layer 2 is asked
  // for and the slot switches to it there.
  viewer.set_bandwidth_estimate_bps(10'000'000);
  const size_t before = got.size();
  Frames(30);
  got = On(viewer, 0xB100);
  EXPECT_THAT(viewer.ReceivedRtp(), SizeIs(got.size()));
  EXPECT_THAT(source_.pli_ssrcs(),
              ElementsAre(SimulcastPublisher::kSsrcs[0], SimulcastPublisher::kSsrcs[2]));
  size_t first_high = got.size();
  for (size_t i = before; i < got.size(); ++i) {
    if (got[i].source_tag == SimulcastPublisher::kTags[2]) {
      first_high = i;
      break;
    }
  }
  ASSERT_LT(first_high, got.size()) << "no layer 2 packet reached the viewer";
  for (size_t i = first_high; i < got.size(); ++i) {
    EXPECT_EQ(got[i].source_tag, SimulcastPublisher::kTags[2]) << i;
  }
  // The switch is at a keyframe: its VP8 payload header says P=0.
  EXPECT_EQ(got[first_high].payload[4] & 0x01, 0);
  EXPECT_GT(got[first_high].picture_id, got[first_high - 1].picture_id);
  EXPECT_GE(got[first_high].timestamp, got[first_high - 1].timestamp);
  // One outgoing stream without a gap: the receiver sees no loss.
  for (size_t i = 1; i < got.size(); ++i) {
    ASSERT_EQ(got[i].sequence_number, static_cast<uint16_t>(got[i - 1].sequence_number + 1))
        << "at packet " << i;
  }
}

TEST_F(SimulcastTest, TileSizeCapsTheLayerWhateverTheBandwidth) {
  FakeVideoPeer& viewer = Add(PeerVideo(2).Slots(1, 0xB100).Build());
  viewer.set_bandwidth_estimate_bps(10'000'000);
  ASSERT_TRUE(router_.SetSubscription(viewer.id(), "s0", {.max_width = 320, .max_height = 180})
                  .ok());
  Frames(60);
  std::vector<Received> got = On(viewer, 0xB100);
  ASSERT_THAT(got, SizeIs(::testing::Gt(40u)));
  EXPECT_THAT(got, Each(::testing::Field(&Received::source_tag, SimulcastPublisher::kTags[0])));

  // A bigger tile, asked for on the control channel: the middle layer.
  router_.OnControlMessage(viewer,
                           R"({"type":"subscribe","mid":"s0","max_width":640,"max_height":360})");
  viewer.Clear();
  Frames(30);
  got = On(viewer, 0xB100);
  ASSERT_THAT(got, SizeIs(::testing::Gt(20u)));
  EXPECT_EQ(got.back().source_tag, SimulcastPublisher::kTags[1]);
  for (const Received& r : got) EXPECT_NE(r.source_tag, SimulcastPublisher::kTags[2]);
  EXPECT_THAT(source_.pli_ssrcs(),
              ElementsAre(SimulcastPublisher::kSsrcs[0], SimulcastPublisher::kSsrcs[1]));
}

}  // namespace
}  // namespace konfero::media
