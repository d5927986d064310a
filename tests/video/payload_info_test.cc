// Tests of video/payload_info.h: the per-codec rules behind InspectPayload.
// The codec parsers have their own tests; these check what InspectPayload
// makes of their results.
#include "video/payload_info.h"

#include <vector>

#include <gtest/gtest.h>

#include "video/video_test_util.h"

namespace konfero::video {
namespace {

using ::konfero::video::testing::Bytes;
using ::konfero::video::testing::Prefix;
using ::konfero::video::testing::Vp8Fields;
using ::konfero::video::testing::Vp8KeyframeHeader;
using ::konfero::video::testing::Vp8Payload;

TEST(PayloadInfoTest, Vp8KeyFrameWithSizeAndTemporalLayer) {
  const auto payload = Vp8Payload(
      {.start = true, .picture_id = 0x0ABC, .long_picture_id = true, .tl0_pic_idx = 4,
       .temporal_id = 0, .layer_sync = true},
      Vp8KeyframeHeader(640, 360));
  auto info = InspectPayload(VideoCodec::kVp8, payload);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->keyframe);
  EXPECT_TRUE(info->begins_frame);
  EXPECT_EQ(info->temporal_id, 0);
  EXPECT_EQ(info->width, 640);
  EXPECT_EQ(info->height, 360);
  ASSERT_TRUE(info->vp8.has_value());
  EXPECT_EQ(info->vp8->picture_id, 0x0ABC);
  EXPECT_EQ(info->vp8->tl0_pic_idx, 4);
  EXPECT_EQ(info->vp8->size, 6u);
}

TEST(PayloadInfoTest, Vp8InterFrameAndContinuation) {
  const auto inter = Vp8Payload({.start = true, .temporal_id = 2}, Bytes({0x31, 0x00}));
  auto info = InspectPayload(VideoCodec::kVp8, inter);
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->keyframe);
  EXPECT_TRUE(info->begins_frame);
  EXPECT_EQ(info->temporal_id, 2);
  EXPECT_FALSE(info->width.has_value());

  const auto continuation = Vp8Payload({.start = false}, Bytes({0x00, 0x00}));
  info = InspectPayload(VideoCodec::kVp8, continuation);
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->keyframe);
  EXPECT_FALSE(info->begins_frame);
  EXPECT_EQ(info->temporal_id, -1);
}

TEST(PayloadInfoTest, Vp9KeyFrameNeedsBeginNotPredictedAndSpatialLayerZero) {
  struct Case {
    int first;      // |I|P|L|F|B|E|V|Z|
    int layer;      // |TID|U|SID|D| when L is set
    bool keyframe;
    bool begins_frame;
    int temporal_id;
  };
  for (Case c : {
           Case{0x08, -1, true, true, -1},     // B, no layer indices
           Case{0x48, -1, false, true, -1},    // B, P
           Case{0x04, -1, false, false, -1},   // E only: not the first packet
           Case{0x28, 0x40, true, true, 2},    // B, L: TID 2, SID 0
           Case{0x28, 0x22, false, true, 1},   // B, L: SID 1 (upper spatial layer)
           Case{0x20, 0x00, false, false, 0},  // L without B
       }) {
    std::vector<uint8_t> payload = {static_cast<uint8_t>(c.first)};
    if (c.layer >= 0) {
      payload.push_back(static_cast<uint8_t>(c.layer));
      payload.push_back(0x05);  // TL0PICIDX (non-flexible mode)
    }
    payload.push_back(0x82);
    auto info = InspectPayload(VideoCodec::kVp9, payload);
    ASSERT_TRUE(info.has_value()) << c.first;
    EXPECT_EQ(info->keyframe, c.keyframe) << c.first << " " << c.layer;
    EXPECT_EQ(info->begins_frame, c.begins_frame) << c.first;
    EXPECT_EQ(info->temporal_id, c.temporal_id) << c.first;
    EXPECT_FALSE(info->vp8.has_value());
  }
}

