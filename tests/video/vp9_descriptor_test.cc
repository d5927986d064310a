// Tests of video/vp9_descriptor.h.
#include "video/vp9_descriptor.h"

#include <vector>

#include <gtest/gtest.h>

#include "video/video_test_util.h"

namespace konfero::video {
namespace {

using ::konfero::video::testing::Bytes;
using ::konfero::video::testing::Prefix;

TEST(Vp9DescriptorTest, ParsesTheOneByteDescriptor) {
  // |I|P|L|F|B|E|V|Z| = 0 0 0 0 1 1 0 1: a whole frame in one packet, Z.
  auto d = ParseVp9Descriptor(Bytes({0x0D, 0xAA}));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->size, 1u);
  EXPECT_TRUE(d->begins_frame);
  EXPECT_TRUE(d->ends_frame);
  EXPECT_TRUE(d->not_upper_layer_reference);
  EXPECT_FALSE(d->inter_picture_predicted);
  EXPECT_FALSE(d->flexible_mode);
  EXPECT_FALSE(d->picture_id.has_value());
  EXPECT_FALSE(d->has_layer_indices);
  EXPECT_FALSE(d->scalability.has_value());
}

TEST(Vp9DescriptorTest, ParsesNonFlexibleModeWithLayerIndices) {
  const auto payload = Bytes({
      0xE8,        // I P L, B
      0x81, 0x02,  // M=1, picture id 0x0102
      0x79,        // TID 3, U, SID 4, D
      0x42,        // TL0PICIDX
      0xAA,        // VP9 data
  });
  auto d = ParseVp9Descriptor(payload);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->size, 5u);
  EXPECT_TRUE(d->inter_picture_predicted);
  EXPECT_FALSE(d->flexible_mode);
  EXPECT_TRUE(d->begins_frame);
  EXPECT_FALSE(d->ends_frame);
  EXPECT_EQ(d->picture_id, 0x0102);
  EXPECT_TRUE(d->long_picture_id);
  EXPECT_TRUE(d->has_layer_indices);
  EXPECT_EQ(d->temporal_id, 3);
  EXPECT_TRUE(d->switching_up_point);
  EXPECT_EQ(d->spatial_id, 4);
  EXPECT_TRUE(d->inter_layer_dependency);
  EXPECT_EQ(d->tl0_pic_idx, 0x42);
  EXPECT_EQ(d->reference_count, 0);
}

TEST(Vp9DescriptorTest, ParsesFlexibleModeReferences) {
  const auto payload = Bytes({
      0xF4,  // I P L F, E
      0x17,  // M=0, picture id 23
      0x22,  // TID 1, SID 1
      0x03,  // P_DIFF 1, N
      0x05,  // P_DIFF 2, N
      0x08,  // P_DIFF 4
      0xAA,
  });
  auto d = ParseVp9Descriptor(payload);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->size, 6u);
  EXPECT_TRUE(d->flexible_mode);
  EXPECT_EQ(d->picture_id, 23);
  EXPECT_FALSE(d->long_picture_id);
  EXPECT_EQ(d->temporal_id, 1);
  EXPECT_EQ(d->spatial_id, 1);
  EXPECT_FALSE(d->tl0_pic_idx.has_value());  // no TL0PICIDX in flexible mode
  ASSERT_EQ(d->reference_count, 3);
  EXPECT_EQ(d->p_diff[0], 1);
  EXPECT_EQ(d->p_diff[1], 2);
  EXPECT_EQ(d->p_diff[2], 4);
}

TEST(Vp9DescriptorTest, RejectsAFourthReference) {
  EXPECT_FALSE(ParseVp9Descriptor(Bytes({0xD0, 0x01, 0x03, 0x05, 0x07, 0x09, 0xAA})));
}

TEST(Vp9DescriptorTest, NoReferencesWithoutPOrWithoutF) {
  // F without P: the next byte is payload, not a P_DIFF.
  auto d = ParseVp9Descriptor(Bytes({0x98, 0x01, 0x03}));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->size, 2u);
  EXPECT_EQ(d->reference_count, 0);
}

// A key frame of three spatial layers with their sizes and a two-picture
// group, as a non-flexible-mode sender writes it.
std::vector<uint8_t> KeyframeWithScalabilityStructure() {
  return Bytes({
      0xAA,                    // I L B V
      0x80, 0x07,              // picture id 7 (15 bits)
      0x00, 0x10,              // TID 0 SID 0, TL0PICIDX 16
      0x58,                    // N_S=2 (3 layers), Y, G
      0x01, 0x40, 0x00, 0xB4,  // 320x180
      0x02, 0x80, 0x01, 0x68,  // 640x360
      0x05, 0x00, 0x02, 0xD0,  // 1280x720
      0x02,                    // N_G = 2
      0x04, 0x01,              // T=0 U=0 R=1, P_DIFF 1
      0x38, 0x01, 0x02,        // T=1 U=1 R=2, P_DIFFs 1 2
      0x82, 0x49, 0x83,        // VP9 data: a key frame's uncompressed header
  });
}

TEST(Vp9DescriptorTest, ParsesTheScalabilityStructure) {
  const auto payload = KeyframeWithScalabilityStructure();
  auto d = ParseVp9Descriptor(payload);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->size, payload.size() - 3);
  EXPECT_EQ(d->picture_id, 7);
  EXPECT_EQ(d->tl0_pic_idx, 16);
  ASSERT_TRUE(d->scalability.has_value());
  const auto& ss = *d->scalability;
  EXPECT_EQ(ss.spatial_layers, 3);
  EXPECT_TRUE(ss.has_resolutions);
  EXPECT_EQ(ss.width[0], 320);
  EXPECT_EQ(ss.height[0], 180);
  EXPECT_EQ(ss.width[1], 640);
  EXPECT_EQ(ss.height[1], 360);
  EXPECT_EQ(ss.width[2], 1280);
  EXPECT_EQ(ss.height[2], 720);
  EXPECT_EQ(ss.picture_group_size, 2);
}

TEST(Vp9DescriptorTest, ScalabilityStructureWithoutSizesOrGroup) {
  // V only; N_S=7 (8 layers), neither Y nor G.
  auto d = ParseVp9Descriptor(Bytes({0x0A, 0xE0, 0xAA}));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->size, 2u);
  ASSERT_TRUE(d->scalability.has_value());
  EXPECT_EQ(d->scalability->spatial_layers, 8);
  EXPECT_FALSE(d->scalability->has_resolutions);
  EXPECT_EQ(d->scalability->picture_group_size, 0);
}

TEST(Vp9DescriptorTest, EveryTruncationIsRejected) {
  const std::vector<std::vector<uint8_t>> payloads = {
      KeyframeWithScalabilityStructure(),
      Bytes({0xF4, 0x17, 0x22, 0x03, 0x05, 0x08, 0xAA}),
      Bytes({0xE8, 0x81, 0x02, 0x79, 0x42, 0xAA}),
  };
  for (const auto& payload : payloads) {
    auto whole = ParseVp9Descriptor(payload);
    ASSERT_TRUE(whole.has_value());
    // Every cut up to "descriptor and no VP9 byte" is malformed.
    for (size_t n = 0; n <= whole->size; ++n) {
      EXPECT_FALSE(ParseVp9Descriptor(Prefix(payload, n)).has_value()) << n;
    }
  }
}

}  // namespace
}  // namespace konfero::video
