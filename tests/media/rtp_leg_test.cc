// Tests of media/rtp_leg.h without sockets: an RtpLeg sending through a
// fake DatagramSender, reporting to a recording LegObserver, on a
// ManualMonotonicClock: its state (kConnecting until the first valid RTP
// packet, kFailed on BYE or timeout, kClosed on Close), the counters it
// publishes, and digits queued one after the other.
#include "media/rtp_leg.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "dtmf/telephone_event.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "media/fake_sender.h"
#include "konfero/clock.h"
#include "konfero/net/ip_endpoint.h"
#include "rtp/rtcp_packet.h"
#include "rtp/rtp_packet.h"
#include "transport/udp_port.h"

namespace konfero::media {
namespace {

using ::konfero::media::testing::FakeSender;
using ::konfero::media::testing::IsRtcp;

using ::testing::ElementsAre;

constexpr ParticipantId kPhone{42};
constexpr RoomId kRoom{3};
constexpr uint32_t kRemoteSsrc = 0xC0FFEE;
constexpr uint32_t kLocalSsrc = 0x11223344;
constexpr uint8_t kEventPt = 101;

net::IpEndpoint RemoteRtp() { return *net::IpEndpoint::Parse("192.0.2.20", 40000); }
net::IpEndpoint RemoteRtcp() { return *net::IpEndpoint::Parse("192.0.2.20", 40001); }

class RecordingObserver final : public LegObserver {
 public:
  struct State {
    PeerState state;
    std::string reason;
  };
  void OnAudioPacket(MediaLeg& leg, const audio::InputPacket& packet) override {
    EXPECT_EQ(leg.participant(), kPhone);
    audio.push_back(packet);
  }
  void OnStateChanged(MediaLeg&, PeerState state, std::string_view reason) override {
    states.push_back({state, std::string(reason)});
  }
  void OnReceiverLoss(MediaLeg&, int loss_percent) override { losses.push_back(loss_percent); }
  void OnDigit(MediaLeg&, char digit) override { digits.push_back(digit); }

  std::vector<audio::InputPacket> audio;
  std::vector<State> states;
  std::vector<int> losses;
  std::string digits;
};

std::vector<uint8_t> Rtp(uint8_t pt, uint16_t seq, uint32_t ts, const std::vector<uint8_t>& payload,
                         uint32_t ssrc = kRemoteSsrc) {
  std::vector<uint8_t> buffer(rtp::kRtpFixedHeaderSize + payload.size());
  rtp::RtpPacketWriter w(
      buffer, {.payload_type = pt, .sequence_number = seq, .timestamp = ts, .ssrc = ssrc});
  EXPECT_TRUE(w.SetPayload(payload));
  buffer.resize(w.size());
  return buffer;
}

audio::EncodedFrame PcmuFrame(uint16_t sequence) {
  audio::EncodedFrame f;
  f.codec = audio::Codec::kPcmu;
  f.sequence = sequence;
  f.timestamp = sequence * 160u;
  f.size = 160;
  f.payload.fill(0x55);
  return f;
}

class RtpLegTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RtpLegSetup setup;
    setup.participant = kPhone;
    setup.room = kRoom;
    setup.params.codec = audio::Codec::kPcmu;
    setup.params.payload_type = 0;
    setup.params.telephone_event_pt = kEventPt;
    setup.params.remote_rtp = RemoteRtp();
    setup.params.remote_rtcp = RemoteRtcp();
    setup.params.local_ssrc = kLocalSsrc;
    setup.sockets = nullptr;
    absl::StatusOr<std::unique_ptr<RtpLeg>> leg =
        RtpLeg::Create(std::move(setup), counters_, observer_, clock_, /*io=*/nullptr, &sender_);
    ASSERT_TRUE(leg.ok()) << leg.status();
    leg_ = *std::move(leg);
  }

  void Receive(const std::vector<uint8_t>& datagram,
               plain_rtp::Socket socket = plain_rtp::Socket::kRtp) {
    leg_->HandleDatagram(socket, datagram,
                         socket == plain_rtp::Socket::kRtp ? RemoteRtp() : RemoteRtcp());
  }

  std::vector<rtp::RtpPacketView> RtpSent() const {
    std::vector<rtp::RtpPacketView> out;
    for (const FakeSender::Datagram& d : sender_.sent) {
      if (IsRtcp(d.bytes)) continue;
      if (auto p = rtp::RtpPacketView::Parse(d.bytes)) out.push_back(*p);
    }
    return out;
  }

  ManualMonotonicClock clock_;
  FakeSender sender_;
  RecordingObserver observer_;
  std::shared_ptr<LegCounters> counters_ = std::make_shared<LegCounters>(LegKind::kPlainRtp);
  std::unique_ptr<RtpLeg> leg_;
};

