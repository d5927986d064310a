// Property test of sfu/stream_rewriter.h, driven the way the SFU drives it:
// a publisher sends three simulcast layers over a network that loses,
// reorders and duplicates packets; four subscribers' LayerSelectors are
// switched between the layers (and paused) at random, ask for keyframes
// through one KeyframeRequestAggregator, and each subscriber's StreamRewriter
// numbers what its selector forwards.
//
// Whatever the seed, each outgoing stream must be one a receiver can follow:
//  - an outgoing sequence number never carries two different packets;
//  - within the stretch of one source, out - in is constant (sequence
//    numbers and timestamps), so losses and reordering keep their distance;
//  - each stretch starts right after the highest sequence number sent
//    before it, with a timestamp ahead of the highest sent before it;
//  - a sequence number missing inside a stretch is a packet of that source
//    the SFU never got while forwarding it: no gap the input did not have.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "sfu/keyframe_request_aggregator.h"
#include "sfu/layer_selector.h"
#include "sfu/stream_rewriter.h"
#include "testing/seeded_random.h"

namespace konfero::sfu {
namespace {

using ::konfero::test_support::SeededRandom;

constexpr int kLayers = 3;
constexpr int64_t kFrameUs = 33'333;
constexpr uint32_t kFrameTicks = 3000;
constexpr int kFrames = 3000;  // 100 s

class Rng {
 public:
  explicit Rng(uint64_t seed) : source_(seed) {}
  uint32_t Below(uint32_t n) {
    std::array<uint8_t, 4> bytes{};
    source_.Fill(absl::MakeSpan(bytes));
    const uint32_t value = uint32_t{bytes[0]} | uint32_t{bytes[1]} << 8 | uint32_t{bytes[2]} << 16 |
                           uint32_t{bytes[3]} << 24;
    return value % n;
  }
  bool Percent(uint32_t percent) { return Below(100) < percent; }

 private:
  SeededRandom source_;
};

struct Packet {
  int layer = 0;
  SourcePacket rtp;
};

// Three layers, each with its own SSRC and randomly chosen numbering; a
// layer sends a keyframe when asked (and now and then unasked). Reconnecting
// starts all three afresh, with new SSRCs.
class Publisher {
 public:
  explicit Publisher(Rng& rng) : rng_(rng) {
    Reconnect();
    seq_[1] = 65'500;       // wraps early in the run
    ts_[2] = 0xFFFF'0000u;  // wraps early in the run
  }

