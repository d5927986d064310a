// Tests of video/vp8_descriptor.h.
#include "video/vp8_descriptor.h"

#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "video/video_test_util.h"

namespace konfero::video {
namespace {

using ::konfero::video::testing::Bytes;
using ::konfero::video::testing::Prefix;
using ::konfero::video::testing::RandomInts;
using ::konfero::video::testing::Vp8Fields;
using ::konfero::video::testing::Vp8KeyframeHeader;
using ::konfero::video::testing::Vp8Payload;

// An inter frame's first payload byte: P=1.
const std::vector<uint8_t> kInterFrameData = Bytes({0x31, 0x02, 0x00, 0xAA});

TEST(Vp8DescriptorTest, ParsesTheOneByteDescriptor) {
  // X=0 R=0 N=0 S=1 R=0 PID=0, then a key frame tag.
  const auto payload = Bytes({0x10, 0x50, 0x02, 0x00});
  auto d = ParseVp8Descriptor(payload);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->size, 1u);
  EXPECT_TRUE(d->start_of_partition);
  EXPECT_EQ(d->partition_id, 0);
  EXPECT_FALSE(d->non_reference);
  EXPECT_TRUE(d->begins_frame());
  EXPECT_TRUE(d->keyframe);
  EXPECT_FALSE(d->picture_id.has_value());
  EXPECT_FALSE(d->tl0_pic_idx.has_value());
  EXPECT_FALSE(d->temporal_id.has_value());
  EXPECT_FALSE(d->key_idx.has_value());
  EXPECT_FALSE(d->width.has_value());  // the header is cut short
}

TEST(Vp8DescriptorTest, ParsesEveryExtensionField) {
  // RFC 7741 §4.2 with all of I (M=1), L, T and K:
  //   |1|0|1|0|0|011|  X, N, PID 3
  //   |1|1|1|1|0000|   I L T K
  //   |1|   0x12  |    M=1, picture id 0x1234
  //   |     0x34  |
  //   |     0xC5  |    TL0PICIDX
  //   |10|1|10110|     TID 2, Y, KEYIDX 22
  const auto payload = Bytes({0xA3, 0xF0, 0x92, 0x34, 0xC5, 0xB6, 0x00});
  auto d = ParseVp8Descriptor(payload);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->size, 6u);
  EXPECT_TRUE(d->non_reference);
  EXPECT_FALSE(d->start_of_partition);
  EXPECT_EQ(d->partition_id, 3);
  EXPECT_EQ(d->picture_id, 0x1234);
  EXPECT_TRUE(d->long_picture_id);
  EXPECT_EQ(d->tl0_pic_idx, 0xC5);
  EXPECT_EQ(d->temporal_id, 2);
  EXPECT_TRUE(d->layer_sync);
  EXPECT_EQ(d->key_idx, 22);
  EXPECT_FALSE(d->begins_frame());
  EXPECT_FALSE(d->keyframe);
}

TEST(Vp8DescriptorTest, ParsesASevenBitPictureId) {
  // X, S; I; M=0 picture id 0x55.
  const auto payload = Bytes({0x90, 0x80, 0x55, 0x31});
  auto d = ParseVp8Descriptor(payload);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->size, 3u);
  EXPECT_EQ(d->picture_id, 0x55);
  EXPECT_FALSE(d->long_picture_id);
  EXPECT_FALSE(d->keyframe);
}

TEST(Vp8DescriptorTest, AnExtensionByteWithNoFlagsIsTwoBytes) {
  const auto payload = Bytes({0x90, 0x00, 0x31});
  auto d = ParseVp8Descriptor(payload);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->size, 2u);
  EXPECT_FALSE(d->picture_id.has_value());
}

TEST(Vp8DescriptorTest, TidAndYAreIgnoredWithoutTAndKeyIdxWithoutK) {
  // K only: the byte's TID and Y bits are not signalled.
  auto d = ParseVp8Descriptor(Bytes({0x80, 0x10, 0xE5, 0x31}));
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->temporal_id.has_value());
  EXPECT_FALSE(d->layer_sync);
  EXPECT_EQ(d->key_idx, 5);
  // T only: KEYIDX bits are not signalled.
  d = ParseVp8Descriptor(Bytes({0x80, 0x20, 0x5F, 0x31}));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->temporal_id, 1);
  EXPECT_FALSE(d->layer_sync);
  EXPECT_FALSE(d->key_idx.has_value());
}

