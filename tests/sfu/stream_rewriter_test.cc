// Tests of sfu/stream_rewriter.h: one continuous outgoing stream across
// layer switches, publisher reconnects, pauses, reordering and wraparound.
#include "sfu/stream_rewriter.h"

#include <cstdint>
#include <optional>

#include <gtest/gtest.h>

namespace konfero::sfu {
namespace {

constexpr uint32_t kVideoClock = 90'000;
constexpr uint32_t kLow = 0x1111'0000;   // simulcast layer 0
constexpr uint32_t kHigh = 0x2222'0000;  // simulcast layer 2
constexpr int64_t kFrameUs = 33'000;     // 2970 ticks at 90 kHz
constexpr uint32_t kFrameTicks = 2970;

SourcePacket Delta(uint32_t ssrc, uint16_t seq, uint32_t ts, int64_t arrival_us,
                   bool begins_frame = false) {
  return {.source_ssrc = ssrc,
          .sequence_number = seq,
          .timestamp = ts,
          .keyframe = false,
          .begins_frame = begins_frame,
          .arrival_us = arrival_us};
}

SourcePacket Key(uint32_t ssrc, uint16_t seq, uint32_t ts, int64_t arrival_us,
                 bool begins_frame = true) {
  return {.source_ssrc = ssrc,
          .sequence_number = seq,
          .timestamp = ts,
          .keyframe = true,
          .begins_frame = begins_frame,
          .arrival_us = arrival_us};
}

// The rewritten numbers, or a marker that the packet was dropped.
struct Out {
  bool forwarded = false;
  uint16_t seq = 0;
  uint32_t ts = 0;
  bool switched = false;
};

Out Feed(StreamRewriter& rewriter, const SourcePacket& packet) {
  const std::optional<RewrittenPacket> out = rewriter.Rewrite(packet);
  if (!out) return {};
  return {true, out->sequence_number, out->timestamp, out->source_switched};
}

TEST(StreamRewriterTest, WaitsForAKeyframeThatBeginsAFrame) {
  StreamRewriter rewriter(kVideoClock);
  EXPECT_TRUE(rewriter.WaitingForKeyframe());
  EXPECT_FALSE(rewriter.current_source().has_value());
  EXPECT_FALSE(Feed(rewriter, Delta(kLow, 100, 9000, 0, /*begins_frame=*/true)).forwarded);
  EXPECT_FALSE(Feed(rewriter, Key(kLow, 101, 9000, 0, /*begins_frame=*/false)).forwarded);
  EXPECT_TRUE(rewriter.WaitingForKeyframe());
  EXPECT_EQ(rewriter.stats().dropped_waiting_for_keyframe, 2u);
  EXPECT_EQ(rewriter.stats().forwarded, 0u);
}

TEST(StreamRewriterTest, FirstSourceKeepsItsOwnNumbers) {
  StreamRewriter rewriter(kVideoClock);
  const Out first = Feed(rewriter, Key(kLow, 1000, 555'000, 0));
  ASSERT_TRUE(first.forwarded);
  EXPECT_EQ(first.seq, 1000);
  EXPECT_EQ(first.ts, 555'000u);
  EXPECT_TRUE(first.switched);
  EXPECT_FALSE(rewriter.WaitingForKeyframe());
  EXPECT_EQ(rewriter.current_source(), kLow);

  const Out next = Feed(rewriter, Delta(kLow, 1001, 555'000 + kFrameTicks, kFrameUs, true));
  ASSERT_TRUE(next.forwarded);
  EXPECT_EQ(next.seq, 1001);
  EXPECT_EQ(next.ts, 555'000 + kFrameTicks);
  EXPECT_FALSE(next.switched);
  EXPECT_EQ(rewriter.stats().switches, 0u);
}

TEST(StreamRewriterTest, SwitchUpContinuesNumberingFromTheLastPacket) {
  StreamRewriter rewriter(kVideoClock);
  ASSERT_TRUE(Feed(rewriter, Key(kLow, 1000, 10'000, 0)).forwarded);
  ASSERT_TRUE(Feed(rewriter, Delta(kLow, 1001, 10'000, 1000)).forwarded);
  ASSERT_TRUE(Feed(rewriter, Delta(kLow, 1002, 10'000 + kFrameTicks, kFrameUs, true)).forwarded);

  // The high layer has its own, unrelated numbers.
  const Out key = Feed(rewriter, Key(kHigh, 40'000, 7'000'000, 2 * kFrameUs));
  ASSERT_TRUE(key.forwarded);
  EXPECT_TRUE(key.switched);
  EXPECT_EQ(key.seq, 1003);
  // One frame interval after the newest frame forwarded.
  EXPECT_EQ(key.ts, 10'000 + 2 * kFrameTicks);
  EXPECT_EQ(rewriter.current_source(), kHigh);

  const Out more = Feed(rewriter, Key(kHigh, 40'001, 7'000'000, 2 * kFrameUs, false));
  const Out frame = Feed(rewriter, Delta(kHigh, 40'002, 7'000'000 + 3000, 3 * kFrameUs, true));
  ASSERT_TRUE(more.forwarded && frame.forwarded);
  EXPECT_FALSE(more.switched);
  EXPECT_EQ(more.seq, 1004);
  EXPECT_EQ(frame.seq, 1005);
  EXPECT_EQ(frame.ts, key.ts + 3000);  // the source's own spacing is kept
  EXPECT_EQ(rewriter.stats().switches, 1u);
}

TEST(StreamRewriterTest, SwitchesDownAndUpAcrossSequenceAndTimestampWrap) {
  StreamRewriter rewriter(kVideoClock);
  // Output starts just below both wraps.
  const uint32_t ts = 0xFFFF'FA00;
  ASSERT_EQ(Feed(rewriter, Key(kHigh, 65'534, ts, 0)).seq, 65'534);
  ASSERT_EQ(Feed(rewriter, Delta(kHigh, 65'535, ts, 100)).seq, 65'535);

  // Down to the low layer, itself about to wrap its timestamp.
  const Out down = Feed(rewriter, Key(kLow, 65'530, 0xFFFF'FFFF, kFrameUs));
  ASSERT_TRUE(down.forwarded);
  EXPECT_EQ(down.seq, 0);
  EXPECT_EQ(down.ts, ts + kFrameTicks);  // past the wrap
  EXPECT_LT(down.ts, ts);
  const Out low_next =
      Feed(rewriter, Delta(kLow, 65'531, 0xFFFF'FFFF + kFrameTicks, 2 * kFrameUs, true));
  ASSERT_TRUE(low_next.forwarded);
  EXPECT_EQ(low_next.seq, 1);
  EXPECT_EQ(low_next.ts, down.ts + kFrameTicks);
  // The low layer's own sequence numbers wrap too: the distance is kept.
  for (uint16_t seq = 65'532; seq != 3; ++seq) {
    ASSERT_TRUE(
        Feed(rewriter, Delta(kLow, seq, 0xFFFF'FFFF + kFrameTicks, 2 * kFrameUs)).forwarded);
  }
  const Out low_last =
      Feed(rewriter, Delta(kLow, 3, 0xFFFF'FFFF + 2 * kFrameTicks, 3 * kFrameUs, true));
  EXPECT_EQ(low_last.seq, 9);
  EXPECT_EQ(low_last.ts, down.ts + 2 * kFrameTicks);

  // Back up to the high layer, whose numbers moved on meanwhile.
  const Out up = Feed(rewriter, Key(kHigh, 199, 0xFFFF'FA00 + 90'000, 4 * kFrameUs));
  ASSERT_TRUE(up.forwarded);
  EXPECT_TRUE(up.switched);
  EXPECT_EQ(up.seq, 10);
  EXPECT_EQ(up.ts, low_last.ts + kFrameTicks);
  EXPECT_EQ(rewriter.stats().switches, 2u);
}

TEST(StreamRewriterTest, GapsAndReorderingWithinASourceKeepTheirDistance) {
  StreamRewriter rewriter(kVideoClock);
  ASSERT_TRUE(Feed(rewriter, Key(kLow, 500, 0, 0)).forwarded);
  // 501 and 502 are late, 503 is lost: the receiver must see the gap to NACK.
  EXPECT_EQ(Feed(rewriter, Delta(kLow, 504, 3000, 10, true)).seq, 504);
  EXPECT_EQ(Feed(rewriter, Delta(kLow, 502, 0, 20)).seq, 502);
  EXPECT_EQ(Feed(rewriter, Delta(kLow, 501, 0, 30)).seq, 501);
  EXPECT_EQ(rewriter.stats().forwarded, 4u);
}

TEST(StreamRewriterTest, ReorderingAcrossTheSwitch) {
  StreamRewriter stream(kVideoClock);
  ASSERT_TRUE(Feed(stream, Key(kLow, 100, 0, 0)).forwarded);
  ASSERT_TRUE(Feed(stream, Delta(kLow, 101, 0, 1)).forwarded);
  ASSERT_TRUE(Feed(stream, Delta(kLow, 103, kFrameTicks, kFrameUs, true)).forwarded);

  // A packet of the high layer's keyframe overtakes its first packet: no
  // keyframe start yet, so it cannot be forwarded.
  EXPECT_FALSE(Feed(stream, Key(kHigh, 9001, 50'000, 2 * kFrameUs, false)).forwarded);
  EXPECT_TRUE(stream.WaitingForKeyframe());
  const Out key = Feed(stream, Key(kHigh, 9000, 50'000, 2 * kFrameUs));
  ASSERT_TRUE(key.forwarded);
  EXPECT_EQ(key.seq, 104);
  EXPECT_FALSE(stream.WaitingForKeyframe());

  // The low layer's late 102 arrives after the switch: dropped, as is a
  // packet of the high layer from before its keyframe.
  EXPECT_FALSE(Feed(stream, Delta(kLow, 102, 0, 2 * kFrameUs + 10)).forwarded);
  EXPECT_FALSE(Feed(stream, Delta(kHigh, 8999, 47'030, 2 * kFrameUs + 20)).forwarded);
  EXPECT_EQ(stream.stats().dropped_stale, 2u);

  // The high layer reorders among itself after the switch.
  EXPECT_EQ(Feed(stream, Key(kHigh, 9003, 50'000, 2 * kFrameUs + 30, false)).seq, 107);
  EXPECT_EQ(Feed(stream, Key(kHigh, 9002, 50'000, 2 * kFrameUs + 40, false)).seq, 106);
  // 9001, overtaken and dropped before the switch, comes again (a
  // retransmission): it now belongs to the forwarded source.
  EXPECT_EQ(Feed(stream, Key(kHigh, 9001, 50'000, 2 * kFrameUs + 50, false)).seq, 105);
}

TEST(StreamRewriterTest, DuplicatesMapToTheSameOutput) {
  StreamRewriter rewriter(kVideoClock);
  const Out key = Feed(rewriter, Key(kLow, 7, 1000, 0));
  const Out again = Feed(rewriter, Key(kLow, 7, 1000, 5));
  ASSERT_TRUE(key.forwarded && again.forwarded);
  EXPECT_EQ(again.seq, key.seq);
  EXPECT_EQ(again.ts, key.ts);
  EXPECT_FALSE(again.switched);

  // After a switch, a duplicate of the new source's keyframe too.
  ASSERT_TRUE(Feed(rewriter, Delta(kLow, 8, 4000, kFrameUs, true)).forwarded);
  const Out high = Feed(rewriter, Key(kHigh, 60'000, 77, 2 * kFrameUs));
  const Out high_again = Feed(rewriter, Key(kHigh, 60'000, 77, 2 * kFrameUs + 5));
  ASSERT_TRUE(high.forwarded && high_again.forwarded);
  EXPECT_EQ(high_again.seq, high.seq);
  EXPECT_EQ(high_again.ts, high.ts);
  EXPECT_EQ(rewriter.stats().switches, 1u);
}

TEST(StreamRewriterTest, TimestampAlwaysAdvancesAtASwitch) {
  StreamRewriter rewriter(kVideoClock);
  ASSERT_TRUE(Feed(rewriter, Key(kLow, 1, 1000, 5000)).forwarded);
  // The new source's keyframe arrives "before" the last frame (a clock
  // glitch) and at the same time: one tick each.
  const Out first = Feed(rewriter, Key(kHigh, 1, 999'999, 4000));
  EXPECT_EQ(first.ts, 1001u);
  const Out second = Feed(rewriter, Key(kLow, 1000, 2, 4000));
  EXPECT_EQ(second.ts, 1002u);
  EXPECT_EQ(second.seq, 3);
}

TEST(StreamRewriterTest, LongPauseCapsTheTimestampStep) {
  StreamRewriter rewriter(kVideoClock);
  ASSERT_TRUE(Feed(rewriter, Key(kLow, 1, 0, 0)).forwarded);
  rewriter.Pause();
  rewriter.Resume();
  constexpr int64_t kTenHoursUs = int64_t{10} * 3600 * 1'000'000;
  const Out resumed = Feed(rewriter, Key(kLow, 2, 1'000'000, kTenHoursUs));
  ASSERT_TRUE(resumed.forwarded);
  // Ten hours at 90 kHz overflow half the 32-bit space; the step stays
  // below it so that the receiver reads it as forward.
  EXPECT_EQ(resumed.ts, uint32_t{1} << 30);
}

TEST(StreamRewriterTest, PublisherReconnectsWithNewSsrc) {
  constexpr uint32_t kReconnected = 0x3333'0000;
  StreamRewriter rewriter(kVideoClock);
  ASSERT_TRUE(Feed(rewriter, Key(kLow, 20'000, 100, 0)).forwarded);
  ASSERT_TRUE(Feed(rewriter, Delta(kLow, 20'001, 100 + kFrameTicks, kFrameUs, true)).forwarded);

  // The new connection's first packets are mid-stream: dropped, and the
  // caller learns that it must ask the publisher for a keyframe.
  EXPECT_FALSE(Feed(rewriter, Delta(kReconnected, 5, 8000, 500'000, true)).forwarded);
  EXPECT_TRUE(rewriter.WaitingForKeyframe());
  EXPECT_EQ(rewriter.current_source(), kLow);

  const Out key = Feed(rewriter, Key(kReconnected, 9, 20'000, 600'000));
  ASSERT_TRUE(key.forwarded);
  EXPECT_TRUE(key.switched);
  EXPECT_EQ(key.seq, 20'002);
  // 567 ms after the last frame forwarded.
  EXPECT_EQ(key.ts, 100 + kFrameTicks + 567 * 90);
  EXPECT_FALSE(rewriter.WaitingForKeyframe());
  EXPECT_EQ(rewriter.current_source(), kReconnected);
}

TEST(StreamRewriterTest, PauseAndResumeHideThePausedPackets) {
  StreamRewriter rewriter(kVideoClock);
  ASSERT_TRUE(Feed(rewriter, Key(kLow, 10, 0, 0)).forwarded);
  ASSERT_TRUE(Feed(rewriter, Delta(kLow, 11, kFrameTicks, kFrameUs, true)).forwarded);

  rewriter.Pause();
  EXPECT_TRUE(rewriter.paused());
  EXPECT_FALSE(rewriter.WaitingForKeyframe());
  EXPECT_FALSE(Feed(rewriter, Delta(kLow, 12, 2 * kFrameTicks, 2 * kFrameUs, true)).forwarded);
  EXPECT_FALSE(Feed(rewriter, Key(kLow, 13, 3 * kFrameTicks, 3 * kFrameUs)).forwarded);
  EXPECT_EQ(rewriter.stats().dropped_paused, 2u);

  rewriter.Resume();
  EXPECT_FALSE(rewriter.paused());
  EXPECT_TRUE(rewriter.WaitingForKeyframe());
  // Same source, but the decoder missed frames: only a keyframe resumes.
  EXPECT_FALSE(Feed(rewriter, Delta(kLow, 300, 90'000, 2'000'000, true)).forwarded);
  const Out key = Feed(rewriter, Key(kLow, 301, 93'000, 2'033'000));
  ASSERT_TRUE(key.forwarded);
  EXPECT_TRUE(key.switched);
  EXPECT_EQ(key.seq, 12);  // no gap for the 290 packets not sent
  EXPECT_EQ(key.ts, kFrameTicks + (2'033'000 - kFrameUs) * 90 / 1000);
  EXPECT_FALSE(rewriter.WaitingForKeyframe());
  // A packet from before the resume point comes late: dropped.
  EXPECT_FALSE(Feed(rewriter, Delta(kLow, 299, 90'000, 2'034'000)).forwarded);
  EXPECT_EQ(Feed(rewriter, Delta(kLow, 302, 96'000, 2'066'000, true)).seq, 13);
  EXPECT_EQ(rewriter.stats().switches, 1u);
}

TEST(StreamRewriterTest, LateKeyframeOfALeftSourceDoesNotSwitchBack) {
  StreamRewriter rewriter(kVideoClock);
  ASSERT_TRUE(Feed(rewriter, Key(kLow, 100, 0, 0)).forwarded);
  ASSERT_TRUE(Feed(rewriter, Key(kLow, 101, 0, 1, false)).forwarded);
  ASSERT_TRUE(Feed(rewriter, Key(kHigh, 5000, 0, kFrameUs)).forwarded);
  // A duplicate of the low layer's keyframe start, arriving late.
  EXPECT_FALSE(Feed(rewriter, Key(kLow, 100, 0, kFrameUs + 10)).forwarded);
  // Newer low-layer packets that are not a keyframe start are late too (the
  // caller no longer forwards that layer), and do not ask for a keyframe.
  EXPECT_FALSE(Feed(rewriter, Delta(kLow, 102, kFrameTicks, kFrameUs + 20, true)).forwarded);
  EXPECT_FALSE(rewriter.WaitingForKeyframe());
  EXPECT_EQ(rewriter.current_source(), kHigh);

  // A new keyframe of the low layer does switch back.
  const Out back = Feed(rewriter, Key(kLow, 110, 9 * kFrameTicks, 10 * kFrameUs));
  ASSERT_TRUE(back.forwarded);
  EXPECT_TRUE(back.switched);
  EXPECT_EQ(back.seq, 103);
  EXPECT_EQ(rewriter.current_source(), kLow);
}

TEST(StreamRewriterTest, SourceLeftLongAgoIsANewOffer) {
  StreamRewriter rewriter(kVideoClock);
  ASSERT_TRUE(Feed(rewriter, Key(kLow, 40'000, 0, 0)).forwarded);
  ASSERT_TRUE(Feed(rewriter, Key(kHigh, 1, 0, kFrameUs)).forwarded);
  // Five seconds later the low layer's numbers are more than half the
  // sequence space further on and look "older" than when it was left.
  const Out back = Feed(rewriter, Key(kLow, 40'000 - 20'000, 0, 5'000'000));
  ASSERT_TRUE(back.forwarded);
  EXPECT_EQ(back.seq, 40'002);
}

TEST(StreamRewriterTest, LongRunningSourceIsForwardedPastHalfTheSequenceSpace) {
  StreamRewriter rewriter(kVideoClock);
  uint16_t seq = 1;
  ASSERT_TRUE(Feed(rewriter, Key(kLow, seq, 0, 0)).forwarded);
  for (int i = 1; i < 200'000; ++i) {
    ++seq;
    const Out out = Feed(rewriter, Delta(kLow, seq, 0, i));
    ASSERT_TRUE(out.forwarded) << "packet " << i;
    ASSERT_EQ(out.seq, seq);
  }
  EXPECT_EQ(rewriter.stats().forwarded, 200'000u);
}

TEST(StreamRewriterTest, CountsWhatItDid) {
  StreamRewriter rewriter(kVideoClock);
  Feed(rewriter, Delta(kLow, 1, 0, 0, true));  // waiting
  Feed(rewriter, Key(kLow, 2, 0, 0));          // forwarded
  Feed(rewriter, Delta(kLow, 3, 0, 0));        // forwarded
  Feed(rewriter, Key(kHigh, 9, 0, 10));        // switch
  Feed(rewriter, Delta(kLow, 4, 0, 20));       // stale
  rewriter.Pause();
  Feed(rewriter, Delta(kHigh, 10, 0, 30));  // paused
  const StreamRewriterStats& stats = rewriter.stats();
  EXPECT_EQ(stats.forwarded, 3u);
  EXPECT_EQ(stats.dropped_waiting_for_keyframe, 1u);
  EXPECT_EQ(stats.dropped_stale, 1u);
  EXPECT_EQ(stats.dropped_paused, 1u);
  EXPECT_EQ(stats.dropped(), 3u);
  EXPECT_EQ(stats.switches, 1u);
}

}  // namespace
}  // namespace konfero::sfu