TEST_F(RtpLegTest, IsAPlainRtpLegOfItsCodec) {
  EXPECT_EQ(leg_->kind(), LegKind::kPlainRtp);
  EXPECT_EQ(leg_->participant(), kPhone);
  EXPECT_EQ(leg_->room(), kRoom);
  EXPECT_EQ(leg_->codec(), audio::Codec::kPcmu);
  EXPECT_EQ(&leg_->counters(), counters_.get());
  EXPECT_EQ(leg_->video(), nullptr);
}

TEST_F(RtpLegTest, ConnectingUntilTheFirstValidRtpPacketThenConnectedOnce) {
  EXPECT_EQ(counters_->state.load(), PeerState::kConnecting);
  // A payload type that was not negotiated is no sign of life.
  Receive(Rtp(8, 1, 160, std::vector<uint8_t>(160, 0xD5)));
  EXPECT_EQ(counters_->state.load(), PeerState::kConnecting);
  EXPECT_TRUE(observer_.states.empty());
  EXPECT_EQ(counters_->invalid_packets_in.load(), 1u);
  EXPECT_TRUE(observer_.audio.empty());

  Receive(Rtp(0, 2, 320, std::vector<uint8_t>(160, 0x7F)));
  EXPECT_EQ(counters_->state.load(), PeerState::kConnected);
  ASSERT_EQ(observer_.states.size(), 1u);
  EXPECT_EQ(observer_.states[0].state, PeerState::kConnected);
  ASSERT_EQ(observer_.audio.size(), 1u);
  EXPECT_EQ(observer_.audio[0].size, 160);
  EXPECT_EQ(observer_.audio[0].payload[0], 0x7F);

  Receive(Rtp(0, 3, 480, std::vector<uint8_t>(160, 0x7F)));
  EXPECT_EQ(observer_.states.size(), 1u);
  EXPECT_EQ(observer_.audio.size(), 2u);
}

TEST_F(RtpLegTest, PublishesItsCounters) {
  for (uint16_t i = 0; i < 3; ++i) {
    Receive(Rtp(0, static_cast<uint16_t>(10 + i), 160u * i, std::vector<uint8_t>(160, 0xFF)));
  }
  EXPECT_EQ(counters_->rtp_packets_in.load(), 3u);
  EXPECT_EQ(counters_->bytes_in.load(), 3u * (12 + 160));

  leg_->SendAudio(PcmuFrame(1), clock_.NowMicros());
  leg_->SendAudio(PcmuFrame(2), clock_.NowMicros());
  ASSERT_EQ(RtpSent().size(), 2u);
  EXPECT_EQ(RtpSent()[0].ssrc(), kLocalSsrc);
  EXPECT_EQ(RtpSent()[0].payload_type(), 0);
  // Latched: the first valid packet's source.
  EXPECT_EQ(sender_.sent[0].to, RemoteRtp());
  // Sending publishes at the next timer or datagram.
  leg_->OnTimer(clock_.NowMicros());
  EXPECT_EQ(counters_->rtp_packets_out.load(), 2u);
  EXPECT_EQ(counters_->bytes_out.load(), 2u * (12 + 160));

  rtp::ReceiverReport rr;
  rr.sender_ssrc = kRemoteSsrc;
  Receive(rtp::SerializeRtcp(std::vector<rtp::RtcpPacket>{rr}), plain_rtp::Socket::kRtcp);
  EXPECT_EQ(counters_->rtcp_packets_in.load(), 1u);

  // An RTCP report goes out within RFC 3550's interval.
  for (int i = 0; i < 100 && counters_->rtcp_packets_out.load() == 0; ++i) {
    clock_.Advance(absl::Milliseconds(100));
    leg_->OnTimer(clock_.NowMicros());
  }
  EXPECT_GE(counters_->rtcp_packets_out.load(), 1u);
  bool rtcp_to_rtcp_port = false;
  for (const auto& d : sender_.sent) rtcp_to_rtcp_port |= IsRtcp(d.bytes) && d.to == RemoteRtcp();
  EXPECT_TRUE(rtcp_to_rtcp_port);
}

TEST_F(RtpLegTest, SendDigitsQueuesDigitsOneAfterTheOther) {
  leg_->SendDigits("19");
  leg_->SendDigits("#");
  // Every 20 ms the mixer's frame and the timers, for 2 s.
  for (uint16_t i = 0; i < 100; ++i) {
    leg_->SendAudio(PcmuFrame(i), clock_.NowMicros());
    clock_.Advance(absl::Milliseconds(20));
    leg_->OnTimer(clock_.NowMicros());
  }
  // The events in the order they went out, each once per run of packets.
  std::vector<char> order;
  std::vector<uint32_t> starts;
  int ends_of_current = 0;
  for (const rtp::RtpPacketView& p : RtpSent()) {
    if (p.payload_type() != kEventPt) continue;
    std::optional<dtmf::TelephoneEvent> e = dtmf::ParseTelephoneEvent(p.payload());
    ASSERT_TRUE(e.has_value());
    const char digit = *dtmf::EventToDigit(e->event);
    if (order.empty() || order.back() != digit || p.timestamp() != starts.back()) {
      // A new digit starts only after the previous one's end packets.
      if (!order.empty()) {
        EXPECT_GE(ends_of_current, 1)
            << "digit " << digit << " started before the end of " << order.back();
      }
      EXPECT_TRUE(p.marker()) << digit;
      order.push_back(digit);
      starts.push_back(p.timestamp());
      ends_of_current = 0;
    }
    if (e->end) ++ends_of_current;
  }
  EXPECT_THAT(order, ElementsAre('1', '9', '#'));
  ASSERT_EQ(starts.size(), 3u);
  EXPECT_LT(starts[0], starts[1]);
  EXPECT_LT(starts[1], starts[2]);
  // The digits replaced some audio packets, not all: audio went on after.
  EXPECT_EQ(RtpSent().back().payload_type(), 0);
}

