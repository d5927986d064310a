// Tests of video/video_codec.h.
#include "video/video_codec.h"

#include <gtest/gtest.h>

namespace konfero::video {
namespace {

TEST(VideoCodecTest, NamesMatchInAnyCase) {
  EXPECT_EQ(VideoCodecFromName("VP8"), VideoCodec::kVp8);
  EXPECT_EQ(VideoCodecFromName("vp8"), VideoCodec::kVp8);
  EXPECT_EQ(VideoCodecFromName("Vp9"), VideoCodec::kVp9);
  EXPECT_EQ(VideoCodecFromName("h264"), VideoCodec::kH264);
  EXPECT_EQ(VideoCodecFromName("H264"), VideoCodec::kH264);
  EXPECT_EQ(VideoCodecFromName("av1"), VideoCodec::kAv1);
}

TEST(VideoCodecTest, UnknownNamesAreRejected) {
  EXPECT_EQ(VideoCodecFromName(""), std::nullopt);
  EXPECT_EQ(VideoCodecFromName("H265"), std::nullopt);
  EXPECT_EQ(VideoCodecFromName("VP8 "), std::nullopt);
  EXPECT_EQ(VideoCodecFromName("VP"), std::nullopt);
  EXPECT_EQ(VideoCodecFromName("AV1X"), std::nullopt);
  EXPECT_EQ(VideoCodecFromName("opus"), std::nullopt);
}

TEST(VideoCodecTest, ToStringRoundTrips) {
  for (VideoCodec codec :
       {VideoCodec::kVp8, VideoCodec::kVp9, VideoCodec::kH264, VideoCodec::kAv1}) {
    EXPECT_EQ(VideoCodecFromName(ToString(codec)), codec) << ToString(codec);
  }
  EXPECT_EQ(ToString(VideoCodec::kVp8), "VP8");
  EXPECT_EQ(ToString(VideoCodec::kVp9), "VP9");
  EXPECT_EQ(ToString(VideoCodec::kH264), "H264");
  EXPECT_EQ(ToString(VideoCodec::kAv1), "AV1");
}

}  // namespace
}  // namespace konfero::video
