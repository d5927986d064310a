// Tests of PlainRtpLeg with a recording Owner: audio in and out, validation,
// SSRC changes, symmetric RTP, hold, the RTP timeout, re-INVITE updates.
#include "plain_rtp/plain_rtp_leg.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plain_rtp_test_util.h"

namespace konfero::plain_rtp {
namespace {

using audio::Codec;
using sdp::Direction;
using ::testing::HasSubstr;
using testing::Ep;
using testing::PcmuParams;
using testing::Ramp;
using testing::RecordingOwner;
using testing::Rtp;

constexpr int64_t kStart = 1'000'000'000;
constexpr uint32_t kRemoteSsrc = 0xABCD0001;

class LegTest : public ::testing::Test {
 protected:
  void Make(PlainRtpParams params = PcmuParams(), PlainRtpLegOptions options = {}) {
    absl::StatusOr<std::unique_ptr<PlainRtpLeg>> leg =
        PlainRtpLeg::Create(params, options, owner_, kStart);
    ASSERT_TRUE(leg.ok()) << leg.status();
    leg_ = *std::move(leg);
  }
  void In(const std::vector<uint8_t>& datagram, int64_t now, net::IpEndpoint from = Phone()) {
    leg_->HandleRtp(datagram, from, now);
  }
  static net::IpEndpoint Phone() { return Ep("203.0.113.9", 51000); }
  static audio::EncodedFrame Frame(uint16_t seq, uint32_t ts, Codec codec = Codec::kPcmu) {
    audio::EncodedFrame f;
    f.sequence = seq;
    f.timestamp = ts;
    f.codec = codec;
    f.size = 160;
    for (int i = 0; i < 160; ++i) f.payload[static_cast<size_t>(i)] = static_cast<uint8_t>(seq + i);
    return f;
  }