TEST_F(RtpLegTest, CloseSendsByeAndTheLegThenDoesNothing) {
  Receive(Rtp(0, 1, 160, std::vector<uint8_t>(160, 0xFF)));
  const size_t before = sender_.sent.size();
  leg_->Close();
  EXPECT_EQ(counters_->state.load(), PeerState::kClosed);
  ASSERT_GT(sender_.sent.size(), before);
  std::optional<rtp::RtcpCompound> rtcp = rtp::ParseRtcp(sender_.sent.back().bytes);
  ASSERT_TRUE(rtcp.has_value());
  bool bye = false;
  for (const rtp::RtcpPacket& p : rtcp->packets) {
    if (const auto* b = std::get_if<rtp::Bye>(&p)) bye = bye || b->ssrcs == std::vector{kLocalSsrc};
  }
  EXPECT_TRUE(bye);
  // Closing is the control plane's decision: not reported back as a state.
  ASSERT_EQ(observer_.states.size(), 1u);
  EXPECT_EQ(observer_.states[0].state, PeerState::kConnected);

  const size_t sent = sender_.sent.size();
  Receive(Rtp(0, 2, 320, std::vector<uint8_t>(160, 0xFF)));
  leg_->SendAudio(PcmuFrame(5), clock_.NowMicros());
  clock_.Advance(absl::Seconds(60));
  leg_->OnTimer(clock_.NowMicros());
  EXPECT_EQ(sender_.sent.size(), sent);
  EXPECT_EQ(observer_.audio.size(), 1u);
  EXPECT_EQ(counters_->rtp_packets_in.load(), 1u);
  EXPECT_EQ(counters_->state.load(), PeerState::kClosed);
  leg_->Close();  // twice is harmless
}

TEST_F(RtpLegTest, ByeFromThePhoneFailsTheLeg) {
  Receive(Rtp(0, 1, 160, std::vector<uint8_t>(160, 0xFF)));
  rtp::Bye bye;
  bye.ssrcs = {kRemoteSsrc};
  Receive(
      rtp::SerializeRtcp(std::vector<rtp::RtcpPacket>{rtp::ReceiverReport{kRemoteSsrc, {}}, bye}),
      plain_rtp::Socket::kRtcp);
  ASSERT_EQ(observer_.states.size(), 2u);
  EXPECT_EQ(observer_.states[1].state, PeerState::kFailed);
  EXPECT_FALSE(observer_.states[1].reason.empty());
  EXPECT_EQ(counters_->state.load(), PeerState::kFailed);
  // Closing a failed leg keeps it failed.
  leg_->Close();
  EXPECT_EQ(counters_->state.load(), PeerState::kFailed);
}

TEST_F(RtpLegTest, RtpTimeoutOnTheMonotonicClockFailsTheLeg) {
  Receive(Rtp(0, 1, 160, std::vector<uint8_t>(160, 0xFF)));
  clock_.Advance(absl::Seconds(29));
  leg_->OnTimer(clock_.NowMicros());
  EXPECT_EQ(counters_->state.load(), PeerState::kConnected);
  clock_.Advance(absl::Seconds(2));
  leg_->OnTimer(clock_.NowMicros());
  EXPECT_EQ(counters_->state.load(), PeerState::kFailed);
  ASSERT_EQ(observer_.states.size(), 2u);
  EXPECT_EQ(observer_.states[1].state, PeerState::kFailed);
}

TEST_F(RtpLegTest, DigitsFromThePhoneReachTheObserver) {
  uint16_t seq = 1;
  for (uint16_t duration : {160, 320, 640}) {
    std::vector<uint8_t> payload(dtmf::kTelephoneEventSize);
    dtmf::WriteTelephoneEvent({.event = 11, .end = duration == 640, .duration = duration},
                              absl::MakeSpan(payload));
    Receive(Rtp(kEventPt, seq++, 8000, payload));
  }
  EXPECT_EQ(observer_.digits, "#");
}

}  // namespace
}  // namespace konfero::media
