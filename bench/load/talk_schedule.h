// talk_schedule.h: when the talkers of a room talk. Every room repeats a
// 4 s cycle, 2.5 s of tone then 1.5 s of silence; rooms are offset evenly
// across the cycle, so onsets do not all hit the server's tick at once.
// The pause is longer than the mixer's speaker hang (500 ms) plus its
// jitter buffer, so the mix is silent again before the next onset and the
// listener can time the onset (docs/reliability.md).
//
//   TalkSchedule s(start_us, rooms);
//   if (s.Talking(room, t)) send a tone frame, else silence;
//   int64_t k = s.Cycle(room, t);  int64_t onset = s.CycleStart(room, k);
//
// Thread contract: an immutable value.
#ifndef KONFERO_BENCH_LOAD_TALK_SCHEDULE_H_
#define KONFERO_BENCH_LOAD_TALK_SCHEDULE_H_

#include <cstdint>

namespace konfero::load {

class TalkSchedule {
 public:
  static constexpr int64_t kCycleUs = 4'000'000;
  static constexpr int64_t kTalkUs = 2'500'000;

  TalkSchedule(int64_t start_us, int rooms) : start_us_(start_us), rooms_(rooms < 1 ? 1 : rooms) {}

  // The cycle `t` falls in (negative before the room's first cycle).
  int64_t Cycle(int room, int64_t t) const {
    const int64_t since = t - Origin(room);
    return since >= 0 ? since / kCycleUs : (since - kCycleUs + 1) / kCycleUs;
  }
  // When cycle `k` starts: the onset of its talk spurt.
  int64_t CycleStart(int room, int64_t k) const { return Origin(room) + k * kCycleUs; }
  bool Talking(int room, int64_t t) const {
    return t - CycleStart(room, Cycle(room, t)) < kTalkUs;
  }

 private:
  int64_t Origin(int room) const { return start_us_ + room % rooms_ * (kCycleUs / rooms_); }

  int64_t start_us_;
  int rooms_;
};

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_TALK_SCHEDULE_H_
