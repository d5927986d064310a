// Tests of media/worker_media.h without sockets or timers: a WorkerMedia
// with a fake DatagramSender, a ManualMonotonicClock and a recording
// ReportSink, driven by typed commands, by PCMU RTP fed to its plain-RTP
// legs, and by Tick()/Housekeeping() called by hand. What the legs hear is
// decoded and searched for tones (Goertzel).
#include "media/worker_media.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <numbers>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "audio/g711.h"
#include "dtmf/telephone_event.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "media/fake_sender.h"
#include "konfero/clock.h"
#include "konfero/net/ip_endpoint.h"
#include "media/media_commands.h"
#include "media/rtp_leg.h"
#include "rtp/rtp_packet.h"
#include "transport/udp_port.h"

namespace konfero::media {
namespace {

using ::konfero::media::testing::FakeSender;
using ::konfero::media::testing::IsRtcp;

constexpr RoomId kRoom{1};
constexpr RoomId kOtherRoom{2};
constexpr int kPhoneRate = 8000;
constexpr int kSamplesPerFrame = 160;  // 20 ms of PCMU

net::IpEndpoint PhoneAddress(int n) {
  return *net::IpEndpoint::Parse("192.0.2.20", static_cast<uint16_t>(40000 + 2 * n));
}

class RecordingReports final : public ReportSink {
 public:
  void Deliver(MediaReport report) override { reports.push_back(std::move(report)); }

  std::vector<LegStateChanged> StateChanges(ParticipantId p) const {
    std::vector<LegStateChanged> out;
    for (const MediaReport& r : reports) {
      if (const auto* s = std::get_if<LegStateChanged>(&r); s && s->participant == p) {
        out.push_back(*s);
      }
    }
    return out;
  }
  bool Failed(ParticipantId p) const {
    for (const LegStateChanged& s : StateChanges(p)) {
      if (s.state == PeerState::kFailed) return true;
    }
    return false;
  }

