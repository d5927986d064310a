// Tests of PlainRtpLeg's DTMF: RFC 4733 in (each digit once) and out
// (replacing audio packets), in-band tones on G.711 and G.722, and the sipp
// capture of a PIN (tests/plain_rtp/data/pcmu_pin_1234hash.pcap, made by
// shared/peers/sip/make_rtp_pcap.py): "1234#", once each.
#include <cstring>
#include <memory>
#include <string>

#include "audio/g711.h"
#include "audio/g722.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plain_rtp/plain_rtp_leg.h"
#include "plain_rtp_test_util.h"
#include "rtp/byte_io.h"

namespace konfero::plain_rtp {
namespace {

using audio::Codec;
using Source = PlainRtpLeg::Owner::DtmfSource;
using testing::DtmfTone;
using testing::Ep;
using testing::PcmuParams;
using testing::Ramp;
using testing::RecordingOwner;
using testing::Rtp;

constexpr int64_t kStart = 7'000'000'000;
constexpr uint32_t kRemoteSsrc = 0x5EED0001;

std::vector<uint8_t> Event(uint8_t event, bool end, uint16_t duration) {
  return {event, static_cast<uint8_t>((end ? 0x80 : 0) | 10),
          static_cast<uint8_t>(duration >> 8), static_cast<uint8_t>(duration)};
}

class LegDtmfTest : public ::testing::Test {
 protected:
  void Make(PlainRtpParams params = PcmuParams(), PlainRtpLegOptions options = {}) {
    auto leg = PlainRtpLeg::Create(params, options, owner_, kStart);
    ASSERT_TRUE(leg.ok()) << leg.status();
    leg_ = *std::move(leg);
  }
  void In(const std::vector<uint8_t>& datagram, int64_t now) {
    leg_->HandleRtp(datagram, Ep("203.0.113.9", 51000), now);
  }
  // Sends one digit as sipp's pcap does: 5 updates, then 3 end packets.
  void SendEvent(uint8_t event, uint16_t& seq, uint32_t ts, int64_t& now) {
    for (int i = 1; i <= 5; ++i, now += 20'000) {
      In(Rtp(101, seq++, ts, kRemoteSsrc, Event(event, false, static_cast<uint16_t>(160 * i)),
             i == 1),
         now);
    }
    for (int i = 0; i < 3; ++i, now += 5'000) {
      In(Rtp(101, seq++, ts, kRemoteSsrc, Event(event, true, 800)), now);
    }
  }
  audio::EncodedFrame Frame(uint32_t ts) {
    audio::EncodedFrame f;
    f.timestamp = ts;
    f.codec = leg_->params().codec;
    f.size = 160;
    return f;
  }

