// rtp/rtp_header_extensions.h: typed values of the RTP header extensions
// konfero negotiates. The extension ids come from SDP (a=extmap); these
// types only read and write the element values.
//
//   mid (RFC 8843, urn:ietf:params:rtp-hdrext:sdes:mid): the media
//     identification tag as text, 1-16 bytes (one-byte form) or up to 255.
//   audio level (RFC 6464, urn:ietf:params:rtp-hdrext:ssrc-audio-level):
//        0 1 2 3 4 5 6 7
//       +-+-+-+-+-+-+-+-+
//       |V|    level    |   V: voice activity; level: 0-127, in -dBov
//       +-+-+-+-+-+-+-+-+
//   abs-send-time (http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time):
//     24 bits, seconds in 6.18 fixed point, wrapping every 64 s.
//   transport-wide cc (draft-holmer-rmcat-transport-wide-cc-extensions-01):
//     16 bits, the transport-wide sequence number.
//
//   if (auto level = GetExtension<AudioLevel>(view, ids.audio_level)) ...
//   AddExtension(writer, ids.transport_cc, TransportSequenceNumber{seq});
//
// Thread contract: value types; pure functions.
#ifndef KONFERO_RTP_RTP_HEADER_EXTENSIONS_H_
#define KONFERO_RTP_RTP_HEADER_EXTENSIONS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "rtp/rtp_packet.h"

namespace konfero::rtp {

// Each type has Parse(value bytes), SerializedSize() and SerializeTo(out),
// where `out` has exactly SerializedSize() bytes.

struct Mid {
  std::string_view value = {};  // borrows the packet's (or the caller's) bytes

  static std::optional<Mid> Parse(std::span<const uint8_t> data);
  size_t SerializedSize() const { return value.size(); }
  void SerializeTo(std::span<uint8_t> out) const;
  bool operator==(const Mid&) const = default;
};

struct AudioLevel {
  bool voice_activity = false;
  uint8_t level = 127;  // 0 (loudest, 0 dBov) to 127 (-127 dBov: silence)

  static std::optional<AudioLevel> Parse(std::span<const uint8_t> data);
  size_t SerializedSize() const { return 1; }
  void SerializeTo(std::span<uint8_t> out) const;
  bool operator==(const AudioLevel&) const = default;
};

struct AbsSendTime {
  uint32_t value = 0;  // 24 bits, 6.18 fixed-point seconds

  // From a time in microseconds (any epoch: only the low 64 s count).
  static AbsSendTime FromMicros(int64_t micros);
  static std::optional<AbsSendTime> Parse(std::span<const uint8_t> data);
  size_t SerializedSize() const { return 3; }
  void SerializeTo(std::span<uint8_t> out) const;
  bool operator==(const AbsSendTime&) const = default;
};

struct TransportSequenceNumber {
  uint16_t value = 0;

  static std::optional<TransportSequenceNumber> Parse(std::span<const uint8_t> data);
  size_t SerializedSize() const { return 2; }
  void SerializeTo(std::span<uint8_t> out) const;
  bool operator==(const TransportSequenceNumber&) const = default;
};

template <typename T>
std::optional<T> GetExtension(const RtpPacketView& packet, uint8_t id) {
  auto data = packet.FindExtension(id);
  if (!data) return std::nullopt;
  return T::Parse(*data);
}

template <typename T>
bool AddExtension(RtpPacketWriter& writer, uint8_t id, const T& value) {
  auto out = writer.AllocateExtension(id, value.SerializedSize());
  if (!out) return false;
  value.SerializeTo(*out);
  return true;
}

// Rewrites an existing element in place; false if absent or of another size.
template <typename T>
bool SetExtension(MutableRtpPacket& packet, uint8_t id, const T& value) {
  auto out = packet.MutableExtension(id);
  if (!out || out->size() != value.SerializedSize()) return false;
  value.SerializeTo(*out);
  return true;
}

}  // namespace konfero::rtp

#endif  // KONFERO_RTP_RTP_HEADER_EXTENSIONS_H_
