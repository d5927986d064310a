// sfu/stream_rewriter.h: one outgoing video stream of a subscriber, fed from
// whichever publisher source the SFU forwards to it (a simulcast layer's
// SSRC), renumbered so that the receiver sees one continuous RTP stream.
//
// The receiver knows the stream by the SSRC the SFU chose for it (the caller
// writes that SSRC). Its sequence numbers and timestamps must not jump when
// the forwarded source changes (a simulcast layer switch, or the publisher
// reconnecting with new SSRCs) or when forwarding pauses and resumes, or the
// receiver would NACK thousands of packets and its jitter buffer would stall.
//
// Within one source, out = in + offset (sequence numbers wrap at 2^16,
// timestamps at 2^32), so reordering and losses keep their distance and the
// receiver NACKs real losses. A source is taken up only at a keyframe that
// begins a frame; its offsets are chosen so that this first packet gets the
// highest sequence number sent so far plus one, and a timestamp that advances
// from the highest one sent by the arrival time elapsed since, in clock units
// (at least 1). The very first source keeps its own numbers (offset 0): the
// publisher already chose them at random. Dropped: packets of a source the
// stream has left (late arrivals after a switch), packets older than the
// keyframe the current source was taken up at, everything while paused. A
// source left behind may come back, at a keyframe it sends after the switch.
//
//   StreamRewriter rewriter(90000);
//   if (selector.OnPacket(layer, keyframe, begins_frame) == LayerSelector::Decision::kForward) {
//     if (auto out = rewriter.Rewrite({.source_ssrc = ssrc, .sequence_number = seq,
//                                      .timestamp = ts, .keyframe = keyframe,
//                                      .begins_frame = begins_frame,
//                                      .arrival_us = now_us})) {
//       Send(outgoing_ssrc, out->sequence_number, out->timestamp, payload);
//     }
//   }
//   if (rewriter.WaitingForKeyframe()) aggregator.Request(wanted_ssrc, now_us);
//
// Thread contract: not thread-safe. One thread (the worker that forwards the
// subscriber's media) calls everything. Nothing allocates.
#ifndef KONFERO_SFU_STREAM_REWRITER_H_
#define KONFERO_SFU_STREAM_REWRITER_H_

#include <array>
#include <cstdint>
#include <optional>

namespace konfero::sfu {

// What the rewriter needs of one RTP packet of a publisher.
struct SourcePacket {
  uint32_t source_ssrc = 0;
  uint16_t sequence_number = 0;
  uint32_t timestamp = 0;
  bool keyframe = false;      // belongs to a keyframe (parsed from the payload)
  bool begins_frame = false;  // the first packet of its frame
  int64_t arrival_us = 0;     // any monotonic clock
};

struct RewrittenPacket {
  uint16_t sequence_number = 0;
  uint32_t timestamp = 0;
  // The first packet of a source taken up: the first packet ever, after a
  // switch, or after Resume(). The numbering stays continuous, but what the
  // decoder sees starts afresh here; codec-level ids (a VP8 picture id, ...)
  // that the caller rewrites need a new offset too.
  bool source_switched = false;
};

struct StreamRewriterStats {
  uint64_t forwarded = 0;
  uint64_t dropped_waiting_for_keyframe = 0;  // a new source, not at a keyframe start
  uint64_t dropped_stale = 0;  // a source left behind, or older than the switch point
  uint64_t dropped_paused = 0;
  // A source taken up after the first one: layer switches, publisher
  // reconnects and resumes.
  uint64_t switches = 0;

  uint64_t dropped() const { return dropped_waiting_for_keyframe + dropped_stale + dropped_paused; }
};

class StreamRewriter {
 public:
  // `clock_rate`: the RTP clock of the payload type (90000 for video).
  explicit StreamRewriter(uint32_t clock_rate);

  // The outgoing sequence number and timestamp of `packet`, or nullopt if it
  // is not forwarded. A duplicate gets the same numbers as the original.
  std::optional<RewrittenPacket> Rewrite(const SourcePacket& packet);

  // True when the stream needs a keyframe to go on: nothing forwarded yet,
  // resumed after a pause, or a new source was offered and refused since the
  // last switch because its packets did not start a keyframe. The caller
  // then asks the publisher of the source it wants for one. False while
  // paused.
  bool WaitingForKeyframe() const;

  // While paused every packet is dropped. After Resume() the stream waits for
  // a keyframe again, even of the same source, and continues its numbering
  // from where it paused: the packets skipped are not a loss to NACK.
  void Pause();
  void Resume();
  bool paused() const { return paused_; }

  // The source forwarded now; nullopt before the first keyframe and after
  // Resume() until the next one.
  std::optional<uint32_t> current_source() const;
  const StreamRewriterStats& stats() const { return stats_; }

 private:
  // A source the stream has left, the highest sequence number forwarded from
  // it and when: its late packets are told apart from a new keyframe.
  struct LeftSource {
    uint32_t ssrc = 0;
    uint16_t highest_sequence_number = 0;
    int64_t left_at_us = 0;
    bool valid = false;
  };
  static constexpr int kLeftSources = 3;  // one per simulcast layer

  bool IsLateFromLeftSource(const SourcePacket& packet) const;
  void Leave();
  void TakeUp(const SourcePacket& packet);
  RewrittenPacket Forward(const SourcePacket& packet, int64_t extended_sequence_number,
                          bool switched);

  uint32_t clock_rate_;
  int64_t max_gap_us_;  // the pause beyond which the timestamp jump is capped
  bool paused_ = false;
  bool started_ = false;  // something was forwarded: the numbering exists
  bool has_source_ = false;
  bool refused_new_source_ = false;

  // The current source: out = in + offset.
  uint32_t source_ssrc_ = 0;
  uint16_t sequence_offset_ = 0;
  uint32_t timestamp_offset_ = 0;
  int64_t first_extended_ = 0;    // the keyframe it was taken up at
  int64_t highest_extended_ = 0;  // unwrapped input sequence numbers
  int64_t source_last_arrival_us_ = 0;

  // The outgoing stream, across sources.
  uint16_t highest_out_sequence_number_ = 0;
  uint32_t highest_out_timestamp_ = 0;
  int64_t highest_out_timestamp_arrival_us_ = 0;

  std::array<LeftSource, kLeftSources> left_{};
  int next_left_ = 0;
  StreamRewriterStats stats_;
};

}  // namespace konfero::sfu

#endif  // KONFERO_SFU_STREAM_REWRITER_H_
