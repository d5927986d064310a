// The phone PIN from a real capture: data/pcmu_pin_1234hash.pcap, copied from
// the sipp test peer (shared/peers/sip/make_rtp_pcap.py): one SSRC, 1 s of a
// 700 Hz PCMU tone (PT 0), the digits 1234# as RFC 4733 telephone-events (PT
// 101, 100 ms each, end packet three times, 100 ms of tone between them),
// then 1 s of tone. Ethernet/IPv4/UDP, 127.0.0.1:6000 -> 6002.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "audio/g711.h"
#include "dtmf/dtmf_receiver.h"
#include "dtmf/inband_detector.h"
#include "dtmf/pcap_reader.h"
#include "dtmf/telephone_event.h"
#include "rtp/rtp_packet.h"

namespace konfero::dtmf {
namespace {

constexpr uint8_t kPcmuPt = 0;
constexpr uint8_t kTelephoneEventPt = 101;

std::vector<testing::UdpDatagram> ReadCapture() {
  auto datagrams =
      testing::ReadPcapUdp(std::string(KONFERO_DTMF_TEST_DATA) + "/pcmu_pin_1234hash.pcap");
  EXPECT_TRUE(datagrams.has_value());
  return datagrams.value_or(std::vector<testing::UdpDatagram>{});
}

TEST(PcapCaptureTest, ReadsTheRtpStream) {
  std::vector<testing::UdpDatagram> datagrams = ReadCapture();
  ASSERT_GT(datagrams.size(), 100u);
  size_t pcmu = 0, events = 0;
  for (const auto& d : datagrams) {
    EXPECT_EQ(d.source_port, 6000);
    EXPECT_EQ(d.destination_port, 6002);
    auto rtp = rtp::RtpPacketView::Parse(d.payload);
    ASSERT_TRUE(rtp.has_value());
    EXPECT_EQ(rtp->ssrc(), 0x1234ABCDu);
    if (rtp->payload_type() == kPcmuPt) {
      EXPECT_EQ(rtp->payload().size(), 160u);
      ++pcmu;
    } else if (rtp->payload_type() == kTelephoneEventPt) {
      EXPECT_EQ(rtp->payload().size(), kTelephoneEventSize);
      ++events;
    }
  }
  EXPECT_EQ(pcmu + events, datagrams.size());
  EXPECT_EQ(events, 5u * (5 + 3));  // per digit: five updates, three ends
}

TEST(PcapCaptureTest, TelephoneEventsGiveThePin) {
  DtmfEventReceiver receiver(8000);
  std::string pin;
  std::vector<int> durations;
  for (const auto& d : ReadCapture()) {
    auto rtp = rtp::RtpPacketView::Parse(d.payload);
    ASSERT_TRUE(rtp.has_value());
    if (rtp->payload_type() != kTelephoneEventPt) continue;
    auto event = ParseTelephoneEvent(rtp->payload());
    ASSERT_TRUE(event.has_value());
    if (auto digit = receiver.OnPacket(rtp->timestamp(), *event)) {
      pin.push_back(digit->digit);
      durations.push_back(digit->duration_ms);
    }
  }
  EXPECT_FALSE(receiver.Flush().has_value());
  EXPECT_EQ(pin, "1234#");
  EXPECT_EQ(durations, (std::vector<int>{100, 100, 100, 100, 100}));
}

TEST(PcapCaptureTest, PcmuToneHasNoInbandDigit) {
  auto detector = InbandDtmfDetector::Create();
  ASSERT_TRUE(detector.ok());
  std::string digits;
  size_t samples = 0;
  int16_t pcm[160];
  for (const auto& d : ReadCapture()) {
    auto rtp = rtp::RtpPacketView::Parse(d.payload);
    ASSERT_TRUE(rtp.has_value());
    if (rtp->payload_type() != kPcmuPt) continue;
    ASSERT_LE(rtp->payload().size(), std::size(pcm));
    audio::g711::DecodeMuLaw(rtp->payload().data(), pcm, rtp->payload().size());
    (*detector)->Process(absl::MakeConstSpan(pcm, rtp->payload().size()),
                         [&](char c) { digits.push_back(c); });
    samples += rtp->payload().size();
  }
  EXPECT_GT(samples, 2u * 8000);  // more than 2 s of tone
  EXPECT_EQ(digits, "");
}

TEST(PcapReaderTest, RejectsWhatIsNotAClassicPcap) {
  EXPECT_FALSE(testing::ParsePcapUdp({}).has_value());
  EXPECT_FALSE(testing::ParsePcapUdp(std::vector<uint8_t>(24, 0)).has_value());
  EXPECT_FALSE(testing::ReadPcapUdp("/nonexistent/capture.pcap").has_value());
}

TEST(PcapReaderTest, RejectsATruncatedRecord) {
  std::vector<uint8_t> file;
  {
    std::ifstream in(std::string(KONFERO_DTMF_TEST_DATA) + "/pcmu_pin_1234hash.pcap",
                     std::ios::binary);
    file.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(file.size(), 100u);
  ASSERT_TRUE(testing::ParsePcapUdp(file).has_value());
  file.pop_back();
  EXPECT_FALSE(testing::ParsePcapUdp(file).has_value());
}

}  // namespace
}  // namespace konfero::dtmf
