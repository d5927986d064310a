// Tests of G.722 participants in the mixer (phones on wideband codecs):
// they hear browsers on Opus and are heard by them, never themselves; the
// 7 kHz band survives both ways where G.711 would cut it; listeners share
// one encoded stream; speakers move between the shared stream and their own
// encoder without a click; hold, loss, RTP timestamps in the 8 kHz clock.
#include <algorithm>
#include <cstdlib>

#include "gtest/gtest.h"
#include "konfero/audio/mixer.h"
#include "mixer_harness.h"

namespace konfero::audio {
namespace {

using testing::Impairment;
using testing::SimulatedRoom;
using testing::TailSpectrum;
using testing::ToneMagnitude;

constexpr double kHeard = 300.0;
constexpr double kNotHeard = 25.0;

TEST(MixerG722Test, PhoneOnG722AndBrowserOnOpusHearEachOtherButNotThemselves) {
  SimulatedRoom room({.max_participants = 8});
  auto& phone = room.Add(Codec::kG722, 1000, 8000);   // talks
  auto& browser = room.Add(Codec::kOpus, 600, 7000);  // talks
  auto& g722_listener = room.Add(Codec::kG722, 1700, 0);
  auto& opus_listener = room.Add(Codec::kOpus, 2300, 0);
  room.Run(100);
  ASSERT_TRUE(room.mixer().IsSpeaker(phone.id));
  ASSERT_TRUE(room.mixer().IsSpeaker(browser.id));

  const auto phone_hears = TailSpectrum(phone);
  EXPECT_GT(ToneMagnitude(phone_hears, 600), kHeard);
  EXPECT_LT(ToneMagnitude(phone_hears, 1000), kNotHeard) << "itself";
  const auto browser_hears = TailSpectrum(browser);
  EXPECT_GT(ToneMagnitude(browser_hears, 1000), kHeard);
  EXPECT_LT(ToneMagnitude(browser_hears, 600), kNotHeard) << "itself";
  for (const auto* m : {&g722_listener, &opus_listener}) {
    const auto mag = TailSpectrum(*m);
    EXPECT_GT(ToneMagnitude(mag, 1000), kHeard) << CodecName(m->codec);
    EXPECT_GT(ToneMagnitude(mag, 600), kHeard) << CodecName(m->codec);
    EXPECT_LT(ToneMagnitude(mag, 1700), kNotHeard) << CodecName(m->codec);
    EXPECT_LT(ToneMagnitude(mag, 2300), kNotHeard) << CodecName(m->codec);
  }
  for (size_t p = 0; p < room.size(); ++p) {
    EXPECT_EQ(room.member(p).seq_gaps, 0) << p;
    EXPECT_EQ(room.member(p).ts_gaps, 0) << p;
  }
}

TEST(MixerG722Test, WidebandPassesBetweenG722AndOpusButNotToG711) {
  SimulatedRoom room({.max_participants = 8});
  auto& phone = room.Add(Codec::kG722, 6000, 8000);    // a 6 kHz tone
  auto& browser = room.Add(Codec::kOpus, 5500, 8000);  // a 5.5 kHz tone
  auto& g722_listener = room.Add(Codec::kG722, 0, 0);
  auto& pcmu_listener = room.Add(Codec::kPcmu, 0, 0);
  room.Run(100);
  EXPECT_GT(ToneMagnitude(TailSpectrum(phone), 5500), kHeard);
  EXPECT_LT(ToneMagnitude(TailSpectrum(phone), 6000), kNotHeard);
  EXPECT_GT(ToneMagnitude(TailSpectrum(browser), 6000), kHeard);
  const auto wide = TailSpectrum(g722_listener);
  EXPECT_GT(ToneMagnitude(wide, 6000), kHeard);
  EXPECT_GT(ToneMagnitude(wide, 5500), kHeard);
  // G.711's 8 kHz sampling stops at 4 kHz: the same mix carries neither.
  const auto narrow = TailSpectrum(pcmu_listener);
  EXPECT_LT(ToneMagnitude(narrow, 6000), kNotHeard);
  EXPECT_LT(ToneMagnitude(narrow, 5500), kNotHeard);
}

TEST(MixerG722Test, ListenersShareOneEncodedStream) {
  SimulatedRoom room({.max_participants = 8});
  room.Add(Codec::kOpus, 800, 8000);
  room.Add(Codec::kG722, 1300, 7000);
  auto& a = room.Add(Codec::kG722, 0, 0);
  auto& b = room.Add(Codec::kG722, 0, 0);
  room.Run(30);
  for (int t = 0; t < 50; ++t) {
    room.Step();
    ASSERT_EQ(a.last_payload.size(), 160u);
    ASSERT_EQ(a.last_payload, b.last_payload) << "tick " << t;
  }
  // The shared stream is not the talkers' own (mix-minus) streams.
  EXPECT_NE(a.last_payload, room.member(1).last_payload);
}

TEST(MixerG722Test, OnHoldHearsTheWaitingSoundAndIsMixedWithNobody) {
  SimulatedRoom room({.max_participants = 8});
  auto& held = room.Add(Codec::kG722, 1500, 8000);  // on hold, talking
  room.Add(Codec::kOpus, 900, 8000);
  auto& listener = room.Add(Codec::kG722, 0, 0);
  ASSERT_TRUE(room.mixer().SetOnHold(held.id, true).ok());
  room.Run(200);
  const auto mag = TailSpectrum(held, 16);
  EXPECT_GT(ToneMagnitude(mag, 659.25), 20.0);  // the chime
  EXPECT_LT(ToneMagnitude(mag, 900), kNotHeard);  // hears nobody
  EXPECT_LT(ToneMagnitude(TailSpectrum(listener), 1500), kNotHeard);
  EXPECT_EQ(held.ts_gaps, 0);
  // Off hold: it talks and hears the room.
  ASSERT_TRUE(room.mixer().SetOnHold(held.id, false).ok());
  room.Run(60);
  EXPECT_GT(ToneMagnitude(TailSpectrum(listener, 14), 1500), kHeard);
  EXPECT_GT(ToneMagnitude(TailSpectrum(held, 14), 900), kHeard);
  EXPECT_EQ(held.seq_gaps, 0);
  EXPECT_EQ(held.ts_gaps, 0);
}

TEST(MixerG722Test, TimestampsStepBy160ThroughEveryPath) {
  auto mixer = Mixer::Create({.max_participants = 4});
  ASSERT_TRUE(mixer.ok());
  auto id = (*mixer)->AddParticipant(Codec::kG722);
  ASSERT_TRUE(id.ok());
  // Silence (alone), hold (waiting loop), back: each frame 160 bytes, the
  // timestamp 160 on (RFC 3551: G.722's RTP clock is 8000 Hz).
  std::vector<EncodedFrame> frames;
  for (int t = 0; t < 30; ++t) {
    if (t == 10 || t == 20) {
      ASSERT_TRUE((*mixer)->SetOnHold(*id, t == 10).ok());
    }
    (*mixer)->Tick();
    EncodedFrame f;
    while ((*mixer)->PopFrame(*id, &f)) frames.push_back(f);
  }
  ASSERT_EQ(frames.size(), 30u);
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].codec, Codec::kG722);
    EXPECT_EQ(frames[i].size, 160);
    EXPECT_EQ(frames[i].timestamp, frames[0].timestamp + 160 * i) << i;
    EXPECT_EQ(frames[i].sequence, static_cast<uint16_t>(frames[0].sequence + i));
    EXPECT_EQ(frames[i].marker, i == 0) << i;
  }
}