  int reconnects() const { return reconnects_; }
  void Reconnect() {
    ++reconnects_;
    base_ssrc_ += 0x10;
    for (int layer = 0; layer < kLayers; ++layer) {
      seq_[layer] = static_cast<uint16_t>(rng_.Below(65'536));
      ts_[layer] = rng_.Below(0xFFFF'FFFFu);
      keyframe_wanted_[layer] = true;  // an encoder starts with one
    }
  }

  uint32_t ssrc(int layer) const { return base_ssrc_ + static_cast<uint32_t>(layer); }
  // A PLI for an SSRC of an earlier connection is ignored.
  void RequestKeyframe(uint32_t ssrc) {
    if (ssrc - base_ssrc_ < kLayers) keyframe_wanted_[ssrc - base_ssrc_] = true;
  }

  // The packets of the frame captured at `now_us`, on every layer, paced
  // out 300 us apart.
  void SendFrame(int64_t now_us, std::vector<std::pair<int64_t, Packet>>& sent) {
    for (int layer = 0; layer < kLayers; ++layer) {
      const bool keyframe = keyframe_wanted_[layer] || rng_.Percent(1);
      keyframe_wanted_[layer] = false;
      const int count = static_cast<int>(keyframe ? 4 + rng_.Below(6) : 1 + rng_.Below(3));
      for (int i = 0; i < count; ++i) {
        Packet packet{.layer = layer,
                      .rtp = {.source_ssrc = ssrc(layer),
                              .sequence_number = seq_[layer]++,
                              .timestamp = ts_[layer],
                              .keyframe = keyframe,
                              .begins_frame = i == 0}};
        sent.emplace_back(now_us + 300 * i, packet);
      }
      ts_[layer] += kFrameTicks;
    }
  }

 private:
  Rng& rng_;
  uint32_t base_ssrc_ = 0x5000'0000u;
  int reconnects_ = -1;  // the first connection is no reconnect
  std::array<uint16_t, kLayers> seq_{};
  std::array<uint32_t, kLayers> ts_{};
  std::array<bool, kLayers> keyframe_wanted_{};
};

// Records what the rewriter was offered and what it produced, and checks the
// properties above as it goes and at the end.
class OutputChecker {
 public:
  void OnOffered(const Packet& packet, const std::optional<RewrittenPacket>& out) {
    if (out) {
      const int64_t out_ext = Unwrap(out->sequence_number);
      if (out->source_switched) StartStretch(packet, *out, out_ext);
      ASSERT_FALSE(stretches_.empty()) << "forwarded before any source was taken up";
      Stretch& stretch = stretches_.back();
      ASSERT_EQ(packet.rtp.source_ssrc, stretch.ssrc);
      EXPECT_EQ(static_cast<uint16_t>(out->sequence_number - packet.rtp.sequence_number),
                stretch.seq_offset);
      EXPECT_EQ(out->timestamp - packet.rtp.timestamp, stretch.ts_offset);
      const auto [it, inserted] = carried_.emplace(
          out_ext, std::make_pair(packet.rtp.source_ssrc, packet.rtp.sequence_number));
      if (!inserted) {
        EXPECT_EQ(it->second, std::make_pair(packet.rtp.source_ssrc, packet.rtp.sequence_number))
            << "outgoing sequence number " << out_ext << " carries two packets";
        ++duplicates_;
      }
      if (out_ext < stretch.last_out_ext) ++reordered_;
      stretch.last_out_ext = std::max(stretch.last_out_ext, out_ext);
      if (out_ext > highest_out_ext_) highest_out_ext_ = out_ext;
      if (out_ext == stretches_.front().first_out_ext ||
          static_cast<int32_t>(out->timestamp - highest_out_ts_) > 0) {
        highest_out_ts_ = out->timestamp;
      }
    }
    if (!stretches_.empty() && stretches_.back().ssrc == packet.rtp.source_ssrc) {
      stretches_.back().offered.insert(packet.rtp.sequence_number);
    }
  }

  // A sequence number missing inside a stretch was never offered during it.
  void CheckGaps() {
    for (const Stretch& stretch : stretches_) {
      for (int64_t out_ext = stretch.first_out_ext; out_ext <= stretch.last_out_ext; ++out_ext) {
        if (carried_.count(out_ext) != 0) continue;
        ++gaps_;
        const auto in = static_cast<uint16_t>(out_ext - stretch.seq_offset);
        EXPECT_EQ(stretch.offered.count(in), 0u) << "source " << stretch.ssrc << " packet " << in
                                                 << " was offered but left a gap at " << out_ext;
      }
    }
  }

  size_t stretches() const { return stretches_.size(); }
  int gaps() const { return gaps_; }
  int duplicates() const { return duplicates_; }
  int reordered() const { return reordered_; }

 private:
  struct Stretch {
    uint32_t ssrc = 0;
    uint16_t seq_offset = 0;
    uint32_t ts_offset = 0;
    int64_t first_out_ext = 0;
    int64_t last_out_ext = 0;
    std::set<uint16_t> offered;  // the source's packets offered meanwhile
  };

  int64_t Unwrap(uint16_t seq) const {
    if (!highest_out_ext_) return seq;
    return *highest_out_ext_ + static_cast<int16_t>(seq - static_cast<uint16_t>(*highest_out_ext_));
  }

  void StartStretch(const Packet& packet, const RewrittenPacket& out, int64_t out_ext) {
    if (highest_out_ext_) {
      EXPECT_EQ(out_ext, *highest_out_ext_ + 1) << "numbering does not continue";
      EXPECT_GT(static_cast<int32_t>(out.timestamp - highest_out_ts_), 0)
          << "timestamp does not advance at the switch";
    }
    stretches_.push_back(
        {.ssrc = packet.rtp.source_ssrc,
         .seq_offset = static_cast<uint16_t>(out.sequence_number - packet.rtp.sequence_number),
         .ts_offset = out.timestamp - packet.rtp.timestamp,
         .first_out_ext = out_ext,
         .last_out_ext = out_ext,
         .offered = {}});
  }

  std::vector<Stretch> stretches_;
  std::map<int64_t, std::pair<uint32_t, uint16_t>> carried_;  // out -> (ssrc, in)
  std::optional<int64_t> highest_out_ext_;
  uint32_t highest_out_ts_ = 0;
  int gaps_ = 0;
  int duplicates_ = 0;
  int reordered_ = 0;
};

// One subscriber of the publication: what the SFU keeps per outgoing stream.
struct Subscriber {
  LayerSelector selector;
  StreamRewriter rewriter{90'000};
  OutputChecker checker;
};

class StreamRewriterPropertyTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(StreamRewriterPropertyTest, OutgoingStreamsStayContinuousAcrossRandomSwitches) {
  Rng rng(GetParam());
  Publisher publisher(rng);
  KeyframeRequestAggregator aggregator;
  std::array<Subscriber, 4> subscribers;
  std::multimap<int64_t, Packet> in_flight;  // by arrival time at the SFU
  std::vector<std::pair<int64_t, Packet>> sent;

  const auto ask_for_keyframe = [&](uint32_t ssrc) {
    if (!rng.Percent(5)) publisher.RequestKeyframe(ssrc);  // else the PLI is lost
  };

  for (int frame = 0; frame < kFrames; ++frame) {
    const int64_t now_us = frame * kFrameUs;

    // The allocator's decisions change now and then.
    for (Subscriber& subscriber : subscribers) {
      if (!rng.Percent(4)) continue;
      const int target = static_cast<int>(rng.Below(kLayers + 1)) - 1;
      if (target < 0 && subscriber.selector.target_layer() >= 0) subscriber.rewriter.Pause();
      if (target >= 0 && subscriber.rewriter.paused()) subscriber.rewriter.Resume();
      subscriber.selector.SetTarget(target);
    }

    if (rng.Below(1000) == 0) publisher.Reconnect();
    sent.clear();
    publisher.SendFrame(now_us, sent);
    for (const auto& [send_us, packet] : sent) {
      if (rng.Percent(3)) continue;  // lost
      in_flight.emplace(send_us + 20'000 + rng.Below(25'000), packet);
      if (rng.Percent(2)) in_flight.emplace(send_us + 20'000 + rng.Below(60'000), packet);
    }

    while (!in_flight.empty() && in_flight.begin()->first <= now_us) {
      Packet packet = in_flight.begin()->second;
      packet.rtp.arrival_us = in_flight.begin()->first;
      in_flight.erase(in_flight.begin());
      if (packet.rtp.keyframe && packet.rtp.begins_frame) {
        aggregator.OnKeyframe(packet.rtp.source_ssrc);
      }
      for (Subscriber& subscriber : subscribers) {
        if (subscriber.selector.OnPacket(packet.layer, packet.rtp.keyframe,
                                         packet.rtp.begins_frame) ==
            LayerSelector::Decision::kForward) {
          subscriber.checker.OnOffered(packet, subscriber.rewriter.Rewrite(packet.rtp));
          if (::testing::Test::HasFatalFailure()) return;
        }
      }
    }

    for (Subscriber& subscriber : subscribers) {
      const LayerSelector& selector = subscriber.selector;
      std::optional<uint32_t> wanted;
      if (subscriber.selector.NeedsKeyframe(now_us)) {
        wanted = publisher.ssrc(selector.target_layer());
      } else if (subscriber.rewriter.WaitingForKeyframe() && !selector.switching() &&
                 selector.current_layer() >= 0) {
        wanted = publisher.ssrc(selector.current_layer());  // the publisher reconnected
      }
      if (wanted && aggregator.Request(*wanted, now_us)) ask_for_keyframe(*wanted);
    }
    aggregator.Poll(now_us, ask_for_keyframe);
  }

  for (size_t i = 0; i < subscribers.size(); ++i) {
    SCOPED_TRACE(::testing::Message() << "subscriber " << i);
    OutputChecker& checker = subscribers[i].checker;
    checker.CheckGaps();
    // The run was not vacuous: it switched, lost, duplicated and reordered.
    EXPECT_GT(checker.stretches(), 20u);
    EXPECT_GT(checker.gaps(), 0);
    EXPECT_GT(checker.duplicates(), 0);
    EXPECT_GT(checker.reordered(), 0);
    EXPECT_GT(subscribers[i].rewriter.stats().forwarded, 2000u);
  }
  EXPECT_GT(publisher.reconnects(), 0);
  EXPECT_GT(aggregator.stats().sent, 40u);
  EXPECT_GT(aggregator.stats().coalesced, 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, StreamRewriterPropertyTest,
                         ::testing::Values(1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 20240601u));

}  // namespace
}  // namespace konfero::sfu
