// rtp/rtcp_reports.cc: SR, RR, SDES and BYE.
#include "rtp/rtcp_reports.h"

#include <algorithm>
#include <cstring>

#include "rtp/byte_io.h"

namespace konfero::rtp {
namespace {

constexpr size_t kSenderInfoSize = 24;  // SSRC + 20 bytes of sender info

size_t RoundUp4(size_t n) { return (n + 3) & ~size_t{3}; }

std::vector<ReportBlock> ParseReportBlocks(const uint8_t* p, size_t count) {
  std::vector<ReportBlock> blocks(count);
  for (auto& block : blocks) {
    block.ssrc = ReadU32(p);
    block.fraction_lost = p[4];
    const uint32_t lost = ReadU24(p + 5);
    // Sign-extend the 24-bit two's complement value.
    block.cumulative_lost = static_cast<int32_t>(lost ^ 0x800000u) - 0x800000;
    block.extended_highest_sequence = ReadU32(p + 8);
    block.jitter = ReadU32(p + 12);
    block.last_sr = ReadU32(p + 16);
    block.delay_since_last_sr = ReadU32(p + 20);
    p += ReportBlock::kSize;
  }
  return blocks;
}

void WriteReportBlocks(const std::vector<ReportBlock>& blocks, uint8_t* p) {
  for (const auto& block : blocks) {
    WriteU32(p, block.ssrc);
    p[4] = block.fraction_lost;
    const int32_t lost = std::clamp(block.cumulative_lost, -0x800000, 0x7FFFFF);
    WriteU24(p + 5, static_cast<uint32_t>(lost) & 0xFFFFFF);
    WriteU32(p + 8, block.extended_highest_sequence);
    WriteU32(p + 12, block.jitter);
    WriteU32(p + 16, block.last_sr);
    WriteU32(p + 20, block.delay_since_last_sr);
    p += ReportBlock::kSize;
  }
}

// The common checks of SerializeTo: fits `out`, and a length and count the
// header can express.
bool CanWrite(size_t size, size_t count, std::span<uint8_t> out) {
  return count <= kRtcpMaxCount && size <= kRtcpMaxPacketSize && out.size() >= size;
}

}  // namespace

// --- SR ---------------------------------------------------------------------

std::optional<SenderReport> SenderReport::Parse(const RtcpHeader& header,
                                                std::span<const uint8_t> body) {
  if (body.size() < kSenderInfoSize + header.count * ReportBlock::kSize) {
    return std::nullopt;
  }
  SenderReport sr;
  sr.sender_ssrc = ReadU32(&body[0]);
  sr.ntp_timestamp = ReadU64(&body[4]);
  sr.rtp_timestamp = ReadU32(&body[12]);
  sr.packet_count = ReadU32(&body[16]);
  sr.octet_count = ReadU32(&body[20]);
  sr.report_blocks = ParseReportBlocks(&body[kSenderInfoSize], header.count);
  return sr;
}

size_t SenderReport::SerializedSize() const {
  return kRtcpHeaderSize + kSenderInfoSize + report_blocks.size() * ReportBlock::kSize;
}

size_t SenderReport::SerializeTo(std::span<uint8_t> out) const {
  const size_t size = SerializedSize();
  if (!CanWrite(size, report_blocks.size(), out)) return 0;
  uint8_t* p = out.data();
  WriteRtcpHeader(p, static_cast<uint8_t>(report_blocks.size()), kPacketType, size);
  WriteU32(p + 4, sender_ssrc);
  WriteU64(p + 8, ntp_timestamp);
  WriteU32(p + 16, rtp_timestamp);
  WriteU32(p + 20, packet_count);
  WriteU32(p + 24, octet_count);
  WriteReportBlocks(report_blocks, p + kRtcpHeaderSize + kSenderInfoSize);
  return size;
}

// --- RR ---------------------------------------------------------------------

std::optional<ReceiverReport> ReceiverReport::Parse(const RtcpHeader& header,
                                                    std::span<const uint8_t> body) {
  if (body.size() < 4 + header.count * ReportBlock::kSize) return std::nullopt;
  ReceiverReport rr;
  rr.sender_ssrc = ReadU32(&body[0]);
  rr.report_blocks = ParseReportBlocks(&body[4], header.count);
  return rr;
}

size_t ReceiverReport::SerializedSize() const {
  return kRtcpHeaderSize + 4 + report_blocks.size() * ReportBlock::kSize;
}

size_t ReceiverReport::SerializeTo(std::span<uint8_t> out) const {
  const size_t size = SerializedSize();
  if (!CanWrite(size, report_blocks.size(), out)) return 0;
  uint8_t* p = out.data();
  WriteRtcpHeader(p, static_cast<uint8_t>(report_blocks.size()), kPacketType, size);
  WriteU32(p + 4, sender_ssrc);
  WriteReportBlocks(report_blocks, p + 8);
  return size;
}

// --- SDES -------------------------------------------------------------------

const std::string* SdesChunk::cname() const {
  for (const auto& item : items) {
    if (item.type == kSdesCname) return &item.text;
  }
  return nullptr;
}

std::optional<Sdes> Sdes::Parse(const RtcpHeader& header, std::span<const uint8_t> body) {
  Sdes sdes;
  size_t offset = 0;  // the body starts 32-bit aligned, after the header
  for (size_t c = 0; c < header.count; ++c) {
    if (body.size() - offset < 4) return std::nullopt;
    SdesChunk chunk;
    chunk.ssrc = ReadU32(&body[offset]);
    offset += 4;
    while (true) {
      if (offset >= body.size()) return std::nullopt;
      const uint8_t type = body[offset];
      if (type == 0) {  // end of items, then zeros to the next 32-bit boundary
        offset = std::min(RoundUp4(offset + 1), body.size());
        break;
      }
      if (body.size() - offset < 2) return std::nullopt;
      const size_t length = body[offset + 1];
      if (body.size() - offset - 2 < length) return std::nullopt;
      const auto* text = reinterpret_cast<const char*>(&body[offset + 2]);
      chunk.items.push_back({type, std::string(text, length)});
      offset += 2 + length;
    }
    sdes.chunks.push_back(std::move(chunk));
  }
  return sdes;
}

namespace {
size_t ChunkSize(const SdesChunk& chunk) {
  size_t size = 4;
  for (const auto& item : chunk.items) size += 2 + item.text.size();
  return RoundUp4(size + 1);  // at least one terminating zero
}
}  // namespace

size_t Sdes::SerializedSize() const {
  size_t size = kRtcpHeaderSize;
  for (const auto& chunk : chunks) size += ChunkSize(chunk);
  return size;
}

size_t Sdes::SerializeTo(std::span<uint8_t> out) const {
  const size_t size = SerializedSize();
  if (!CanWrite(size, chunks.size(), out)) return 0;
  for (const auto& chunk : chunks) {
    for (const auto& item : chunk.items) {
      if (item.type == 0 || item.text.size() > 255) return 0;
    }
  }
  uint8_t* p = out.data();
  WriteRtcpHeader(p, static_cast<uint8_t>(chunks.size()), kPacketType, size);
  size_t offset = kRtcpHeaderSize;
  for (const auto& chunk : chunks) {
    const size_t end = offset + ChunkSize(chunk);
    WriteU32(p + offset, chunk.ssrc);
    offset += 4;
    for (const auto& item : chunk.items) {
      p[offset] = item.type;
      p[offset + 1] = static_cast<uint8_t>(item.text.size());
      if (!item.text.empty()) std::memcpy(p + offset + 2, item.text.data(), item.text.size());
      offset += 2 + item.text.size();
    }
    std::memset(p + offset, 0, end - offset);
    offset = end;
  }
  return size;
}

// --- BYE --------------------------------------------------------------------

std::optional<Bye> Bye::Parse(const RtcpHeader& header, std::span<const uint8_t> body) {
  const size_t ssrcs_size = 4 * size_t{header.count};
  if (body.size() < ssrcs_size) return std::nullopt;
  Bye bye;
  bye.ssrcs.reserve(header.count);
  for (size_t i = 0; i < header.count; ++i) bye.ssrcs.push_back(ReadU32(&body[4 * i]));
  if (body.size() > ssrcs_size) {
    const size_t length = body[ssrcs_size];
    if (body.size() - ssrcs_size - 1 < length) return std::nullopt;
    bye.reason.assign(reinterpret_cast<const char*>(&body[ssrcs_size + 1]), length);
  }
  return bye;
}

size_t Bye::SerializedSize() const {
  return kRtcpHeaderSize + 4 * ssrcs.size() +
         (reason.empty() ? 0 : RoundUp4(1 + reason.size()));
}

size_t Bye::SerializeTo(std::span<uint8_t> out) const {
  const size_t size = SerializedSize();
  if (!CanWrite(size, ssrcs.size(), out) || reason.size() > 255) return 0;
  uint8_t* p = out.data();
  WriteRtcpHeader(p, static_cast<uint8_t>(ssrcs.size()), kPacketType, size);
  size_t offset = kRtcpHeaderSize;
  for (uint32_t ssrc : ssrcs) {
    WriteU32(p + offset, ssrc);
    offset += 4;
  }
  if (!reason.empty()) {
    p[offset] = static_cast<uint8_t>(reason.size());
    std::memcpy(p + offset + 1, reason.data(), reason.size());
    std::memset(p + offset + 1 + reason.size(), 0, size - offset - 1 - reason.size());
  }
  return size;
}

}  // namespace konfero::rtp