// Largest sample-to-sample step in frames [from, to) of what `m` heard.
int MaxStep(const SimulatedRoom::Member& m, int from, int to) {
  int step = 0;
  for (int i = from * kFrameSamples + 1; i < to * kFrameSamples; ++i) {
    step = std::max(step, std::abs(m.heard[static_cast<size_t>(i)] -
                                   m.heard[static_cast<size_t>(i - 1)]));
  }
  return step;
}

TEST(MixerG722Test, MovingBetweenListenerAndSpeakerHasNoGapOrClick) {
  SimulatedRoom room({.max_participants = 4});
  room.Add(Codec::kOpus, 400, 8000);  // A talks throughout
  auto& l = room.Add(Codec::kG722, 2500, 0);  // listens, talks, listens
  room.Add(Codec::kOpus, 700, 0);
  room.Run(100);
  l.sine = std::make_unique<testing::Sine>(2500, 8000);
  room.Run(100);
  EXPECT_TRUE(room.mixer().IsSpeaker(l.id));
  l.sine = std::make_unique<testing::Sine>(2500, 0);
  room.Run(100);
  EXPECT_FALSE(room.mixer().IsSpeaker(l.id));
  // L hears A's 400 Hz tone all along: from the shared G.722 stream, from
  // a lent encoder that continues it (PrimeEncoder), and back.
  const int steady = MaxStep(l, 50, 100);
  EXPECT_LT(MaxStep(l, 100, 300), steady * 3 / 2 + 50);
  for (size_t f = 50; f < 300; ++f) {
    EXPECT_NEAR(l.frame_levels[f], l.frame_levels[60], 2) << "frame " << f;
  }
  EXPECT_LT(ToneMagnitude(TailSpectrum(l, 15), 2500), kNotHeard);
  EXPECT_EQ(l.seq_gaps, 0);
  EXPECT_EQ(l.ts_gaps, 0);
}

