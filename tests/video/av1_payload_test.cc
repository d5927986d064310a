// Tests of video/av1_payload.h.
#include "video/av1_payload.h"

#include <vector>

#include <gtest/gtest.h>

#include "video/video_test_util.h"

namespace konfero::video {
namespace {

using ::konfero::video::testing::Bytes;
using ::konfero::video::testing::Prefix;

// OBU headers: |0|type(4)|X|S|0|.
constexpr int kSequenceHeader = 0x08;       // type 1
constexpr int kFrame = 0x30;                // type 6
constexpr int kFrameWithExtension = 0x34;   // type 6, X
// Extension byte |TID(3)|SID(2)|000|.
constexpr int kTid2Sid1 = 0x48;

TEST(Av1PayloadTest, FirstPacketOfACodedVideoSequence) {
  // Z=0 Y=0 W=2 N=1: a sequence header with a length, then a frame.
  const auto payload = Bytes({0x28, 0x03, kSequenceHeader, 0x00, 0x00, kFrame, 0x10, 0x20});
  auto info = InspectAv1Payload(payload);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->keyframe);
  EXPECT_TRUE(info->begins_frame);
  EXPECT_EQ(info->temporal_id, -1);  // no OBU extension
  EXPECT_FALSE(info->vp8.has_value());
}

TEST(Av1PayloadTest, ContinuationAndInterFrames) {
  // Z=1 Y=1 W=1: the middle fragment of an OBU.
  auto middle = InspectAv1Payload(Bytes({0xD0, 0x01, 0x02, 0x03}));
  ASSERT_TRUE(middle.has_value());
  EXPECT_FALSE(middle->begins_frame);
  EXPECT_FALSE(middle->keyframe);
  // Z=0 Y=1 W=1: an inter frame's first packet.
  auto first = InspectAv1Payload(Bytes({0x50, kFrame, 0x01}));
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->begins_frame);
  EXPECT_FALSE(first->keyframe);
}

TEST(Av1PayloadTest, TemporalIdFromTheFirstOBUExtension) {
  // W=0: every element has a length. Sequence header without extension,
  // then a frame with TID 2, SID 1.
  auto info = InspectAv1Payload(
      Bytes({0x08, 0x02, kSequenceHeader, 0x00, 0x03, kFrameWithExtension, kTid2Sid1, 0x77}));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->temporal_id, 2);
  EXPECT_TRUE(info->keyframe);
}

TEST(Av1PayloadTest, AContinuedFragmentHasNoOBUHeader) {
  // Z=1 W=2: the first element's bytes look like an OBU with extension
  // (TID 7) but are the tail of an earlier OBU; the second element is a
  // frame with TID 2.
  auto info = InspectAv1Payload(
      Bytes({0xA0, 0x02, kFrameWithExtension, 0xE0, kFrameWithExtension, kTid2Sid1, 0x01}));
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->begins_frame);
  EXPECT_EQ(info->temporal_id, 2);
}

TEST(Av1PayloadTest, MultiByteLengthFields) {
  // W=0, one 200-byte OBU: LEB128 200 = c8 01.
  std::vector<uint8_t> payload = {0x00, 0xC8, 0x01};
  payload.push_back(kFrameWithExtension);
  payload.push_back(0x20);  // TID 1
  payload.resize(3 + 200, 0x55);
  auto info = InspectAv1Payload(payload);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->temporal_id, 1);
  // One byte short: the length runs past the payload.
  EXPECT_FALSE(InspectAv1Payload(Prefix(payload, payload.size() - 1)));
}

TEST(Av1PayloadTest, ThreeDeclaredElements) {
  const auto payload = Bytes({0x30, 0x01, kFrame, 0x02, kFrame, 0x00, kFrame, 0x01, 0x02});
  ASSERT_TRUE(InspectAv1Payload(payload).has_value());
  // Truncated anywhere: either a length runs past the end, or fewer than
  // three elements remain, or the last element is empty.
  for (size_t n = 0; n < payload.size() - 2; ++n) {
    EXPECT_FALSE(InspectAv1Payload(Prefix(payload, n)).has_value()) << n;
  }
}

TEST(Av1PayloadTest, TruncationWithLengthFieldsIsRejected) {
  const auto payload = Bytes({0x08, 0x02, kSequenceHeader, 0x00, 0x03, kFrameWithExtension,
                              kTid2Sid1, 0x77});
  for (size_t n = 0; n < payload.size(); ++n) {
    const bool at_boundary = n == 4;  // after the first element: valid
    EXPECT_EQ(InspectAv1Payload(Prefix(payload, n)).has_value(), at_boundary) << n;
  }
}

TEST(Av1PayloadTest, MalformedPayloadsAreRejected) {
  EXPECT_FALSE(InspectAv1Payload({}));
  EXPECT_FALSE(InspectAv1Payload(Bytes({0x10})));               // W=1, no element
  EXPECT_FALSE(InspectAv1Payload(Bytes({0x00, 0x00, kFrame})));  // empty element
  EXPECT_FALSE(InspectAv1Payload(Bytes({0x20, 0x00, kFrame})));  // W=2, first empty
  EXPECT_FALSE(InspectAv1Payload(Bytes({0x20, 0x01, kFrame})));  // W=2, one element
  EXPECT_FALSE(InspectAv1Payload(Bytes({0x00, 0x80})));          // truncated LEB128
  // A LEB128 field of nine bytes.
  EXPECT_FALSE(InspectAv1Payload(
      Bytes({0x00, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, kFrame})));
  // An extension flag without the extension byte.
  EXPECT_FALSE(InspectAv1Payload(Bytes({0x10, kFrameWithExtension})));
}

}  // namespace
}  // namespace konfero::video