TEST(Vp8DescriptorTest, ParsesEveryFieldCombination) {
  enum class Id { kNone, kShort, kLong };
  for (Id id : {Id::kNone, Id::kShort, Id::kLong}) {
    for (int flags = 0; flags < 8; ++flags) {
      for (int first = 0; first < 16; ++first) {
        Vp8Fields f;
        f.non_reference = (first & 1) != 0;
        f.start = (first & 2) != 0;
        f.partition_id = (first & 4) != 0 ? 5 : 0;
        const bool inter = (first & 8) != 0;
        if (id != Id::kNone) f.picture_id = id == Id::kLong ? 0x6ABC : 0x3D;
        f.long_picture_id = id == Id::kLong;
        if (flags & 1) f.tl0_pic_idx = 0xE7;
        if (flags & 2) {
          f.temporal_id = 3;
          f.layer_sync = true;
        }
        if (flags & 4) f.key_idx = 0x1B;
        const auto data = inter ? kInterFrameData : Vp8KeyframeHeader(1280, 720);
        const auto payload = Vp8Payload(f, data);
        SCOPED_TRACE(::testing::Message() << "id " << static_cast<int>(id) << " flags "
                                          << flags << " first " << first);

        auto d = ParseVp8Descriptor(payload);
        ASSERT_TRUE(d.has_value());
        EXPECT_EQ(d->size, payload.size() - data.size());
        EXPECT_EQ(d->non_reference, f.non_reference);
        EXPECT_EQ(d->start_of_partition, f.start);
        EXPECT_EQ(d->partition_id, f.partition_id);
        EXPECT_EQ(d->picture_id, f.picture_id);
        EXPECT_EQ(d->long_picture_id, f.long_picture_id);
        EXPECT_EQ(d->tl0_pic_idx, f.tl0_pic_idx);
        EXPECT_EQ(d->temporal_id, f.temporal_id);
        EXPECT_EQ(d->layer_sync, f.layer_sync);
        EXPECT_EQ(d->key_idx, f.key_idx);
        const bool begins = f.start && f.partition_id == 0;
        EXPECT_EQ(d->begins_frame(), begins);
        EXPECT_EQ(d->keyframe, begins && !inter);
        EXPECT_EQ(d->width.has_value(), begins && !inter);
        if (d->width) {
          EXPECT_EQ(*d->width, 1280);
          EXPECT_EQ(*d->height, 720);
        }
      }
    }
  }
}

TEST(Vp8DescriptorTest, TruncationInsideTheDescriptorIsRejected) {
  Vp8Fields f{.start = true,
              .picture_id = 0x1234,
              .long_picture_id = true,
              .tl0_pic_idx = 7,
              .temporal_id = 1,
              .key_idx = 3};
  const auto payload = Vp8Payload(f, Vp8KeyframeHeader(640, 480));
  const size_t descriptor_size = 6;
  ASSERT_TRUE(ParseVp8Descriptor(payload).has_value());
  // Up to and including "descriptor but no VP8 byte": rejected.
  for (size_t n = 0; n <= descriptor_size; ++n) {
    EXPECT_FALSE(ParseVp8Descriptor(Prefix(payload, n)).has_value()) << n;
  }
  // Cut inside the key frame header: still a key frame, size unknown.
  for (size_t n = descriptor_size + 1; n < payload.size(); ++n) {
    auto d = ParseVp8Descriptor(Prefix(payload, n));
    ASSERT_TRUE(d.has_value()) << n;
    EXPECT_TRUE(d->keyframe) << n;
    EXPECT_FALSE(d->width.has_value()) << n;
  }
  auto whole = ParseVp8Descriptor(payload);
  EXPECT_EQ(whole->width, 640);
  EXPECT_EQ(whole->height, 480);
}

TEST(Vp8DescriptorTest, EveryPrefixOfEveryLayoutIsSafe) {
  // Each extension flag with a descriptor cut right after its flag byte or
  // inside its field.
  const std::vector<std::vector<uint8_t>> cut = {
      Bytes({0x80}),              // X without the extension byte
      Bytes({0x80, 0x80}),        // I without the picture id
      Bytes({0x80, 0x80, 0x80}),  // M=1 without the second byte
      Bytes({0x80, 0x40}),        // L without TL0PICIDX
      Bytes({0x80, 0x20}),        // T without its byte
      Bytes({0x80, 0x10}),        // K without its byte
      Bytes({0x80, 0xF0, 0x01, 0x02}),  // T/K byte missing after I and L
  };
  for (const auto& bytes : cut) {
    EXPECT_FALSE(ParseVp8Descriptor(bytes).has_value());
  }
}

