// sctp/dcep.cc: RFC 8832 DATA_CHANNEL_OPEN / DATA_CHANNEL_ACK codec.
#include "sctp/dcep.h"

#include <algorithm>
#include <cstddef>
#include <limits>

#include "absl/status/status.h"

namespace konfero::sctp {
namespace {

uint16_t ReadU16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t ReadU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
void AppendU16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void AppendU32(std::vector<uint8_t>& out, uint32_t v) {
  AppendU16(out, static_cast<uint16_t>(v >> 16));
  AppendU16(out, static_cast<uint16_t>(v));
}

bool IsKnownChannelType(uint8_t t) {
  switch (static_cast<DcepChannelType>(t)) {
    case DcepChannelType::kReliable:
    case DcepChannelType::kReliableUnordered:
    case DcepChannelType::kPartialReliableRexmit:
    case DcepChannelType::kPartialReliableRexmitUnordered:
    case DcepChannelType::kPartialReliableTimed:
    case DcepChannelType::kPartialReliableTimedUnordered:
      return true;
  }
  return false;
}

constexpr uint8_t kUnorderedBit = 0x80;

}  // namespace

std::optional<DcepMessageType> PeekDcepType(absl::Span<const uint8_t> bytes) {
  if (bytes.empty()) return std::nullopt;
  switch (static_cast<DcepMessageType>(bytes[0])) {
    case DcepMessageType::kAck:
    case DcepMessageType::kOpen:
      return static_cast<DcepMessageType>(bytes[0]);
  }
  return std::nullopt;
}

bool IsDcepAck(absl::Span<const uint8_t> bytes) {
  return bytes.size() == 1 && bytes[0] == static_cast<uint8_t>(DcepMessageType::kAck);
}

std::vector<uint8_t> SerializeDcepAck() {
  return {static_cast<uint8_t>(DcepMessageType::kAck)};
}

std::optional<DcepOpen> DcepOpen::Parse(absl::Span<const uint8_t> bytes) {
  if (bytes.size() < kHeaderSize) return std::nullopt;
  const uint8_t* p = bytes.data();
  if (p[0] != static_cast<uint8_t>(DcepMessageType::kOpen)) return std::nullopt;
  if (!IsKnownChannelType(p[1])) return std::nullopt;
  const size_t label_length = ReadU16(p + 8);
  const size_t protocol_length = ReadU16(p + 10);
  if (bytes.size() != kHeaderSize + label_length + protocol_length) return std::nullopt;
  DcepOpen open;
  open.channel_type = static_cast<DcepChannelType>(p[1]);
  open.priority = ReadU16(p + 2);
  open.reliability_parameter = ReadU32(p + 4);
  const char* text = reinterpret_cast<const char*>(p + kHeaderSize);
  open.label.assign(text, label_length);
  open.protocol.assign(text + label_length, protocol_length);
  return open;
}

std::vector<uint8_t> DcepOpen::Serialize() const {
  // FromOptions and Parse keep both strings within 16 bits; a hand-built
  // value that does not is truncated rather than written inconsistently.
  constexpr size_t kMax = std::numeric_limits<uint16_t>::max();
  const size_t label_length = std::min(label.size(), kMax);
  const size_t protocol_length = std::min(protocol.size(), kMax);
  std::vector<uint8_t> out;
  out.reserve(kHeaderSize + label_length + protocol_length);
  out.push_back(static_cast<uint8_t>(DcepMessageType::kOpen));
  out.push_back(static_cast<uint8_t>(channel_type));
  AppendU16(out, priority);
  AppendU32(out, reliability_parameter);
  AppendU16(out, static_cast<uint16_t>(label_length));
  AppendU16(out, static_cast<uint16_t>(protocol_length));
  out.insert(out.end(), label.begin(), label.begin() + static_cast<std::ptrdiff_t>(label_length));
  out.insert(out.end(), protocol.begin(),
             protocol.begin() + static_cast<std::ptrdiff_t>(protocol_length));
  return out;
}

absl::StatusOr<DcepOpen> DcepOpen::FromOptions(std::string_view label,
                                               std::string_view protocol,
                                               const DataChannelOptions& options) {
  constexpr size_t kMax = std::numeric_limits<uint16_t>::max();
  if (label.size() > kMax || protocol.size() > kMax) {
    return absl::InvalidArgumentError("DCEP label and protocol are limited to 65535 bytes");
  }
  if (options.max_retransmits && options.max_packet_lifetime_ms) {
    return absl::InvalidArgumentError(
        "set at most one of max_retransmits and max_packet_lifetime_ms");
  }
  DcepOpen open;
  uint8_t type = static_cast<uint8_t>(DcepChannelType::kReliable);
  if (options.max_retransmits) {
    type = static_cast<uint8_t>(DcepChannelType::kPartialReliableRexmit);
    open.reliability_parameter = *options.max_retransmits;
  } else if (options.max_packet_lifetime_ms) {
    type = static_cast<uint8_t>(DcepChannelType::kPartialReliableTimed);
    open.reliability_parameter = *options.max_packet_lifetime_ms;
  }
  if (!options.ordered) type |= kUnorderedBit;
  open.channel_type = static_cast<DcepChannelType>(type);
  open.priority = options.priority;
  open.label = std::string(label);
  open.protocol = std::string(protocol);
  return open;
}

DataChannelOptions DcepOpen::ToOptions() const {
  DataChannelOptions options;
  const uint8_t type = static_cast<uint8_t>(channel_type);
  options.ordered = (type & kUnorderedBit) == 0;
  options.priority = priority;
  switch (type & ~kUnorderedBit) {
    case static_cast<uint8_t>(DcepChannelType::kPartialReliableRexmit):
      // SCTP counts retransmissions in 16 bits here; larger is "reliable
      // for all practical purposes", so saturate.
      options.max_retransmits = static_cast<uint16_t>(
          std::min<uint32_t>(reliability_parameter, std::numeric_limits<uint16_t>::max()));
      break;
    case static_cast<uint8_t>(DcepChannelType::kPartialReliableTimed):
      options.max_packet_lifetime_ms = reliability_parameter;
      break;
    default:
      break;
  }
  return options;
}

}  // namespace konfero::sctp
