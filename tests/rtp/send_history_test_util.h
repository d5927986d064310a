// rtp/send_history_test_util.h: RTP packets for the send-history and
// NACK-responder tests, each recognisable by its bytes.
#ifndef KONFERO_TESTS_RTP_SEND_HISTORY_TEST_UTIL_H_
#define KONFERO_TESTS_RTP_SEND_HISTORY_TEST_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "rtp/rtp_packet.h"

namespace konfero::rtp::testing {

inline constexpr uint32_t kMediaSsrc = 0x11223344;
inline constexpr uint8_t kMediaPayloadType = 96;

// A packet of exactly `size` bytes (at least 12) on kMediaSsrc whose
// timestamp and payload bytes derive from the sequence number.
inline std::vector<uint8_t> MakePacket(uint16_t sequence_number, size_t size = 200) {
  std::vector<uint8_t> buffer(size);
  RtpPacketWriter writer(buffer, {.marker = (sequence_number % 3) == 0,
                                  .payload_type = kMediaPayloadType,
                                  .sequence_number = sequence_number,
                                  .timestamp = 90u * sequence_number,
                                  .ssrc = kMediaSsrc});
  std::vector<uint8_t> payload(size - kRtpFixedHeaderSize);
  for (size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<uint8_t>(sequence_number * 7 + i);
  }
  writer.SetPayload(payload);
  buffer.resize(writer.size());
  return buffer;
}

inline std::vector<uint8_t> Copy(std::span<const uint8_t> bytes) {
  return {bytes.begin(), bytes.end()};
}

}  // namespace konfero::rtp::testing

#endif  // KONFERO_TESTS_RTP_SEND_HISTORY_TEST_UTIL_H_
