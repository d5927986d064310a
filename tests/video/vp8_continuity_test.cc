// Tests of video/vp8_continuity.h.
#include "video/vp8_continuity.h"

#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "video/video_test_util.h"

namespace konfero::video {
namespace {

using ::konfero::video::testing::Bytes;
using ::konfero::video::testing::RandomInts;
using ::konfero::video::testing::Vp8Fields;
using ::konfero::video::testing::Vp8KeyframeHeader;
using ::konfero::video::testing::Vp8Payload;

struct Output {
  std::optional<uint16_t> picture_id;
  std::optional<uint8_t> tl0_pic_idx;
};

// Builds a packet of one picture, runs it through `continuity` and returns
// the ids it carries afterwards. Checks that no other byte changed.
class Forwarder {
 public:
  Output Send(std::optional<uint16_t> picture_id, std::optional<uint8_t> tl0,
              bool long_id = true, bool switched = false, bool keyframe = false) {
    Vp8Fields f{.start = true, .picture_id = picture_id, .long_picture_id = long_id,
                .tl0_pic_idx = tl0, .temporal_id = 0};
    auto payload = Vp8Payload(f, keyframe ? Vp8KeyframeHeader(320, 180) : Bytes({0x31, 0x07}));
    auto d = ParseVp8Descriptor(payload);
    EXPECT_TRUE(d.has_value());
    if (!d) return {};
    continuity_.Rewrite(payload, *d, switched);
    auto out = ParseVp8Descriptor(payload);
    EXPECT_TRUE(out.has_value());
    if (!out) return {};
    // Everything but the ids is as it was.
    f.picture_id = out->picture_id;
    f.tl0_pic_idx = out->tl0_pic_idx;
    EXPECT_EQ(payload,
              Vp8Payload(f, keyframe ? Vp8KeyframeHeader(320, 180) : Bytes({0x31, 0x07})));
    EXPECT_EQ(out->picture_id.has_value(), picture_id.has_value());
    EXPECT_EQ(out->long_picture_id, d->long_picture_id);
    return {out->picture_id, out->tl0_pic_idx};
  }
  Output Switch(uint16_t picture_id, uint8_t tl0, bool long_id = true) {
    return Send(picture_id, tl0, long_id, /*switched=*/true, /*keyframe=*/true);
  }

