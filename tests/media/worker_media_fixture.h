// worker_media_fixture.h: the WorkerMedia test fixture (no sockets, no
// timers): a fake DatagramSender, a ManualMonotonicClock, a recording
// ReportSink, PCMU phones that talk tones, and Goertzel checks of what
// they hear. Shared by worker_media_test.cc and worker_media_calls_test.cc.
#ifndef KONFERO_TESTS_MEDIA_WORKER_MEDIA_FIXTURE_H_
#define KONFERO_TESTS_MEDIA_WORKER_MEDIA_FIXTURE_H_

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

namespace konfero::media::testing {

constexpr RoomId kRoom{1};
constexpr RoomId kOtherRoom{2};
constexpr int kPhoneRate = 8000;
constexpr int kSamplesPerFrame = 160;  // 20 ms of PCMU

inline net::IpEndpoint PhoneAddress(int n) {
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
inline double ToneAmplitude(const std::vector<int16_t>& pcm, double freq, int rate = kPhoneRate) {
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
inline double MaxBlockAmplitude(const std::vector<int16_t>& pcm, double freq) {
  constexpr size_t kBlock = kPhoneRate / 10;
  double best = 0;
  for (size_t at = 0; at + kBlock <= pcm.size(); at += kBlock) {
    best = std::max(best, ToneAmplitude({pcm.begin() + static_cast<ptrdiff_t>(at),
                                         pcm.begin() + static_cast<ptrdiff_t>(at + kBlock)},
                                        freq));
  }
  return best;
}

inline double Rms(const std::vector<int16_t>& pcm) {
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


}  // namespace konfero::media::testing

#endif  // KONFERO_TESTS_MEDIA_WORKER_MEDIA_FIXTURE_H_
