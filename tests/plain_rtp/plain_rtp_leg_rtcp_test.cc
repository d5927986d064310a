// Tests of PlainRtpLeg's RTCP: SR/RR cadence and contents, LSR/DLSR, RTCP
// latching and rtcp-mux, BYE in both directions.
#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plain_rtp/plain_rtp_leg.h"
#include "plain_rtp_test_util.h"
#include "rtp/rtcp_packet.h"

namespace konfero::plain_rtp {
namespace {

using audio::Codec;
using ::testing::HasSubstr;
using testing::Ep;
using testing::PcmuParams;
using testing::Ramp;
using testing::RecordingOwner;
using testing::Rtp;

constexpr int64_t kStart = 5'000'000'000;
constexpr uint32_t kRemoteSsrc = 0x0BADCAFE;

class LegRtcpTest : public ::testing::Test {
 protected:
  void Make(PlainRtpParams params = PcmuParams(), PlainRtpLegOptions options = {}) {
    auto leg = PlainRtpLeg::Create(params, options, owner_, kStart);
    ASSERT_TRUE(leg.ok()) << leg.status();
    leg_ = *std::move(leg);
  }
  static net::IpEndpoint Phone() { return Ep("203.0.113.9", 51000); }
  static audio::EncodedFrame Frame(uint32_t ts) {
    audio::EncodedFrame f;
    f.timestamp = ts;
    f.codec = Codec::kPcmu;
    f.size = 160;
    return f;
  }
  // One 20 ms tick: a packet from the phone (unless `lost`), one from the
  // mixer if `send`, then the timer. Returns whether RTCP went out.
  bool Tick(int64_t now, uint16_t seq, bool send, bool lost = false) {
    if (!lost) {
      leg_->HandleRtp(Rtp(0, seq, 160u * seq, kRemoteSsrc, Ramp(160, 0)), Phone(), now);
    }
    if (send) leg_->SendAudio(Frame(160u * seq), now);
    const size_t before = owner_.RtcpSent().size();
    leg_->OnTimer(now);
    return owner_.RtcpSent().size() > before;
  }
  rtp::RtcpCompound LastRtcp() const {
    const auto rtcp = owner_.RtcpSent();
    EXPECT_FALSE(rtcp.empty());
    auto parsed = rtp::ParseRtcp(rtcp.back()->bytes);
    EXPECT_TRUE(parsed.has_value());
    return parsed ? *parsed : rtp::RtcpCompound{};
  }