 private:
  Vp8Continuity continuity_;
};

TEST(Vp8ContinuityTest, TheFirstSourcePassesThroughUnchanged) {
  Forwarder fwd;
  auto first = fwd.Send(1000, 50);
  EXPECT_EQ(first.picture_id, 1000);
  EXPECT_EQ(first.tl0_pic_idx, 50);
  auto next = fwd.Send(1001, 51);
  EXPECT_EQ(next.picture_id, 1001);
  EXPECT_EQ(next.tl0_pic_idx, 51);
}

TEST(Vp8ContinuityTest, ASwitchContinuesAfterTheNewestIds) {
  Forwarder fwd;
  fwd.Send(100, 10);
  fwd.Send(101, 10);
  fwd.Send(102, 11);
  // The new layer numbers its pictures from 5000, its TL0PICIDX from 200.
  auto key = fwd.Switch(5000, 200);
  EXPECT_EQ(key.picture_id, 103);
  EXPECT_EQ(key.tl0_pic_idx, 12);
  // The rest of the key frame's packets share its id.
  EXPECT_EQ(fwd.Send(5000, 200).picture_id, 103);
  auto next = fwd.Send(5001, 201);
  EXPECT_EQ(next.picture_id, 104);
  EXPECT_EQ(next.tl0_pic_idx, 13);
  // Gaps of the source (say, a dropped temporal layer) stay gaps.
  EXPECT_EQ(fwd.Send(5004, 202).picture_id, 107);
}

TEST(Vp8ContinuityTest, SwitchingBackUsesANewOffset) {
  Forwarder fwd;
  fwd.Send(100, 10);
  fwd.Switch(7000, 90);                    // -> 101, 11
  fwd.Send(7001, 91);                      // -> 102, 12
  auto back = fwd.Switch(110, 15);         // the first source went on meanwhile
  EXPECT_EQ(back.picture_id, 103);
  EXPECT_EQ(back.tl0_pic_idx, 13);
  EXPECT_EQ(fwd.Send(111, 16).picture_id, 104);
}

TEST(Vp8ContinuityTest, PictureIdsWrapAtFifteenBits) {
  Forwarder fwd;
  fwd.Send(0x7FFE, 254);
  fwd.Send(0x7FFF, 255);
  auto key = fwd.Switch(300, 7);
  EXPECT_EQ(key.picture_id, 0);
  EXPECT_EQ(key.tl0_pic_idx, 0);
  EXPECT_EQ(fwd.Send(301, 8).picture_id, 1);
  // The new source wraps too.
  fwd.Switch(0x7FFF, 100);  // -> 2
  auto wrapped = fwd.Send(0, 101);
  EXPECT_EQ(wrapped.picture_id, 3);
  EXPECT_EQ(wrapped.tl0_pic_idx, 3);
}

TEST(Vp8ContinuityTest, ReorderedPicturesMapThroughTheSameOffset) {
  Forwarder fwd;
  fwd.Send(10, 1);
  auto key = fwd.Switch(900, 50);  // offsets: 900 -> 11, 50 -> 2
  EXPECT_EQ(key.picture_id, 11);
  EXPECT_EQ(key.tl0_pic_idx, 2);
  fwd.Send(902, 52);  // -> 13, 4
  auto late = fwd.Send(901, 51);
  EXPECT_EQ(late.picture_id, 12);
  EXPECT_EQ(late.tl0_pic_idx, 3);
  // The late picture did not move "newest" back: a switch continues after
  // 13 and 4.
  auto next = fwd.Switch(40, 9);
  EXPECT_EQ(next.picture_id, 14);
  EXPECT_EQ(next.tl0_pic_idx, 5);
}

TEST(Vp8ContinuityTest, SevenBitIdsKeepTheirWidth) {
  Forwarder fwd;
  fwd.Send(0x7F0, 1);  // a 15-bit source up to 0x7F0
  // A 7-bit source starting at 120.
  auto key = fwd.Switch(120, 30, /*long_id=*/false);
  EXPECT_EQ(key.picture_id, 0x7F1 & 0x7F);
  // Its ids wrap 127 -> 0; the output follows mod 128.
  uint16_t expected = 0x7F1;
  for (uint16_t id : {121, 122, 123, 124, 125, 126, 127, 0, 1, 2}) {
    ++expected;
    EXPECT_EQ(fwd.Send(id, std::nullopt, false).picture_id, expected & 0x7F) << id;
  }
  // Back to a 15-bit source: it continues after the newest id in 15 bits,
  // which agrees with what the 7-bit packets showed.
  auto back = fwd.Switch(20000, 70);
  EXPECT_EQ(back.picture_id, expected + 1);
}

TEST(Vp8ContinuityTest, SevenBitReorderingAcrossTheirWrap) {
  Forwarder fwd;
  fwd.Send(500, 1);
  fwd.Switch(126, 0, false);                           // -> 501
  EXPECT_EQ(fwd.Send(1, std::nullopt, false).picture_id, (501 + 3) & 0x7F);
  EXPECT_EQ(fwd.Send(127, std::nullopt, false).picture_id, (501 + 1) & 0x7F);  // late
  auto back = fwd.Switch(9, 9);
  EXPECT_EQ(back.picture_id, 505);
}

TEST(Vp8ContinuityTest, AFieldMissingAtTheSwitchIsMappedWhenItFirstAppears) {
  Forwarder fwd;
  fwd.Send(40, 8);
  // The new source's key frame has no TL0PICIDX; its next picture does.
  auto key = fwd.Send(600, std::nullopt, true, /*switched=*/true, /*keyframe=*/true);
  EXPECT_EQ(key.picture_id, 41);
  EXPECT_FALSE(key.tl0_pic_idx.has_value());
  auto next = fwd.Send(601, 77);
  EXPECT_EQ(next.picture_id, 42);
  EXPECT_EQ(next.tl0_pic_idx, 9);
  // A packet without a picture id leaves the mapping alone.
  fwd.Send(std::nullopt, 78);
  EXPECT_EQ(fwd.Send(602, 78).picture_id, 43);
}

// Simulcast: three layers of one publisher, each numbering its pictures
// from a random start, each picture in 1-3 packets; the SFU switches layer
// at random key frames. The subscriber must see every picture id exactly
// one after the previous picture's, and TL0PICIDX one after the previous.
TEST(Vp8ContinuityTest, RandomLayerSwitchesStayContinuous) {
  RandomInts random(20240601);
  for (int run = 0; run < 20; ++run) {
    Forwarder fwd;
    struct Layer {
      uint16_t picture_id;
      uint8_t tl0;
      bool long_id;
    };
    std::vector<Layer> layers;
    for (int i = 0; i < 3; ++i) {
      layers.push_back({static_cast<uint16_t>(random.Below(0x8000)),
                        static_cast<uint8_t>(random.Below(256)), random.Coin()});
    }
    size_t current = 0;
    std::optional<uint16_t> last_picture;  // output id of the previous picture
    bool last_long = true;
    uint8_t last_tl0 = 0;
    for (int picture = 0; picture < 300; ++picture) {
      bool switched = false;
      if (picture > 0 && random.Below(10) == 0) {
        current = random.Below(3);
        switched = true;
      }
      // Every layer advances whether forwarded or not.
      for (auto& layer : layers) {
        layer.picture_id = (layer.picture_id + 1) & 0x7FFF;
        layer.tl0 = static_cast<uint8_t>(layer.tl0 + 1);
      }
      const Layer& layer = layers[current];
      const uint16_t sent_id = layer.long_id ? layer.picture_id : layer.picture_id & 0x7F;
      // Where either packet has a 7-bit field only its low bits can agree.
      const uint16_t mask = layer.long_id && last_long ? 0x7FFF : 0x7F;
      const int packets = 1 + static_cast<int>(random.Below(3));
      std::optional<Output> first;
      for (int p = 0; p < packets; ++p) {
        const bool starts_switch = switched && p == 0;
        auto out = fwd.Send(sent_id, layer.tl0, layer.long_id, starts_switch, starts_switch);
        ASSERT_TRUE(out.picture_id && out.tl0_pic_idx);
        if (last_picture) {
          EXPECT_EQ(*out.picture_id & mask, (*last_picture + 1) & mask)
              << "run " << run << " picture " << picture << " packet " << p;
          EXPECT_EQ(*out.tl0_pic_idx, static_cast<uint8_t>(last_tl0 + 1));
        }
        if (!first) first = out;
        EXPECT_EQ(out.picture_id, first->picture_id);  // one id per picture
      }
      last_picture = first->picture_id;
      last_long = layer.long_id;
      last_tl0 = *first->tl0_pic_idx;
    }
  }
}

}  // namespace
}  // namespace konfero::video
