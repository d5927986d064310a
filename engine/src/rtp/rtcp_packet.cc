// rtp/rtcp_packet.cc: compound RTCP dispatch.
#include "rtp/rtcp_packet.h"

#include "rtp/byte_io.h"

namespace konfero::rtp {
namespace {

template <typename T>
std::optional<RtcpPacket> As(const RtcpHeader& header) {
  auto value = T::Parse(header, header.body);
  if (!value) return std::nullopt;
  return RtcpPacket(std::move(*value));
}

// Transport-cc feedback expands runs of lost packets: a 36-byte packet can
// report 65535 results. Whatever a datagram holds, its feedback packets may
// report this many results in total; the rest are skipped.
constexpr size_t kMaxFeedbackResultsPerDatagram = 0xFFFF;

std::optional<RtcpPacket> ParseTransportFeedback(const RtcpHeader& header,
                                                 size_t& budget) {
  constexpr size_t kStatusCountOffset = 10;
  if (header.body.size() < kStatusCountOffset + 2) return std::nullopt;
  const size_t count = ReadU16(&header.body[kStatusCountOffset]);
  if (count > budget) return std::nullopt;
  budget -= count;
  return As<TransportFeedback>(header);
}

std::optional<RtcpPacket> Dispatch(const RtcpHeader& header, size_t& budget) {
  switch (header.packet_type) {
    case kRtcpSr:
      return As<SenderReport>(header);
    case kRtcpRr:
      return As<ReceiverReport>(header);
    case kRtcpSdes:
      return As<Sdes>(header);
    case kRtcpBye:
      return As<Bye>(header);
    case kRtcpRtpfb:
      if (header.count == Nack::kFormat) return As<Nack>(header);
      if (header.count == TransportFeedback::kFormat) {
        return ParseTransportFeedback(header, budget);
      }
      return std::nullopt;
    case kRtcpPsfb:
      if (header.count == Pli::kFormat) return As<Pli>(header);
      if (header.count == Fir::kFormat) return As<Fir>(header);
      if (header.count == Remb::kFormat) return As<Remb>(header);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::optional<RtcpPacket> ParseOne(std::span<const uint8_t> bytes, size_t& size,
                                   size_t& budget) {
  size = 0;
  auto header = ParseRtcpHeader(bytes);
  if (!header) return std::nullopt;
  size = header->packet_size;
  return Dispatch(*header, budget);
}

}  // namespace

std::optional<RtcpPacket> ParseOneRtcp(std::span<const uint8_t> bytes, size_t& size) {
  size_t budget = kMaxFeedbackResultsPerDatagram;
  return ParseOne(bytes, size, budget);
}

std::optional<RtcpCompound> ParseRtcp(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return std::nullopt;
  RtcpCompound compound;
  size_t budget = kMaxFeedbackResultsPerDatagram;
  while (!bytes.empty()) {
    size_t size = 0;
    auto packet = ParseOne(bytes, size, budget);
    if (size == 0) return std::nullopt;
    if (packet) {
      compound.packets.push_back(std::move(*packet));
    } else {
      ++compound.skipped;
    }
    bytes = bytes.subspan(size);
  }
  return compound;
}

size_t SerializedSize(const RtcpPacket& packet) {
  return std::visit([](const auto& p) { return p.SerializedSize(); }, packet);
}

size_t SerializeTo(const RtcpPacket& packet, std::span<uint8_t> out) {
  return std::visit([out](const auto& p) { return p.SerializeTo(out); }, packet);
}

size_t SerializedSize(std::span<const RtcpPacket> packets) {
  size_t size = 0;
  for (const auto& packet : packets) size += SerializedSize(packet);
  return size;
}

size_t SerializeRtcpTo(std::span<const RtcpPacket> packets, std::span<uint8_t> out) {
  size_t offset = 0;
  for (const auto& packet : packets) {
    const size_t written = SerializeTo(packet, out.subspan(offset));
    if (written == 0) return 0;
    offset += written;
  }
  return offset;
}

std::vector<uint8_t> SerializeRtcp(std::span<const RtcpPacket> packets) {
  std::vector<uint8_t> out(SerializedSize(packets));
  const size_t written = SerializeRtcpTo(packets, out);
  out.resize(written);
  return out;
}

}  // namespace konfero::rtp
