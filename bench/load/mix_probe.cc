// mix_probe.cc: one decoding window per talk spurt; see mix_probe.h.
#include "load/mix_probe.h"

#include "load/participant.h"

namespace konfero::load {
namespace {

constexpr int64_t kLeadUs = 100'000;         // the window opens before the onset
constexpr int64_t kWindowUs = 1'000'000;     // and closes after it
constexpr int64_t kListenerWarmUs = 1'000'000;
constexpr int64_t kTalkerWarmUs = 500'000;
constexpr int kLoudFramesMeasured = 5;

}  // namespace

bool MixProbe::ShouldHear(int64_t onset_us) const {
  const int64_t since = self_.active_since_us();
  if (since == 0 || since > onset_us - kListenerWarmUs) return false;
  for (const Participant* p : ctx_.rooms[static_cast<size_t>(room_)].participants) {
    if (p == &self_ || !p->talker()) continue;
    const int64_t talking_since = p->active_since_us();
    if (talking_since != 0 && talking_since <= onset_us - kTalkerWarmUs) return true;
  }
  return false;
}

void MixProbe::Open(int64_t cycle, int64_t onset_us) {
  cycle_ = cycle;
  onset_us_ = onset_us;
  judged_ = false;
  expected_ = ShouldHear(onset_us);
  loud_before_ = false;
  heard_ = false;
  latency_ms_ = 0;
  loud_frames_ = 0;
  level_sum_ = 0;
  meter_.Reset();
}

void MixProbe::OnMixPacket(std::span<const uint8_t> payload, int64_t arrival_us) {
  const TalkSchedule& schedule = ctx_.schedule;
  const int64_t cycle = schedule.Cycle(room_, arrival_us + kLeadUs);
  const int64_t onset_us = schedule.CycleStart(room_, cycle);
  if (arrival_us > onset_us + kWindowUs) {  // between windows
    Judge();
    return;
  }
  if (cycle != cycle_) {
    Judge();
    Open(cycle, onset_us);
  }
  if (!expected_ || loud_frames_ >= kLoudFramesMeasured) return;
  const std::optional<double> dbfs = meter_.DecodeDbfs(payload);
  if (!dbfs) return;
  const bool loud = *dbfs > kEnergyThresholdDbfs;
  const RoomState& room = ctx_.rooms[static_cast<size_t>(room_)];
  const int64_t sent_us = room.onset_cycle == cycle ? room.onset_sent_us : 0;
  if (sent_us == 0 || arrival_us < sent_us) {  // before any tone of this spurt left
    loud_before_ = loud_before_ || loud;
    return;
  }
  if (!loud) return;
  if (!heard_) {
    heard_ = true;
    latency_ms_ = static_cast<double>(arrival_us - sent_us) / 1000.0;
  }
  ++loud_frames_;
  level_sum_ += *dbfs;
}

void MixProbe::Tick(int64_t now_us) {
  if (!judged_ && now_us > onset_us_ + kWindowUs) Judge();
}

void MixProbe::Judge() {
  if (judged_) return;
  judged_ = true;
  if (!expected_) return;
  // A talker came or went around the spurt: what to hear is unclear.
  if (ctx_.rooms[static_cast<size_t>(room_)].talkers_changed_us >= onset_us_ - kTalkerWarmUs) {
    return;
  }
  LoadStats& stats = ctx_.stats;
  if (loud_before_) {
    ++stats.probes_loud_before_onset;
    return;
  }
  ++stats.probes;
  if (!heard_) return;
  ++stats.probes_heard;
  stats.onset_latency_ms.push_back(latency_ms_);
  stats.mix_level_dbfs.push_back(level_sum_ / loud_frames_);
}

void MixProbe::Reset() {
  judged_ = true;
  cycle_ = std::numeric_limits<int64_t>::min();
}

}  // namespace konfero::load
