// End-to-end tests of the mixer: real Opus (and G.711) encoding, jitter
// buffers, speaker selection, mix-minus, shared encoding and decoding, with
// the tones each participant hears checked by FFT.
#include "konfero/audio/mixer.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "gtest/gtest.h"
#include "mixer_harness.h"

namespace konfero::audio {
namespace {

using testing::Impairment;
using testing::SimulatedRoom;
using testing::TailSpectrum;
using testing::ToneMagnitude;

// Distinct tones, chosen so that no tone lies on a harmonic or a second- or
// third-order intermodulation product of the first three (the talkers).
double Freq(size_t i) {
  return 280.0 + 159.0 * static_cast<double>(i) + 9.0 * static_cast<double>((i * i) % 7);
}

// Each participant hears the tones of the speakers other than itself, and
// neither its own tone nor any non-speaker's.
void ExpectHearsSpeakersButNotSelf(SimulatedRoom& room,
                                   const std::set<size_t>& speakers) {
  for (size_t p = 0; p < room.size(); ++p) {
    SCOPED_TRACE(::testing::Message() << "participant " << p);
    const auto mag = TailSpectrum(room.member(p));
    for (size_t q = 0; q < room.size(); ++q) {
      const double m = ToneMagnitude(mag, Freq(q));
      if (speakers.count(q) && q != p) {
        EXPECT_GT(m, 300.0) << "missing tone of speaker " << q;
      } else {
        EXPECT_LT(m, 25.0) << "tone of " << q << (q == p ? " (itself)" : "");
      }
    }
  }
}

class MixMinusTest : public ::testing::TestWithParam<int> {};

TEST_P(MixMinusTest, EachHearsTheSpeakersButNeverItself) {
  const int n = GetParam();
  SimulatedRoom room({.max_participants = 24});
  for (int i = 0; i < n; ++i) {
    // Three loud talkers; everyone else sends a faint tone (about -58 dBov),
    // below the activity level: never selected, never decoded.
    const double amp = i < 3 ? 9000.0 - 1000.0 * i : 60.0;
    room.Add(Codec::kOpus, Freq(static_cast<size_t>(i)), amp);
  }
  room.Run(100);
  std::set<size_t> speakers;
  for (int i = 0; i < std::min(n, 3); ++i) {
    speakers.insert(static_cast<size_t>(i));
    EXPECT_TRUE(room.mixer().IsSpeaker(room.member(static_cast<size_t>(i)).id));
  }
  for (int i = 3; i < n; ++i) {
    EXPECT_FALSE(room.mixer().IsSpeaker(room.member(static_cast<size_t>(i)).id));
  }
  ExpectHearsSpeakersButNotSelf(room, speakers);
}

INSTANTIATE_TEST_SUITE_P(RoomSizes, MixMinusTest, ::testing::Values(2, 3, 5, 12, 20));

TEST(MixerTest, EncodingWorkStaysBoundedByTheSpeakerCount) {
  SimulatedRoom room({.max_participants = 24});
  for (int i = 0; i < 20; ++i) room.Add(Codec::kOpus, Freq(static_cast<size_t>(i)), i < 3 ? 8000 : 0);
  room.Run(50);
  const MixerStats before = room.mixer().GetMixerStats();
  room.Run(100);
  const MixerStats after = room.mixer().GetMixerStats();
  // Three speakers: three mix-minus encodes plus one shared, per tick.
  EXPECT_EQ(after.encodes - before.encodes, 400u);
  EXPECT_EQ(after.shared_encodes - before.shared_encodes, 100u);
  // Only the three talkers are decoded.
  EXPECT_EQ(after.decodes - before.decodes, 300u);
}

TEST(MixerTest, NobodyTalkingMeansNoEncodingAndALoneTalkerCostsNoEncoder) {
  SimulatedRoom room({.max_participants = 8});
  for (int i = 0; i < 5; ++i) room.Add(Codec::kOpus, Freq(static_cast<size_t>(i)), 0);
  room.Run(50);
  EXPECT_EQ(room.mixer().GetMixerStats().encodes, 0u);
  EXPECT_EQ(room.mixer().GetMixerStats().decodes, 0u);
  for (size_t p = 0; p < room.size(); ++p) {
    EXPECT_EQ(room.member(p).frame_levels.size(), 50u);  // still a frame per tick
  }
  // A lone talker: only the shared stream is encoded.
  room.member(0).sine = std::make_unique<testing::Sine>(Freq(0), 8000);
  room.Run(20);
  const MixerStats before = room.mixer().GetMixerStats();
  room.Run(50);
  const MixerStats after = room.mixer().GetMixerStats();
  EXPECT_EQ(after.encodes - before.encodes, 50u);
  EXPECT_EQ(after.shared_encodes - before.shared_encodes, 50u);
  EXPECT_LT(ToneMagnitude(TailSpectrum(room.member(0), 14), Freq(0)), 25.0);
  EXPECT_GT(ToneMagnitude(TailSpectrum(room.member(1), 14), Freq(0)), 300.0);
}

TEST(MixerTest, ASpeakerWhoseOthersAreQuietHearsSilenceWithoutAnEncoder) {
  SimulatedRoom room({.max_participants = 4});
  auto& a = room.Add(Codec::kOpus, 400, 8000);
  auto& b = room.Add(Codec::kOpus, 2500, 8000);
  room.Add(Codec::kOpus, 700, 0);  // a listener
  room.Run(60);
  ASSERT_TRUE(room.mixer().IsSpeaker(a.id) && room.mixer().IsSpeaker(b.id));
  // A stops; for its hang time it stays a speaker. B, still talking, would
  // hear only A's silence: the prepared silence frame, no encoder.
  a.sine = std::make_unique<testing::Sine>(400, 0);
  room.Run(6);
  const MixerStats before = room.mixer().GetMixerStats();
  const size_t from = b.heard.size();
  room.Run(10);
  const MixerStats after = room.mixer().GetMixerStats();
  ASSERT_TRUE(room.mixer().IsSpeaker(a.id));
  // Per tick: A's mix-minus (B's tone) and the shared mix, nothing for B.
  EXPECT_EQ(after.encodes - before.encodes, 20u);
  EXPECT_EQ(after.shared_encodes - before.shared_encodes, 10u);
  int peak = 0;
  for (size_t i = from; i < b.heard.size(); ++i) peak = std::max(peak, std::abs(int{b.heard[i]}));
  EXPECT_LT(peak, 64);
  // A talks again within its hang: B gets an encoder and hears A again.
  a.sine = std::make_unique<testing::Sine>(400, 8000);
  room.Run(60);
  EXPECT_GT(ToneMagnitude(TailSpectrum(b, 14), 400), 300.0);
  EXPECT_LT(ToneMagnitude(TailSpectrum(b, 14), 2500), 25.0);
  EXPECT_EQ(b.seq_gaps, 0);
}

TEST(MixerTest, LossReorderingDuplicatesAndJitterKeepOutputContinuous) {
  SimulatedRoom room({.max_participants = 8},
                     Impairment{.loss = 0.10, .duplicate = 0.05, .jitter_ms = 60},
                     /*seed=*/7);
  room.Add(Codec::kOpus, Freq(0), 8000);
  room.Add(Codec::kOpus, Freq(1), 7000);
  room.Add(Codec::kOpus, Freq(2), 0);
  room.Add(Codec::kPcmu, Freq(3), 0);
  const int ticks = 500;
  room.Run(ticks);
  uint64_t concealed = 0, fec = 0;
  for (size_t p = 0; p < room.size(); ++p) {
    SCOPED_TRACE(::testing::Message() << "participant " << p);
    const auto& m = room.member(p);
    const ParticipantStats st = room.mixer().GetStats(m.id);
    EXPECT_EQ(st.overruns, 0u);
    EXPECT_EQ(st.input_dropped, 0u);
    EXPECT_EQ(st.output_dropped, 0u);
    EXPECT_EQ(st.frames_out, static_cast<uint64_t>(ticks));
    EXPECT_EQ(m.seq_gaps, 0);
    EXPECT_GT(st.duplicates + st.late, 0u);
    EXPECT_GE(st.target_delay_frames, 3);
    if (p < 2) {
      concealed += st.concealed;
      fec += st.fec;
    }
  }
  EXPECT_GT(concealed + fec, 50u);  // about 10 % of 2 x 500 frames
  EXPECT_GT(concealed, 0u);          // PLC was used
  // The listeners hear both talkers without a silent frame once started.
  for (size_t p : {size_t{2}, size_t{3}}) {
    const auto& m = room.member(p);
    for (size_t f = 50; f < m.frame_levels.size(); ++f) {
      ASSERT_LT(m.frame_levels[f], 40) << "participant " << p << " frame " << f;
    }
    const auto mag = TailSpectrum(m);
    EXPECT_GT(ToneMagnitude(mag, Freq(0)), 300.0);
    EXPECT_GT(ToneMagnitude(mag, Freq(1)), 300.0);
  }
  // Each talker hears the other and not itself.
  EXPECT_LT(ToneMagnitude(TailSpectrum(room.member(0)), Freq(0)), 25.0);
  EXPECT_GT(ToneMagnitude(TailSpectrum(room.member(0)), Freq(1)), 300.0);
  EXPECT_LT(ToneMagnitude(TailSpectrum(room.member(1)), Freq(1)), 25.0);
}

TEST(MixerTest, PhonesOnG711HearTheMixToo) {
  SimulatedRoom room({.max_participants = 8});
  room.Add(Codec::kPcmu, Freq(0), 8000);
  room.Add(Codec::kPcma, Freq(1), 7000);
  room.Add(Codec::kOpus, Freq(2), 0);
  room.Add(Codec::kPcma, Freq(3), 0);
  room.Run(100);
  EXPECT_GT(ToneMagnitude(TailSpectrum(room.member(0)), Freq(1)), 300.0);
  EXPECT_LT(ToneMagnitude(TailSpectrum(room.member(0)), Freq(0)), 25.0);
  EXPECT_GT(ToneMagnitude(TailSpectrum(room.member(1)), Freq(0)), 300.0);
  EXPECT_LT(ToneMagnitude(TailSpectrum(room.member(1)), Freq(1)), 25.0);
  for (size_t p : {size_t{2}, size_t{3}}) {
    const auto mag = TailSpectrum(room.member(p));
    EXPECT_GT(ToneMagnitude(mag, Freq(0)), 300.0);
    EXPECT_GT(ToneMagnitude(mag, Freq(1)), 300.0);
  }
}

TEST(MixerTest, MutedParticipantsAreNeverMixedButStillHear) {
  SimulatedRoom room({.max_participants = 8});
  room.Add(Codec::kOpus, Freq(0), 8000);
  room.Add(Codec::kOpus, Freq(1), 8000);
  room.Add(Codec::kOpus, Freq(2), 0);
  ASSERT_TRUE(room.mixer().SetMuted(room.member(1).id, true).ok());
  room.Run(100);
  EXPECT_FALSE(room.mixer().IsSpeaker(room.member(1).id));
  const auto heard_by_2 = TailSpectrum(room.member(2));
  EXPECT_GT(ToneMagnitude(heard_by_2, Freq(0)), 300.0);
  EXPECT_LT(ToneMagnitude(heard_by_2, Freq(1)), 25.0);
  EXPECT_GT(ToneMagnitude(TailSpectrum(room.member(1)), Freq(0)), 300.0);
  // Unmuted, it is mixed again.
  ASSERT_TRUE(room.mixer().SetMuted(room.member(1).id, false).ok());
  room.Run(60);
  EXPECT_GT(ToneMagnitude(TailSpectrum(room.member(2), 14), Freq(1)), 300.0);
}

TEST(MixerTest, ParticipantsOnHoldHearTheWaitingSoundAndAreMixedWithNobody) {
  SimulatedRoom room({.max_participants = 8});
  room.Add(Codec::kOpus, Freq(0), 8000);  // on hold, talking
  room.Add(Codec::kOpus, Freq(1), 8000);
  room.Add(Codec::kPcmu, Freq(2), 0);     // on hold, silent, a phone
  room.Add(Codec::kOpus, Freq(3), 0);
  ASSERT_TRUE(room.mixer().SetOnHold(room.member(0).id, true).ok());
  ASSERT_TRUE(room.mixer().SetOnHold(room.member(2).id, true).ok());
  room.Run(200);
  for (size_t p : {size_t{0}, size_t{2}}) {
    const auto mag = TailSpectrum(room.member(p), 16);
    EXPECT_LT(ToneMagnitude(mag, Freq(1)), 25.0) << p;  // hears nobody
    EXPECT_GT(ToneMagnitude(mag, 659.25), 20.0) << p;  // the chime
  }
  const auto heard_by_3 = TailSpectrum(room.member(3));
  EXPECT_LT(ToneMagnitude(heard_by_3, Freq(0)), 25.0);  // nobody hears it
  EXPECT_GT(ToneMagnitude(heard_by_3, Freq(1)), 300.0);
  // Taken off hold, it joins the conversation.
  ASSERT_TRUE(room.mixer().SetOnHold(room.member(0).id, false).ok());
  room.Run(60);
  EXPECT_GT(ToneMagnitude(TailSpectrum(room.member(3), 14), Freq(0)), 300.0);
  EXPECT_GT(ToneMagnitude(TailSpectrum(room.member(0), 14), Freq(1)), 300.0);
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

TEST(MixerTest, MovingBetweenListenerAndSpeakerHasNoGapOrClick) {
  SimulatedRoom room({.max_participants = 4});
  room.Add(Codec::kOpus, 400, 8000);  // A talks throughout
  room.Add(Codec::kOpus, 2500, 0);    // L listens, talks, listens again
  room.Add(Codec::kOpus, 700, 0);
  room.Run(100);
  room.member(1).sine = std::make_unique<testing::Sine>(2500, 8000);
  room.Run(100);
  EXPECT_TRUE(room.mixer().IsSpeaker(room.member(1).id));
  room.member(1).sine = std::make_unique<testing::Sine>(2500, 0);
  room.Run(100);
  EXPECT_FALSE(room.mixer().IsSpeaker(room.member(1).id));
  const auto& l = room.member(1);
  // L hears A's 400 Hz tone all along: as a listener (shared stream), as a
  // speaker (its own mix-minus encoder) and back. The steepest step of a
  // 400 Hz tone at 8000 is about 420; a click or gap would show as a much
  // larger step or a quiet frame.
  const int steady = MaxStep(l, 50, 100);
  EXPECT_LT(MaxStep(l, 100, 300), steady * 3 / 2 + 50);
  for (size_t f = 50; f < 300; ++f) {
    EXPECT_NEAR(l.frame_levels[f], l.frame_levels[60], 2) << "frame " << f;
  }
  EXPECT_LT(ToneMagnitude(TailSpectrum(l, 15), 2500), 25.0);
}

TEST(MixerTest, ControlErrorsAreStatuses) {
  auto mixer = Mixer::Create({.max_participants = 2});
  ASSERT_TRUE(mixer.ok());
  EXPECT_TRUE((*mixer)->AddParticipant(Codec::kOpus).ok());
  EXPECT_TRUE((*mixer)->AddParticipant(Codec::kPcma).ok());
  EXPECT_EQ((*mixer)->AddParticipant(Codec::kOpus).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ((*mixer)->SetMuted(7, true).code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE((*mixer)->RemoveParticipant(0).ok());
  EXPECT_EQ((*mixer)->RemoveParticipant(0).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Mixer::Create({.max_participants = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*mixer)->SetReceiverLoss(1, 101).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*mixer)->SetReceiverLoss(1, -1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*mixer)->SetReceiverLoss(0, 5).code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE((*mixer)->SetReceiverLoss(1, 5).ok());
  EXPECT_EQ(Mixer::Create({.opus_fec_min_loss_percent = 101}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MixerTest, ReportedLossTurnsFecOnAndOffWithoutBreakingTheMix) {
  SimulatedRoom room({.max_participants = 8});
  for (int i = 0; i < 6; ++i) {
    room.Add(Codec::kOpus, Freq(static_cast<size_t>(i)), i < 3 ? 9000.0 - 1000.0 * i : 0.0);
  }
  room.Run(60);
  // Receivers start reporting loss (FEC on for the streams they hear), then
  // some stop (off again for those), while the room keeps talking.
  for (size_t p = 0; p < room.size(); ++p) {
    ASSERT_TRUE(room.mixer().SetReceiverLoss(room.member(p).id, 8).ok());
  }
  room.Run(60);
  for (size_t p = 0; p < room.size(); p += 2) {
    ASSERT_TRUE(room.mixer().SetReceiverLoss(room.member(p).id, 0).ok());
  }
  room.Run(60);
  ExpectHearsSpeakersButNotSelf(room, {0, 1, 2});
  for (size_t p = 0; p < room.size(); ++p) {
    EXPECT_EQ(room.member(p).seq_gaps, 0) << "participant " << p;
    EXPECT_EQ(room.member(p).frame_levels.size(), 180u) << "participant " << p;
  }
}

}  // namespace
}  // namespace konfero::audio
