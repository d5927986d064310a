// rtp/rtcp_transport_feedback.cc: transport-wide cc feedback chunks and
// deltas.
#include "rtp/rtcp_transport_feedback.h"

#include <algorithm>
#include <cstring>

#include "rtp/byte_io.h"

namespace konfero::rtp {
namespace {

constexpr size_t kFixedSize = 16;  // SSRCs, base, count, reference time, fb count
constexpr uint8_t kNotReceived = 0;
constexpr uint8_t kSmallDelta = 1;
constexpr uint8_t kLargeDelta = 2;
constexpr uint8_t kReserved = 3;
constexpr size_t kMaxRunLength = 0x1FFF;
constexpr size_t kOneBitSymbols = 14;
constexpr size_t kTwoBitSymbols = 7;

size_t RoundUp4(size_t n) { return (n + 3) & ~size_t{3}; }

uint8_t SymbolOf(const TransportFeedback::PacketResult& packet) {
  if (!packet.received) return kNotReceived;
  if (packet.delta_ticks >= 0 && packet.delta_ticks <= 0xFF) return kSmallDelta;
  if (packet.delta_ticks >= -0x8000 && packet.delta_ticks <= 0x7FFF) return kLargeDelta;
  return kReserved;  // not encodable
}

// Greedy chunking: a run of 14 or more equal symbols is a run-length chunk;
// else 14 symbols without large deltas are a one-bit vector; else a run of
// 7 or more is a run-length chunk; else a two-bit vector of 7. Calls
// emit(chunk) for each chunk; returns the number of chunks.
template <typename Emit>
size_t EncodeChunks(const std::vector<TransportFeedback::PacketResult>& packets,
                    Emit emit) {
  const size_t n = packets.size();
  size_t chunks = 0;
  size_t i = 0;
  while (i < n) {
    const uint8_t first = SymbolOf(packets[i]);
    size_t run = 1;
    while (i + run < n && run < kMaxRunLength && SymbolOf(packets[i + run]) == first) {
      ++run;
    }
    const size_t one_bit = std::min(kOneBitSymbols, n - i);
    bool fits_one_bit = true;
    for (size_t k = i; k < i + one_bit; ++k) fits_one_bit &= SymbolOf(packets[k]) <= 1;
    uint16_t chunk;
    if (run >= kOneBitSymbols || (!fits_one_bit && run >= kTwoBitSymbols)) {
      chunk = static_cast<uint16_t>((first << 13) | run);
      i += run;
    } else if (fits_one_bit) {
      chunk = 0x8000;
      for (size_t k = 0; k < one_bit; ++k) {
        chunk = static_cast<uint16_t>(chunk | (SymbolOf(packets[i + k]) << (13 - k)));
      }
      i += one_bit;
    } else {
      const size_t two_bit = std::min(kTwoBitSymbols, n - i);
      chunk = 0xC000;
      for (size_t k = 0; k < two_bit; ++k) {
        chunk = static_cast<uint16_t>(chunk | (SymbolOf(packets[i + k]) << (12 - 2 * k)));
      }
      i += two_bit;
    }
    emit(chunk);
    ++chunks;
  }
  return chunks;
}

size_t DeltasSize(const std::vector<TransportFeedback::PacketResult>& packets) {
  size_t size = 0;
  for (const auto& packet : packets) {
    const uint8_t symbol = SymbolOf(packet);
    size += symbol == kSmallDelta ? 1 : symbol == kLargeDelta ? 2 : 0;
  }
  return size;
}

size_t UnpaddedSize(const TransportFeedback& feedback) {
  return kRtcpHeaderSize + kFixedSize +
         2 * EncodeChunks(feedback.packets, [](uint16_t) {}) + DeltasSize(feedback.packets);
}

}  // namespace

std::optional<TransportFeedback> TransportFeedback::Parse(const RtcpHeader&,
                                                          std::span<const uint8_t> body) {
  if (body.size() < kFixedSize) return std::nullopt;
  TransportFeedback feedback;
  feedback.sender_ssrc = ReadU32(&body[0]);
  feedback.media_ssrc = ReadU32(&body[4]);
  feedback.base_sequence = ReadU16(&body[8]);
  const size_t count = ReadU16(&body[10]);
  if (count == 0) return std::nullopt;
  feedback.reference_time = static_cast<int32_t>(ReadU24(&body[12]) ^ 0x800000u) - 0x800000;
  feedback.feedback_count = body[15];

  // Status symbols first, kept in `received` and `delta_ticks` (as the
  // symbol) until the deltas are read.
  auto& packets = feedback.packets;
  size_t offset = kFixedSize;
  while (packets.size() < count) {
    if (body.size() - offset < 2) return std::nullopt;
    const uint16_t chunk = ReadU16(&body[offset]);
    offset += 2;
    const size_t left = count - packets.size();
    auto add = [&packets, &feedback](uint8_t symbol) {
      const auto seq = static_cast<uint16_t>(feedback.base_sequence + packets.size());
      packets.push_back({seq, symbol != kNotReceived, symbol});
    };
    if ((chunk & 0x8000) == 0) {
      const auto symbol = static_cast<uint8_t>((chunk >> 13) & 3);
      if (symbol == kReserved) return std::nullopt;
      const size_t run = std::min<size_t>(chunk & kMaxRunLength, left);
      for (size_t k = 0; k < run; ++k) add(symbol);
    } else if ((chunk & 0x4000) == 0) {
      for (size_t k = 0; k < std::min(kOneBitSymbols, left); ++k) {
        add(static_cast<uint8_t>((chunk >> (13 - k)) & 1));
      }
    } else {
      for (size_t k = 0; k < std::min(kTwoBitSymbols, left); ++k) {
        const auto symbol = static_cast<uint8_t>((chunk >> (12 - 2 * k)) & 3);
        if (symbol == kReserved) return std::nullopt;
        add(symbol);
      }
    }
  }

  for (auto& packet : packets) {
    if (packet.delta_ticks == kSmallDelta) {
      if (body.size() - offset < 1) return std::nullopt;
      packet.delta_ticks = body[offset];
      offset += 1;
    } else if (packet.delta_ticks == kLargeDelta) {
      if (body.size() - offset < 2) return std::nullopt;
      packet.delta_ticks = static_cast<int16_t>(ReadU16(&body[offset]));
      offset += 2;
    }
  }
  return feedback;
}

size_t TransportFeedback::SerializedSize() const { return RoundUp4(UnpaddedSize(*this)); }

size_t TransportFeedback::SerializeTo(std::span<uint8_t> out) const {
  if (packets.empty() || packets.size() > 0xFFFF || reference_time < -0x800000 ||
      reference_time > 0x7FFFFF) {
    return 0;
  }
  for (size_t i = 0; i < packets.size(); ++i) {
    if (packets[i].sequence_number != static_cast<uint16_t>(base_sequence + i) ||
        SymbolOf(packets[i]) == kReserved) {
      return 0;
    }
  }
  const size_t unpadded = UnpaddedSize(*this);
  const size_t size = RoundUp4(unpadded);
  if (size > kRtcpMaxPacketSize || out.size() < size) return 0;

  uint8_t* p = out.data();
  WriteRtcpHeader(p, kFormat, kPacketType, size);
  WriteU32(p + 4, sender_ssrc);
  WriteU32(p + 8, media_ssrc);
  WriteU16(p + 12, base_sequence);
  WriteU16(p + 14, static_cast<uint16_t>(packets.size()));
  WriteU24(p + 16, static_cast<uint32_t>(reference_time) & 0xFFFFFF);
  p[19] = feedback_count;
  size_t offset = kRtcpHeaderSize + kFixedSize;
  EncodeChunks(packets, [p, &offset](uint16_t chunk) {
    WriteU16(p + offset, chunk);
    offset += 2;
  });
  for (const auto& packet : packets) {
    const uint8_t symbol = SymbolOf(packet);
    if (symbol == kSmallDelta) {
      p[offset++] = static_cast<uint8_t>(packet.delta_ticks);
    } else if (symbol == kLargeDelta) {
      WriteU16(p + offset, static_cast<uint16_t>(static_cast<int16_t>(packet.delta_ticks)));
      offset += 2;
    }
  }
  const size_t padding = size - unpadded;
  if (padding > 0) {
    std::memset(p + offset, 0, padding - 1);
    p[size - 1] = static_cast<uint8_t>(padding);
    p[0] |= 0x20;
  }
  return size;
}

}  // namespace konfero::rtp
