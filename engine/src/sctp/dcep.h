// sctp/dcep.h: the WebRTC Data Channel Establishment Protocol (RFC 8832)
// messages, parsed from and serialized to bytes; no I/O.
//
// DATA_CHANNEL_OPEN (section 5.1), carried with PPID 50:
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  Message Type |  Channel Type |            Priority           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                    Reliability Parameter                      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |         Label Length          |       Protocol Length         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   \                    Label (Label Length bytes)                 /
//   \                 Protocol (Protocol Length bytes)              /
//
// DATA_CHANNEL_ACK (section 5.2) is the single byte 0x02.
//
// Parsing is strict: unknown message or channel types, truncated fields and
// trailing bytes are rejected, so every accepted message serializes back to
// the very same bytes.
//
//   if (auto open = DcepOpen::Parse(payload)) { ... open->ToOptions() ... }
//   std::vector<uint8_t> ack = SerializeDcepAck();
//
// Thread contract: pure functions and values, safe from any thread.
#ifndef KONFERO_SCTP_DCEP_H_
#define KONFERO_SCTP_DCEP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "sctp/data_channel.h"

namespace konfero::sctp {

enum class DcepMessageType : uint8_t { kAck = 0x02, kOpen = 0x03 };

// RFC 8832 section 8.2.2.
enum class DcepChannelType : uint8_t {
  kReliable = 0x00,
  kReliableUnordered = 0x80,
  kPartialReliableRexmit = 0x01,
  kPartialReliableRexmitUnordered = 0x81,
  kPartialReliableTimed = 0x02,
  kPartialReliableTimedUnordered = 0x82,
};

struct DcepOpen {
  static constexpr size_t kHeaderSize = 12;

  DcepChannelType channel_type = DcepChannelType::kReliable;
  uint16_t priority = 0;
  // Retransmissions or lifetime in ms; ignored (sent as 0) when reliable.
  uint32_t reliability_parameter = 0;
  std::string label;
  std::string protocol;

  // nullopt unless `bytes` is exactly one well-formed OPEN message.
  static std::optional<DcepOpen> Parse(absl::Span<const uint8_t> bytes);
  std::vector<uint8_t> Serialize() const;

  // The OPEN announcing a channel with these options. InvalidArgument when
  // label or protocol exceed 65535 bytes or both reliability limits are set.
  static absl::StatusOr<DcepOpen> FromOptions(std::string_view label,
                                              std::string_view protocol,
                                              const DataChannelOptions& options);
  DataChannelOptions ToOptions() const;

  bool operator==(const DcepOpen&) const = default;
};

// The message type of a DCEP payload, if it is one we know.
std::optional<DcepMessageType> PeekDcepType(absl::Span<const uint8_t> bytes);

// True when `bytes` is exactly a DATA_CHANNEL_ACK.
bool IsDcepAck(absl::Span<const uint8_t> bytes);
std::vector<uint8_t> SerializeDcepAck();

}  // namespace konfero::sctp

#endif  // KONFERO_SCTP_DCEP_H_
