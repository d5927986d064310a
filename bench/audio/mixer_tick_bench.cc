// The whole mixer tick with codec work: jitter buffers, level reading,
// decoding, speaker selection, mix-minus, encoding and the output queues.
//
//   BM_Tick/N           one room of N participants, three of them talking;
//                       CPU per 20 ms tick. Goal: N = 1000 costs at most 3x
//                       N = 10 (codec work is O(K), not O(N)); the ratio
//                       line "BM_Tick/1000 vs BM_Tick/10" prints 10/1000, so
//                       goal met means a value of at least 0.33.
//   BM_TickNaive/N      the baseline of mixers in use today: decode everyone,
//                       encode a separate mix for everyone.
//   BM_ManyRooms        50 rooms of 10, one talker at a time in each (the
//                       talker changes every 3 s, staggered): CPU per 20 ms
//                       of audio for all rooms. Goal: under 70 % of a core.
//                       With and without receivers reporting loss, which
//                       is what turns the mix encoders' FEC on.
//
// Each iteration also pushes every participant's packet and pops every
// output frame, the queue work a network thread would add.
#include <cmath>
#include <memory>
#include <numbers>
#include <vector>

#include "audio/audio_level.h"
#include "audio/mix_kernels.h"
#include "audio/opus_codec.h"
#include "benchmark/benchmark.h"
#include "konfero/audio/mixer.h"
#include "ratio_reporter.h"

namespace konfero::audio {
namespace {

constexpr int kVoiceFrames = 250;  // 5 s loop

// A voice-like test signal: a few harmonics with a syllable-rate envelope,
// encoded once; the benchmark replays the packets.
std::vector<InputPacket> EncodeVoice(double f0) {
  auto enc = *OpusFrameEncoder::Create({});
  std::vector<InputPacket> out;
  double phase = 0;
  for (int f = 0; f < kVoiceFrames; ++f) {
    int16_t pcm[kFrameSamples];
    for (int i = 0; i < kFrameSamples; ++i) {
      const double t = (f * kFrameSamples + i) / 48000.0;
      const double env = 0.55 + 0.45 * std::sin(2 * std::numbers::pi * 4.0 * t);
      phase += 2 * std::numbers::pi * f0 / 48000.0;
      pcm[i] = static_cast<int16_t>(6000 * env *
          (std::sin(phase) + 0.5 * std::sin(2 * phase) + 0.25 * std::sin(3 * phase)));
    }
    InputPacket p;
    p.audio_level = static_cast<int8_t>(AudioLevelOf(pcm, kFrameSamples));
    p.size = static_cast<uint16_t>(enc->Encode(pcm, p.payload.data(), kMaxPayloadBytes));
    out.push_back(p);
  }
  return out;
}

// A quiet participant: low background noise, RFC 6464 level around -70 dBov.
InputPacket EncodeQuiet() {
  auto enc = *OpusFrameEncoder::Create({});
  InputPacket p;
  int16_t pcm[kFrameSamples];
  uint32_t x = 1;
  for (int16_t& s : pcm) {
    x = x * 1664525u + 1013904223u;
    s = static_cast<int16_t>(static_cast<int>(x >> 28) - 8);
  }
  p.audio_level = static_cast<int8_t>(AudioLevelOf(pcm, kFrameSamples));
  p.size = static_cast<uint16_t>(enc->Encode(pcm, p.payload.data(), kMaxPayloadBytes));
  return p;
}

struct Voices {
  std::vector<std::vector<InputPacket>> talk{EncodeVoice(140), EncodeVoice(210), EncodeVoice(260)};
  InputPacket quiet = EncodeQuiet();
};
const Voices& SharedVoices() {
  static const Voices* v = new Voices();
  return *v;
}

// One room fed like the network would: one packet per participant per tick.
class Room {
 public:
  // loss_percent: what every participant's receiver reports (RTCP).
  explicit Room(int n, MixerConfig config = {}, int loss_percent = 0) {
    config.max_participants = n;
    mixer_ = *Mixer::Create(config);
    for (int i = 0; i < n; ++i) {
      ids_.push_back(*mixer_->AddParticipant(Codec::kOpus));
      if (loss_percent > 0) mixer_->SetReceiverLoss(ids_.back(), loss_percent).IgnoreError();
    }
    voice_of_.assign(static_cast<size_t>(n), -1);
  }
  void SetTalker(int participant, int voice) { voice_of_[static_cast<size_t>(participant)] = voice; }
  void Tick() {
    const Voices& v = SharedVoices();
    for (size_t i = 0; i < ids_.size(); ++i) {
      const int voice = voice_of_[i];
      const InputPacket& src =
          voice >= 0 ? v.talk[static_cast<size_t>(voice)][static_cast<size_t>(tick_ % kVoiceFrames)] : v.quiet;
      packet_ = src;  // header fields only change below; payload as is
      packet_.sequence = static_cast<uint16_t>(tick_);
      packet_.timestamp = static_cast<uint32_t>(tick_) * 960u;
      packet_.arrival_us = tick_ * 20000;
      mixer_->PushPacket(ids_[i], packet_);
    }
    mixer_->Tick();
    for (ParticipantId id : ids_) {
      while (mixer_->PopFrame(id, &frame_)) benchmark::DoNotOptimize(frame_.size);
    }
    ++tick_;
  }
  Mixer& mixer() { return *mixer_; }

