// rtp/rtx.cc: RFC 4588 wrapping and unwrapping.
#include "rtp/rtx.h"

#include <cstring>

#include "rtp/byte_io.h"

namespace konfero::rtp {
namespace {

// Copies the header of `in` to `out` without the padding bit and with a new
// payload type, sequence number and SSRC.
void CopyHeader(const RtpPacketView& in, uint8_t payload_type, uint16_t sequence_number,
                uint32_t ssrc, uint8_t* out) {
  std::memcpy(out, in.bytes().data(), in.header_size());
  out[0] &= static_cast<uint8_t>(~0x20);
  out[1] = static_cast<uint8_t>((out[1] & 0x80) | (payload_type & 0x7F));
  WriteU16(out + 2, sequence_number);
  WriteU32(out + 8, ssrc);
}

}  // namespace

std::optional<size_t> WrapRtx(const RtpPacketView& original, const RtxStream& rtx,
                              uint16_t rtx_sequence_number, std::span<uint8_t> out) {
  const size_t header = original.header_size();
  const auto payload = original.payload();
  const size_t size = header + 2 + payload.size();
  if (out.size() < size) return std::nullopt;
  CopyHeader(original, rtx.payload_type, rtx_sequence_number, rtx.ssrc, out.data());
  WriteU16(&out[header], original.sequence_number());
  if (!payload.empty()) std::memcpy(&out[header + 2], payload.data(), payload.size());
  return size;
}

std::optional<size_t> UnwrapRtx(const RtpPacketView& rtx, const RtxStream& original,
                                std::span<uint8_t> out) {
  const auto payload = rtx.payload();
  if (payload.size() < 2) return std::nullopt;
  const size_t header = rtx.header_size();
  const size_t size = header + payload.size() - 2;
  if (out.size() < size) return std::nullopt;
  CopyHeader(rtx, original.payload_type, ReadU16(payload.data()), original.ssrc,
             out.data());
  if (payload.size() > 2) std::memcpy(&out[header], payload.data() + 2, payload.size() - 2);
  return size;
}

}  // namespace konfero::rtp
