// The leg's packet path makes no allocation: this binary replaces the global
// operator new/delete with counting versions and counts every allocation
// inside HandleRtp, HandleRtcp, SendAudio, SendDigit and OnTimer across a
// call: 30 ms PCMA with in-band DTMF tones, then G.711 with RFC 4733
// digits in and out, RTCP in both directions, an SSRC change, latching.
//
// Plain builds only: the sanitizers replace operator new themselves (CMake
// leaves the binary out; the test also skips itself).
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "audio/g711.h"
#include "plain_rtp/plain_rtp_leg.h"
#include "plain_rtp_test_util.h"
#include "rtp/rtcp_packet.h"
#include "testing/sanitizers.h"

#ifndef KONFERO_UNDER_SANITIZER
#include "testing/counting_new.h"

using ::konfero::test_support::allocations;
using ::konfero::test_support::counting_allocations;
#endif

namespace konfero::plain_rtp {
namespace {

using testing::DtmfTone;
using testing::Ep;
using testing::PcmuParams;
using testing::Rtp;

class CountingOwner : public PlainRtpLeg::Owner {
 public:
  void SendDatagram(Socket, absl::Span<const uint8_t> d, const net::IpEndpoint&) override {
    ++datagrams;
    bytes += d.size();
  }
  void OnAudioPacket(const audio::InputPacket&) override { ++audio; }
  void OnDigit(char, int, DtmfSource) override { ++digits; }
  void OnEnded(std::string_view) override { ++ended; }
  uint64_t datagrams = 0, bytes = 0, audio = 0, digits = 0, ended = 0;
};

TEST(PlainRtpLegAllocationTest, PacketPathMakesNoAllocation) {
#ifdef KONFERO_UNDER_SANITIZER
  GTEST_SKIP() << "the sanitizers replace operator new; plain builds only";
#else
  ASSERT_TRUE(::konfero::test_support::CountsAllocations());
  for (const bool inband : {true, false}) {
    SCOPED_TRACE(inband ? "PCMA 30 ms, in-band" : "PCMU, RFC 4733");
    PlainRtpParams params = PcmuParams();
    if (inband) {
      params.codec = audio::Codec::kPcma;
      params.payload_type = 8;
      params.telephone_event_pt = 0;
    }
    CountingOwner owner;
    int64_t now = 1'000'000;
    auto leg = *PlainRtpLeg::Create(params, {}, owner, now);

    // Everything that may allocate is made before counting.
    std::vector<int16_t> pcm;
    for (int repeat = 0; repeat < 20; ++repeat) {  // 48 s
      for (char d : std::string("1234567890*#")) {
        const std::vector<int16_t> tone = DtmfTone(d, 8000, 100, 100);
        pcm.insert(pcm.end(), tone.begin(), tone.end());
      }
    }
    std::vector<std::vector<uint8_t>> packets;
    uint16_t seq = 65'000;  // wraps
    uint32_t ts = 0;
    for (size_t i = 0; i + 240 <= pcm.size(); i += 240) {
      std::vector<uint8_t> payload(240);
      audio::g711::EncodeALaw(&pcm[i], payload.data(), 240);
      packets.push_back(Rtp(params.payload_type, seq++, ts, 0xAB, payload));
      ts += 240;
      if (!inband && i % 2400 == 0) {  // an RFC 4733 digit every 300 ms
        for (uint16_t k = 1; k <= 8; ++k) {
          const uint16_t duration = static_cast<uint16_t>(160 * std::min<int>(k, 5));
          packets.push_back(Rtp(101, seq++, ts, 0xAB,
                                {static_cast<uint8_t>(i / 2400 % 16),
                                 static_cast<uint8_t>(k >= 5 ? 0x8A : 0x0A),
                                 static_cast<uint8_t>(duration >> 8),
                                 static_cast<uint8_t>(duration)}));
        }
      }
    }
    packets.push_back(Rtp(params.payload_type, 7, 99999, 0xCD, std::vector<uint8_t>(160)));
    rtp::SenderReport sr;
    sr.sender_ssrc = 0xAB;
    const std::vector<uint8_t> rtcp = rtp::SerializeRtcp(std::vector<rtp::RtcpPacket>{sr});
    audio::EncodedFrame frame;
    frame.codec = params.codec;
    frame.size = 160;
    const net::IpEndpoint phone = Ep("203.0.113.9", 51000);
    const net::IpEndpoint phone_rtcp = Ep("203.0.113.9", 51001);

    allocations = 0;
    counting_allocations = true;
    for (const std::vector<uint8_t>& p : packets) {
      now += 30'000;
      leg->HandleRtp(p, phone, now);
      frame.timestamp += 160;
      leg->SendAudio(frame, now);
      if (now % 990'000 == 0) leg->HandleRtcp(rtcp, phone_rtcp, now);
      if (now % 3'000'000 == 0 && !inband) (void)leg->SendDigit('5', 100);
      leg->OnTimer(now);
    }
    counting_allocations = false;
    EXPECT_EQ(allocations.load(), 0u);
    EXPECT_GT(owner.audio, 100u);
    EXPECT_GT(owner.digits, 10u);
    EXPECT_GT(leg->stats().rtcp_out, 5u);
    EXPECT_EQ(owner.ended, 0u);
  }
#endif
}

}  // namespace
}  // namespace konfero::plain_rtp
