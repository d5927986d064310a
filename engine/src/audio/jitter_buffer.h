// audio/jitter_buffer.h: the playout buffer of one incoming audio stream.
//
// Packets arrive in any order (drained by the mixer thread from the
// participant's SPSC input ring); Pop() is called once per 20 ms tick and
// says what to play: a packet, a loss to conceal (PLC), a loss that the
// next packet can repair (Opus in-band FEC), a DTX gap (the sender stopped
// on purpose: silence, no loss), or nothing yet (prebuffering).
//
// Frames are placed by RTP timestamp, so DTX gaps (timestamps jump while
// sequence numbers do not) are told apart from losses (sequence numbers
// jump). The target delay adapts to the measured jitter: the spread of
// (arrival time - media time) over a window of about two to five seconds.
// A hole is given up as lost once the target delay is buffered behind it or
// the frame is later than the measured jitter allows; before that it is
// concealed without advancing, so the buffer grows to what the jitter needs
// and a frame that is only late still plays.
// Clock drift shows as a buffer level that drifts away from the target: an
// excess is removed by dropping frames (quiet ones first), a deficit by
// concealing a frame without advancing (the buffer stretches by one frame).
//
//   JitterBuffer jb({.frame_rtp_samples = 960});
//   jb.Insert(packet);                     // any number per tick
//   JitterBuffer::Frame f = jb.Pop();      // exactly once per tick
//   switch (f.kind) { case FrameKind::kNormal: decode(*f.packet); ... }
//
// Thread contract: not thread-safe; one thread (the mixer thread) calls
// everything. Storage is allocated in the constructor only.
#ifndef KONFERO_AUDIO_JITTER_BUFFER_H_
#define KONFERO_AUDIO_JITTER_BUFFER_H_

#include <cstdint>
#include <memory>

#include "konfero/audio/audio_types.h"

namespace konfero::audio {

enum class FrameKind : uint8_t {
  kNone,    // nothing to play yet (no packet, or prebuffering): silence
  kNormal,  // decode `packet`
  kFec,     // this frame is lost; decode it from the FEC data in `packet`
  kLoss,    // this frame is lost (or late): conceal it
  kDtx,     // the sender is in discontinuous transmission: silence/comfort
};

struct JitterConfig {
  uint32_t frame_rtp_samples = 960;  // RTP timestamp step of one frame
  int capacity_frames = 32;          // slots; also the largest reorder span
  int min_delay_frames = 1;          // target delay bounds, in frames
  int max_delay_frames = 12;
};

struct JitterStats {
  uint64_t received = 0;
  uint64_t duplicates = 0;   // same frame already buffered
  uint64_t late = 0;         // arrived after its playout time
  uint64_t overruns = 0;     // arrived too far ahead: older frames dropped
  uint64_t resyncs = 0;      // stream jumped (restart, long gap): rebuffered
  uint64_t played = 0;       // kNormal frames
  uint64_t fec = 0;          // kFec frames
  uint64_t concealed = 0;    // kLoss frames (PLC)
  uint64_t stretched = 0;    // kLoss frames that did not advance (underrun,
                             // or a hole waited for: below the target delay)
  uint64_t dtx = 0;          // kDtx frames
  uint64_t drift_drops = 0;  // frames dropped to shrink an excess delay
};

class JitterBuffer {
 public:
  struct Frame {
    FrameKind kind = FrameKind::kNone;
    // kNormal: the frame; kFec: the next packet, which carries the FEC.
    // Valid until the next Insert() or Pop().
    const InputPacket* packet = nullptr;
  };

  explicit JitterBuffer(const JitterConfig& config);
  ~JitterBuffer();
  JitterBuffer(const JitterBuffer&) = delete;
  JitterBuffer& operator=(const JitterBuffer&) = delete;

  // Forgets every packet, delay estimate and counter; a new stream whose
  // frames are `frame_rtp_samples` RTP ticks long starts.
  void Reset(uint32_t frame_rtp_samples);
  void Insert(const InputPacket& packet);
  Frame Pop();

  const JitterStats& stats() const { return stats_; }
  int target_delay_frames() const { return target_delay_; }
  // Frames between the playout point and the newest frame received.
  int buffered_frames() const;

 private:
  struct Slot;
  Slot& SlotFor(int64_t index);
  void UpdateDelayEstimate(int64_t index, int64_t arrival_us);
  void MaybeDropForDrift();
  // Whether the missing frame `index` may still arrive in time to play.
  bool MayStillCome(int64_t index) const;
  Frame Take(int64_t index, FrameKind kind);

  JitterConfig config_;
  std::unique_ptr<Slot[]> slots_;
  JitterStats stats_;

  bool started_ = false;
  bool playing_ = false;
  uint32_t last_rtp_ = 0;  // unwrapping state for RTP timestamps
  int64_t last_ext_rtp_ = 0;
  int64_t base_ext_rtp_ = 0;
  int64_t next_index_ = 0;     // frame index to play next
  int64_t highest_index_ = -1;
  bool have_played_seq_ = false;
  uint16_t last_played_seq_ = 0;
  bool in_dtx_ = false;
  int excess_ticks_ = 0;

  // Delay estimate: windowed minimum of transit time and windowed maximum
  // of (transit - minimum), each over two blocks of kBlock packets.
  static constexpr int kBlock = 128;
  int block_count_ = 0;
  int64_t min_transit_cur_ = 0, min_transit_prev_ = 0;
  int64_t spread_cur_ = 0, spread_prev_ = 0;
  bool have_transit_ = false;
  int64_t newest_arrival_us_ = 0;
  int target_delay_;
};

}  // namespace konfero::audio

#endif  // KONFERO_AUDIO_JITTER_BUFFER_H_
