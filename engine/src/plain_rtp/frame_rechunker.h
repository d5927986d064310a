// plain_rtp/frame_rechunker.h: turns the RTP payloads of a sample-based
// codec (G.711, G.722: one byte per RTP clock tick at 8000 Hz) of any ptime
// into the 20 ms frames (160 bytes) the mixer takes, with sequence numbers
// and timestamps the mixer's jitter buffer reads correctly.
//
//   FrameRechunker chunker;
//   chunker.Push(rtp.sequence_number(), rtp.timestamp(), rtp.payload(),
//                [&](uint16_t seq, uint32_t ts, absl::Span<const uint8_t> frame) {
//                  Deliver(seq, ts, frame);   // frame.size() == 160
//                });
//
// Output numbering: the jitter buffer places frames by timestamp and tells a
// loss (sequence numbers jump) from DTX (timestamps jump, sequence numbers
// do not), so the output keeps both meanings:
// - frames of contiguous input (each packet's timestamp follows the last
//   byte of the one before, sequence + 1) get consecutive numbers;
// - after lost packets the number jumps by the 20 ms frames the timestamp gap
//   covers (at most what the lost packets could have held);
// - a timestamp jump without a sequence gap (silence suppression, a new
//   talkspurt) continues the numbering (DTX);
// - a partial frame left before a discontinuity is dropped (its number is
//   skipped: up to 20 ms of audio lost);
// - a late packet (reordered, older than the newest) is emitted only if its
//   frames line up with the current numbering (aligned timestamps, no DTX
//   jump since), within 64 frames; otherwise dropped.
// A 20 ms stream therefore comes out exactly as it went in (same numbers,
// timestamps and bytes), reordering included.
//
// Thread contract: one thread per object. No allocation.
#ifndef KONFERO_PLAIN_RTP_FRAME_RECHUNKER_H_
#define KONFERO_PLAIN_RTP_FRAME_RECHUNKER_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/types/span.h"

namespace konfero::plain_rtp {

class FrameRechunker {
 public:
  static constexpr size_t kFrameBytes = 160;  // 20 ms at one byte per 8 kHz tick
  using EmitFn = absl::FunctionRef<void(uint16_t sequence, uint32_t timestamp,
                                        absl::Span<const uint8_t> frame)>;

  // One received packet's sequence number, timestamp and payload; calls
  // `emit` for each complete 20 ms frame, in order.
  void Push(uint16_t sequence, uint32_t timestamp, absl::Span<const uint8_t> payload,
            EmitFn emit);
  // Forgets the stream (a new SSRC, a codec change).
  void Reset() { started_ = false; pending_size_ = 0; }

 private:
  static constexpr uint32_t kMaxLateFrames = 64;
  void Append(absl::Span<const uint8_t> payload, EmitFn emit);
  void PushLate(uint32_t timestamp, absl::Span<const uint8_t> payload, EmitFn emit);

  bool started_ = false;
  uint16_t newest_sequence_ = 0;   // of the newest input packet
  uint16_t next_sequence_ = 0;     // output number of the frame being assembled
  uint32_t next_timestamp_ = 0;    // its timestamp
  uint32_t linear_frames_ = 0;     // frames numbered linearly by timestamp, up to next_
  size_t pending_size_ = 0;        // bytes of the frame being assembled
  std::array<uint8_t, kFrameBytes> pending_{};
};

}  // namespace konfero::plain_rtp

#endif  // KONFERO_PLAIN_RTP_FRAME_RECHUNKER_H_
