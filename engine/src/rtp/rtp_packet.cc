// rtp/rtp_packet.cc: parsing, in-place rewriting and building of RTP packets.
#include "rtp/rtp_packet.h"

#include <cstring>

#include "rtp/byte_io.h"

namespace konfero::rtp {
namespace {

enum class Step : uint8_t { kElement, kEnd, kMalformed };

// Reads the RFC 8285 element at `cursor` (skipping padding bytes).
Step NextElement(std::span<const uint8_t> data, ExtensionForm form, size_t& cursor,
                 HeaderExtension& out) {
  while (cursor < data.size()) {
    const uint8_t first = data[cursor];
    if (first == 0) {  // padding
      ++cursor;
      continue;
    }
    const size_t rest = data.size() - cursor;
    if (form == ExtensionForm::kOneByte) {
      const uint8_t id = first >> 4;
      if (id == 15) {  // reserved: processing stops here
        cursor = data.size();
        return Step::kEnd;
      }
      if (id == 0) return Step::kMalformed;  // id 0 is only for padding (zero bytes)
      const size_t length = (first & 0x0F) + 1u;
      if (rest < 1 + length) return Step::kMalformed;
      out = {id, data.subspan(cursor + 1, length)};
      cursor += 1 + length;
      return Step::kElement;
    }
    if (rest < 2) return Step::kMalformed;
    const size_t length = data[cursor + 1];
    if (rest < 2 + length) return Step::kMalformed;
    out = {first, data.subspan(cursor + 2, length)};
    cursor += 2 + length;
    return Step::kElement;
  }
  return Step::kEnd;
}

ExtensionForm FormOf(uint16_t profile) {
  if (profile == kOneByteExtensionProfile) return ExtensionForm::kOneByte;
  if ((profile & 0xFFF0) == kTwoByteExtensionProfile) return ExtensionForm::kTwoByte;
  return ExtensionForm::kOther;
}

size_t RoundUp4(size_t n) { return (n + 3) & ~size_t{3}; }

}  // namespace

std::optional<RtpPacketView> RtpPacketView::Parse(std::span<const uint8_t> bytes) {
  if (bytes.size() < kRtpFixedHeaderSize) return std::nullopt;
  if ((bytes[0] >> 6) != 2) return std::nullopt;
  RtpPacketView view;
  view.bytes_ = bytes;
  size_t offset = kRtpFixedHeaderSize + 4 * size_t{bytes[0] & 0x0Fu};
  if (offset > bytes.size()) return std::nullopt;
  if ((bytes[0] & 0x10) != 0) {
    if (bytes.size() - offset < 4) return std::nullopt;
    view.extension_profile_ = ReadU16(&bytes[offset]);
    const size_t length = 4 * size_t{ReadU16(&bytes[offset + 2])};
    offset += 4;
    if (bytes.size() - offset < length) return std::nullopt;
    view.extension_offset_ = offset;
    view.extension_size_ = length;
    view.form_ = FormOf(view.extension_profile_);
    offset += length;
    if (view.form_ != ExtensionForm::kOther) {
      size_t cursor = 0;
      HeaderExtension element;
      Step step;
      while ((step = NextElement(view.extension_data(), view.form_, cursor, element)) ==
             Step::kElement) {
      }
      if (step == Step::kMalformed) return std::nullopt;
    }
  }
  view.header_size_ = offset;
  size_t padding = 0;
  if ((bytes[0] & 0x20) != 0) {
    if (bytes.size() == offset) return std::nullopt;
    padding = bytes.back();
    if (padding == 0 || padding > bytes.size() - offset) return std::nullopt;
  }
  view.payload_size_ = bytes.size() - offset - padding;
  return view;
}

uint16_t RtpPacketView::sequence_number() const { return ReadU16(&bytes_[2]); }
uint32_t RtpPacketView::timestamp() const { return ReadU32(&bytes_[4]); }
uint32_t RtpPacketView::ssrc() const { return ReadU32(&bytes_[8]); }
uint32_t RtpPacketView::csrc(size_t i) const {
  return i < csrc_count() ? ReadU32(&bytes_[kRtpFixedHeaderSize + 4 * i]) : 0;
}

bool RtpPacketView::NextExtension(size_t& cursor, HeaderExtension& out) const {
  if (form_ != ExtensionForm::kOneByte && form_ != ExtensionForm::kTwoByte) return false;
  return NextElement(extension_data(), form_, cursor, out) == Step::kElement;
}

std::optional<std::span<const uint8_t>> RtpPacketView::FindExtension(uint8_t id) const {
  size_t cursor = 0;
  HeaderExtension element;
  while (NextExtension(cursor, element)) {
    if (element.id == id) return element.value;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------

std::optional<MutableRtpPacket> MutableRtpPacket::Parse(std::span<uint8_t> bytes) {
  auto view = RtpPacketView::Parse(bytes);
  if (!view) return std::nullopt;
  return MutableRtpPacket(bytes, *view);
}

void MutableRtpPacket::SetMarker(bool marker) {
  bytes_[1] = static_cast<uint8_t>((bytes_[1] & 0x7F) | (marker ? 0x80 : 0));
}
void MutableRtpPacket::SetPayloadType(uint8_t payload_type) {
  bytes_[1] = static_cast<uint8_t>((bytes_[1] & 0x80) | (payload_type & 0x7F));
}
void MutableRtpPacket::SetSequenceNumber(uint16_t sequence_number) {
  WriteU16(&bytes_[2], sequence_number);
}
void MutableRtpPacket::SetTimestamp(uint32_t timestamp) { WriteU32(&bytes_[4], timestamp); }
void MutableRtpPacket::SetSsrc(uint32_t ssrc) { WriteU32(&bytes_[8], ssrc); }

std::optional<std::span<uint8_t>> MutableRtpPacket::MutableExtension(uint8_t id) {
  auto value = view_.FindExtension(id);
  if (!value) return std::nullopt;
  const size_t offset = static_cast<size_t>(value->data() - view_.bytes().data());
  return bytes_.subspan(offset, value->size());
}

// ---------------------------------------------------------------------------

RtpPacketWriter::RtpPacketWriter(std::span<uint8_t> buffer, const RtpHeader& header)
    : buffer_(buffer) {
  const size_t header_size = kRtpFixedHeaderSize + 4 * header.csrcs.size();
  if (header.payload_type > 127 || header.csrcs.size() > kRtpMaxCsrcs ||
      buffer.size() < header_size) {
    return;
  }
  buffer_[0] = static_cast<uint8_t>(0x80 | header.csrcs.size());
  buffer_[1] = static_cast<uint8_t>((header.marker ? 0x80 : 0) | header.payload_type);
  WriteU16(&buffer_[2], header.sequence_number);
  WriteU32(&buffer_[4], header.timestamp);
  WriteU32(&buffer_[8], header.ssrc);
  for (size_t i = 0; i < header.csrcs.size(); ++i) {
    WriteU32(&buffer_[kRtpFixedHeaderSize + 4 * i], header.csrcs[i]);
  }
  size_ = header_end_ = header_size;
  ok_ = true;
}

bool RtpPacketWriter::AddExtension(uint8_t id, std::span<const uint8_t> value) {
  auto out = AllocateExtension(id, value.size());
  if (!out) return false;
  if (!value.empty()) std::memcpy(out->data(), value.data(), value.size());
  return true;
}

std::optional<std::span<uint8_t>> RtpPacketWriter::AllocateExtension(uint8_t id,
                                                                    size_t size) {
  if (!ok_ || payload_set_ || form_ == ExtensionForm::kOther || id == 0 || size > 255) {
    return std::nullopt;
  }
  const bool needs_two_byte = id > 14 || size == 0 || size > 16;
  ExtensionForm form = form_;
  if (form == ExtensionForm::kNone) {
    form = needs_two_byte ? ExtensionForm::kTwoByte : ExtensionForm::kOneByte;
  }
  const bool convert = form == ExtensionForm::kOneByte && needs_two_byte;
  if (convert) form = ExtensionForm::kTwoByte;
  const size_t start = form_ == ExtensionForm::kNone ? header_end_ : extension_start_;
  const size_t element_header = form == ExtensionForm::kOneByte ? 1 : 2;
  const size_t elements =
      elements_size_ + (convert ? element_count_ : 0) + element_header + size;
  const size_t block = 4 + RoundUp4(elements);
  if (block - 4 > 4 * size_t{0xFFFF} || buffer_.size() < start + block) {
    return std::nullopt;
  }

  if (form_ == ExtensionForm::kNone) {
    extension_start_ = start;
    buffer_[0] |= 0x10;
  }
  form_ = form;
  if (convert) ConvertToTwoByte();
  uint8_t* element = &buffer_[extension_start_ + 4 + elements_size_];
  if (form_ == ExtensionForm::kOneByte) {
    element[0] = static_cast<uint8_t>((id << 4) | (size - 1));
  } else {
    element[0] = id;
    element[1] = static_cast<uint8_t>(size);
  }
  elements_size_ += element_header + size;
  ++element_count_;
  FinishExtensionBlock();
  return buffer_.subspan(extension_start_ + 4 + elements_size_ - size, size);
}

// Grows each one-byte element by one header byte, in place: the elements
// move to the end of their region first, then are rewritten front to back;
// element k's new bytes end at or before where element k+1's old bytes
// start, so nothing is overwritten before it is read.
void RtpPacketWriter::ConvertToTwoByte() {
  uint8_t* region = &buffer_[extension_start_ + 4];
  const size_t shift = element_count_;
  std::memmove(region + shift, region, elements_size_);
  size_t src = shift;
  size_t dst = 0;
  const size_t end = shift + elements_size_;
  while (src < end) {
    const uint8_t id = region[src] >> 4;
    const size_t length = (region[src] & 0x0Fu) + 1;
    std::memmove(region + dst + 2, region + src + 1, length);
    region[dst] = id;
    region[dst + 1] = static_cast<uint8_t>(length);
    dst += 2 + length;
    src += 1 + length;
  }
  elements_size_ = dst;
}

void RtpPacketWriter::FinishExtensionBlock() {
  const size_t padded = RoundUp4(elements_size_);
  uint8_t* block = &buffer_[extension_start_];
  std::memset(block + 4 + elements_size_, 0, padded - elements_size_);
  WriteU16(block, form_ == ExtensionForm::kOneByte ? kOneByteExtensionProfile
                                                   : kTwoByteExtensionProfile);
  WriteU16(block + 2, static_cast<uint16_t>(padded / 4));
  size_ = header_end_ = extension_start_ + 4 + padded;
}

bool RtpPacketWriter::SetRawExtension(uint16_t profile, std::span<const uint8_t> data) {
  if (!ok_ || payload_set_ || form_ != ExtensionForm::kNone || data.size() % 4 != 0 ||
      data.size() / 4 > 0xFFFF || buffer_.size() - header_end_ < 4 + data.size()) {
    return false;
  }
  uint8_t* block = &buffer_[header_end_];
  WriteU16(block, profile);
  WriteU16(block + 2, static_cast<uint16_t>(data.size() / 4));
  if (!data.empty()) std::memcpy(block + 4, data.data(), data.size());
  buffer_[0] |= 0x10;
  extension_start_ = header_end_;
  form_ = ExtensionForm::kOther;
  size_ = header_end_ = header_end_ + 4 + data.size();
  return true;
}

bool RtpPacketWriter::SetPayload(std::span<const uint8_t> payload, uint8_t padding) {
  if (!ok_ || buffer_.size() - header_end_ < payload.size() + padding) return false;
  uint8_t* out = &buffer_[header_end_];
  if (!payload.empty()) std::memcpy(out, payload.data(), payload.size());
  if (padding > 0) {
    std::memset(out + payload.size(), 0, padding - 1u);
    out[payload.size() + padding - 1] = padding;
    buffer_[0] |= 0x20;
  } else {
    buffer_[0] &= static_cast<uint8_t>(~0x20);
  }
  size_ = header_end_ + payload.size() + padding;
  payload_set_ = true;
  return true;
}

}  // namespace konfero::rtp
