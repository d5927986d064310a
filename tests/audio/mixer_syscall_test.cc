// The media path makes no system call: a thread installs a seccomp filter
// (on itself only: no TSYNC) that traps every system call except the ones
// needed to return from the signal handler and to exit, then runs hundreds
// of ticks of a busy room (Opus, G.711 and G.722, speech, loss, reordering,
// speaker changes, mute, hold, a leave and a join), pushing the packets and
// popping the frames itself. A SIGSYS handler counts what was trapped.
//
// Everything (the mixer, its participants, every input packet, the output
// frame) is prepared before the filter goes in, and the ticks start cold:
// even the first SIMD dispatch happens under the filter.
//
// Linux only; skipped under sanitizers, whose runtimes make system calls of
// their own (and TSan's intercepts would count).
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <string>
#include <thread>
#include <vector>

#include "audio/audio_level.h"
#include "audio/g711.h"
#include "audio/g722.h"
#include "audio/opus_codec.h"
#include "audio/resampler.h"
#include "gtest/gtest.h"
#include "konfero/audio/mixer.h"

#include "testing/sanitizers.h"

namespace konfero::audio {
namespace {

// Written by the SIGSYS handler (async-signal-safe: lock-free atomics only).
std::atomic<int> trapped{0};
std::array<std::atomic<int>, 8> trapped_nr{};
std::atomic<bool> counting{false};

void OnSigsys(int, siginfo_t* info, void*) {
  if (!counting.load(std::memory_order_relaxed)) return;
  const int k = trapped.fetch_add(1, std::memory_order_relaxed);
  if (k < static_cast<int>(trapped_nr.size())) {
    trapped_nr[static_cast<size_t>(k)].store(info->si_syscall, std::memory_order_relaxed);
  }
}

// Allows rt_sigreturn (to leave the handler) and exit; traps everything
// else, futex included (a contended lock would show). What glibc does as the
// thread ends (madvise of the stack) is trapped after counting stops and
// fails harmlessly.
bool InstallTrapFilter() {
  constexpr unsigned kAllowed[] = {__NR_rt_sigreturn, __NR_exit, __NR_exit_group};
  std::vector<sock_filter> f;
  f.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
  for (unsigned nr : kAllowed) {
    f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1));
    f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  }
  f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
  sock_fprog prog{static_cast<unsigned short>(f.size()), f.data()};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return false;
  // Flags 0: this thread only (no SECCOMP_FILTER_FLAG_TSYNC).
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0;
}

constexpr int kFrames = 100;  // 2 s of each voice, looped

// A voice-like signal: harmonics of f0 with a syllable-rate envelope.
std::vector<std::array<int16_t, kFrameSamples>> Voice(double f0, double amp) {
  std::vector<std::array<int16_t, kFrameSamples>> frames(kFrames);
  double phase = 0;
  for (int f = 0; f < kFrames; ++f) {
    for (int i = 0; i < kFrameSamples; ++i) {
      const double t = (f * kFrameSamples + i) / static_cast<double>(kSampleRateHz);
      const double env = 0.55 + 0.45 * std::sin(2 * std::numbers::pi * 4.0 * t);
      phase += 2 * std::numbers::pi * f0 / kSampleRateHz;
      frames[static_cast<size_t>(f)][static_cast<size_t>(i)] = static_cast<int16_t>(
          amp * env * (std::sin(phase) + 0.5 * std::sin(2 * phase)));
    }
  }
  return frames;
}

// Every packet a participant will send, encoded in its codec beforehand.
std::vector<InputPacket> Encode(Codec codec, double f0, double amp, bool send_level) {
  auto enc = *OpusFrameEncoder::Create({.bitrate = 32000, .complexity = 3});
  auto down = *FrameResampler::Create(kSampleRateHz, 8000);
  auto g722 = *G722Encoder::Create();
  auto down16 = *FrameResampler::Create(kSampleRateHz, 16000);
  std::vector<InputPacket> out(kFrames);
  const auto pcm = Voice(f0, amp);
  for (int f = 0; f < kFrames; ++f) {
    InputPacket& p = out[static_cast<size_t>(f)];
    const int16_t* frame = pcm[static_cast<size_t>(f)].data();
    p.audio_level = send_level ? static_cast<int8_t>(AudioLevelOf(frame, kFrameSamples)) : -1;
    if (codec == Codec::kOpus) {
      p.size = static_cast<uint16_t>(enc->Encode(frame, p.payload.data(), kMaxPayloadBytes));
    } else if (codec == Codec::kG722) {
      int16_t wide[320];
      down16->Process(frame, wide);
      p.size = static_cast<uint16_t>(g722->Encode(wide, 320, p.payload.data()));
    } else {
      int16_t narrow[160];
      down->Process(frame, narrow);
      if (codec == Codec::kPcmu) g711::EncodeMuLaw(narrow, p.payload.data(), 160);
      else g711::EncodeALaw(narrow, p.payload.data(), 160);
      p.size = 160;
    }
  }
  return out;
}

struct Participant {
  StreamId id = 0;
  Codec codec = Codec::kOpus;
  std::vector<InputPacket> speech, quiet;
  uint16_t seq = 0;
  uint32_t ts = 0;
};

