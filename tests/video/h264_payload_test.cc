// Tests of video/h264_payload.h.
#include "video/h264_payload.h"

#include <vector>

#include <gtest/gtest.h>

#include "video/video_test_util.h"

namespace konfero::video {
namespace {

using ::konfero::video::testing::Bytes;
using ::konfero::video::testing::Prefix;

// NAL unit headers (F=0, NRI=3 unless noted): |F|NRI|Type|.
constexpr int kSlice = 0x41;  // NRI 2, type 1: non-IDR slice
constexpr int kIdr = 0x65;    // type 5
constexpr int kSei = 0x06;    // NRI 0, type 6
constexpr int kSps = 0x67;    // type 7
constexpr int kPps = 0x68;    // type 8
constexpr int kStapA = 0x78;  // type 24
constexpr int kFuA = 0x7C;    // type 28

TEST(H264PayloadTest, SingleNalUnits) {
  struct Case {
    int header;
    bool keyframe;
  };
  for (Case c : {Case{kIdr, true}, Case{kSps, true}, Case{kPps, false}, Case{kSlice, false},
                 Case{kSei, false}, Case{0x09, false} /* access unit delimiter */,
                 Case{0x17, false} /* type 23, the last single-NAL type */}) {
    auto info = InspectH264Payload(Bytes({c.header, 0x88, 0x84}));
    ASSERT_TRUE(info.has_value()) << c.header;
    EXPECT_EQ(info->keyframe, c.keyframe) << c.header;
    EXPECT_TRUE(info->begins_frame) << c.header;
    EXPECT_EQ(info->temporal_id, -1);
    EXPECT_FALSE(info->width.has_value());
    EXPECT_FALSE(info->vp8.has_value());
  }
  // A one-byte NAL unit is still a NAL unit.
  EXPECT_TRUE(InspectH264Payload(Bytes({kIdr})).has_value());
}

// STAP-A: SPS (4 bytes), PPS (2 bytes), IDR slice (3 bytes).
std::vector<uint8_t> StapAWithSpsPpsIdr() {
  return Bytes({kStapA,
                0x00, 0x04, kSps, 0x42, 0xC0, 0x1F,
                0x00, 0x02, kPps, 0xCE,
                0x00, 0x03, kIdr, 0x88, 0x84});
}

TEST(H264PayloadTest, StapAWithSpsPpsAndIdrIsAKeyFrame) {
  auto info = InspectH264Payload(StapAWithSpsPpsIdr());
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->keyframe);
  EXPECT_TRUE(info->begins_frame);
}

TEST(H264PayloadTest, StapAKeyFrameFromAnyUnit) {
  // The key NAL unit last, or alone.
  auto idr_last = InspectH264Payload(
      Bytes({kStapA, 0x00, 0x01, kSei, 0x00, 0x02, kPps, 0xCE, 0x00, 0x01, kIdr}));
  ASSERT_TRUE(idr_last.has_value());
  EXPECT_TRUE(idr_last->keyframe);
  auto sps_only = InspectH264Payload(Bytes({kStapA, 0x00, 0x02, kSps, 0x42}));
  ASSERT_TRUE(sps_only.has_value());
  EXPECT_TRUE(sps_only->keyframe);
}

TEST(H264PayloadTest, StapAWithoutIdrOrSpsIsNotAKeyFrame) {
  auto info = InspectH264Payload(
      Bytes({kStapA, 0x00, 0x02, kSei, 0x05, 0x00, 0x03, kSlice, 0x9A, 0x02}));
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->keyframe);
  EXPECT_TRUE(info->begins_frame);
}

TEST(H264PayloadTest, StapATruncatedInsideAUnitIsRejected) {
  const auto payload = StapAWithSpsPpsIdr();
  // Unit boundaries: a cut exactly there leaves a shorter, valid STAP-A.
  for (size_t n = 0; n < payload.size(); ++n) {
    const bool at_boundary = n == 7 || n == 11;
    EXPECT_EQ(InspectH264Payload(Prefix(payload, n)).has_value(), at_boundary) << n;
  }
  EXPECT_TRUE(InspectH264Payload(payload).has_value());
}

TEST(H264PayloadTest, MalformedStapAIsRejected) {
  EXPECT_FALSE(InspectH264Payload(Bytes({kStapA})));                          // no unit
  EXPECT_FALSE(InspectH264Payload(Bytes({kStapA, 0x00, 0x00})));              // empty unit
  EXPECT_FALSE(InspectH264Payload(Bytes({kStapA, 0x00, 0x01, kIdr, 0x00})));  // stray byte
  EXPECT_FALSE(InspectH264Payload(Bytes({kStapA, 0x01, 0x00, kIdr})));        // size 256
}

TEST(H264PayloadTest, FuAStartOfAnIdrSliceIsAKeyFrame) {
  // FU indicator: F=0 NRI=3 type 28; FU header: S=1 E=0 R=0 type 5.
  auto info = InspectH264Payload(Bytes({kFuA, 0x85, 0x88, 0x84, 0x21}));
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->keyframe);
  EXPECT_TRUE(info->begins_frame);
}

TEST(H264PayloadTest, FuAFragments) {
  struct Case {
    int fu_header;
    bool keyframe;
    bool begins_frame;
  };
  for (Case c : {Case{0x87, true, true},     // start of an SPS (unusual, still key)
                 Case{0x05, false, false},   // middle of an IDR slice
                 Case{0x45, false, false},   // end of an IDR slice
                 Case{0x81, false, true},    // start of a non-IDR slice
                 Case{0x41, false, false}}) {
    auto info = InspectH264Payload(Bytes({kFuA, c.fu_header, 0x9A}));
    ASSERT_TRUE(info.has_value()) << c.fu_header;
    EXPECT_EQ(info->keyframe, c.keyframe) << c.fu_header;
    EXPECT_EQ(info->begins_frame, c.begins_frame) << c.fu_header;
  }
}

TEST(H264PayloadTest, MalformedFuAIsRejected) {
  EXPECT_FALSE(InspectH264Payload(Bytes({kFuA})));
  EXPECT_FALSE(InspectH264Payload(Bytes({kFuA, 0x85})));        // no fragment byte
  EXPECT_FALSE(InspectH264Payload(Bytes({kFuA, 0x98, 0x00})));  // fragment of a STAP-A
  EXPECT_FALSE(InspectH264Payload(Bytes({kFuA, 0x80, 0x00})));  // type 0
}

TEST(H264PayloadTest, ReservedAndInterleavedTypesAreRejected) {
  EXPECT_FALSE(InspectH264Payload({}));
  for (int type : {0, 25, 26, 27, 29, 30, 31}) {
    EXPECT_FALSE(InspectH264Payload(Bytes({0x60 | type, 0x00, 0x05, 0x00, 0x00, 0x00})))
        << type;
  }
}

}  // namespace
}  // namespace konfero::video
