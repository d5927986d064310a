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
//   BM_PhoneRoomScaling a room of 10 and a room of 1000, each half PCMU
//                       phone legs and half Opus browsers, four talkers
//                       (two of each): both rooms tick in every iteration,
//                       each timed on the thread's CPU clock, and the
//                       counter `ratio` is tick(1000) / tick(10) from the
//                       same iterations. Goal: at most 3.
//   BM_ListenerCost     the marginal CPU of one more non-speaking listener
//                       of each codec: a base room of 10, and the same room
//                       plus L = 500 listeners of PCMU, of Opus and of
//                       G.722, all ticked in every iteration (in a rotating
//                       order); (room + L - base) / L. Counter
//                       `pcmu_vs_opus`: goal at most 0.3.
//   BM_Room100Phones    one room of 100 phone legs (PCMU 8 kHz, no RFC 6464
//   BM_Room100WebRtc    levels: the real phone case) against one room of 100
//                       WebRTC legs (Opus with levels), three talkers each;
//                       CPU per tick. The ratio line "BM_Room100WebRtc vs
//                       BM_Room100Phones" prints phones / WebRTC.
//   BM_Room100PhonesVsWebRtc  both rooms ticked in every iteration, each
//                       timed on the thread's CPU clock (order alternating);
//                       counter `ratio` = phones / WebRTC from the same
//                       iterations.
// Argument `phone_levels`: whether the phone legs (PCMU, G.722) send RFC
// 6464 levels; browsers (Opus) do. konfero's plain RTP legs do not (0 is
// the real case).
//
// Each iteration also pushes every participant's packet and pops every
// output frame, the queue work a network thread would add.
#include <time.h>

#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <numbers>
#include <optional>
#include <vector>

#include "audio/audio_level.h"
#include "audio/mix_encoder.h"
#include "audio/mix_kernels.h"
#include "audio/opus_codec.h"
#include "benchmark/benchmark.h"
#include "konfero/audio/mixer.h"
#include "ratio_reporter.h"

