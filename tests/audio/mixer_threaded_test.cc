// The mixer used as in a server: a mixer thread ticking, a network thread
// pushing packets and popping frames, and a control thread muting, holding,
// adding and removing participants, all at once. Checks that frames flow
// and nothing is lost inside the queues; run under ThreadSanitizer in CI
// (label `threaded`). No wall-clock limits: threads hand over by counters.
#include <atomic>
#include <thread>
#include <vector>

#include "audio/audio_level.h"
#include "audio/opus_codec.h"
#include "audio_test_util.h"
#include "gtest/gtest.h"
#include "konfero/audio/mixer.h"

namespace konfero::audio {
namespace {

TEST(MixerThreadedTest, MixerNetworkAndControlThreadsRunConcurrently) {
  constexpr int kParticipants = 6;
  constexpr int kTicks = 300;
  auto created = Mixer::Create({.max_participants = 8, .output_queue_frames = 64});
  ASSERT_TRUE(created.ok());
  Mixer& mixer = **created;
  std::vector<StreamId> ids;
  for (int i = 0; i < kParticipants; ++i) {
    auto id = mixer.AddParticipant(i == 5 ? Codec::kPcmu : Codec::kOpus);
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }

  // Pre-encode each participant's packets (the codec is not under test).
  std::vector<std::vector<InputPacket>> packets(kParticipants);
  for (int i = 0; i < kParticipants; ++i) {
    auto enc = OpusFrameEncoder::Create({.complexity = 0});
    testing::Sine sine(300.0 + 200 * i, i < 3 ? 6000 : 0);
    for (int t = 0; t < kTicks; ++t) {
      int16_t pcm[kFrameSamples];
      sine.Fill(pcm, kFrameSamples);
      InputPacket p;
      p.sequence = static_cast<uint16_t>(t);
      p.timestamp = static_cast<uint32_t>(t) * (i == 5 ? 160u : 960u);
      p.arrival_us = t * 20000;
      p.audio_level = static_cast<int8_t>(AudioLevelOf(pcm, kFrameSamples));
      if (i == 5) {
        p.size = 160;
        p.payload.fill(0xFF);
      } else {
        p.size = static_cast<uint16_t>((*enc)->Encode(pcm, p.payload.data(), kMaxPayloadBytes));
      }
      packets[static_cast<size_t>(i)].push_back(p);
    }
  }

  std::atomic<int> ticks_done{0};
  std::atomic<int> packets_sent{0};  // ticks' worth of packets pushed
  std::atomic<bool> stop{false};

  std::thread mixer_thread([&] {
    for (int t = 0; t < kTicks; ++t) {
      // Stay at most a few ticks ahead of the network, as a real clock would.
      while (packets_sent.load(std::memory_order_acquire) < t + 1) std::this_thread::yield();
      mixer.Tick();
      ticks_done.store(t + 1, std::memory_order_release);
    }
  });
  std::vector<uint64_t> frames(kParticipants, 0);
  std::thread network_thread([&] {
    EncodedFrame f;
    for (int t = 0; t < kTicks; ++t) {
      for (int i = 0; i < kParticipants; ++i) {
        while (!mixer.PushPacket(ids[static_cast<size_t>(i)], packets[static_cast<size_t>(i)][static_cast<size_t>(t)])) {
          std::this_thread::yield();
        }
      }
      packets_sent.store(t + 1, std::memory_order_release);
      for (int i = 0; i < kParticipants; ++i) {
        while (mixer.PopFrame(ids[static_cast<size_t>(i)], &f)) ++frames[static_cast<size_t>(i)];
      }
      while (ticks_done.load(std::memory_order_acquire) + 4 < t) std::this_thread::yield();
    }
    while (ticks_done.load(std::memory_order_acquire) < kTicks) std::this_thread::yield();
    for (int i = 0; i < kParticipants; ++i) {
      while (mixer.PopFrame(ids[static_cast<size_t>(i)], &f)) ++frames[static_cast<size_t>(i)];
    }
  });
  std::thread control_thread([&] {
    int round = 0;
    while (!stop.load(std::memory_order_acquire)) {
      const int t = ticks_done.load(std::memory_order_acquire);
      if (t >= 50 * (round + 1) && round < 4) {
        EXPECT_TRUE(mixer.SetMuted(ids[0], round % 2 == 0).ok());
        EXPECT_TRUE(mixer.SetOnHold(ids[4], round % 2 == 0).ok());
        auto extra = mixer.AddParticipant(Codec::kPcma);
        EXPECT_TRUE(extra.ok());
        if (extra.ok()) {
          EXPECT_TRUE(mixer.RemoveParticipant(*extra).ok());
        }
        (void)mixer.GetStats(ids[1]);
        (void)mixer.GetMixerStats();
        ++round;
      }
      std::this_thread::yield();
    }
  });
  mixer_thread.join();
  network_thread.join();
  stop.store(true, std::memory_order_release);
  control_thread.join();

  for (int i = 0; i < kParticipants; ++i) {
    SCOPED_TRACE(i);
    const ParticipantStats st = mixer.GetStats(ids[static_cast<size_t>(i)]);
    EXPECT_EQ(frames[static_cast<size_t>(i)], static_cast<uint64_t>(kTicks));
    EXPECT_EQ(st.frames_out, static_cast<uint64_t>(kTicks));
    EXPECT_EQ(st.output_dropped, 0u);
    EXPECT_EQ(st.received, static_cast<uint64_t>(kTicks));
  }
  EXPECT_EQ(mixer.GetMixerStats().ticks, static_cast<uint64_t>(kTicks));
}

}  // namespace
}  // namespace konfero::audio