TEST(Vp8DescriptorTest, KeyFrameSizeIgnoresTheScaleBits) {
  const auto payload = Vp8Payload({.start = true}, Vp8KeyframeHeader(1920, 1080, 3));
  auto d = ParseVp8Descriptor(payload);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->width, 1920);
  EXPECT_EQ(d->height, 1080);
}

TEST(Vp8DescriptorTest, KeyFrameWithoutStartCodeHasNoSize) {
  auto header = Vp8KeyframeHeader(320, 240);
  header[4] = 0x02;  // 9d 02 2a
  auto d = ParseVp8Descriptor(Vp8Payload({.start = true}, header));
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->keyframe);
  EXPECT_FALSE(d->width.has_value());
  EXPECT_FALSE(d->height.has_value());
}

TEST(Vp8DescriptorTest, OnlyTheFirstPacketOfAFrameSaysKeyFrame) {
  const auto key = Vp8KeyframeHeader(320, 240);
  // S=0: a continuation; PID=1: another partition. P=0 means nothing then.
  auto continuation = ParseVp8Descriptor(Vp8Payload({.start = false}, key));
  auto partition1 = ParseVp8Descriptor(Vp8Payload({.start = true, .partition_id = 1}, key));
  ASSERT_TRUE(continuation && partition1);
  EXPECT_FALSE(continuation->keyframe);
  EXPECT_FALSE(partition1->keyframe);
  EXPECT_FALSE(continuation->width.has_value());
  EXPECT_FALSE(partition1->width.has_value());
}

TEST(Vp8DescriptorTest, WritesAFifteenBitPictureIdInPlace) {
  auto payload = Vp8Payload({.start = true, .picture_id = 0x1234, .long_picture_id = true,
                             .tl0_pic_idx = 9},
                            kInterFrameData);
  const auto before = payload;
  auto d = ParseVp8Descriptor(payload);
  ASSERT_TRUE(d.has_value());
  ASSERT_TRUE(WriteVp8PictureId(payload, *d, 0x7FFE));
  EXPECT_THAT(payload, ::testing::ElementsAre(0x90, 0xC0, 0xFF, 0xFE, 9, 0x31, 0x02, 0x00, 0xAA));
  // Wider values are taken mod 2^15.
  ASSERT_TRUE(WriteVp8PictureId(payload, *d, 0x8003));
  auto again = ParseVp8Descriptor(payload);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->picture_id, 3);
  EXPECT_TRUE(again->long_picture_id);
  EXPECT_EQ(again->tl0_pic_idx, 9);
  payload[2] = before[2];
  payload[3] = before[3];
  EXPECT_EQ(payload, before);
}

TEST(Vp8DescriptorTest, WritesASevenBitPictureIdModulo128) {
  auto payload = Vp8Payload({.start = true, .picture_id = 0x10}, kInterFrameData);
  auto d = ParseVp8Descriptor(payload);
  ASSERT_TRUE(d.has_value());
  ASSERT_TRUE(WriteVp8PictureId(payload, *d, 0x1FF));  // 511 mod 128 = 127
  EXPECT_EQ(payload[2], 0x7F);
  auto again = ParseVp8Descriptor(payload);
  EXPECT_EQ(again->picture_id, 0x7F);
  EXPECT_FALSE(again->long_picture_id);
  EXPECT_EQ(again->size, d->size);
}

TEST(Vp8DescriptorTest, WritesTl0PicIdxAfterEachPictureIdWidth) {
  for (int id_bytes : {0, 1, 2}) {
    Vp8Fields f{.start = true, .tl0_pic_idx = 0x11, .temporal_id = 2};
    if (id_bytes > 0) f.picture_id = 100;
    f.long_picture_id = id_bytes == 2;
    auto payload = Vp8Payload(f, kInterFrameData);
    const auto before = payload;
    auto d = ParseVp8Descriptor(payload);
    ASSERT_TRUE(d.has_value());
    ASSERT_TRUE(WriteVp8Tl0PicIdx(payload, *d, 0xEE)) << id_bytes;
    const size_t offset = 2 + static_cast<size_t>(id_bytes);
    EXPECT_EQ(payload[offset], 0xEE) << id_bytes;
    auto again = ParseVp8Descriptor(payload);
    EXPECT_EQ(again->tl0_pic_idx, 0xEE);
    EXPECT_EQ(again->picture_id, d->picture_id);
    EXPECT_EQ(again->temporal_id, 2);
    payload[offset] = before[offset];
    EXPECT_EQ(payload, before) << id_bytes;
  }
}

