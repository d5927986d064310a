// plain_rtp_test_util.h: fixtures, a recording Owner and packet builders
// shared by the plain-RTP tests.
#ifndef KONFERO_TESTS_PLAIN_RTP_PLAIN_RTP_TEST_UTIL_H_
#define KONFERO_TESTS_PLAIN_RTP_PLAIN_RTP_TEST_UTIL_H_

#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "konfero/net/ip_endpoint.h"
#include "plain_rtp/plain_rtp_leg.h"
#include "rtp/rtp_packet.h"

namespace konfero::plain_rtp::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// tests/plain_rtp/fixtures/<name> (see its README.md).
inline std::string ReadFixture(const std::string& name) {
  return ReadFile(std::string(KONFERO_PLAIN_RTP_FIXTURES) + "/" + name);
}

inline net::IpEndpoint Ep(std::string_view address, uint16_t port) {
  return *net::IpEndpoint::Parse(address, port);
}

struct SentDatagram {
  Socket socket;
  std::vector<uint8_t> bytes;
  net::IpEndpoint to;
};

struct ReceivedDigit {
  char digit;
  int duration_ms;
  PlainRtpLeg::Owner::DtmfSource source;
};

class RecordingOwner : public PlainRtpLeg::Owner {
 public:
  void SendDatagram(Socket socket, absl::Span<const uint8_t> datagram,
                    const net::IpEndpoint& to) override {
    sent.push_back({socket, std::vector<uint8_t>(datagram.begin(), datagram.end()), to});
  }
  void OnAudioPacket(const audio::InputPacket& packet) override { audio.push_back(packet); }
  void OnDigit(char digit, int duration_ms, DtmfSource source) override {
    digits.push_back({digit, duration_ms, source});
  }
  void OnEnded(std::string_view reason) override { ended.emplace_back(reason); }

  std::string DigitString() const {
    std::string s;
    for (const ReceivedDigit& d : digits) s += d.digit;
    return s;
  }
  // The datagrams sent on `socket` that are RTP (not RTCP).
  std::vector<rtp::RtpPacketView> RtpSent() const {
    std::vector<rtp::RtpPacketView> out;
    for (const SentDatagram& d : sent) {
      if (d.bytes.size() >= 2 && d.bytes[1] >= 192 && d.bytes[1] <= 223) continue;
      if (auto p = rtp::RtpPacketView::Parse(d.bytes)) out.push_back(*p);
    }
    return out;
  }
  std::vector<const SentDatagram*> RtcpSent() const {
    std::vector<const SentDatagram*> out;
    for (const SentDatagram& d : sent) {
      if (d.bytes.size() >= 2 && d.bytes[1] >= 192 && d.bytes[1] <= 223) out.push_back(&d);
    }
    return out;
  }

  std::vector<SentDatagram> sent;
  std::vector<audio::InputPacket> audio;
  std::vector<ReceivedDigit> digits;
  std::vector<std::string> ended;
};

inline std::vector<uint8_t> Rtp(uint8_t payload_type, uint16_t sequence, uint32_t timestamp,
                                uint32_t ssrc, const std::vector<uint8_t>& payload,
                                bool marker = false) {
  std::vector<uint8_t> buffer(rtp::kRtpFixedHeaderSize + payload.size());
  rtp::RtpPacketWriter w(buffer, {.marker = marker,
                                  .payload_type = payload_type,
                                  .sequence_number = sequence,
                                  .timestamp = timestamp,
                                  .ssrc = ssrc});
  w.SetPayload(payload);
  buffer.resize(w.size());
  return buffer;
}

// n bytes counting up from `first` (mod 256), to follow bytes through re-chunking.
inline std::vector<uint8_t> Ramp(size_t n, uint8_t first) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(first + i);
  return v;
}

// A DTMF digit's two sines (ITU-T Q.23) at `rate` Hz, `ms` long, then `gap_ms` of silence.
inline std::vector<int16_t> DtmfTone(char digit, int rate, int ms, int gap_ms) {
  static constexpr char kKeys[] = "123A456B789C*0#D";
  static constexpr double kLow[] = {697, 770, 852, 941};
  static constexpr double kHigh[] = {1209, 1336, 1477, 1633};
  const int index = static_cast<int>(std::string_view(kKeys).find(digit));
  const double low = kLow[index / 4], high = kHigh[index % 4];
  std::vector<int16_t> pcm(static_cast<size_t>(rate * (ms + gap_ms) / 1000), 0);
  const int tone = rate * ms / 1000;
  for (int i = 0; i < tone; ++i) {
    const double t = static_cast<double>(i) / rate;
    pcm[static_cast<size_t>(i)] = static_cast<int16_t>(
        6000 * std::sin(2 * M_PI * low * t) + 6000 * std::sin(2 * M_PI * high * t));
  }
  return pcm;
}

// PlainRtpParams for a PCMU leg to 192.0.2.20:40000 (RTCP 40001), te 101.
inline PlainRtpParams PcmuParams() {
  PlainRtpParams p;
  p.codec = audio::Codec::kPcmu;
  p.payload_type = 0;
  p.telephone_event_pt = 101;
  p.remote_rtp = Ep("192.0.2.20", 40000);
  p.remote_rtcp = Ep("192.0.2.20", 40001);
  p.local_ssrc = 0x11223344;
  return p;
}

}  // namespace konfero::plain_rtp::testing

#endif  // KONFERO_TESTS_PLAIN_RTP_PLAIN_RTP_TEST_UTIL_H_
