// stun_message.h: STUN messages (RFC 5389) as values, sans-I/O.
//
// Parse() turns one UDP datagram into a StunMessage, Serialize() turns it
// back. The attributes ICE needs have typed accessors; every other attribute
// is kept as raw bytes, so a parsed message serializes to the same attributes
// in the same order (padding is written as zeros). MESSAGE-INTEGRITY and
// FINGERPRINT are checked and made on the wire bytes, because both cover the
// bytes exactly as they were sent.
//
//   auto msg = StunMessage::Parse(datagram);
//   if (msg && VerifyFingerprint(datagram) &&
//       VerifyMessageIntegrity(datagram, local_pwd)) { ... msg->username() ... }
//
//   StunMessage response(MessageType(kBindingMethod, StunClass::kSuccessResponse),
//                        msg->transaction_id());
//   response.AddXorMappedAddress(remote);
//   std::optional<std::vector<uint8_t>> bytes =
//       response.SerializeWithIntegrity(local_pwd);   // + MI + FINGERPRINT
//
// Header (RFC 5389 §6):
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |0 0|     STUN Message Type     |         Message Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                         Magic Cookie                          |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                     Transaction ID (96 bits)                  |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Message type: method bits M11..M0 and class bits C1 C0, interleaved as
//   M11 M10 M9 M8 M7 C1 M6 M5 M4 C0 M3 M2 M1 M0.
// Attributes follow, each a TLV padded to a multiple of 4 bytes (§15):
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |         Type                  |            Length             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                         Value (variable)                ....
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Parse() accepts a datagram only if it is exactly one message: the length
// field is a multiple of 4 and equals the bytes after the header, every
// attribute with its padding fits, the attributes this file knows have valid
// values, and FINGERPRINT (if any) is last. Invariant: every StunMessage,
// parsed or built, serializes to bytes that Parse() accepts and that parse to
// an equal message; the Add*() methods refuse what would break it.
//
// Thread contract: StunMessage is a plain value; the free functions keep no
// state and may be called from any thread. Nothing here logs or throws.
#ifndef KONFERO_STUN_STUN_MESSAGE_H_
#define KONFERO_STUN_STUN_MESSAGE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "konfero/net/ip_endpoint.h"

namespace konfero::stun {

inline constexpr uint32_t kMagicCookie = 0x2112A442;
inline constexpr size_t kHeaderSize = 20;
inline constexpr size_t kAttributeHeaderSize = 4;
inline constexpr size_t kMessageIntegritySize = 20;  // HMAC-SHA1
// The largest value of the length field that is a multiple of 4.
inline constexpr size_t kMaxAttributesSize = 0xFFFC;
// FINGERPRINT is the CRC-32 of the message XORed with this (§15.5).
inline constexpr uint32_t kFingerprintXor = 0x5354554e;

using TransactionId = std::array<uint8_t, 12>;

enum class StunClass : uint8_t {
  kRequest = 0,
  kIndication = 1,
  kSuccessResponse = 2,
  kErrorResponse = 3,
};

inline constexpr uint16_t kBindingMethod = 0x001;

// The 14-bit message type for a 12-bit method and a class, and back.
constexpr uint16_t MessageType(uint16_t method, StunClass cls) {
  const auto c = static_cast<uint16_t>(cls);
  return static_cast<uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) |
                               ((method & 0x0F80) << 2) | ((c & 1) << 4) |
                               ((c & 2) << 7));
}
constexpr uint16_t MethodOf(uint16_t type) {
  return static_cast<uint16_t>((type & 0x000F) | ((type & 0x00E0) >> 1) |
                               ((type & 0x3E00) >> 2));
}
constexpr StunClass ClassOf(uint16_t type) {
  return static_cast<StunClass>(((type >> 4) & 1) | ((type >> 7) & 2));
}

// Attribute types (RFC 5389 §18.2, RFC 8445 §16.1). Types below 0x8000 are
// comprehension-required: an agent must reject a request carrying one it
// does not know.
namespace attr {
inline constexpr uint16_t kMappedAddress = 0x0001;
inline constexpr uint16_t kUsername = 0x0006;
inline constexpr uint16_t kMessageIntegrity = 0x0008;
inline constexpr uint16_t kErrorCode = 0x0009;
inline constexpr uint16_t kUnknownAttributes = 0x000A;
inline constexpr uint16_t kRealm = 0x0014;
inline constexpr uint16_t kNonce = 0x0015;
inline constexpr uint16_t kXorMappedAddress = 0x0020;
inline constexpr uint16_t kPriority = 0x0024;
inline constexpr uint16_t kUseCandidate = 0x0025;
inline constexpr uint16_t kSoftware = 0x8022;
inline constexpr uint16_t kAlternateServer = 0x8023;
inline constexpr uint16_t kFingerprint = 0x8028;
inline constexpr uint16_t kIceControlled = 0x8029;
inline constexpr uint16_t kIceControlling = 0x802A;

constexpr bool IsComprehensionRequired(uint16_t type) { return type < 0x8000; }
}  // namespace attr

struct StunAttribute {
  uint16_t type = 0;
  std::vector<uint8_t> value;  // without padding