TEST(MixerG722Test, LossAndJitterOnAPhoneLegKeepTheMixContinuous) {
  SimulatedRoom room({.max_participants = 8},
                     Impairment{.loss = 0.10, .duplicate = 0.05, .jitter_ms = 60},
                     /*seed=*/11);
  auto& phone = room.Add(Codec::kG722, 1000, 8000);
  auto& listener = room.Add(Codec::kOpus, 0, 0);
  auto& g722_listener = room.Add(Codec::kG722, 0, 0);
  const int ticks = 400;
  room.Run(ticks);
  const ParticipantStats st = room.mixer().GetStats(phone.id);
  // About 10 % of 400 frames lost; the jitter buffer counts a loss whose
  // next frame is there as FEC, which G.722 has not: both are faded out.
  EXPECT_GT(st.concealed + st.fec, 20u);
  EXPECT_GT(st.concealed, 0u);
  for (const auto* m : {&phone, &listener, &g722_listener}) {
    const ParticipantStats s = room.mixer().GetStats(m->id);
    EXPECT_EQ(s.frames_out, static_cast<uint64_t>(ticks));
    EXPECT_EQ(s.output_dropped, 0u);
    EXPECT_EQ(m->seq_gaps, 0);
    EXPECT_EQ(m->ts_gaps, 0);
  }
  for (const auto* m : {&listener, &g722_listener}) {
    EXPECT_GT(ToneMagnitude(TailSpectrum(*m), 1000), kHeard) << CodecName(m->codec);
  }
}

TEST(MixerG722Test, PhonesWithoutLevelsAreDecodedInFullOnlyWhenTheyTalk) {
  // Plain RTP phones send no RFC 6464 levels: the mixer reads a G.711 or
  // G.722 frame's level at 8 kHz and decodes to 48 kHz only what it mixes.
  SimulatedRoom room({.max_participants = 12});
  auto& pcmu_talker = room.Add(Codec::kPcmu, 500, 8000);
  auto& g722_talker = room.Add(Codec::kG722, 1200, 7000);
  for (int i = 0; i < 3; ++i) room.Add(Codec::kPcmu, 0, 0, /*noise=*/10);
  for (int i = 0; i < 3; ++i) room.Add(Codec::kG722, 0, 0, /*noise=*/10);
  for (size_t p = 0; p < room.size(); ++p) room.member(p).send_level = false;
  auto& browser = room.Add(Codec::kOpus, 0, 0);
  room.Run(100);
  EXPECT_TRUE(room.mixer().IsSpeaker(pcmu_talker.id));
  EXPECT_TRUE(room.mixer().IsSpeaker(g722_talker.id));
  const MixerStats before = room.mixer().GetMixerStats();
  room.Run(50);
  const MixerStats after = room.mixer().GetMixerStats();
  EXPECT_EQ(after.decodes - before.decodes, 100u);  // the two talkers
  const auto mag = TailSpectrum(browser);
  EXPECT_GT(ToneMagnitude(mag, 500), kHeard);
  EXPECT_GT(ToneMagnitude(mag, 1200), kHeard);
  EXPECT_GT(ToneMagnitude(TailSpectrum(pcmu_talker), 1200), kHeard);
  EXPECT_LT(ToneMagnitude(TailSpectrum(pcmu_talker), 500), kNotHeard);
  EXPECT_GT(ToneMagnitude(TailSpectrum(g722_talker), 500), kHeard);
  EXPECT_LT(ToneMagnitude(TailSpectrum(g722_talker), 1200), kNotHeard);
}

}  // namespace
}  // namespace konfero::audio