namespace konfero::audio {
namespace {

constexpr int kVoiceFrames = 250;  // 5 s loop

// A voice-like test signal: a few harmonics with a syllable-rate envelope,
// encoded once in `codec`; the benchmark replays the packets.
std::vector<InputPacket> EncodeVoice(double f0, Codec codec = Codec::kOpus) {
  auto enc = *MixEncoder::Create({});
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
    p.size = static_cast<uint16_t>(enc->Encode(codec, pcm, p.payload.data()));
    out.push_back(p);
  }
  return out;
}

// A quiet participant: low background noise, RFC 6464 level around -70 dBov,
// encoded as one stream (G.722 is stateful: one frame replayed would not be
// a valid stream, and decodes far louder).
std::vector<InputPacket> EncodeQuiet(Codec codec = Codec::kOpus) {
  auto enc = *MixEncoder::Create({});
  std::vector<InputPacket> out;
  uint32_t x = 1;
  for (int f = 0; f < kVoiceFrames; ++f) {
    int16_t pcm[kFrameSamples];
    for (int16_t& s : pcm) {
      x = x * 1664525u + 1013904223u;
      s = static_cast<int16_t>(static_cast<int>(x >> 28) - 8);
    }
    InputPacket p;
    p.audio_level = static_cast<int8_t>(AudioLevelOf(pcm, kFrameSamples));
    p.size = static_cast<uint16_t>(enc->Encode(codec, pcm, p.payload.data()));
    out.push_back(p);
  }
  return out;
}

constexpr Codec kBenchCodecs[] = {Codec::kOpus, Codec::kPcmu, Codec::kG722};
constexpr double kPitches[] = {140, 210, 260, 180};

// Per codec (indexed by the enum), every voice's packets and a quiet one.
struct Voices {
  Voices() {
    for (Codec c : kBenchCodecs) {
      const auto ci = static_cast<size_t>(c);
      for (double f0 : kPitches) talk[ci].push_back(EncodeVoice(f0, c));
      quiet[ci] = EncodeQuiet(c);
    }
  }
  std::array<std::vector<std::vector<InputPacket>>, kCodecCount> talk;
  std::array<std::vector<InputPacket>, kCodecCount> quiet;
};
const Voices& SharedVoices() {
  static const Voices* v = new Voices();
  return *v;
}

// A participant's codec and whether its packets carry RFC 6464 levels.
struct Leg {
  Codec codec = Codec::kOpus;
  bool levels = true;
};

// One room fed like the network would: one packet per participant per tick.
class Room {
 public:
  // loss_percent: what every participant's receiver reports (RTCP).
  explicit Room(int n, MixerConfig config = {}, int loss_percent = 0)
      : Room(std::vector<Leg>(static_cast<size_t>(n)), config, loss_percent) {}
  explicit Room(const std::vector<Leg>& legs, MixerConfig config = {},
                int loss_percent = 0)
      : legs_(legs) {
    config.max_participants = static_cast<int>(legs.size());
    mixer_ = *Mixer::Create(config);
    for (const Leg& leg : legs) {
      ids_.push_back(*mixer_->AddParticipant(leg.codec));
      if (loss_percent > 0) mixer_->SetReceiverLoss(ids_.back(), loss_percent).IgnoreError();
    }
    voice_of_.assign(legs.size(), -1);
  }
  void SetTalker(int participant, int voice) { voice_of_[static_cast<size_t>(participant)] = voice; }
  void Tick() {
    const Voices& v = SharedVoices();
    for (size_t i = 0; i < ids_.size(); ++i) {
      const int voice = voice_of_[i];
      const auto ci = static_cast<size_t>(legs_[i].codec);
      const auto frame = static_cast<size_t>(tick_ % kVoiceFrames);
      const InputPacket& src =
          voice >= 0 ? v.talk[ci][static_cast<size_t>(voice)][frame] : v.quiet[ci][frame];
      // What a receive thread fills in: the header and the payload's bytes.
      packet_.sequence = static_cast<uint16_t>(tick_);
      packet_.timestamp = static_cast<uint32_t>(tick_) * RtpSamplesPerFrame(legs_[i].codec);
      packet_.arrival_us = tick_ * 20000;
      packet_.audio_level = legs_[i].levels ? src.audio_level : int8_t{-1};
      packet_.size = src.size;
      std::memcpy(packet_.payload.data(), src.payload.data(), src.size);
      mixer_->PushPacket(ids_[i], packet_);
    }
    mixer_->Tick();
    for (StreamId id : ids_) {
      while (mixer_->PopFrame(id, &frame_)) benchmark::DoNotOptimize(frame_.size);
    }
    ++tick_;
  }
  Mixer& mixer() { return *mixer_; }

