// Tests of media/worker_media.h without sockets or timers: a WorkerMedia
// with a fake DatagramSender, a ManualMonotonicClock and a recording
// ReportSink, driven by typed commands, by PCMU RTP fed to its plain-RTP
// legs, and by Tick()/Housekeeping() called by hand. What the legs hear is
// decoded and searched for tones (Goertzel).
#include "media/worker_media.h"

#include "media/worker_media_fixture.h"

namespace konfero::media::testing {
namespace {

TEST_F(WorkerMediaTest, AddRtpLegAddsALegThatSendsThroughTheAttachedSender) {
  Phone& a = AddPhone(kToneA);
  EXPECT_EQ(worker_.leg_count(), 1);
  const MediaLeg* leg = worker_.FindLeg(a.id);
  ASSERT_NE(leg, nullptr);
  EXPECT_EQ(leg->kind(), LegKind::kPlainRtp);
  EXPECT_EQ(leg->room(), kRoom);
  EXPECT_EQ(leg->codec(), audio::Codec::kPcmu);
  Run(10);
  EXPECT_GT(RtpPacketsTo(a), 0);
  EXPECT_GT(sender_.flushes, 0);
}

TEST_F(WorkerMediaTest, RtpLegsInARoomHearEachOtherButNeverThemselves) {
  Phone& a = AddPhone(kToneA);
  Phone& b = AddPhone(kToneB);
  Phone& c = AddPhone(0);  // listens
  Run(100);
  const std::vector<int16_t> heard_a = Heard(a, 50);
  const std::vector<int16_t> heard_b = Heard(b, 50);
  const std::vector<int16_t> heard_c = Heard(c, 50);
  ASSERT_EQ(heard_a.size(), 50u * kSamplesPerFrame);
  ASSERT_EQ(heard_c.size(), 50u * kSamplesPerFrame);
  EXPECT_GT(ToneAmplitude(heard_a, kToneB), kHeard);
  EXPECT_LT(ToneAmplitude(heard_a, kToneA), kNotHeard);  // not itself
  EXPECT_GT(ToneAmplitude(heard_b, kToneA), kHeard);
  EXPECT_LT(ToneAmplitude(heard_b, kToneB), kNotHeard);
  EXPECT_GT(ToneAmplitude(heard_c, kToneA), kHeard);
  EXPECT_GT(ToneAmplitude(heard_c, kToneB), kHeard);
}

TEST_F(WorkerMediaTest, ALegInAnotherRoomHearsNothingOfThisOne) {
  AddPhone(kToneA);
  Phone& listener = AddPhone(0);
  Phone& elsewhere = AddPhone(0, kOtherRoom);
  Run(60);
  EXPECT_GT(ToneAmplitude(Heard(listener, 30), kToneA), kHeard);
  const std::vector<int16_t> other = Heard(elsewhere, 30);
  ASSERT_FALSE(other.empty());
  EXPECT_LT(ToneAmplitude(other, kToneA), kNotHeard);
}

TEST_F(WorkerMediaTest, ALegOnHoldHearsTheWaitingSoundAndNotTheRoom) {
  AddPhone(kToneA);
  Phone& listener = AddPhone(0);
  Phone& held = AddPhone(0);
  worker_.Apply(SetHold{held.id, true});
  Run(200);
  EXPECT_GT(ToneAmplitude(Heard(listener, 150), kToneA), kHeard);
  // 150 frames: one 3 s loop of the chime (659.25 Hz, then 987.77 Hz).
  const std::vector<int16_t> waiting = Heard(held, 150);
  ASSERT_EQ(waiting.size(), 150u * kSamplesPerFrame);
  EXPECT_LT(ToneAmplitude(waiting, kToneA), kNotHeard);
  EXPECT_GT(Rms(waiting), 100.0);
  EXPECT_GT(MaxBlockAmplitude(waiting, 659.25), 1000.0);  // the first note, struck
  EXPECT_LT(MaxBlockAmplitude(waiting, kToneA), kNotHeard);

  // Off hold, it hears the room.
  worker_.Apply(SetHold{held.id, false});
  Run(50);
  EXPECT_GT(ToneAmplitude(Heard(held, 25), kToneA), kHeard);
}

TEST_F(WorkerMediaTest, ALegAddedOnHoldIsMixedWithNobody) {
  Phone& held = AddPhone(kToneA, kRoom, /*on_hold=*/true);
  Phone& listener = AddPhone(0);
  Run(100);
  EXPECT_LT(ToneAmplitude(Heard(listener, 50), kToneA), kNotHeard);
  EXPECT_GT(Rms(Heard(held, 100)), 100.0);  // the waiting sound
}

TEST_F(WorkerMediaTest, AMutedLegIsNotHeardUntilUnmuted) {
  Phone& a = AddPhone(kToneA);
  Phone& listener = AddPhone(0);
  worker_.Apply(SetMuted{a.id, true});
  Run(60);
  EXPECT_LT(ToneAmplitude(Heard(listener, 30), kToneA), kNotHeard);
  worker_.Apply(SetMuted{a.id, false});
  Run(60);
  EXPECT_GT(ToneAmplitude(Heard(listener, 30), kToneA), kHeard);
}

TEST_F(WorkerMediaTest, RemoveLegClosesItAndTheOthersStopHearingIt) {
  Phone& a = AddPhone(kToneA);
  Phone& listener = AddPhone(0);
  Run(60);
  EXPECT_GT(ToneAmplitude(Heard(listener, 30), kToneA), kHeard);
  const size_t before = sender_.sent.size();
  worker_.Apply(RemoveLeg{a.id});
  EXPECT_EQ(worker_.leg_count(), 1);
  EXPECT_EQ(worker_.FindLeg(a.id), nullptr);
  EXPECT_EQ(counters_[a.id]->state.load(), PeerState::kClosed);
  // Closing sent an RTCP BYE to the phone's RTCP port.
  bool bye = false;
  for (size_t i = before; i < sender_.sent.size(); ++i) {
    const auto& d = sender_.sent[i];
    bye = bye || (IsRtcp(d.bytes) && d.to.port() == a.address.port() + 1);
  }
  EXPECT_TRUE(bye);
  Run(60);
  EXPECT_LT(ToneAmplitude(Heard(listener, 30), kToneA), kNotHeard);
  // Removing what is gone, or commands for it, change nothing.
  worker_.Apply(RemoveLeg{a.id});
  worker_.Apply(SetHold{a.id, true});
  worker_.Apply(SetMuted{a.id, true});
  EXPECT_EQ(worker_.leg_count(), 1);
}

TEST_F(WorkerMediaTest, AddingALegAgainReplacesTheOldOne) {
  Phone& a = AddPhone(kToneA);
  Run(5);
  const std::shared_ptr<LegCounters> old_counters = counters_[a.id];
  AddRtpLeg again;
  again.setup.participant = a.id;
  again.setup.room = kRoom;
  again.setup.params.remote_rtp = a.address;
  again.setup.params.local_ssrc = 0xBB000000u;
  again.counters = std::make_shared<LegCounters>(LegKind::kPlainRtp);
  worker_.Apply(std::move(again));
  EXPECT_EQ(worker_.leg_count(), 1);
  EXPECT_EQ(old_counters->state.load(), PeerState::kClosed);
  ASSERT_NE(Leg(a), nullptr);
  EXPECT_EQ(Leg(a)->protocol().params().local_ssrc, 0xBB000000u);
}

TEST_F(WorkerMediaTest, ReportsConnectedOnTheFirstPacketAndTheActiveSpeaker) {
  Phone& a = AddPhone(kToneA);
  AddPhone(0);
  EXPECT_TRUE(reports_.StateChanges(a.id).empty());
  Run(1);
  ASSERT_EQ(reports_.StateChanges(a.id).size(), 1u);
  EXPECT_EQ(reports_.StateChanges(a.id)[0].state, PeerState::kConnected);
  EXPECT_EQ(counters_[a.id]->state.load(), PeerState::kConnected);
  Run(50);
  EXPECT_EQ(reports_.StateChanges(a.id).size(), 1u);  // once
  bool speaker = false;
  for (const MediaReport& r : reports_.reports) {
    if (const auto* s = std::get_if<ActiveSpeakerChanged>(&r)) {
      speaker = speaker || (s->room == kRoom && s->participant == a.id);
    }
  }
  EXPECT_TRUE(speaker);
}

TEST_F(WorkerMediaTest, Rfc4733DigitsAreReportedOnce) {
  Phone& a = AddPhone(0);
  // '5' as a phone sends it: start, updates, then the end packet three times.
  const uint32_t ts = 8000;
  uint16_t seq = 1;
  const auto event = [&](uint16_t duration, bool end, bool marker) {
    std::vector<uint8_t> payload(dtmf::kTelephoneEventSize);
    dtmf::WriteTelephoneEvent({.event = 5, .end = end, .volume = 10, .duration = duration},
                              absl::MakeSpan(payload));
    Deliver(a, RtpPacket(101, seq++, ts, a.ssrc, payload, marker));
  };
  event(160, false, true);
  event(320, false, false);
  event(480, false, false);
  for (int i = 0; i < 3; ++i) event(800, true, false);
  int digits = 0;
  for (const MediaReport& r : reports_.reports) {
    if (const auto* d = std::get_if<DigitReceived>(&r)) {
      EXPECT_EQ(d->participant, a.id);
      EXPECT_EQ(d->digit, '5');
      ++digits;
    }
  }
  EXPECT_EQ(digits, 1);
  EXPECT_EQ(counters_[a.id]->dtmf_digits_in.load(), 1u);
}

TEST_F(WorkerMediaTest, SendDigitsGoesOutAsTelephoneEvents) {
  Phone& a = AddPhone(0);
  worker_.Apply(SendDigits{a.id, "7"});
  Run(20);
  std::vector<uint8_t> events;
  for (const FakeSender::Datagram& d : sender_.sent) {
    if (d.to != a.address || IsRtcp(d.bytes)) continue;
    std::optional<rtp::RtpPacketView> p = rtp::RtpPacketView::Parse(d.bytes);
    if (!p || p->payload_type() != 101) continue;
    std::optional<dtmf::TelephoneEvent> e = dtmf::ParseTelephoneEvent(p->payload());
    ASSERT_TRUE(e.has_value());
    events.push_back(e->event);
  }
  ASSERT_FALSE(events.empty());
  for (uint8_t e : events) EXPECT_EQ(e, 7);
}

TEST_F(WorkerMediaTest, RtpTimeoutOnTheMediaClockReportsFailed) {
  Phone& a = AddPhone(kToneA);
  Phone& b = AddPhone(kToneB);
  Run(10);
  a.freq = 0;  // a's phone goes quiet; b keeps talking
  // 29 s later: not yet.
  for (int i = 0; i < 29 * 50 - 10; ++i) Run(1);
  EXPECT_FALSE(reports_.Failed(a.id));
  Run(2 * 50);
  EXPECT_TRUE(reports_.Failed(a.id));
  EXPECT_EQ(counters_[a.id]->state.load(), PeerState::kFailed);
  const std::vector<LegStateChanged> changes = reports_.StateChanges(a.id);
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.back().state, PeerState::kFailed);
  EXPECT_FALSE(changes.back().reason.empty());
  EXPECT_FALSE(reports_.Failed(b.id));
}

TEST_F(WorkerMediaTest, AWallClockStepOfAnHourExpiresNoLeg) {
  // The room's wall clock: the worker is given none and reads none.
  ManualClock wall;
  Phone& a = AddPhone(kToneA);
  Phone& b = AddPhone(kToneB);
  Run(25);
  const size_t reports_before = reports_.reports.size();
  // NTP steps the system time by an hour while one second of media passes.
  wall.Advance(absl::Hours(1));
  Run(50);
  wall.Advance(-absl::Hours(2));
  Run(50);
  EXPECT_FALSE(reports_.Failed(a.id));
  EXPECT_FALSE(reports_.Failed(b.id));
  for (size_t i = reports_before; i < reports_.reports.size(); ++i) {
    EXPECT_FALSE(std::holds_alternative<LegStateChanged>(reports_.reports[i]));
  }
  EXPECT_EQ(counters_[a.id]->state.load(), PeerState::kConnected);
  EXPECT_EQ(counters_[b.id]->state.load(), PeerState::kConnected);
  EXPECT_GT(ToneAmplitude(Heard(b, 25), kToneA), kHeard);
  EXPECT_EQ(worker_.leg_count(), 2);
}

TEST_F(WorkerMediaTest, ShutdownClosesEveryLegAndIgnoresLaterCommands) {
  Phone& a = AddPhone(kToneA);
  Phone& b = AddPhone(0);
  Run(5);
  worker_.Shutdown();
  EXPECT_EQ(worker_.leg_count(), 0);
  EXPECT_EQ(counters_[a.id]->state.load(), PeerState::kClosed);
  EXPECT_EQ(counters_[b.id]->state.load(), PeerState::kClosed);
  AddRtpLeg late;
  late.setup.participant = ParticipantId{999};
  late.setup.room = kRoom;
  late.setup.params.remote_rtp = PhoneAddress(9);
  late.counters = std::make_shared<LegCounters>(LegKind::kPlainRtp);
  worker_.Apply(std::move(late));
  EXPECT_EQ(worker_.leg_count(), 0);
}

}  // namespace
}  // namespace konfero::media::testing
