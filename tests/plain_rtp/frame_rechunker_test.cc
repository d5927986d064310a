// Tests of FrameRechunker: 10/30/60 ms G.711 payloads to 20 ms frames, with
// the sequence numbers and timestamps the mixer's jitter buffer needs.
#include "plain_rtp/frame_rechunker.h"

#include <vector>

#include "gtest/gtest.h"
#include "plain_rtp_test_util.h"

namespace konfero::plain_rtp {
namespace {

using testing::Ramp;

struct Frame {
  uint16_t sequence;
  uint32_t timestamp;
  std::vector<uint8_t> bytes;
};

class Collector {
 public:
  void Push(uint16_t seq, uint32_t ts, const std::vector<uint8_t>& payload) {
    chunker_.Push(seq, ts, payload,
                  [&](uint16_t s, uint32_t t, absl::Span<const uint8_t> f) {
                    frames.push_back({s, t, std::vector<uint8_t>(f.begin(), f.end())});
                  });
  }
  std::vector<Frame> frames;

 private:
  FrameRechunker chunker_;
};

// Sends `packets` packets of `bytes` each (a ramp of bytes, contiguous
// timestamps) and checks the 20 ms frames carry the same byte stream.
void CheckContiguous(size_t bytes, int packets) {
  Collector c;
  uint8_t next = 0;
  for (int i = 0; i < packets; ++i) {
    c.Push(static_cast<uint16_t>(500 + i), 8000 + static_cast<uint32_t>(i * bytes),
           Ramp(bytes, next));
    next = static_cast<uint8_t>(next + bytes);
  }
  const size_t expected_frames = bytes * static_cast<size_t>(packets) / 160;
  ASSERT_EQ(c.frames.size(), expected_frames) << bytes;
  uint8_t expect = 0;
  for (size_t k = 0; k < c.frames.size(); ++k) {
    EXPECT_EQ(c.frames[k].sequence, 500 + k) << bytes;
    EXPECT_EQ(c.frames[k].timestamp, 8000 + 160 * k) << bytes;
    ASSERT_EQ(c.frames[k].bytes.size(), 160u);
    for (uint8_t b : c.frames[k].bytes) EXPECT_EQ(b, expect++);
  }
}

TEST(FrameRechunkerTest, TenThirtyAndSixtyMillisecondPacketsBecomeTwentyMillisecondFrames) {
  CheckContiguous(80, 10);   // 10 ms: two packets per frame
  CheckContiguous(160, 5);   // 20 ms: as is
  CheckContiguous(240, 4);   // 30 ms: 1.5 frames per packet
  CheckContiguous(480, 3);   // 60 ms: three frames per packet
}

TEST(FrameRechunkerTest, TwentyMillisecondStreamPassesThroughUnchanged) {
  Collector c;
  // Loss (seq 3 missing), DTX (timestamp jump, seq + 1) and a late packet.
  c.Push(1, 1000, Ramp(160, 1));
  c.Push(2, 1160, Ramp(160, 2));
  c.Push(4, 1480, Ramp(160, 4));
  c.Push(3, 1320, Ramp(160, 3));  // late
  c.Push(5, 9000, Ramp(160, 5));  // DTX: a new talkspurt
  c.Push(6, 9160, Ramp(160, 6));
  const std::vector<std::pair<uint16_t, uint32_t>> expected = {
      {1, 1000}, {2, 1160}, {4, 1480}, {3, 1320}, {5, 9000}, {6, 9160}};
  ASSERT_EQ(c.frames.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(c.frames[i].sequence, expected[i].first) << i;
    EXPECT_EQ(c.frames[i].timestamp, expected[i].second) << i;
    EXPECT_EQ(c.frames[i].bytes[0], expected[i].first);
  }
}

TEST(FrameRechunkerTest, LossOfThirtyMillisecondPacketSkipsTheFramesItHeld) {
  Collector c;
  c.Push(10, 0, Ramp(240, 0));    // frame 0 out, 80 bytes pending (ts 160)
  // seq 11 (ts 240..479) lost: frames at ts 160 and 320 are lost.
  c.Push(12, 480, Ramp(240, 0));  // frame at ts 480 out, 80 pending
  c.Push(13, 720, Ramp(240, 0));  // frames at 640 and 800
  ASSERT_EQ(c.frames.size(), 4u);
  EXPECT_EQ(c.frames[0].sequence, 10);
  EXPECT_EQ(c.frames[0].timestamp, 0u);
  EXPECT_EQ(c.frames[1].sequence, 13);  // 10 + frames at 160, 320 skipped + 1
  EXPECT_EQ(c.frames[1].timestamp, 480u);
  EXPECT_EQ(c.frames[2].sequence, 14);
  EXPECT_EQ(c.frames[2].timestamp, 640u);
  EXPECT_EQ(c.frames[3].sequence, 15);
  EXPECT_EQ(c.frames[3].timestamp, 800u);
}

TEST(FrameRechunkerTest, TalkspurtWithoutLossContinuesTheNumbering) {
  Collector c;
  c.Push(1, 0, Ramp(160, 0));
  c.Push(2, 160, Ramp(80, 0));     // 10 ms: pending
  c.Push(3, 50000, Ramp(160, 0));  // silence suppressed; the partial frame is dropped
  ASSERT_EQ(c.frames.size(), 2u);
  EXPECT_EQ(c.frames[1].timestamp, 50000u);
  EXPECT_EQ(c.frames[1].sequence, 3);  // 1, (partial lost: 2), 3
}

TEST(FrameRechunkerTest, LateThirtyMillisecondPacketFillsItsWholeFrames) {
  Collector c;
  c.Push(1, 0, Ramp(480, 0));     // frames 0, 160, 320
  c.Push(3, 960, Ramp(480, 0));   // seq 2 (ts 480..959) late: frames 480, 640, 800 skipped
  c.Push(2, 480, Ramp(480, 0));   // late: its three frames come out
  ASSERT_EQ(c.frames.size(), 9u);
  EXPECT_EQ(c.frames[3].timestamp, 960u);
  EXPECT_EQ(c.frames[3].sequence, 7);
  EXPECT_EQ(c.frames[6].timestamp, 480u);
  EXPECT_EQ(c.frames[6].sequence, 4);
  EXPECT_EQ(c.frames[8].timestamp, 800u);
  EXPECT_EQ(c.frames[8].sequence, 6);
}

TEST(FrameRechunkerTest, HugeGapsAndWrapsStayBounded) {
  Collector c;
  c.Push(65535, 0xFFFFFF60u, Ramp(160, 0));
  c.Push(0, 0, Ramp(160, 0));             // both wrap
  c.Push(5000, 0x40000000u, Ramp(160, 0));  // a jump far beyond the lost packets
  ASSERT_EQ(c.frames.size(), 3u);
  EXPECT_EQ(c.frames[1].sequence, 0);
  EXPECT_EQ(c.frames[1].timestamp, 0u);
  // At most what 4999 lost 20 ms packets (and no partial) could hold.
  EXPECT_EQ(c.frames[2].sequence, static_cast<uint16_t>(1 + 4999));
}

}  // namespace
}  // namespace konfero::plain_rtp