  friend bool operator==(const StunAttribute&, const StunAttribute&) = default;
};

// ERROR-CODE (§15.6): a code 300..699 and a reason phrase.
struct StunErrorCode {
  int code = 0;
  std::string reason;

  friend bool operator==(const StunErrorCode&, const StunErrorCode&) = default;
};

class StunMessage {
 public:
  // `type` is the 14-bit message type, e.g. MessageType(kBindingMethod,
  // StunClass::kRequest); higher bits are dropped.
  StunMessage(uint16_t type, const TransactionId& transaction_id);

  // One STUN message that fills `bytes` exactly, or nullopt.
  static std::optional<StunMessage> Parse(absl::Span<const uint8_t> bytes);

  // Header and attributes as they are, padding as zeros.
  std::vector<uint8_t> Serialize() const;
  // The attributes before any MESSAGE-INTEGRITY (a parsed MI or FINGERPRINT
  // is dropped), then a fresh MESSAGE-INTEGRITY keyed with `key` and a
  // FINGERPRINT. Nullopt only if the result would exceed the length field.
  std::optional<std::vector<uint8_t>> SerializeWithIntegrity(std::string_view key) const;

  uint16_t type() const { return type_; }
  uint16_t method() const { return MethodOf(type_); }
  StunClass message_class() const { return ClassOf(type_); }
  const TransactionId& transaction_id() const { return transaction_id_; }
  const std::vector<StunAttribute>& attributes() const { return attributes_; }

  // The first attribute of `type` that MESSAGE-INTEGRITY would cover: the
  // search stops at MESSAGE-INTEGRITY, since attributes after it (other than
  // FINGERPRINT) are unauthenticated and must be ignored (§15.4).
  const StunAttribute* Find(uint16_t type) const;

  // Typed views of Find(); nullopt when absent.
  std::optional<std::string_view> username() const;
  std::optional<uint32_t> priority() const;
  bool use_candidate() const { return Find(attr::kUseCandidate) != nullptr; }
  std::optional<uint64_t> ice_controlling() const;
  std::optional<uint64_t> ice_controlled() const;
  std::optional<StunErrorCode> error_code() const;
  std::optional<net::IpEndpoint> xor_mapped_address() const;
  std::vector<uint16_t> unknown_attributes() const;
  bool has_message_integrity() const;
  bool has_fingerprint() const;

  // Appends an attribute. False, and the message unchanged, if the value is
  // invalid for a type this file knows, if the message would outgrow the
  // length field, or if a FINGERPRINT is already the last attribute.
  [[nodiscard]] bool AddAttribute(uint16_t type, absl::Span<const uint8_t> value);
  [[nodiscard]] bool AddUsername(std::string_view username);
  [[nodiscard]] bool AddPriority(uint32_t priority);
  [[nodiscard]] bool AddUseCandidate();
  [[nodiscard]] bool AddIceControlling(uint64_t tie_breaker);
  [[nodiscard]] bool AddIceControlled(uint64_t tie_breaker);
  // `code` 300..699; the reason is cut to 127 bytes (§15.6).
  [[nodiscard]] bool AddErrorCode(int code, std::string_view reason);
  [[nodiscard]] bool AddXorMappedAddress(const net::IpEndpoint& address);
  [[nodiscard]] bool AddUnknownAttributes(absl::Span<const uint16_t> types);

  friend bool operator==(const StunMessage&, const StunMessage&) = default;

 private:
  uint16_t type_;
  TransactionId transaction_id_;
  std::vector<StunAttribute> attributes_;
  size_t attributes_size_ = 0;  // on the wire: headers, values, padding
};

// RFC 7983 demultiplexing: first byte 0..3 (STUN; DTLS, RTP and the rest
// start higher), at least a header, and the magic cookie. Cheap; a match is
// not yet a valid message.
bool IsStun(absl::Span<const uint8_t> bytes);

// True if `bytes` is one STUN message whose first MESSAGE-INTEGRITY is the
// HMAC-SHA1, keyed with `key`, of the message up to that attribute with the
// length field counting up to and including it (§15.4). For ICE the key is
// the password of the agent that receives the request. Constant-time
// comparison.
bool VerifyMessageIntegrity(absl::Span<const uint8_t> bytes, std::string_view key);

// True if `bytes` is one STUN message whose last attribute is a FINGERPRINT
// matching the CRC-32 of everything before it, XOR 0x5354554e (§15.5).
bool VerifyFingerprint(absl::Span<const uint8_t> bytes);

// Appends MESSAGE-INTEGRITY, then FINGERPRINT, to a serialized message and
// updates its length field. False, and `message` unchanged, if `message` is
// not a header plus whole attributes, or the result would be too long.
[[nodiscard]] bool AppendMessageIntegrity(std::vector<uint8_t>& message,
                                          std::string_view key);
[[nodiscard]] bool AppendFingerprint(std::vector<uint8_t>& message);

// CRC-32 (ISO-HDLC, as in zlib and Ethernet): Crc32("123456789") == 0xCBF43926.
uint32_t Crc32(absl::Span<const uint8_t> bytes);

}  // namespace konfero::stun

#endif  // KONFERO_STUN_STUN_MESSAGE_H_