TEST(PayloadInfoTest, Vp9SizeIsThatOfThePacketsSpatialLayer) {
  // B L V, TID 0 SID `sid`, TL0PICIDX; SS: two layers with sizes.
  for (int sid : {0, 1, 2}) {
    const auto payload = Bytes({0x2A, sid << 1, 0x00, 0x30, 0x01, 0x40, 0x00, 0xB4, 0x02,
                                0x80, 0x01, 0x68, 0x82});
    auto info = InspectPayload(VideoCodec::kVp9, payload);
    ASSERT_TRUE(info.has_value()) << sid;
    EXPECT_EQ(info->keyframe, sid == 0);
    if (sid == 2) {  // not described by the structure
      EXPECT_FALSE(info->width.has_value());
      continue;
    }
    EXPECT_EQ(info->width, sid == 0 ? 320 : 640) << sid;
    EXPECT_EQ(info->height, sid == 0 ? 180 : 360) << sid;
  }
}

TEST(PayloadInfoTest, H264AndAv1GoToTheirInspectors) {
  auto h264 = InspectPayload(VideoCodec::kH264, Bytes({0x7C, 0x85, 0x88}));
  ASSERT_TRUE(h264.has_value());
  EXPECT_TRUE(h264->keyframe);
  auto av1 = InspectPayload(VideoCodec::kAv1, Bytes({0x18, 0x08, 0x00}));
  ASSERT_TRUE(av1.has_value());
  EXPECT_TRUE(av1->keyframe);
  EXPECT_TRUE(av1->begins_frame);
}

TEST(PayloadInfoTest, TheSameBytesMeanDifferentThingsPerCodec) {
  // 0x10 0x50: VP8 S=1 key frame; VP9 F only, no B; H.264 type 16
  // (reserved single NAL type range, a plain NAL); AV1 W=1 N=0.
  const auto payload = Bytes({0x10, 0x50});
  auto vp8 = InspectPayload(VideoCodec::kVp8, payload);
  auto vp9 = InspectPayload(VideoCodec::kVp9, payload);
  auto h264 = InspectPayload(VideoCodec::kH264, payload);
  auto av1 = InspectPayload(VideoCodec::kAv1, payload);
  ASSERT_TRUE(vp8 && vp9 && h264 && av1);
  EXPECT_TRUE(vp8->keyframe);
  EXPECT_FALSE(vp9->keyframe);
  EXPECT_FALSE(vp9->begins_frame);
  EXPECT_FALSE(h264->keyframe);
  EXPECT_FALSE(av1->keyframe);
  EXPECT_TRUE(av1->begins_frame);
}

TEST(PayloadInfoTest, EmptyAndTruncatedPayloadsAreRejectedForEveryCodec) {
  for (VideoCodec codec :
       {VideoCodec::kVp8, VideoCodec::kVp9, VideoCodec::kH264, VideoCodec::kAv1}) {
    EXPECT_FALSE(InspectPayload(codec, {}).has_value()) << ToString(codec);
  }
  const auto vp8 = Vp8Payload({.start = true, .picture_id = 1, .tl0_pic_idx = 2},
                              Vp8KeyframeHeader(16, 16));
  for (size_t n = 0; n <= 4; ++n) {
    EXPECT_FALSE(InspectPayload(VideoCodec::kVp8, Prefix(vp8, n)).has_value()) << n;
  }
  EXPECT_FALSE(InspectPayload(VideoCodec::kVp9, Bytes({0xA8, 0x80})).has_value());
  EXPECT_FALSE(InspectPayload(VideoCodec::kH264, Bytes({0x78, 0x00})).has_value());
  EXPECT_FALSE(InspectPayload(VideoCodec::kAv1, Bytes({0x00, 0x05, 0x30})).has_value());
}

}  // namespace
}  // namespace konfero::video
