// rtp/rtcp_fixtures.h: RTCP packets built by hand from the RFC diagrams.
#ifndef KONFERO_TESTS_RTP_RTCP_FIXTURES_H_
#define KONFERO_TESTS_RTP_RTCP_FIXTURES_H_

#include <cstdint>
#include <vector>

#include "rtp/rtp_test_util.h"

namespace konfero::rtp::testing {

// SR, RC=1: SSRC 0x11223344, NTP 0xE54F0000.80000000, RTP 123456,
// 100 packets, 16000 octets; one block for 0x55667788: fraction 25/256,
// cumulative lost -2, highest 0x00011234, jitter 42, LSR 0xABCD, DLSR 1 s.
inline std::vector<uint8_t> SenderReportFixture() {
  return Bytes({
      0x81, 0xC8, 0x00, 0x0C,  // V=2 RC=1 PT=200 length 12 (52 bytes)
      0x11, 0x22, 0x33, 0x44,  // SSRC of sender
      0xE5, 0x4F, 0x00, 0x00,  // NTP MSW
      0x80, 0x00, 0x00, 0x00,  // NTP LSW
      0x00, 0x01, 0xE2, 0x40,  // RTP timestamp
      0x00, 0x00, 0x00, 0x64,  // packet count
      0x00, 0x00, 0x3E, 0x80,  // octet count
      0x55, 0x66, 0x77, 0x88,  // SSRC_1
      0x19, 0xFF, 0xFF, 0xFE,  // fraction lost | cumulative lost
      0x00, 0x01, 0x12, 0x34,  // extended highest sequence number
      0x00, 0x00, 0x00, 0x2A,  // jitter
      0x00, 0x00, 0xAB, 0xCD,  // LSR
      0x00, 0x01, 0x00, 0x00,  // DLSR
  });
}

// SDES, SC=1: CNAME "user@host1" for 0x11223344.
inline std::vector<uint8_t> SdesFixture() {
  return Bytes({
      0x81, 0xCA, 0x00, 0x05,  // V=2 SC=1 PT=202 length 5 (24 bytes)
      0x11, 0x22, 0x33, 0x44,  // SSRC
      0x01, 0x0A, 'u', 's',    // CNAME, 10 bytes
      'e', 'r', '@', 'h',      //
      'o', 's', 't', '1',      //
      0x00, 0x00, 0x00, 0x00,  // end of items, padding
  });
}

// Generic NACK from 0x11223344 about 0x55667788: PID 100, BLP 0x8005
// (lost: 100, 101, 103, 116).
inline std::vector<uint8_t> NackFixture() {
  return Bytes({
      0x81, 0xCD, 0x00, 0x03,  // V=2 FMT=1 PT=205 length 3 (16 bytes)
      0x11, 0x22, 0x33, 0x44,  // SSRC of packet sender
      0x55, 0x66, 0x77, 0x88,  // SSRC of media source
      0x00, 0x64, 0x80, 0x05,  // PID | BLP
  });
}

// Transport-wide cc feedback: base 100, 28 packets, reference time -2,
// feedback count 7:
//   100 small delta 4, 101 lost, 102 large delta -8, 103 small 255,
//   104 large 1000, 105-124 lost, 125-127 small 1, 2, 3.
inline std::vector<uint8_t> TransportFeedbackFixture() {
  return Bytes({
      0xAF, 0xCD, 0x00, 0x08,  // V=2 P=1 FMT=15 PT=205 length 8 (36 bytes)
      0x11, 0x22, 0x33, 0x44,  // SSRC of packet sender
      0x55, 0x66, 0x77, 0x88,  // SSRC of media source
      0x00, 0x64, 0x00, 0x1C,  // base sequence 100 | status count 28
      0xFF, 0xFF, 0xFE, 0x07,  // reference time -2 | fb pkt count 7
      0xD2, 0x60,              // 2-bit vector: 01 00 10 01 10 00 00
      0x00, 0x12,              // run length: 18 x not received
      0xB8, 0x00,              // 1-bit vector: 1 1 1 (then unused zeros)
      0x04,                    // 100: 4 ticks
      0xFF, 0xF8,              // 102: -8 ticks
      0xFF,                    // 103: 255 ticks
      0x03, 0xE8,              // 104: 1000 ticks
      0x01, 0x02, 0x03,        // 125, 126, 127
      0x01,                    // one byte of RTCP padding
  });
}

}  // namespace konfero::rtp::testing

#endif  // KONFERO_TESTS_RTP_RTCP_FIXTURES_H_