 private:
  std::unique_ptr<Mixer> mixer_;
  std::vector<ParticipantId> ids_;
  std::vector<int> voice_of_;
  int64_t tick_ = 0;
  InputPacket packet_;
  EncodedFrame frame_;
};

void ReportCodecWork(benchmark::State& state, const MixerStats& before,
                     const MixerStats& after) {
  const double ticks = static_cast<double>(after.ticks - before.ticks);
  state.counters["encodes/tick"] = static_cast<double>(after.encodes - before.encodes) / ticks;
  state.counters["decodes/tick"] = static_cast<double>(after.decodes - before.decodes) / ticks;
}

void BM_Tick(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Room room(n);
  for (int t = 0; t < 3; ++t) room.SetTalker(t, t);
  for (int t = 0; t < 50; ++t) room.Tick();  // settle the speaker set
  const MixerStats before = room.mixer().GetMixerStats();
  for (auto _ : state) room.Tick();
  ReportCodecWork(state, before, room.mixer().GetMixerStats());
}

// Decode all N, mix-minus in O(N) with SIMD, encode N separate mixes: what
// a classic conference bridge does per tick.
void BM_TickNaive(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Voices& v = SharedVoices();
  std::vector<std::unique_ptr<OpusFrameDecoder>> dec;
  std::vector<std::unique_ptr<OpusFrameEncoder>> enc;
  for (int i = 0; i < n; ++i) {
    dec.push_back(*OpusFrameDecoder::Create());
    enc.push_back(*OpusFrameEncoder::Create({}));
  }
  std::vector<std::vector<int16_t>> pcm(static_cast<size_t>(n), std::vector<int16_t>(kFrameSamples));
  std::vector<const int16_t*> ptrs;
  for (auto& p : pcm) ptrs.push_back(p.data());
  std::vector<int32_t> acc(kFrameSamples);
  std::vector<int16_t> out(kFrameSamples);
  uint8_t bytes[kMaxPayloadBytes];
  int64_t tick = 0;
  for (auto _ : state) {
    for (int i = 0; i < n; ++i) {
      const InputPacket& p = i < 3 ? v.talk[static_cast<size_t>(i)][static_cast<size_t>(tick % kVoiceFrames)] : v.quiet;
      dec[static_cast<size_t>(i)]->Decode(p.payload.data(), p.size, pcm[static_cast<size_t>(i)].data());
    }
    kernels::SumFrames(ptrs.data(), ptrs.size(), acc.data(), kFrameSamples);
    for (int i = 0; i < n; ++i) {
      kernels::SubtractAndLimit(acc.data(), pcm[static_cast<size_t>(i)].data(), out.data(), kFrameSamples);
      benchmark::DoNotOptimize(enc[static_cast<size_t>(i)]->Encode(out.data(), bytes, sizeof(bytes)));
    }
    ++tick;
  }
  state.counters["encodes/tick"] = n;
  state.counters["decodes/tick"] = n;
}

void BM_ManyRooms(benchmark::State& state) {
  constexpr int kRooms = 50, kPerRoom = 10, kTurnTicks = 150;
  std::vector<std::unique_ptr<Room>> rooms;
  MixerConfig config;
  config.opus_complexity = static_cast<int>(state.range(0));
  const int loss = static_cast<int>(state.range(1));
  if (state.range(2) != 0) config.opus_fec_min_loss_percent = 0;  // FEC always
  for (int r = 0; r < kRooms; ++r) {
    rooms.push_back(std::make_unique<Room>(kPerRoom, config, loss));
  }
  int64_t tick = 0;
  auto step = [&] {
    for (int r = 0; r < kRooms; ++r) {
      // Room r's talker changes every 3 s, the rooms out of phase.
      const int64_t local = tick + r * 7;
      if (local % kTurnTicks == 0) {
        const int turn = static_cast<int>(local / kTurnTicks);
        Room& room = *rooms[static_cast<size_t>(r)];
        room.SetTalker((turn + kPerRoom - 1) % kPerRoom, -1);
        room.SetTalker(turn % kPerRoom, turn % 3);
      }
      rooms[static_cast<size_t>(r)]->Tick();
    }
    ++tick;
  };
  for (int t = 0; t < 50; ++t) step();
  MixerStats before{}, after{};
  for (auto& r : rooms) {
    const MixerStats s = r->mixer().GetMixerStats();
    before.ticks += s.ticks / kRooms;
    before.encodes += s.encodes;
    before.decodes += s.decodes;
  }
  for (auto _ : state) step();
  for (auto& r : rooms) {
    const MixerStats s = r->mixer().GetMixerStats();
    after.ticks += s.ticks / kRooms;
    after.encodes += s.encodes;
    after.decodes += s.decodes;
  }
  ReportCodecWork(state, before, after);
}

BENCHMARK(BM_Tick)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond)->MinTime(1.0);
BENCHMARK(BM_TickNaive)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);
// Arguments: the Opus complexity of the mixes, the loss every receiver
// reports (percent; FEC goes on at 1 % by default), and fec_always = 1 for
// FEC whatever the receivers report (the earlier default).
BENCHMARK(BM_ManyRooms)->Args({5, 0, 0})->Args({5, 5, 0})->Args({3, 5, 0})
    ->Args({5, 0, 1})->ArgNames({"complexity", "loss", "fec_always"})
    ->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace konfero::audio

int main(int argc, char** argv) {
  return konfero::bench::RunWithRatios(
      argc, argv,
      {{"BM_Tick/10", "BM_Tick/100"},
       {"BM_Tick/10", "BM_Tick/1000"},
       {"BM_TickNaive/", "BM_Tick/"}},
      {{"BM_Tick/", 20e6}, {"BM_ManyRooms", 20e6}});
}