  RecordingOwner owner_;
  std::unique_ptr<PlainRtpLeg> leg_;
};

TEST_F(LegTest, PcmuAudioInReachesTheMixerAsIs) {
  Make();
  for (uint16_t i = 0; i < 3; ++i) {
    In(Rtp(0, static_cast<uint16_t>(100 + i), 16000 + 160u * i, kRemoteSsrc, Ramp(160, 7), i == 0),
       kStart + 20'000 * i);
  }
  ASSERT_EQ(owner_.audio.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const audio::InputPacket& p = owner_.audio[i];
    EXPECT_EQ(p.sequence, 100 + i);
    EXPECT_EQ(p.timestamp, 16000 + 160 * i);
    EXPECT_EQ(p.arrival_us, kStart + 20'000 * static_cast<int64_t>(i));
    EXPECT_EQ(p.audio_level, -1);
    ASSERT_EQ(p.size, 160);
    EXPECT_EQ(p.payload[0], 7);
    EXPECT_EQ(p.payload[159], static_cast<uint8_t>(7 + 159));
  }
  EXPECT_EQ(leg_->stats().rtp_in, 3u);
  EXPECT_EQ(leg_->stats().bytes_in, 3u * 172);
  EXPECT_EQ(leg_->stats().dropped_invalid, 0u);
}

TEST_F(LegTest, ThirtyMillisecondPcmaIsRechunked) {
  PlainRtpParams p = PcmuParams();
  p.codec = Codec::kPcma;
  p.payload_type = 8;
  p.ptime_ms = 30;
  Make(p);
  for (uint16_t i = 0; i < 4; ++i) {
    In(Rtp(8, static_cast<uint16_t>(7 + i), 240u * i, kRemoteSsrc, Ramp(240, 0)),
       kStart + 30'000 * i);
  }
  ASSERT_EQ(owner_.audio.size(), 6u);
  for (size_t k = 0; k < 6; ++k) {
    EXPECT_EQ(owner_.audio[k].sequence, 7 + k);
    EXPECT_EQ(owner_.audio[k].timestamp, 160 * k);
    EXPECT_EQ(owner_.audio[k].size, 160);
  }
}

TEST_F(LegTest, OpusPassesThroughWhateverItsSize) {
  PlainRtpParams p = PcmuParams();
  p.codec = Codec::kOpus;
  p.payload_type = 111;
  p.telephone_event_pt = 110;
  Make(p);
  In(Rtp(111, 1, 960, kRemoteSsrc, Ramp(73, 1)), kStart);
  In(Rtp(111, 2, 960 * 4, kRemoteSsrc, Ramp(300, 1)), kStart + 60'000);  // 60 ms Opus
  ASSERT_EQ(owner_.audio.size(), 2u);
  EXPECT_EQ(owner_.audio[0].size, 73);
  EXPECT_EQ(owner_.audio[1].size, 300);
  EXPECT_EQ(owner_.audio[1].timestamp, 3840u);
}

TEST_F(LegTest, InvalidPacketsAreDroppedAndCounted) {
  Make();
  std::vector<uint8_t> v1 = Rtp(0, 1, 0, kRemoteSsrc, Ramp(160, 0));
  v1[0] = 0x40;  // version 1
  std::vector<uint8_t> truncated = Rtp(0, 1, 0, kRemoteSsrc, Ramp(20, 0));
  truncated[0] |= 0x0F;  // 15 CSRCs that are not there
  In(v1, kStart);
  In(truncated, kStart);
  In({0x80, 0x00, 0x01}, kStart);                              // shorter than a header
  In(Rtp(18, 2, 160, kRemoteSsrc, Ramp(20, 0)), kStart);       // G.729: not negotiated
  In(Rtp(96, 3, 320, kRemoteSsrc, Ramp(160, 0)), kStart);      // unknown dynamic PT
  In({0x80, 0xC8, 0x00, 0x01, 0, 0, 0, 1}, kStart);            // RTCP without rtcp-mux
  In({}, kStart);
  EXPECT_EQ(leg_->stats().dropped_invalid, 7u);
  EXPECT_EQ(leg_->stats().rtp_in, 0u);
  EXPECT_TRUE(owner_.audio.empty());
  EXPECT_FALSE(leg_->stats().latched.has_value());  // invalid packets latch nothing
}

TEST_F(LegTest, AudioOutCarriesOurSsrcAndContinuousNumbers) {
  Make();
  for (uint16_t i = 0; i < 5; ++i) {
    audio::EncodedFrame f = Frame(static_cast<uint16_t>(900 + i), 48000 + 160u * i);
    f.marker = i == 0;
    leg_->SendAudio(f, kStart + 20'000 * i);
  }
  leg_->SendAudio(Frame(905, 48800, Codec::kOpus), kStart + 100'000);  // other codec: ignored
  const auto sent = owner_.RtpSent();
  ASSERT_EQ(sent.size(), 5u);
  for (size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(sent[i].payload_type(), 0);
    EXPECT_EQ(sent[i].ssrc(), 0x11223344u);
    EXPECT_EQ(sent[i].marker(), i == 0);
    EXPECT_EQ(sent[i].sequence_number(), static_cast<uint16_t>(sent[0].sequence_number() + i));
    EXPECT_EQ(sent[i].timestamp(), sent[0].timestamp() + 160 * i);
    ASSERT_EQ(sent[i].payload().size(), 160u);
    EXPECT_EQ(sent[i].payload()[0], static_cast<uint8_t>(900 + i));
    EXPECT_EQ(owner_.sent[i].socket, Socket::kRtp);
    EXPECT_EQ(owner_.sent[i].to, Ep("192.0.2.20", 40000));  // nothing latched yet: the SDP's
  }
  EXPECT_EQ(leg_->stats().rtp_out, 5u);
  EXPECT_EQ(leg_->stats().bytes_out, 5u * 172);
}

TEST_F(LegTest, SsrcChangeIsANewStreamAndTheOldOnesStragglersAreDropped) {
  Make();
  In(Rtp(0, 10, 1600, kRemoteSsrc, Ramp(160, 0)), kStart);
  In(Rtp(0, 5000, 90000, kRemoteSsrc + 1, Ramp(160, 0)), kStart + 20'000);  // transfer
  In(Rtp(0, 11, 1760, kRemoteSsrc, Ramp(160, 0)), kStart + 40'000);         // a straggler
  In(Rtp(0, 5001, 90160, kRemoteSsrc + 1, Ramp(160, 0)), kStart + 60'000);
  ASSERT_EQ(owner_.audio.size(), 3u);
  EXPECT_EQ(owner_.audio[1].sequence, 5000);
  EXPECT_EQ(owner_.audio[2].sequence, 5001);
  EXPECT_EQ(leg_->stats().dropped_invalid, 1u);
  // Later the old stream may come back (a PBX ending its music on hold).
  In(Rtp(0, 30, 4800, kRemoteSsrc, Ramp(160, 0)), kStart + 20'000 + PlainRtpLeg::kRelatchAfterUs);
  ASSERT_EQ(owner_.audio.size(), 4u);
  EXPECT_EQ(owner_.audio[3].sequence, 30);
}

TEST_F(LegTest, SymmetricRtpLatchesOnTheFirstValidPacket) {
  Make();
  const net::IpEndpoint nat = Ep("203.0.113.50", 62000);
  In(Rtp(0, 1, 0, kRemoteSsrc, Ramp(160, 0)), kStart, nat);
  EXPECT_EQ(leg_->stats().latched, nat);
  leg_->SendAudio(Frame(1, 0), kStart + 1000);
  ASSERT_EQ(owner_.sent.size(), 1u);
  EXPECT_EQ(owner_.sent[0].to, nat);

  // Same SSRC from elsewhere while the latched source is alive: dropped.
  In(Rtp(0, 2, 160, kRemoteSsrc, Ramp(160, 0)), kStart + 20'000, Ep("198.51.100.66", 4000));
  EXPECT_EQ(leg_->stats().dropped_invalid, 1u);
  EXPECT_EQ(leg_->stats().latched, nat);

  // A new SSRC from a new source (a media relay switching): re-latched.
  const net::IpEndpoint relay = Ep("198.51.100.77", 5000);
  In(Rtp(0, 900, 7000, kRemoteSsrc + 7, Ramp(160, 0)), kStart + 40'000, relay);
  EXPECT_EQ(leg_->stats().latched, relay);

  // The same SSRC from yet another source after the latched one fell silent
  // for kRelatchAfterUs (a NAT rebinding): re-latched.
  const net::IpEndpoint rebound = Ep("198.51.100.77", 5002);
  In(Rtp(0, 901, 7160, kRemoteSsrc + 7, Ramp(160, 0)), kStart + 40'000 + 1'999'999, rebound);
  EXPECT_EQ(leg_->stats().latched, relay);
  In(Rtp(0, 902, 7320, kRemoteSsrc + 7, Ramp(160, 0)),
     kStart + 40'000 + PlainRtpLeg::kRelatchAfterUs, rebound);
  EXPECT_EQ(leg_->stats().latched, rebound);
  leg_->SendAudio(Frame(2, 160), kStart + 3'000'000);
  EXPECT_EQ(owner_.sent.back().to, rebound);
}

TEST_F(LegTest, WithoutSymmetricRtpEverythingGoesToTheSdpAddress) {
  Make(PcmuParams(), {.symmetric_rtp = false});
  In(Rtp(0, 1, 0, kRemoteSsrc, Ramp(160, 0)), kStart, Ep("203.0.113.50", 62000));
  In(Rtp(0, 2, 160, kRemoteSsrc, Ramp(160, 0)), kStart + 20'000, Ep("203.0.113.51", 1));
  EXPECT_EQ(owner_.audio.size(), 2u);  // taken from any source
  EXPECT_FALSE(leg_->stats().latched.has_value());
  leg_->SendAudio(Frame(1, 0), kStart + 30'000);
  ASSERT_EQ(owner_.sent.size(), 1u);
  EXPECT_EQ(owner_.sent[0].to, Ep("192.0.2.20", 40000));
}

TEST_F(LegTest, NothingIsSentWhileOurDirectionDoesNotSend) {
  PlainRtpParams p = PcmuParams();
  for (Direction d : {Direction::kRecvOnly, Direction::kInactive}) {
    owner_.sent.clear();
    p.direction = d;
    Make(p);
    leg_->SendAudio(Frame(1, 0), kStart);
    EXPECT_TRUE(owner_.RtpSent().empty()) << sdp::ToString(d);
  }
  p.direction = Direction::kSendOnly;
  Make(p);
  leg_->SendAudio(Frame(1, 0), kStart);
  EXPECT_EQ(owner_.RtpSent().size(), 1u);
}

TEST_F(LegTest, HoldAndResumeByUpdate) {
  Make();
  leg_->SendAudio(Frame(1, 0), kStart);
  PlainRtpParams held = PcmuParams();
  held.direction = Direction::kRecvOnly;  // the phone sent a=sendonly
  ASSERT_TRUE(leg_->Update(held, kStart + 10'000).ok());
  leg_->SendAudio(Frame(2, 160), kStart + 20'000);
  EXPECT_EQ(owner_.RtpSent().size(), 1u);
  ASSERT_TRUE(leg_->Update(PcmuParams(), kStart + 30'000).ok());
  leg_->SendAudio(Frame(3, 320), kStart + 40'000);
  const auto sent = owner_.RtpSent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].sequence_number(), static_cast<uint16_t>(sent[0].sequence_number() + 1));

  // RFC 2543 hold: c=0.0.0.0 leaves nowhere to send.
  PlainRtpParams c0 = PcmuParams();
  c0.remote_rtp = Ep("0.0.0.0", 40000);
  c0.remote_rtcp = Ep("0.0.0.0", 40001);
  ASSERT_TRUE(leg_->Update(c0, kStart + 50'000).ok());
  leg_->SendAudio(Frame(4, 480), kStart + 60'000);
  leg_->OnTimer(kStart + 10'000'000);  // RTCP is due, but has nowhere to go
  EXPECT_EQ(owner_.sent.size(), 2u);
}

TEST_F(LegTest, AHoldingPhoneIsNotMixedUntilItResumes) {
  Make();
  In(Rtp(0, 1, 0, kRemoteSsrc, Ramp(160, 0)), kStart);
  ASSERT_EQ(owner_.audio.size(), 1u);
  PlainRtpParams held = PcmuParams();
  held.direction = Direction::kRecvOnly;  // the phone sent a=sendonly: its music on hold
  ASSERT_TRUE(leg_->Update(held, kStart + 10'000).ok());
  In(Rtp(0, 2, 160, kRemoteSsrc, Ramp(160, 0)), kStart + 20'000);
  In(Rtp(0, 3, 320, kRemoteSsrc, Ramp(160, 0)), kStart + 40'000);
  EXPECT_EQ(owner_.audio.size(), 1u);
  ASSERT_TRUE(leg_->Update(PcmuParams(), kStart + 50'000).ok());
  In(Rtp(0, 4, 480, kRemoteSsrc, Ramp(160, 0)), kStart + 60'000);
  EXPECT_EQ(owner_.audio.size(), 2u);
}

TEST_F(LegTest, RtpTimeoutEndsTheLeg) {
  Make();
  In(Rtp(0, 1, 0, kRemoteSsrc, Ramp(160, 0)), kStart + 1'000'000);
  leg_->OnTimer(kStart + 30'999'999);
  EXPECT_TRUE(owner_.ended.empty());
  leg_->OnTimer(kStart + 31'000'000);
  ASSERT_EQ(owner_.ended.size(), 1u);
  EXPECT_THAT(owner_.ended[0], HasSubstr("rtp timeout"));
  // Ended: nothing more happens.
  leg_->OnTimer(kStart + 40'000'000);
  leg_->SendAudio(Frame(1, 0), kStart + 40'000'000);
  In(Rtp(0, 2, 160, kRemoteSsrc, Ramp(160, 0)), kStart + 40'000'000);
  EXPECT_EQ(owner_.ended.size(), 1u);
  EXPECT_EQ(owner_.audio.size(), 1u);
}

TEST_F(LegTest, RtpTimeoutCountsFromCreateAndCanBeOff) {
  Make();
  leg_->OnTimer(kStart + 30'000'000);
  EXPECT_EQ(owner_.ended.size(), 1u);
  owner_.ended.clear();
  Make(PcmuParams(), {.rtp_timeout_us = 0});
  leg_->OnTimer(kStart + 3'600'000'000);
  EXPECT_TRUE(owner_.ended.empty());
}

TEST_F(LegTest, RtpTimeoutPausesWhileTheRemoteHoldsAndResumesAfter) {
  Make();
  PlainRtpParams held = PcmuParams();
  held.direction = Direction::kInactive;  // the phone sent a=inactive
  ASSERT_TRUE(leg_->Update(held, kStart + 5'000'000).ok());
  for (int64_t t = kStart; t <= kStart + 300'000'000; t += 1'000'000) leg_->OnTimer(t);
  EXPECT_TRUE(owner_.ended.empty());
  // The phone holds us with a=sendonly (ours: recvonly) and may go quiet
  // (no music on hold): paused too.
  held.direction = Direction::kRecvOnly;
  ASSERT_TRUE(leg_->Update(held, kStart + 300'000'000).ok());
  leg_->OnTimer(kStart + 350'000'000);
  EXPECT_TRUE(owner_.ended.empty());
  // We hold the phone (a=sendonly from us, recvonly from it): paused too.
  held.direction = Direction::kSendOnly;
  ASSERT_TRUE(leg_->Update(held, kStart + 300'000'000).ok());
  leg_->OnTimer(kStart + 400'000'000);
  EXPECT_TRUE(owner_.ended.empty());
  // Resumed at 400 s: the count starts afresh.
  ASSERT_TRUE(leg_->Update(PcmuParams(), kStart + 400'000'000).ok());
  leg_->OnTimer(kStart + 429'999'999);
  EXPECT_TRUE(owner_.ended.empty());
  leg_->OnTimer(kStart + 430'000'000);
  EXPECT_EQ(owner_.ended.size(), 1u);
}

TEST_F(LegTest, RtpTimeoutPausesDuringRfc2543Hold) {
  Make();
  PlainRtpParams c0 = PcmuParams();
  c0.remote_rtp = Ep("0.0.0.0", 40000);
  c0.direction = Direction::kRecvOnly;
  ASSERT_TRUE(leg_->Update(c0, kStart).ok());
  leg_->OnTimer(kStart + 100'000'000);
  EXPECT_TRUE(owner_.ended.empty());
}

TEST_F(LegTest, UpdateToANewAddressForgetsTheLatch) {
  Make();
  In(Rtp(0, 1, 0, kRemoteSsrc, Ramp(160, 0)), kStart);
  ASSERT_TRUE(leg_->stats().latched.has_value());
  PlainRtpParams moved = PcmuParams();
  moved.remote_rtp = Ep("192.0.2.21", 41000);
  moved.remote_rtcp = Ep("192.0.2.21", 41001);
  ASSERT_TRUE(leg_->Update(moved, kStart + 20'000).ok());
  EXPECT_FALSE(leg_->stats().latched.has_value());
  leg_->SendAudio(Frame(1, 0), kStart + 30'000);
  EXPECT_EQ(owner_.sent.back().to, Ep("192.0.2.21", 41000));
}

TEST_F(LegTest, UpdateChangesTheCodec) {
  Make();
  PlainRtpParams g722 = PcmuParams();
  g722.codec = Codec::kG722;
  g722.payload_type = 9;
  ASSERT_TRUE(leg_->Update(g722, kStart).ok());
  EXPECT_EQ(leg_->params().codec, Codec::kG722);
  In(Rtp(0, 1, 0, kRemoteSsrc, Ramp(160, 0)), kStart + 20'000);  // PCMU now unknown
  In(Rtp(9, 2, 160, kRemoteSsrc, Ramp(160, 0)), kStart + 40'000);
  EXPECT_EQ(owner_.audio.size(), 1u);
  leg_->SendAudio(Frame(1, 0, Codec::kG722), kStart + 50'000);
  ASSERT_EQ(owner_.RtpSent().size(), 1u);
  EXPECT_EQ(owner_.RtpSent()[0].payload_type(), 9);
}

TEST_F(LegTest, ParamsALegCannotRunAreRefused) {
  PlainRtpParams p = PcmuParams();
  p.codec = Codec::kL16;
  EXPECT_EQ(PlainRtpLeg::Create(p, {}, owner_, kStart).status().code(),
            absl::StatusCode::kInvalidArgument);
  p = PcmuParams();
  p.payload_type = 128;
  EXPECT_EQ(PlainRtpLeg::Create(p, {}, owner_, kStart).status().code(),
            absl::StatusCode::kInvalidArgument);
  p = PcmuParams();
  p.telephone_event_pt = 0;
  p.payload_type = 72;
  p.rtcp_mux = true;  // RFC 5761: 72 is RTCP's SR with the marker bit
  absl::StatusOr<std::unique_ptr<PlainRtpLeg>> leg = PlainRtpLeg::Create(p, {}, owner_, kStart);
  EXPECT_EQ(leg.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(leg.status().message(), HasSubstr("RFC 5761"));
  p = PcmuParams();
  p.telephone_event_pt = 0;  // PCMU's own payload type
  p.payload_type = 0;
  EXPECT_TRUE(PlainRtpLeg::Create(p, {}, owner_, kStart).ok());
  EXPECT_EQ(PlainRtpLeg::Create(PcmuParams(), {.rtp_timeout_us = -1}, owner_, kStart)
                .status().code(),
            absl::StatusCode::kInvalidArgument);

  Make();
  PlainRtpParams other_ssrc = PcmuParams();
  other_ssrc.local_ssrc = 5;
  EXPECT_EQ(leg_->Update(other_ssrc, kStart).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace konfero::plain_rtp
