// rtp_fuzzer: RtpPacketView::Parse on arbitrary bytes; every packet it
// accepts is rebuilt with RtpPacketWriter, re-parsed and compared field by
// field (abort on mismatch), rewritten in place, and wrapped into RTX and
// back.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "rtp/rtcp_header.h"
#include "rtp/rtp_header_extensions.h"
#include "rtp/rtp_packet.h"
#include "rtp/rtx.h"

namespace {

using namespace konfero::rtp;  // NOLINT: a fuzz target's own file

#define FUZZ_CHECK(cond)                                              \
  do {                                                                \
    if (!(cond)) {                                                    \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,     \
                   __LINE__, #cond);                                  \
      std::abort();                                                   \
    }                                                                 \
  } while (false)

bool SameBytes(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// The RFC 8285 elements of both packets are the same (id and value), in
// order; an opaque block is the same profile and bytes.
bool SameExtensions(const RtpPacketView& a, const RtpPacketView& b) {
  if (a.extension_form() == ExtensionForm::kOther) {
    return b.extension_form() == ExtensionForm::kOther &&
           a.extension_profile() == b.extension_profile() &&
           SameBytes(a.extension_data(), b.extension_data());
  }
  size_t ca = 0, cb = 0;
  HeaderExtension ea, eb;
  while (true) {
    const bool more_a = a.NextExtension(ca, ea);
    const bool more_b = b.NextExtension(cb, eb);
    if (more_a != more_b) return false;
    if (!more_a) return true;
    if (ea.id != eb.id || !SameBytes(ea.value, eb.value)) return false;
  }
}

bool SameHeader(const RtpPacketView& a, const RtpPacketView& b) {
  if (a.marker() != b.marker() || a.payload_type() != b.payload_type() ||
      a.sequence_number() != b.sequence_number() || a.timestamp() != b.timestamp() ||
      a.ssrc() != b.ssrc() || a.csrc_count() != b.csrc_count()) {
    return false;
  }
  for (size_t i = 0; i < a.csrc_count(); ++i) {
    if (a.csrc(i) != b.csrc(i)) return false;
  }
  return SameExtensions(a, b);
}

void CheckRebuild(const RtpPacketView& packet) {
  std::array<uint32_t, kRtpMaxCsrcs> csrcs{};
  for (size_t i = 0; i < packet.csrc_count(); ++i) csrcs[i] = packet.csrc(i);
  std::vector<uint8_t> buffer(packet.bytes().size());
  RtpPacketWriter writer(buffer, {.marker = packet.marker(),
                                  .payload_type = packet.payload_type(),
                                  .sequence_number = packet.sequence_number(),
                                  .timestamp = packet.timestamp(),
                                  .ssrc = packet.ssrc(),
                                  .csrcs = std::span(csrcs).first(packet.csrc_count())});
  FUZZ_CHECK(writer.ok());
  if (packet.extension_form() == ExtensionForm::kOther) {
    FUZZ_CHECK(writer.SetRawExtension(packet.extension_profile(), packet.extension_data()));
  } else {
    size_t cursor = 0;
    HeaderExtension element;
    while (packet.NextExtension(cursor, element)) {
      FUZZ_CHECK(writer.AddExtension(element.id, element.value));
      // The typed readers must cope with any value.
      (void)AudioLevel::Parse(element.value);
      (void)AbsSendTime::Parse(element.value);
      (void)TransportSequenceNumber::Parse(element.value);
      (void)Mid::Parse(element.value);
    }
  }
  FUZZ_CHECK(writer.SetPayload(packet.payload(), static_cast<uint8_t>(packet.padding_size())));
  auto again = RtpPacketView::Parse(writer.data());
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(SameHeader(packet, *again));
  FUZZ_CHECK(SameBytes(packet.payload(), again->payload()));
  FUZZ_CHECK(packet.padding_size() == again->padding_size());
}

void CheckRewrite(const RtpPacketView& packet) {
  std::vector<uint8_t> copy(packet.bytes().begin(), packet.bytes().end());
  auto mutable_packet = MutableRtpPacket::Parse(copy);
  FUZZ_CHECK(mutable_packet.has_value());
  mutable_packet->SetSequenceNumber(static_cast<uint16_t>(~packet.sequence_number()));
  mutable_packet->SetTimestamp(~packet.timestamp());
  mutable_packet->SetSsrc(~packet.ssrc());
  mutable_packet->SetPayloadType(static_cast<uint8_t>(packet.payload_type() ^ 0x7F));
  mutable_packet->SetMarker(!packet.marker());
  (void)SetExtension(*mutable_packet, 1, TransportSequenceNumber{0xFFFF});
  auto again = RtpPacketView::Parse(copy);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->sequence_number() == static_cast<uint16_t>(~packet.sequence_number()));
  FUZZ_CHECK(again->ssrc() == ~packet.ssrc());
  FUZZ_CHECK(again->marker() != packet.marker());
  FUZZ_CHECK(SameBytes(packet.payload(), again->payload()));
}

void CheckRtx(const RtpPacketView& packet) {
  std::vector<uint8_t> rtx_buffer(packet.bytes().size() + 2);
  auto rtx_size = WrapRtx(packet, {.payload_type = 97, .ssrc = 0x5254580A}, 7, rtx_buffer);
  FUZZ_CHECK(rtx_size.has_value());
  auto rtx = RtpPacketView::Parse(std::span(rtx_buffer).first(*rtx_size));
  FUZZ_CHECK(rtx.has_value());
  std::vector<uint8_t> restored_buffer(*rtx_size);
  auto restored_size = UnwrapRtx(
      *rtx, {.payload_type = packet.payload_type(), .ssrc = packet.ssrc()}, restored_buffer);
  FUZZ_CHECK(restored_size.has_value());
  auto restored = RtpPacketView::Parse(std::span(restored_buffer).first(*restored_size));
  FUZZ_CHECK(restored.has_value());
  FUZZ_CHECK(SameHeader(packet, *restored));
  FUZZ_CHECK(SameBytes(packet.payload(), restored->payload()));
  FUZZ_CHECK(restored->padding_size() == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  (void)IsRtp(input);
  (void)IsRtcp(input);
  auto packet = RtpPacketView::Parse(input);
  if (!packet) return 0;
  CheckRebuild(*packet);
  CheckRewrite(*packet);
  CheckRtx(*packet);
  return 0;
}
