// rtp/rtp_packet.h: RTP packets (RFC 3550) with header extensions (RFC 8285),
// parsed in place and built into caller-provided buffers.
//
// The media path must not allocate, so nothing here does: RtpPacketView
// parses a packet where it lies and answers from its bytes, MutableRtpPacket
// rewrites SSRC, sequence number, timestamp, payload type, marker and
// extension values in place (what an SFU does when forwarding), and
// RtpPacketWriter builds a packet into a buffer the caller owns.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|X|  CC   |M|     PT      |       sequence number         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                           timestamp                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           synchronization source (SSRC) identifier            |
//   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//   |            contributing source (CSRC) identifiers             |
//   |                             ....                              |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      profile (0xBEDE, 0x100X)  |           length (words)     |  if X
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                 header extension elements ...                 |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  payload ...                  |  padding ...  | padding count |  if P
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 8285 elements: one-byte form (profile 0xBEDE) is a byte
// ID(4 bits, 1-14) | L(4 bits, length-1) then 1-16 bytes; two-byte form
// (profile 0x100 in the top 12 bits, 4 "appbits" below) is a byte ID (1-255)
// and a byte length (0-255) then the value. A zero byte is padding in both;
// in the one-byte form ID 15 ends the list.
//
//   auto pkt = RtpPacketView::Parse(bytes);
//   if (!pkt) return;                                  // malformed: drop it
//   auto level = GetExtension<AudioLevel>(*pkt, audio_level_id);
//
//   std::array<uint8_t, 1500> buf;
//   RtpPacketWriter w(buf, {.payload_type = 111, .sequence_number = seq,
//                           .timestamp = ts, .ssrc = ssrc});
//   w.AddExtension(mid_id, mid_bytes);
//   w.SetPayload(opus_frame);
//   send(w.data());
//
// Thread contract: value types without shared state; one thread at a time
// per object. A view borrows its bytes: they must outlive it.
#ifndef KONFERO_RTP_RTP_PACKET_H_
#define KONFERO_RTP_RTP_PACKET_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace konfero::rtp {

inline constexpr size_t kRtpFixedHeaderSize = 12;
inline constexpr size_t kRtpMaxCsrcs = 15;
inline constexpr uint16_t kOneByteExtensionProfile = 0xBEDE;
inline constexpr uint16_t kTwoByteExtensionProfile = 0x1000;  // low 4 bits: appbits

enum class ExtensionForm : uint8_t {
  kNone,     // no header extension
  kOneByte,  // RFC 8285 one-byte elements
  kTwoByte,  // RFC 8285 two-byte elements
  kOther,    // an RFC 3550 extension with another profile: opaque bytes
};

struct HeaderExtension {
  uint8_t id = 0;
  std::span<const uint8_t> value = {};
};

// The header fields a writer starts from.
struct RtpHeader {
  bool marker = false;
  uint8_t payload_type = 0;  // 0-127
  uint16_t sequence_number = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
  std::span<const uint32_t> csrcs = {};  // at most 15
};

// A parsed RTP packet; the accessors read the borrowed bytes.
class RtpPacketView {
 public:
  // Accepts only well-formed packets: version 2, CSRCs, extension block and
  // its RFC 8285 elements, and padding all inside `bytes`.
  static std::optional<RtpPacketView> Parse(std::span<const uint8_t> bytes);

  bool has_padding() const { return (bytes_[0] & 0x20) != 0; }
  bool has_extension() const { return (bytes_[0] & 0x10) != 0; }
  bool marker() const { return (bytes_[1] & 0x80) != 0; }
  uint8_t payload_type() const { return bytes_[1] & 0x7F; }
  uint16_t sequence_number() const;
  uint32_t timestamp() const;
  uint32_t ssrc() const;
  size_t csrc_count() const { return bytes_[0] & 0x0F; }
  uint32_t csrc(size_t i) const;  // i < csrc_count()