TEST(Vp8DescriptorTest, WritesRefuseAbsentFieldsAndMismatchedBytes) {
  auto plain = Vp8Payload({.start = true}, kInterFrameData);
  auto d = ParseVp8Descriptor(plain);
  ASSERT_TRUE(d.has_value());
  const auto before = plain;
  EXPECT_FALSE(WriteVp8PictureId(plain, *d, 5));
  EXPECT_FALSE(WriteVp8Tl0PicIdx(plain, *d, 5));
  EXPECT_EQ(plain, before);

  // A descriptor from a packet with a 15-bit id, applied to one with a
  // 7-bit id, or to one cut short: nothing is written.
  auto long_id = Vp8Payload({.picture_id = 300, .long_picture_id = true, .tl0_pic_idx = 1},
                            kInterFrameData);
  auto long_d = ParseVp8Descriptor(long_id);
  ASSERT_TRUE(long_d.has_value());
  auto short_id = Vp8Payload({.picture_id = 3, .tl0_pic_idx = 1}, kInterFrameData);
  const auto short_before = short_id;
  EXPECT_FALSE(WriteVp8PictureId(short_id, *long_d, 5));
  EXPECT_FALSE(WriteVp8Tl0PicIdx(short_id, *long_d, 5));
  EXPECT_EQ(short_id, short_before);
  auto cut = Prefix(long_id, 3);
  EXPECT_FALSE(WriteVp8PictureId(cut, *long_d, 5));
  EXPECT_FALSE(WriteVp8Tl0PicIdx(cut, *long_d, 5));
  EXPECT_THAT(cut, ::testing::ElementsAre(long_id[0], long_id[1], long_id[2]));
}

TEST(Vp8DescriptorTest, RandomDescriptorsRoundTrip) {
  RandomInts random(7741);
  for (int i = 0; i < 2000; ++i) {
    Vp8Fields f;
    f.non_reference = random.Coin();
    f.start = random.Coin();
    f.partition_id = static_cast<uint8_t>(random.Below(8));
    f.long_picture_id = random.Coin();
    if (random.Coin()) {
      f.picture_id = static_cast<uint16_t>(random.Below(f.long_picture_id ? 0x8000 : 0x80));
    }
    if (!f.picture_id) f.long_picture_id = false;
    if (random.Coin()) f.tl0_pic_idx = static_cast<uint8_t>(random.Below(256));
    if (random.Coin()) {
      f.temporal_id = static_cast<uint8_t>(random.Below(4));
      f.layer_sync = random.Coin();
    }
    if (random.Coin()) f.key_idx = static_cast<uint8_t>(random.Below(32));
    std::vector<uint8_t> data(1 + random.Below(20));
    for (auto& b : data) b = static_cast<uint8_t>(random.Next());
    auto payload = Vp8Payload(f, data);
    SCOPED_TRACE(i);

    auto d = ParseVp8Descriptor(payload);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->size, payload.size() - data.size());
    EXPECT_EQ(d->non_reference, f.non_reference);
    EXPECT_EQ(d->start_of_partition, f.start);
    EXPECT_EQ(d->partition_id, f.partition_id);
    EXPECT_EQ(d->picture_id, f.picture_id);
    EXPECT_EQ(d->long_picture_id, f.long_picture_id);
    EXPECT_EQ(d->tl0_pic_idx, f.tl0_pic_idx);
    EXPECT_EQ(d->temporal_id, f.temporal_id);
    EXPECT_EQ(d->layer_sync, f.layer_sync);
    EXPECT_EQ(d->key_idx, f.key_idx);
    EXPECT_EQ(d->keyframe, d->begins_frame() && (data[0] & 1) == 0);

    const auto id = static_cast<uint16_t>(random.Next());
    const auto tl0 = static_cast<uint8_t>(random.Next());
    EXPECT_EQ(WriteVp8PictureId(payload, *d, id), f.picture_id.has_value());
    EXPECT_EQ(WriteVp8Tl0PicIdx(payload, *d, tl0), f.tl0_pic_idx.has_value());
    if (f.picture_id) f.picture_id = id & (f.long_picture_id ? 0x7FFF : 0x7F);
    if (f.tl0_pic_idx) f.tl0_pic_idx = tl0;
    EXPECT_EQ(payload, Vp8Payload(f, data));
  }
}

}  // namespace
}  // namespace konfero::video