 private:
  std::vector<Leg> legs_;
  std::unique_ptr<Mixer> mixer_;
  std::vector<StreamId> ids_;
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
// a classic conference bridge does per tick. Like with like: its encoders
// have the settings the mixer under test starts with (MixerImpl::Init: the
// same bitrate and complexity, and no in-band FEC while no receiver reports
// loss, as none does in BM_Tick).
void BM_TickNaive(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Voices& v = SharedVoices();
  const MixerConfig config;
  const OpusSettings like_the_mixer{.bitrate = config.opus_bitrate,
                                    .complexity = config.opus_complexity,
                                    .inband_fec = false,
                                    .expected_loss_percent = 0};
  std::vector<std::unique_ptr<OpusFrameDecoder>> dec;
  std::vector<std::unique_ptr<OpusFrameEncoder>> enc;
  for (int i = 0; i < n; ++i) {
    dec.push_back(*OpusFrameDecoder::Create());
    enc.push_back(*OpusFrameEncoder::Create(like_the_mixer));
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
      constexpr auto kOpus = static_cast<size_t>(Codec::kOpus);
      const auto frame = static_cast<size_t>(tick % kVoiceFrames);
      const InputPacket& p = i < 3 ? v.talk[kOpus][static_cast<size_t>(i)][frame]
                                   : v.quiet[kOpus][frame];
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

// CPU time of this thread, for timing two rooms within one iteration.
int64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// Ticks `room` and adds the CPU time it took to `*ns`.
void TimedTick(Room& room, int64_t* ns) {
  const int64_t start = ThreadCpuNs();
  room.Tick();
  *ns += ThreadCpuNs() - start;
}

// Phone legs (PCMU) and browsers (Opus) alternating; talkers 0 to 3 are
// PCMU, Opus, PCMU, Opus.
std::unique_ptr<Room> PhoneRoom(int n, bool phone_levels) {
  std::vector<Leg> legs;
  for (int i = 0; i < n; ++i) {
    legs.push_back(i % 2 == 0 ? Leg{Codec::kPcmu, phone_levels} : Leg{Codec::kOpus, true});
  }
  auto room = std::make_unique<Room>(legs);
  for (int t = 0; t < 4; ++t) room->SetTalker(t, t);
  return room;
}

void BM_PhoneRoomScaling(benchmark::State& state) {
  const bool phone_levels = state.range(0) != 0;
  auto small = PhoneRoom(10, phone_levels);
  auto large = PhoneRoom(1000, phone_levels);
  for (int t = 0; t < 50; ++t) {  // settle the speaker sets
    small->Tick();
    large->Tick();
  }
  const MixerStats before = large->mixer().GetMixerStats();
  int64_t small_ns = 0, large_ns = 0;
  bool small_first = true;
  for (auto _ : state) {
    // Alternate the order: the room ticked first pays for the other's
    // traces in the caches (see BM_ListenerCost).
    if (small_first) TimedTick(*small, &small_ns);
    TimedTick(*large, &large_ns);
    if (!small_first) TimedTick(*small, &small_ns);
    small_first = !small_first;
  }
  const double iterations = static_cast<double>(state.iterations());
  state.counters["tick10_us"] = static_cast<double>(small_ns) / iterations / 1e3;
  state.counters["tick1000_us"] = static_cast<double>(large_ns) / iterations / 1e3;
  state.counters["ratio"] = static_cast<double>(large_ns) / static_cast<double>(small_ns);
  ReportCodecWork(state, before, large->mixer().GetMixerStats());
}

void BM_ListenerCost(benchmark::State& state) {
  const bool phone_levels = state.range(0) != 0;
  constexpr int kExtra = 500;  // L
  // The base: talkers of both kinds and a listener of every codec, so the
  // extra listeners add no shared encode, only their own work.
  const std::vector<Leg> base = {
      {Codec::kPcmu, phone_levels}, {Codec::kOpus, true}, {Codec::kPcmu, phone_levels},
      {Codec::kOpus, true},         {Codec::kOpus, true}, {Codec::kPcmu, phone_levels},
      {Codec::kG722, phone_levels}, {Codec::kOpus, true}, {Codec::kPcmu, phone_levels},
      {Codec::kG722, phone_levels}};
  auto make = [&](std::optional<Codec> extra) {
    std::vector<Leg> legs = base;
    if (extra) {
      legs.insert(legs.end(), kExtra, Leg{*extra, *extra == Codec::kOpus || phone_levels});
    }
    auto room = std::make_unique<Room>(legs);
    for (int t = 0; t < 4; ++t) room->SetTalker(t, t);
    return room;
  };
  std::unique_ptr<Room> rooms[] = {make(std::nullopt), make(Codec::kPcmu),
                                   make(Codec::kOpus), make(Codec::kG722)};
  for (int t = 0; t < 50; ++t) {
    for (auto& r : rooms) r->Tick();
  }
  int64_t ns[4] = {};
  int first = 0;
  for (auto _ : state) {
    // The room ticked first (after the previous iteration's last) was
    // measurably dearer: rotate the order so each takes every place.
    for (int k = 0; k < 4; ++k) {
      const int r = (first + k) % 4;
      TimedTick(*rooms[r], &ns[r]);
    }
    first = (first + 1) % 4;
  }
  const double iterations = static_cast<double>(state.iterations());
  auto per_listener = [&](int r) {
    return static_cast<double>(ns[r] - ns[0]) / iterations / kExtra;
  };
  state.counters["base_us"] = static_cast<double>(ns[0]) / iterations / 1e3;
  state.counters["pcmu_ns"] = per_listener(1);
  state.counters["opus_ns"] = per_listener(2);
  state.counters["g722_ns"] = per_listener(3);
  state.counters["pcmu_vs_opus"] = per_listener(1) / per_listener(2);
  state.counters["g722_vs_opus"] = per_listener(3) / per_listener(2);
}

// One room of 100: all phone legs (PCMU, no levels) or all WebRTC legs
// (Opus, levels), talkers 0 to 2.
std::unique_ptr<Room> Room100(bool phones) {
  const Leg leg = phones ? Leg{Codec::kPcmu, false} : Leg{Codec::kOpus, true};
  auto room = std::make_unique<Room>(std::vector<Leg>(100, leg));
  for (int t = 0; t < 3; ++t) room->SetTalker(t, t);
  for (int t = 0; t < 50; ++t) room->Tick();  // settle the speaker set
  return room;
}

void BM_Room100(benchmark::State& state, bool phones) {
  auto room = Room100(phones);
  const MixerStats before = room->mixer().GetMixerStats();
  for (auto _ : state) room->Tick();
  ReportCodecWork(state, before, room->mixer().GetMixerStats());
}
void BM_Room100Phones(benchmark::State& state) { BM_Room100(state, true); }
void BM_Room100WebRtc(benchmark::State& state) { BM_Room100(state, false); }

void BM_Room100PhonesVsWebRtc(benchmark::State& state) {
  auto phones = Room100(true);
  auto webrtc = Room100(false);
  int64_t phones_ns = 0, webrtc_ns = 0;
  bool phones_first = true;
  for (auto _ : state) {
    if (phones_first) TimedTick(*phones, &phones_ns);
    TimedTick(*webrtc, &webrtc_ns);
    if (!phones_first) TimedTick(*phones, &phones_ns);
    phones_first = !phones_first;
  }
  const double iterations = static_cast<double>(state.iterations());
  state.counters["phones_us"] = static_cast<double>(phones_ns) / iterations / 1e3;
  state.counters["webrtc_us"] = static_cast<double>(webrtc_ns) / iterations / 1e3;
  state.counters["ratio"] = static_cast<double>(phones_ns) / static_cast<double>(webrtc_ns);
}

BENCHMARK(BM_Tick)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond)->MinTime(1.0);
BENCHMARK(BM_TickNaive)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);
// Arguments: the Opus complexity of the mixes, the loss every receiver
// reports (percent; FEC goes on at 1 % by default), and fec_always = 1 for
// FEC whatever the receivers report (the earlier default).
BENCHMARK(BM_ManyRooms)->Args({5, 0, 0})->Args({5, 5, 0})->Args({3, 5, 0})
    ->Args({5, 0, 1})->ArgNames({"complexity", "loss", "fec_always"})
    ->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_PhoneRoomScaling)->ArgName("phone_levels")->Arg(0)->Arg(1)
    ->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(BM_ListenerCost)->ArgName("phone_levels")->Arg(0)->Arg(1)
    ->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(BM_Room100Phones)->Unit(benchmark::kMicrosecond)->MinTime(1.0);
BENCHMARK(BM_Room100WebRtc)->Unit(benchmark::kMicrosecond)->MinTime(1.0);
BENCHMARK(BM_Room100PhonesVsWebRtc)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

}  // namespace
}  // namespace konfero::audio

int main(int argc, char** argv) {
  return konfero::bench::RunWithRatios(
      argc, argv,
      {{"BM_Tick/10", "BM_Tick/100"},
       {"BM_Tick/10", "BM_Tick/1000"},
       {"BM_TickNaive/", "BM_Tick/"},
       {"BM_Room100Phones", "BM_Room100WebRtc"}},
      {{"BM_Tick/", 20e6}, {"BM_ManyRooms", 20e6}});
}