TEST(MixerSyscallTest, TicksMakeNoSystemCall) {
#ifdef KONFERO_UNDER_SANITIZER
  GTEST_SKIP() << "sanitizer runtimes make system calls of their own; this "
                  "test runs in plain builds only";
#else
  auto created = Mixer::Create({.max_participants = 12});
  ASSERT_TRUE(created.ok()) << created.status();
  Mixer& mixer = **created;
  // 9 is a G.722 phone without RFC 6464 levels; the talkers take turns
  // (i % 5), G.722 ones among them.
  const Codec codecs[] = {Codec::kOpus, Codec::kOpus, Codec::kG722, Codec::kPcmu,
                          Codec::kOpus, Codec::kPcma, Codec::kG722, Codec::kOpus,
                          Codec::kPcmu, Codec::kG722};
  std::vector<Participant> people(std::size(codecs));
  for (size_t i = 0; i < people.size(); ++i) {
    Participant& p = people[i];
    p.codec = codecs[i];
    p.id = *mixer.AddParticipant(p.codec);
    const bool level = i != 9;  // its level must come from decoding
    p.speech = Encode(p.codec, 110.0 + 23.0 * static_cast<double>(i), 7000, level);
    p.quiet = Encode(p.codec, 150.0, 8, level);
  }
  Participant newcomer;
  newcomer.codec = Codec::kPcma;
  newcomer.speech = Encode(newcomer.codec, 333.0, 6000, true);
  newcomer.quiet = newcomer.speech;

  constexpr int kTicks = 600;
  std::atomic<int> filter_state{0};  // 1: installed, -1: refused
  int probe_trapped = 0;
  EncodedFrame frame;
  uint64_t frames_out = 0;

  struct sigaction sa {}, old {};
  sa.sa_sigaction = OnSigsys;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  ASSERT_EQ(sigaction(SIGSYS, &sa, &old), 0);

  // The header is written into the prepared packet in place.
  auto send = [&mixer](Participant& p, InputPacket& pkt, int64_t tick) {
    pkt.sequence = p.seq;
    pkt.timestamp = p.ts;
    pkt.arrival_us = tick * 20000;
    mixer.PushPacket(p.id, pkt);
  };

  std::thread media([&] {
    if (!InstallTrapFilter()) {
      filter_state = -1;
      return;
    }
    filter_state = 1;
    counting = true;
    // Sanity: the filter and the handler see a real system call.
    syscall(SYS_getppid);
    probe_trapped = trapped.exchange(0);
    for (int t = 0; t < kTicks; ++t) {
      // Talkers take turns every 120 ticks, two at a time, overlapping.
      const int turn = t / 120;
      for (size_t i = 0; i < people.size(); ++i) {
        Participant& p = people[i];
        const bool talks = static_cast<int>(i) % 5 == turn || static_cast<int>(i) % 5 == (turn + 2) % 5;
        auto& pkts = talks ? p.speech : p.quiet;
        InputPacket& src = pkts[static_cast<size_t>(t % kFrames)];
        const bool lost = (t * 7 + static_cast<int>(i) * 3) % 10 == 0;  // 10 %
        if (!lost) send(p, src, t);
        if (i == 2 && t % 9 == 0) send(p, src, t);  // a duplicate
        ++p.seq;
        p.ts += RtpSamplesPerFrame(p.codec);
      }
      if (t == 200) mixer.SetMuted(people[0].id, true).IgnoreError();
      if (t == 250) mixer.SetOnHold(people[4].id, true).IgnoreError();
      if (t == 350) mixer.SetMuted(people[0].id, false).IgnoreError();
      if (t == 380) mixer.SetOnHold(people[4].id, false).IgnoreError();
      if (t == 420) mixer.RemoveParticipant(people[7].id).IgnoreError();
      if (t == 440) {
        auto id = mixer.AddParticipant(newcomer.codec);
        if (id.ok()) newcomer.id = *id;
      }
      if (t > 440) {
        send(newcomer, newcomer.speech[static_cast<size_t>(t % kFrames)], t);
        ++newcomer.seq;
        newcomer.ts += RtpSamplesPerFrame(newcomer.codec);
      }
      mixer.Tick();
      for (const Participant& p : people) {
        while (mixer.PopFrame(p.id, &frame)) ++frames_out;
      }
      while (t > 440 && mixer.PopFrame(newcomer.id, &frame)) ++frames_out;
    }
    counting = false;
  });
  media.join();
  ASSERT_EQ(sigaction(SIGSYS, &old, nullptr), 0);

  if (filter_state == -1) {
    GTEST_SKIP() << "seccomp filters are not allowed here (prctl or seccomp refused)";
  }
  ASSERT_EQ(probe_trapped, 1) << "the filter did not trap getppid()";
  std::string calls;
  for (int k = 0; k < std::min<int>(trapped.load(), static_cast<int>(trapped_nr.size())); ++k) {
    calls += std::to_string(trapped_nr[static_cast<size_t>(k)].load()) + " ";
  }
  EXPECT_EQ(trapped.load(), 0) << "system calls made during the ticks (numbers: " << calls << ")";
  const MixerStats stats = mixer.GetMixerStats();
  EXPECT_EQ(stats.ticks, static_cast<uint64_t>(kTicks));
  // The room did real work under the filter.
  EXPECT_GT(stats.encodes, 300u);
  EXPECT_GT(stats.decodes, 1000u);
  EXPECT_GT(stats.speaker_changes, 4u);
  EXPECT_GT(frames_out, static_cast<uint64_t>(kTicks) * 9);
#endif
}

}  // namespace
}  // namespace konfero::audio