  RecordingOwner owner_;
  std::unique_ptr<PlainRtpLeg> leg_;
};

TEST_F(LegDtmfTest, Rfc4733EndPacketsCountOnce) {
  Make();
  uint16_t seq = 1;
  int64_t now = kStart;
  SendEvent(1, seq, 8000, now);
  SendEvent(11, seq, 16000, now);  // '#'
  ASSERT_EQ(owner_.digits.size(), 2u);
  EXPECT_EQ(owner_.digits[0].digit, '1');
  EXPECT_EQ(owner_.digits[0].duration_ms, 100);
  EXPECT_EQ(owner_.digits[0].source, Source::kRfc4733);
  EXPECT_EQ(owner_.digits[1].digit, '#');
  EXPECT_EQ(leg_->stats().digits, 2u);
  leg_->OnTimer(now + 1'000'000);
  EXPECT_EQ(owner_.digits.size(), 2u);
  EXPECT_TRUE(owner_.audio.empty());  // events are not audio
}

TEST_F(LegDtmfTest, Rfc4733EventWhoseEndWasLostIsReportedByTheTimer) {
  Make();
  In(Rtp(101, 1, 8000, kRemoteSsrc, Event(5, false, 160), true), kStart);
  In(Rtp(101, 2, 8000, kRemoteSsrc, Event(5, false, 320)), kStart + 20'000);
  leg_->OnTimer(kStart + 20'000 + PlainRtpLeg::kDtmfFlushAfterUs - 1);
  EXPECT_TRUE(owner_.digits.empty());
  leg_->OnTimer(kStart + 20'000 + PlainRtpLeg::kDtmfFlushAfterUs);
  ASSERT_EQ(owner_.digits.size(), 1u);
  EXPECT_EQ(owner_.digits[0].digit, '5');
  // Its late end packet counts nothing.
  In(Rtp(101, 3, 8000, kRemoteSsrc, Event(5, true, 400)), kStart + 600'000);
  EXPECT_EQ(owner_.digits.size(), 1u);
}

TEST_F(LegDtmfTest, Rfc4733OutReplacesAudioPackets) {
  Make();
  leg_->SendAudio(Frame(1000), kStart);
  ASSERT_TRUE(leg_->SendDigit('7', 100).ok());
  EXPECT_EQ(leg_->SendDigit('8', 100).code(), absl::StatusCode::kFailedPrecondition);  // busy
  for (int i = 1; i <= 8; ++i) leg_->SendAudio(Frame(1000 + 160u * i), kStart + 20'000 * i);
  const auto sent = owner_.RtpSent();
  ASSERT_EQ(sent.size(), 9u);
  const uint32_t event_ts = sent[0].timestamp() + 160;  // where the next audio frame would be
  const uint16_t durations[] = {160, 320, 480, 640, 800, 800, 800};
  for (size_t i = 1; i <= 7; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(sent[i].payload_type(), 101);
    EXPECT_EQ(sent[i].ssrc(), sent[0].ssrc());
    EXPECT_EQ(sent[i].sequence_number(), static_cast<uint16_t>(sent[0].sequence_number() + i));
    EXPECT_EQ(sent[i].timestamp(), event_ts);
    EXPECT_EQ(sent[i].marker(), i == 1);
    ASSERT_EQ(sent[i].payload().size(), 4u);
    EXPECT_EQ(sent[i].payload()[0], 7);
    EXPECT_EQ((sent[i].payload()[1] & 0x80) != 0, i >= 5);  // E bit on the three last
    EXPECT_EQ(rtp::ReadU16(sent[i].payload().data() + 2), durations[i - 1]);
  }
  // Audio resumes, numbers continuing.
  EXPECT_EQ(sent[8].payload_type(), 0);
  EXPECT_EQ(sent[8].sequence_number(), static_cast<uint16_t>(sent[0].sequence_number() + 8));
  EXPECT_EQ(sent[8].timestamp(), sent[0].timestamp() + 160 * 8);
  EXPECT_EQ(leg_->SendDigit('x', 100).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(LegDtmfTest, Rfc4733OutNeedsTelephoneEvent) {
  PlainRtpParams p = PcmuParams();
  p.telephone_event_pt = 0;
  Make(p);
  EXPECT_EQ(leg_->SendDigit('1', 100).code(), absl::StatusCode::kFailedPrecondition);
}

// Sends `digits` as in-band tones (100 ms tone, 100 ms pause) in 20 ms
// packets of `codec`.
void SendTones(PlainRtpLeg& leg, Codec codec, uint8_t pt, const std::string& digits) {
  const int rate = codec == Codec::kG722 ? 16000 : 8000;
  std::vector<int16_t> pcm(static_cast<size_t>(rate / 5), 0);  // lead-in silence
  for (char d : digits) {
    const std::vector<int16_t> tone = DtmfTone(d, rate, 100, 100);
    pcm.insert(pcm.end(), tone.begin(), tone.end());
  }
  pcm.resize(pcm.size() + static_cast<size_t>(rate / 5), 0);
  auto encoder = audio::G722Encoder::Create();
  ASSERT_TRUE(encoder.ok());
  const size_t per_packet = static_cast<size_t>(rate / 50);
  uint16_t seq = 1;
  for (size_t i = 0; i + per_packet <= pcm.size(); i += per_packet, ++seq) {
    std::vector<uint8_t> payload(160);
    if (codec == Codec::kPcmu) audio::g711::EncodeMuLaw(&pcm[i], payload.data(), 160);
    if (codec == Codec::kPcma) audio::g711::EncodeALaw(&pcm[i], payload.data(), 160);
    if (codec == Codec::kG722) (*encoder)->Encode(&pcm[i], 320, payload.data());
    leg.HandleRtp(Rtp(pt, seq, 160u * seq, kRemoteSsrc, payload), Ep("203.0.113.9", 51000),
                  kStart + 20'000 * seq);
  }
}

TEST_F(LegDtmfTest, InbandTonesOnG711AndG722) {
  const struct {
    Codec codec;
    uint8_t pt;
  } cases[] = {{Codec::kPcmu, 0}, {Codec::kPcma, 8}, {Codec::kG722, 9}};
  for (const auto& c : cases) {
    SCOPED_TRACE(audio::CodecName(c.codec).data());
    owner_.digits.clear();
    PlainRtpParams p = PcmuParams();
    p.codec = c.codec;
    p.payload_type = c.pt;
    p.telephone_event_pt = 0;  // kAuto: in-band on
    Make(p);
    SendTones(*leg_, c.codec, c.pt, "1234#*0");
    EXPECT_EQ(owner_.DigitString(), "1234#*0");
    for (const testing::ReceivedDigit& d : owner_.digits) EXPECT_EQ(d.source, Source::kInband);
  }
}

TEST_F(LegDtmfTest, InbandIsOffWhenTelephoneEventIsNegotiatedOrSwitchedOff) {
  Make();  // te 101, kAuto
  SendTones(*leg_, Codec::kPcmu, 0, "1");
  EXPECT_TRUE(owner_.digits.empty());
  PlainRtpParams p = PcmuParams();
  p.telephone_event_pt = 0;
  Make(p, {.inband_dtmf = PlainRtpLegOptions::InbandDtmf::kOff});
  SendTones(*leg_, Codec::kPcmu, 0, "1");
  EXPECT_TRUE(owner_.digits.empty());
  Make(PcmuParams(), {.inband_dtmf = PlainRtpLegOptions::InbandDtmf::kOn});
  SendTones(*leg_, Codec::kPcmu, 0, "9");
  EXPECT_EQ(owner_.DigitString(), "9");
}

// --- the sipp capture ---------------------------------------------------------

struct CapturedRtp {
  int64_t time_us;
  net::IpEndpoint from;
  std::vector<uint8_t> rtp;
};

// Classic pcap, Ethernet / IPv4 / UDP, as make_rtp_pcap.py writes it.
std::vector<CapturedRtp> ReadPcap(const std::string& bytes) {
  std::vector<CapturedRtp> out;
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  auto le32 = [&](size_t at) {
    return uint32_t{p[at]} | uint32_t{p[at + 1]} << 8 | uint32_t{p[at + 2]} << 16 |
           uint32_t{p[at + 3]} << 24;
  };
  if (bytes.size() < 24 || le32(0) != 0xA1B2C3D4u || le32(20) != 1) return out;
  size_t at = 24;
  while (at + 16 <= bytes.size()) {
    const int64_t time = int64_t{le32(at)} * 1'000'000 + le32(at + 4);
    const size_t length = le32(at + 8);
    const size_t frame = at + 16;
    at = frame + length;
    if (at > bytes.size()) break;
    const size_t ip = frame + 14;
    const size_t udp = ip + 4 * (p[ip] & 0x0F);
    if (p[ip + 9] != 17 || udp + 8 > at) continue;
    const net::IpEndpoint from = net::IpEndpoint::Ipv4(
        {p[ip + 12], p[ip + 13], p[ip + 14], p[ip + 15]}, rtp::ReadU16(p + udp));
    out.push_back({time, from, std::vector<uint8_t>(p + udp + 8, p + at)});
  }
  return out;
}

void FeedCapture(PlainRtpLeg& leg, const std::vector<CapturedRtp>& packets) {
  const int64_t t0 = packets.front().time_us;
  for (const CapturedRtp& c : packets) leg.HandleRtp(c.rtp, c.from, kStart + c.time_us - t0);
  leg.OnTimer(kStart + packets.back().time_us - t0 + 1'000'000);
}

TEST_F(LegDtmfTest, SippCaptureOfAPinGivesEachDigitOnce) {
  const std::vector<CapturedRtp> packets =
      ReadPcap(testing::ReadFile(std::string(KONFERO_PLAIN_RTP_DATA) + "/pcmu_pin_1234hash.pcap"));
  ASSERT_GT(packets.size(), 100u);
  size_t audio_packets = 0;
  for (const CapturedRtp& c : packets) audio_packets += (c.rtp[1] & 0x7F) == 0;

  Make();  // PCMU + telephone-event 101, as sipp_uac_pin.sdp negotiates
  FeedCapture(*leg_, packets);
  EXPECT_EQ(owner_.DigitString(), "1234#");
  for (const testing::ReceivedDigit& d : owner_.digits) {
    EXPECT_EQ(d.source, Source::kRfc4733);
    EXPECT_EQ(d.duration_ms, 100);
  }
  EXPECT_EQ(owner_.audio.size(), audio_packets);
  EXPECT_EQ(leg_->stats().rtp_in, packets.size());
  EXPECT_EQ(leg_->stats().dropped_invalid, 0u);
  EXPECT_EQ(leg_->stats().latched, Ep("127.0.0.1", 6000));

  // In-band detection on too: the 700 Hz tone gives no digit of its own.
  owner_ = RecordingOwner{};
  Make(PcmuParams(), {.inband_dtmf = PlainRtpLegOptions::InbandDtmf::kOn});
  FeedCapture(*leg_, packets);
  EXPECT_EQ(owner_.DigitString(), "1234#");
}

}  // namespace
}  // namespace konfero::plain_rtp