  std::vector<MediaReport> reports;
};

// The amplitude of the `freq` component of `pcm` (Goertzel), in sample units.
double ToneAmplitude(const std::vector<int16_t>& pcm, double freq, int rate = kPhoneRate) {
  if (pcm.empty()) return 0;
  const double w = 2 * std::numbers::pi * freq / rate;
  const double coeff = 2 * std::cos(w);
  double s1 = 0, s2 = 0;
  for (int16_t x : pcm) {
    const double s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return 2 * std::sqrt(std::max(0.0, power)) / static_cast<double>(pcm.size());
}

// The largest ToneAmplitude of `freq` over 100 ms blocks of `pcm`: for a
// sound that comes and goes (the waiting chime).
double MaxBlockAmplitude(const std::vector<int16_t>& pcm, double freq) {
  constexpr size_t kBlock = kPhoneRate / 10;
  double best = 0;
  for (size_t at = 0; at + kBlock <= pcm.size(); at += kBlock) {
    best = std::max(best, ToneAmplitude({pcm.begin() + static_cast<ptrdiff_t>(at),
                                         pcm.begin() + static_cast<ptrdiff_t>(at + kBlock)},
                                        freq));
  }
  return best;
}

double Rms(const std::vector<int16_t>& pcm) {
  double sum = 0;
  for (int16_t x : pcm) sum += static_cast<double>(x) * x;
  return pcm.empty() ? 0 : std::sqrt(sum / static_cast<double>(pcm.size()));
}

// A phone: its leg's participant id, its address, and the PCMU it talks.
struct Phone {
  ParticipantId id{};
  net::IpEndpoint address;
  uint32_t ssrc = 0;
  double freq = 0;  // 0: silent (sends no RTP)
  uint16_t sequence = 0;
  uint32_t timestamp = 0;
  double phase = 0;
};

class WorkerMediaTest : public ::testing::Test {
 protected:
  WorkerMediaTest() : worker_({.max_participants = 16}, /*certificate=*/nullptr, reports_, clock_) {
    worker_.AttachSender(sender_);
  }

  // Adds a PCMU phone leg (no sockets: it sends through the fake sender).
  Phone& AddPhone(double freq, RoomId room = kRoom, bool on_hold = false, bool muted = false) {
    const int n = static_cast<int>(phones_.size());
    auto phone = std::make_unique<Phone>();
    phone->id = ParticipantId{static_cast<uint64_t>(100 + n)};
    phone->address = PhoneAddress(n);
    phone->ssrc = 0x5000 + static_cast<uint32_t>(n);
    phone->freq = freq;
    AddRtpLeg add;
    add.setup.participant = phone->id;
    add.setup.room = room;
    add.setup.params.codec = audio::Codec::kPcmu;
    add.setup.params.payload_type = 0;
    add.setup.params.telephone_event_pt = 101;
    add.setup.params.remote_rtp = phone->address;
    add.setup.params.remote_rtcp =
        *net::IpEndpoint::Parse("192.0.2.20", static_cast<uint16_t>(phone->address.port() + 1));
    add.setup.params.local_ssrc = 0xAA000000u + static_cast<uint32_t>(n);
    add.setup.sockets = nullptr;
    add.counters = std::make_shared<LegCounters>(LegKind::kPlainRtp);
    add.on_hold = on_hold;
    add.muted = muted;
    counters_[phone->id] = add.counters;
    worker_.Apply(std::move(add));
    phones_.push_back(std::move(phone));
    return *phones_.back();
  }

  RtpLeg* Leg(const Phone& phone) {
    // The worker owns its legs; a test reaches one to feed it datagrams.
    return static_cast<RtpLeg*>(const_cast<MediaLeg*>(worker_.FindLeg(phone.id)));
  }

  // One 20 ms PCMU packet of the phone's tone, as it would arrive.
  void Talk(Phone& phone) {
    std::array<int16_t, kSamplesPerFrame> pcm{};
    for (int16_t& s : pcm) {
      s = static_cast<int16_t>(std::lround(8000 * std::sin(phone.phase)));
      phone.phase += 2 * std::numbers::pi * phone.freq / kPhoneRate;
    }
    std::vector<uint8_t> payload(kSamplesPerFrame);
    audio::g711::EncodeMuLaw(pcm.data(), payload.data(), pcm.size());
    Deliver(phone, RtpPacket(0, phone.sequence++, phone.timestamp, phone.ssrc, payload));
    phone.timestamp += kSamplesPerFrame;
  }

  static std::vector<uint8_t> RtpPacket(uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
                                        const std::vector<uint8_t>& payload, bool marker = false) {
    std::vector<uint8_t> buffer(rtp::kRtpFixedHeaderSize + payload.size());
    rtp::RtpPacketWriter w(buffer, {.marker = marker,
                                    .payload_type = pt,
                                    .sequence_number = seq,
                                    .timestamp = ts,
                                    .ssrc = ssrc});
    EXPECT_TRUE(w.SetPayload(payload));
    buffer.resize(w.size());
    return buffer;
  }

  void Deliver(const Phone& phone, const std::vector<uint8_t>& datagram) {
    RtpLeg* leg = Leg(phone);
    ASSERT_NE(leg, nullptr);
    leg->HandleDatagram(plain_rtp::Socket::kRtp, datagram, phone.address);
  }

  // `ticks` rounds of 20 ms: every talking phone sends a packet, the clock
  // moves, the worker ticks and runs its timers.
  void Run(int ticks) {
    for (int i = 0; i < ticks; ++i) {
      for (auto& phone : phones_) {
        if (phone->freq > 0 && worker_.FindLeg(phone->id) != nullptr) Talk(*phone);
      }
      clock_.Advance(absl::Milliseconds(20));
      worker_.Tick();
      worker_.Housekeeping();
    }
  }

  // The PCMU the worker sent to `phone` so far, decoded; the last
  // `last_frames` frames of it (0: all).
  std::vector<int16_t> Heard(const Phone& phone, int last_frames = 0) const {
    std::vector<int16_t> pcm;
    for (const FakeSender::Datagram& d : sender_.sent) {
      if (d.to != phone.address || IsRtcp(d.bytes)) continue;
      std::optional<rtp::RtpPacketView> p = rtp::RtpPacketView::Parse(d.bytes);
      if (!p || p->payload_type() != 0) continue;
      const size_t at = pcm.size();
      pcm.resize(at + p->payload().size());
      audio::g711::DecodeMuLaw(p->payload().data(), pcm.data() + at, p->payload().size());
    }
    if (last_frames > 0) {
      const size_t keep = static_cast<size_t>(last_frames) * kSamplesPerFrame;
      if (pcm.size() > keep) pcm.erase(pcm.begin(), pcm.end() - static_cast<ptrdiff_t>(keep));
    }
    return pcm;
  }

  int RtpPacketsTo(const Phone& phone) const {
    int n = 0;
    for (const FakeSender::Datagram& d : sender_.sent)
      n += d.to == phone.address && !IsRtcp(d.bytes);
    return n;
  }

  ManualMonotonicClock clock_;
  FakeSender sender_;
  RecordingReports reports_;
  WorkerMedia worker_;
  std::vector<std::unique_ptr<Phone>> phones_;
  std::map<ParticipantId, std::shared_ptr<LegCounters>> counters_;
};

// The tones, away from the waiting sound's partials (659, 988, 1318, 1976 Hz).
constexpr double kToneA = 400;
constexpr double kToneB = 2600;
// Talkers send at amplitude 8000; a heard tone keeps most of it, an absent
// one is below the noise of G.711 and the mix.
constexpr double kHeard = 2000;
constexpr double kNotHeard = 150;

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
}  // namespace konfero::media
