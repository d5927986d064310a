// rtp/rtcp_feedback.cc: generic NACK, PLI, FIR and REMB.
#include "rtp/rtcp_feedback.h"

#include "rtp/byte_io.h"

namespace konfero::rtp {
namespace {

constexpr size_t kCommonFeedbackSize = 8;  // sender and media SSRC
constexpr uint32_t kRembIdentifier = 0x52454D42;  // 'R' 'E' 'M' 'B'

// Writes the header and the two SSRCs; false if the packet cannot be.
bool WriteFeedbackHeader(std::span<uint8_t> out, size_t size, uint8_t format,
                         uint8_t packet_type, uint32_t sender_ssrc, uint32_t media_ssrc) {
  if (size > kRtcpMaxPacketSize || out.size() < size) return false;
  WriteRtcpHeader(out.data(), format, packet_type, size);
  WriteU32(&out[4], sender_ssrc);
  WriteU32(&out[8], media_ssrc);
  return true;
}

}  // namespace

// --- NACK -------------------------------------------------------------------

std::optional<Nack> Nack::Parse(const RtcpHeader&, std::span<const uint8_t> body) {
  if (body.size() < kCommonFeedbackSize) return std::nullopt;
  Nack nack;
  nack.sender_ssrc = ReadU32(&body[0]);
  nack.media_ssrc = ReadU32(&body[4]);
  for (size_t offset = kCommonFeedbackSize; body.size() - offset >= 4; offset += 4) {
    const uint16_t pid = ReadU16(&body[offset]);
    const uint16_t blp = ReadU16(&body[offset + 2]);
    nack.sequence_numbers.push_back(pid);
    for (int bit = 0; bit < 16; ++bit) {
      if ((blp >> bit) & 1) {
        nack.sequence_numbers.push_back(static_cast<uint16_t>(pid + bit + 1));
      }
    }
  }
  return nack;
}

namespace {
// Calls emit(pid, blp) for each FCI entry of the greedy encoding; returns
// the number of entries.
template <typename Emit>
size_t EncodeNack(const std::vector<uint16_t>& sequence_numbers, Emit emit) {
  size_t entries = 0;
  size_t i = 0;
  while (i < sequence_numbers.size()) {
    const uint16_t pid = sequence_numbers[i++];
    uint16_t blp = 0;
    int last = 0;
    while (i < sequence_numbers.size()) {
      const int diff = static_cast<uint16_t>(sequence_numbers[i] - pid);
      if (diff <= last || diff > 16) break;
      blp = static_cast<uint16_t>(blp | (1u << (diff - 1)));
      last = diff;
      ++i;
    }
    emit(pid, blp);
    ++entries;
  }
  return entries;
}
}  // namespace

size_t Nack::SerializedSize() const {
  return kRtcpHeaderSize + kCommonFeedbackSize +
         4 * EncodeNack(sequence_numbers, [](uint16_t, uint16_t) {});
}

size_t Nack::SerializeTo(std::span<uint8_t> out) const {
  const size_t size = SerializedSize();
  if (!WriteFeedbackHeader(out, size, kFormat, kPacketType, sender_ssrc, media_ssrc)) {
    return 0;
  }
  uint8_t* p = &out[kRtcpHeaderSize + kCommonFeedbackSize];
  EncodeNack(sequence_numbers, [&p](uint16_t pid, uint16_t blp) {
    WriteU16(p, pid);
    WriteU16(p + 2, blp);
    p += 4;
  });
  return size;
}

// --- PLI --------------------------------------------------------------------

std::optional<Pli> Pli::Parse(const RtcpHeader&, std::span<const uint8_t> body) {
  if (body.size() < kCommonFeedbackSize) return std::nullopt;
  return Pli{ReadU32(&body[0]), ReadU32(&body[4])};
}

size_t Pli::SerializeTo(std::span<uint8_t> out) const {
  const size_t size = SerializedSize();
  return WriteFeedbackHeader(out, size, kFormat, kPacketType, sender_ssrc, media_ssrc)
             ? size
             : 0;
}

// --- FIR --------------------------------------------------------------------

std::optional<Fir> Fir::Parse(const RtcpHeader&, std::span<const uint8_t> body) {
  if (body.size() < kCommonFeedbackSize) return std::nullopt;
  Fir fir;
  fir.sender_ssrc = ReadU32(&body[0]);
  // The media SSRC is unused (RFC 5104 4.3.1.2: SHALL be 0).
  for (size_t offset = kCommonFeedbackSize; body.size() - offset >= 8; offset += 8) {
    fir.entries.push_back({ReadU32(&body[offset]), body[offset + 4]});
  }
  return fir;
}

size_t Fir::SerializeTo(std::span<uint8_t> out) const {
  const size_t size = SerializedSize();
  if (!WriteFeedbackHeader(out, size, kFormat, kPacketType, sender_ssrc, 0)) return 0;
  uint8_t* p = &out[kRtcpHeaderSize + kCommonFeedbackSize];
  for (const auto& entry : entries) {
    WriteU32(p, entry.ssrc);
    WriteU32(p + 4, uint32_t{entry.sequence_number} << 24);
    p += 8;
  }
  return size;
}

// --- REMB -------------------------------------------------------------------

std::optional<Remb> Remb::Parse(const RtcpHeader&, std::span<const uint8_t> body) {
  if (body.size() < kCommonFeedbackSize + 8) return std::nullopt;
  if (ReadU32(&body[8]) != kRembIdentifier) return std::nullopt;
  const size_t count = body[12];
  const unsigned exponent = body[13] >> 2;
  const uint64_t mantissa = ReadU24(&body[13]) & 0x3FFFF;
  if (body.size() - 16 < 4 * count) return std::nullopt;
  // mantissa << exponent must not lose bits.
  if (exponent > 46 && (mantissa >> (64 - exponent)) != 0) return std::nullopt;
  Remb remb;
  remb.sender_ssrc = ReadU32(&body[0]);
  remb.bitrate_bps = mantissa << exponent;
  remb.ssrcs.reserve(count);
  for (size_t i = 0; i < count; ++i) remb.ssrcs.push_back(ReadU32(&body[16 + 4 * i]));
  return remb;
}

size_t Remb::SerializeTo(std::span<uint8_t> out) const {
  const size_t size = SerializedSize();
  if (ssrcs.size() > 255 ||
      !WriteFeedbackHeader(out, size, kFormat, kPacketType, sender_ssrc, 0)) {
    return 0;
  }
  unsigned exponent = 0;
  while ((bitrate_bps >> exponent) > 0x3FFFF) ++exponent;
  const auto mantissa = static_cast<uint32_t>(bitrate_bps >> exponent);
  uint8_t* p = out.data();
  WriteU32(p + 12, kRembIdentifier);
  p[16] = static_cast<uint8_t>(ssrcs.size());
  WriteU24(p + 17, (exponent << 18) | mantissa);
  for (size_t i = 0; i < ssrcs.size(); ++i) WriteU32(p + 20 + 4 * i, ssrcs[i]);
  return size;
}

}  // namespace konfero::rtp
