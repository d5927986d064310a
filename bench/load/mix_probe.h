// mix_probe.h: does a listener hear its room's talkers, and how late?
//
// One probe per talk spurt of the room (talk_schedule.h): from 100 ms
// before the spurt's onset to 1 s after it, the listener decodes the mix
// (MixMeter) and looks for the first frame louder than
// kEnergyThresholdDbfs after the spurt's first tone frame was sent. Heard:
// the onset latency is that frame's arrival minus that send time (so it
// spans the server's jitter buffer, speaker onset, mixing, encoding and
// both loopback hops, and excludes the client's own playout), and the
// level is the mean of up to five loud frames. Outside the windows
// nothing is decoded, which keeps decoding to a few frames a second.
//
// A spurt counts only if the listener should hear it: its media flowed
// for 1 s before the onset, and another talker of the room had been
// sending for 500 ms, and no talker of the room started or stopped from
// 500 ms before the onset to the end of the window. A spurt whose mix was
// already loud before the onset cannot be timed and counts apart.
//
// Thread contract: the io_context's thread.
#ifndef KONFERO_BENCH_LOAD_MIX_PROBE_H_
#define KONFERO_BENCH_LOAD_MIX_PROBE_H_

#include <cstdint>
#include <limits>
#include <span>

#include "load/load_context.h"
#include "load/tone_bank.h"

namespace konfero::load {

class MixProbe {
 public:
  // `self`: the listening participant, in room `room`.
  MixProbe(LoadContext& ctx, int room, const Participant& self) : ctx_(ctx), room_(room), self_(self) {}

  void OnMixPacket(std::span<const uint8_t> payload, int64_t arrival_us);
  // Judges a window whose time is over (no packet may come to close it).
  void Tick(int64_t now_us);
  // The listener left: its open window is dropped unjudged.
  void Reset();

 private:
  void Open(int64_t cycle, int64_t onset_us);
  void Judge();
  bool ShouldHear(int64_t onset_us) const;

  LoadContext& ctx_;
  const int room_;
  const Participant& self_;
  MixMeter meter_;

  int64_t cycle_ = std::numeric_limits<int64_t>::min();
  int64_t onset_us_ = 0;
  bool judged_ = true;
  bool expected_ = false;
  bool loud_before_ = false;
  bool heard_ = false;
  double latency_ms_ = 0;
  int loud_frames_ = 0;
  double level_sum_ = 0;
};

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_MIX_PROBE_H_