  RecordingOwner owner_;
  std::unique_ptr<PlainRtpLeg> leg_;
};

TEST_F(LegRtcpTest, SenderReportsAtTheRandomisedFiveSecondInterval) {
  Make();
  std::vector<int64_t> times;
  uint16_t seq = 0;
  for (int64_t now = kStart; now < kStart + 120'000'000; now += 20'000) {
    if (Tick(now, seq++, /*send=*/true)) times.push_back(now - kStart);
  }
  ASSERT_GE(times.size(), 16u);  // 120 s / 7.5 s
  ASSERT_LE(times.size(), 48u);  // 120 s / 2.5 s
  EXPECT_GE(times[0], 1'250'000);  // the first after 2.5 s x U(0.5, 1.5)
  EXPECT_LE(times[0], 3'750'000);
  int64_t total = 0;
  for (size_t i = 1; i < times.size(); ++i) {
    const int64_t gap = times[i] - times[i - 1];
    EXPECT_GE(gap, 2'500'000 - 20'000);
    EXPECT_LE(gap, 7'500'000 + 20'000);
    total += gap;
  }
  const double mean = static_cast<double>(total) / static_cast<double>(times.size() - 1);
  EXPECT_NEAR(mean, 5'000'000, 1'000'000);

  for (const testing::SentDatagram* d : owner_.RtcpSent()) {
    EXPECT_EQ(d->socket, Socket::kRtcp);
    EXPECT_EQ(d->to, Ep("192.0.2.20", 40001));  // the SDP's RTCP port: no RTCP latched
  }
  const rtp::RtcpCompound rtcp = LastRtcp();
  ASSERT_EQ(rtcp.packets.size(), 2u);
  const auto* sr = std::get_if<rtp::SenderReport>(&rtcp.packets[0]);
  ASSERT_NE(sr, nullptr);
  EXPECT_EQ(sr->sender_ssrc, 0x11223344u);
  EXPECT_GT(sr->packet_count, 0u);
  EXPECT_EQ(sr->octet_count, sr->packet_count * 160);
  ASSERT_EQ(sr->report_blocks.size(), 1u);
  EXPECT_EQ(sr->report_blocks[0].ssrc, kRemoteSsrc);
  EXPECT_EQ(sr->report_blocks[0].cumulative_lost, 0);
  EXPECT_EQ(sr->report_blocks[0].fraction_lost, 0);
  EXPECT_EQ(sr->report_blocks[0].jitter, 0u);  // packets arrive exactly on time
  const auto* sdes = std::get_if<rtp::Sdes>(&rtcp.packets[1]);
  ASSERT_NE(sdes, nullptr);
  ASSERT_EQ(sdes->chunks.size(), 1u);
  ASSERT_NE(sdes->chunks[0].cname(), nullptr);
  EXPECT_EQ(*sdes->chunks[0].cname(), "konfero-11223344");
  EXPECT_EQ(leg_->stats().rtcp_out, times.size());
}

TEST_F(LegRtcpTest, ReceiverReportWithLossWhenWeDoNotSend) {
  Make();
  uint16_t seq = 65401;  // wraps before the second report (after at least 3.75 s)
  uint16_t last_received = 0;
  uint32_t received = 0;
  int reports = 0;
  for (int64_t now = kStart; reports < 2; now += 20'000, ++seq) {
    const bool lost = seq % 10 == 0;
    if (!lost) {
      last_received = seq;
      ++received;
    }
    if (Tick(now, seq, /*send=*/false, lost)) ++reports;
  }
  const rtp::RtcpCompound rtcp = LastRtcp();
  const auto* rr = std::get_if<rtp::ReceiverReport>(&rtcp.packets[0]);
  ASSERT_NE(rr, nullptr);
  ASSERT_EQ(rr->report_blocks.size(), 1u);
  const rtp::ReportBlock& block = rr->report_blocks[0];
  const uint32_t span = static_cast<uint16_t>(last_received - 65401) + 1u;
  EXPECT_EQ(block.ssrc, kRemoteSsrc);
  EXPECT_EQ(block.extended_highest_sequence, 65401u + span - 1);  // one wrap counted
  EXPECT_GT(block.extended_highest_sequence, 65536u);
  EXPECT_EQ(block.cumulative_lost, static_cast<int32_t>(span - received));
  EXPECT_GT(block.cumulative_lost, 0);
  EXPECT_NEAR(block.fraction_lost, 256 / 10, 4);
}

TEST_F(LegRtcpTest, LastSrAndDelayEchoTheRemotesSenderReport) {
  Make();
  leg_->HandleRtp(Rtp(0, 1, 160, kRemoteSsrc, Ramp(160, 0)), Phone(), kStart);
  rtp::SenderReport remote;
  remote.sender_ssrc = kRemoteSsrc;
  remote.ntp_timestamp = 0x0123456789ABCDEFull;
  const std::vector<rtp::RtcpPacket> packets = {remote};
  leg_->HandleRtcp(rtp::SerializeRtcp(packets), Ep("203.0.113.9", 51001), kStart + 100'000);
  EXPECT_EQ(leg_->stats().rtcp_in, 1u);
  leg_->OnTimer(kStart + 4'000'000);  // the first report is due by 3.75 s
  const rtp::RtcpCompound rtcp = LastRtcp();
  const auto* rr = std::get_if<rtp::ReceiverReport>(&rtcp.packets[0]);
  ASSERT_NE(rr, nullptr);
  ASSERT_EQ(rr->report_blocks.size(), 1u);
  EXPECT_EQ(rr->report_blocks[0].last_sr, 0x456789ABu);
  EXPECT_EQ(rr->report_blocks[0].delay_since_last_sr, 3'900'000ull * 65536 / 1'000'000);
  // Symmetric RTP: RTCP now goes where the remote's RTCP came from.
  EXPECT_EQ(owner_.RtcpSent().back()->to, Ep("203.0.113.9", 51001));
}

TEST_F(LegRtcpTest, RtcpMuxSendsAndReceivesOnTheRtpPort) {
  PlainRtpParams p = PcmuParams();
  p.rtcp_mux = true;
  p.remote_rtcp.reset();
  Make(p);
  leg_->HandleRtp(Rtp(0, 1, 160, kRemoteSsrc, Ramp(160, 0)), Phone(), kStart);
  leg_->OnTimer(kStart + 4'000'000);
  ASSERT_EQ(owner_.RtcpSent().size(), 1u);
  EXPECT_EQ(owner_.RtcpSent()[0]->socket, Socket::kRtp);
  EXPECT_EQ(owner_.RtcpSent()[0]->to, Phone());  // the latched RTP source

  rtp::Bye bye;
  bye.ssrcs = {kRemoteSsrc};
  const std::vector<rtp::RtcpPacket> packets = {rtp::ReceiverReport{kRemoteSsrc, {}}, bye};
  leg_->HandleRtp(rtp::SerializeRtcp(packets), Phone(), kStart + 5'000'000);
  ASSERT_EQ(owner_.ended.size(), 1u);
  EXPECT_EQ(owner_.ended[0], "rtcp bye");
}

TEST_F(LegRtcpTest, ByeFromTheRemoteEndsTheLegLikeFfmpegSendBye) {
  Make();
  leg_->HandleRtp(Rtp(0, 1, 160, kRemoteSsrc, Ramp(160, 0)), Phone(), kStart);
  // An old SSRC's BYE (after a change) does not end the leg.
  rtp::Bye other;
  other.ssrcs = {kRemoteSsrc + 1};
  leg_->HandleRtcp(rtp::SerializeRtcp(std::vector<rtp::RtcpPacket>{other}), Phone(), kStart);
  EXPECT_TRUE(owner_.ended.empty());
  // Malformed RTCP is dropped.
  leg_->HandleRtcp(std::vector<uint8_t>{0x81, 0xCB, 0x00, 0x05, 1, 2, 3, 4}, Phone(), kStart);
  leg_->HandleRtcp(std::vector<uint8_t>{0x80, 0x00, 0x00, 0x00}, Phone(), kStart);
  EXPECT_EQ(leg_->stats().dropped_invalid, 2u);
  EXPECT_TRUE(owner_.ended.empty());
  // ffmpeg -rtpflags send_bye: SR then BYE.
  rtp::SenderReport sr;
  sr.sender_ssrc = kRemoteSsrc;
  rtp::Bye bye;
  bye.ssrcs = {kRemoteSsrc};
  bye.reason = "done";
  leg_->HandleRtcp(rtp::SerializeRtcp(std::vector<rtp::RtcpPacket>{sr, bye}), Phone(),
                   kStart + 20'000);
  ASSERT_EQ(owner_.ended.size(), 1u);
  EXPECT_THAT(owner_.ended[0], HasSubstr("bye"));
}

TEST_F(LegRtcpTest, CloseSendsOurByeAndStops) {
  Make();
  leg_->SendAudio(Frame(0), kStart);
  leg_->Close(kStart + 20'000);
  const rtp::RtcpCompound rtcp = LastRtcp();
  ASSERT_EQ(rtcp.packets.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<rtp::SenderReport>(rtcp.packets[0]));
  EXPECT_TRUE(std::holds_alternative<rtp::Sdes>(rtcp.packets[1]));
  const auto* bye = std::get_if<rtp::Bye>(&rtcp.packets[2]);
  ASSERT_NE(bye, nullptr);
  EXPECT_EQ(bye->ssrcs, std::vector<uint32_t>{0x11223344u});
  EXPECT_EQ(owner_.RtcpSent().back()->to, Ep("192.0.2.20", 40001));
  const size_t sent = owner_.sent.size();
  leg_->SendAudio(Frame(160), kStart + 40'000);
  leg_->OnTimer(kStart + 60'000'000);
  leg_->Close(kStart + 60'000'000);
  EXPECT_EQ(owner_.sent.size(), sent);
  EXPECT_TRUE(owner_.ended.empty());  // Close is ours: no OnEnded
}

}  // namespace
}  // namespace konfero::plain_rtp