  // The extension block, if any: its profile and its data (after the 4-byte
  // extension header, including any element padding).
  ExtensionForm extension_form() const { return form_; }
  uint16_t extension_profile() const { return extension_profile_; }
  std::span<const uint8_t> extension_data() const {
    return bytes_.subspan(extension_offset_, extension_size_);
  }
  // The first element with this id (one- or two-byte form), if present.
  std::optional<std::span<const uint8_t>> FindExtension(uint8_t id) const;
  // Iterates the elements in order: `cursor` starts at 0; returns false at
  // the end.
  bool NextExtension(size_t& cursor, HeaderExtension& out) const;

  size_t header_size() const { return header_size_; }
  std::span<const uint8_t> payload() const {
    return bytes_.subspan(header_size_, payload_size_);
  }
  size_t padding_size() const { return bytes_.size() - header_size_ - payload_size_; }
  std::span<const uint8_t> bytes() const { return bytes_; }

 private:
  RtpPacketView() = default;

  std::span<const uint8_t> bytes_ = {};
  size_t header_size_ = 0;
  size_t payload_size_ = 0;
  size_t extension_offset_ = 0;
  size_t extension_size_ = 0;
  uint16_t extension_profile_ = 0;
  ExtensionForm form_ = ExtensionForm::kNone;
};

// An RTP packet in a writable buffer, for rewriting header fields and
// extension values in place. The packet's length never changes.
class MutableRtpPacket {
 public:
  static std::optional<MutableRtpPacket> Parse(std::span<uint8_t> bytes);

  const RtpPacketView& view() const { return view_; }

  void SetMarker(bool marker);
  void SetPayloadType(uint8_t payload_type);  // 0-127; higher bits ignored
  void SetSequenceNumber(uint16_t sequence_number);
  void SetTimestamp(uint32_t timestamp);
  void SetSsrc(uint32_t ssrc);
  // The writable value of the first element with this id, if present.
  std::optional<std::span<uint8_t>> MutableExtension(uint8_t id);

 private:
  MutableRtpPacket(std::span<uint8_t> bytes, const RtpPacketView& view)
      : bytes_(bytes), view_(view) {}

  std::span<uint8_t> bytes_ = {};
  RtpPacketView view_;
};

// Builds one packet into a caller-provided buffer, in order: header (in the
// constructor), extensions, then the payload. Every call returns false (and
// writes nothing) when the buffer is too small or the value is not
// representable; the packet built so far stays valid.
class RtpPacketWriter {
 public:
  RtpPacketWriter(std::span<uint8_t> buffer, const RtpHeader& header);

  // False if the header did not fit or was invalid (PT > 127, > 15 CSRCs).
  bool ok() const { return ok_; }

  // Adds an RFC 8285 element. Uses the one-byte form while every element
  // fits it (id 1-14, 1-16 bytes) and converts to the two-byte form (id
  // 1-255, 0-255 bytes) when one does not. Only before the payload.
  bool AddExtension(uint8_t id, std::span<const uint8_t> value);
  // As AddExtension, returning the value's bytes (not initialised) for the
  // caller to fill. Valid until the next call on the writer: a later
  // element may move the earlier ones (conversion to the two-byte form).
  std::optional<std::span<uint8_t>> AllocateExtension(uint8_t id, size_t size);
  // An opaque RFC 3550 extension block (size a multiple of 4), instead of
  // RFC 8285 elements. Only before the payload and any element.
  bool SetRawExtension(uint16_t profile, std::span<const uint8_t> data);

  // Writes (or replaces) the payload and `padding` bytes of RTP padding
  // (0: none; otherwise the last padding byte holds the count).
  bool SetPayload(std::span<const uint8_t> payload, uint8_t padding = 0);

  size_t size() const { return size_; }
  std::span<const uint8_t> data() const { return buffer_.first(size_); }

 private:
  void ConvertToTwoByte();
  void FinishExtensionBlock();

  std::span<uint8_t> buffer_ = {};
  size_t size_ = 0;
  size_t header_end_ = 0;       // end of the header (fixed, CSRCs, extension)
  size_t extension_start_ = 0;  // offset of the extension header, 0 if none
  size_t elements_size_ = 0;    // bytes of elements, before padding
  size_t element_count_ = 0;
  ExtensionForm form_ = ExtensionForm::kNone;
  bool payload_set_ = false;
  bool ok_ = false;
};

}  // namespace konfero::rtp

#endif  // KONFERO_RTP_RTP_PACKET_H_
