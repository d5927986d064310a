// stun_integrity.cc: IsStun, MESSAGE-INTEGRITY (HMAC-SHA1, RFC 5389 §15.4)
// and FINGERPRINT (CRC-32, §15.5) on wire bytes.
//
// Both attributes cover the message as sent, with the length field as it
// stood when the attribute was appended, so they are checked on the bytes
// rather than on a parsed StunMessage.
#include <array>
#include <climits>
#include <cstring>
#include <optional>

#include "openssl/crypto.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"
#include "stun/stun_message.h"
#include "stun/stun_wire.h"

namespace konfero::stun {
namespace {

using wire::Padded;
using wire::ReadU16;
using wire::ReadU32;
using wire::SetU16;

struct AttributeRef {
  uint16_t type = 0;
  size_t offset = 0;  // of the attribute header
  size_t length = 0;  // of the value, without padding
};

// The header checks of StunMessage::Parse: one whole message, length field a
// multiple of 4 that matches, the magic cookie.
bool HeaderOk(absl::Span<const uint8_t> b) {
  if (b.size() < kHeaderSize) return false;
  if ((b[0] & 0xC0) != 0) return false;
  const size_t length = ReadU16(b, 2);
  return length % 4 == 0 && kHeaderSize + length == b.size() &&
         ReadU32(b, 4) == kMagicCookie;
}

// The first attribute of `type` and the last attribute, if the message has
// a good header and its attributes tile it exactly; nullopt otherwise.
struct Walk {
  std::optional<AttributeRef> first_of_type;
  std::optional<AttributeRef> last;
};
std::optional<Walk> WalkAttributes(absl::Span<const uint8_t> b, uint16_t type) {
  if (!HeaderOk(b)) return std::nullopt;
  Walk walk;
  size_t pos = kHeaderSize;
  while (pos < b.size()) {
    if (b.size() - pos < kAttributeHeaderSize) return std::nullopt;
    AttributeRef ref{ReadU16(b, pos), pos, ReadU16(b, pos + 2)};
    if (Padded(ref.length) > b.size() - pos - kAttributeHeaderSize) return std::nullopt;
    if (ref.type == type && !walk.first_of_type) walk.first_of_type = ref;
    walk.last = ref;
    pos += kAttributeHeaderSize + Padded(ref.length);
  }
  return walk;
}

constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

// HMAC-SHA1 of `prefix` (a header and whole attributes) with its length
// field replaced by `length_field`.
bool HmacSha1(absl::Span<const uint8_t> prefix, uint16_t length_field,
              std::string_view key, std::array<uint8_t, kMessageIntegritySize>& out) {
  if (key.size() > INT_MAX) return false;
  // Copy so the length field can be rewritten; STUN checks are small, so
  // this stays on the stack except for unusually long messages.
  std::array<uint8_t, 1500> stack_buffer;
  std::vector<uint8_t> heap_buffer;
  uint8_t* text = stack_buffer.data();
  if (prefix.size() > stack_buffer.size()) {
    heap_buffer.resize(prefix.size());
    text = heap_buffer.data();
  }
  std::memcpy(text, prefix.data(), prefix.size());
  text[2] = static_cast<uint8_t>(length_field >> 8);
  text[3] = static_cast<uint8_t>(length_field);
  static constexpr uint8_t kEmptyKey = 0;  // HMAC wants a non-null key
  const void* key_data = key.empty() ? &kEmptyKey : static_cast<const void*>(key.data());
  unsigned int out_length = 0;
  const unsigned char* mac = HMAC(EVP_sha1(), key_data, static_cast<int>(key.size()),
                                  text, prefix.size(), out.data(), &out_length);
  return mac != nullptr && out_length == out.size();
}

}  // namespace

uint32_t Crc32(absl::Span<const uint8_t> bytes) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint8_t byte : bytes) c = kCrcTable[(c ^ byte) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

bool IsStun(absl::Span<const uint8_t> bytes) {
  return bytes.size() >= kHeaderSize && bytes[0] <= 3 &&
         ReadU32(bytes, 4) == kMagicCookie;
}

bool VerifyMessageIntegrity(absl::Span<const uint8_t> bytes, std::string_view key) {
  const std::optional<Walk> walk = WalkAttributes(bytes, attr::kMessageIntegrity);
  if (!walk || !walk->first_of_type) return false;
  const AttributeRef& mi = *walk->first_of_type;
  if (mi.length != kMessageIntegritySize) return false;
  // The length field counts up to and including MESSAGE-INTEGRITY.
  const size_t covered_length = mi.offset - kHeaderSize + kAttributeHeaderSize + mi.length;
  std::array<uint8_t, kMessageIntegritySize> expected;
  if (!HmacSha1(bytes.first(mi.offset), static_cast<uint16_t>(covered_length), key,
                expected)) {
    return false;
  }
  return CRYPTO_memcmp(expected.data(), bytes.data() + mi.offset + kAttributeHeaderSize,
                       expected.size()) == 0;
}

bool VerifyFingerprint(absl::Span<const uint8_t> bytes) {
  const std::optional<Walk> walk = WalkAttributes(bytes, attr::kFingerprint);
  if (!walk || !walk->last) return false;
  const AttributeRef& fp = *walk->last;
  if (fp.type != attr::kFingerprint || fp.length != 4) return false;
  const uint32_t expected = Crc32(bytes.first(fp.offset)) ^ kFingerprintXor;
  return ReadU32(bytes, fp.offset + kAttributeHeaderSize) == expected;
}

bool AppendMessageIntegrity(std::vector<uint8_t>& message, std::string_view key) {
  const std::optional<Walk> walk = WalkAttributes(message, attr::kFingerprint);
  if (!walk || walk->first_of_type) return false;  // nothing may follow FINGERPRINT
  const size_t new_length =
      message.size() - kHeaderSize + kAttributeHeaderSize + kMessageIntegritySize;
  if (new_length > kMaxAttributesSize) return false;
  std::array<uint8_t, kMessageIntegritySize> mac;
  if (!HmacSha1(message, static_cast<uint16_t>(new_length), key, mac)) return false;
  SetU16(message, 2, static_cast<uint16_t>(new_length));
  wire::PutU16(message, attr::kMessageIntegrity);
  wire::PutU16(message, static_cast<uint16_t>(kMessageIntegritySize));
  message.insert(message.end(), mac.begin(), mac.end());
  return true;
}

bool AppendFingerprint(std::vector<uint8_t>& message) {
  const std::optional<Walk> walk = WalkAttributes(message, attr::kFingerprint);
  if (!walk || walk->first_of_type) return false;
  const size_t new_length = message.size() - kHeaderSize + kAttributeHeaderSize + 4;
  if (new_length > kMaxAttributesSize) return false;
  SetU16(message, 2, static_cast<uint16_t>(new_length));
  const uint32_t fingerprint = Crc32(message) ^ kFingerprintXor;
  wire::PutU16(message, attr::kFingerprint);
  wire::PutU16(message, 4);
  wire::PutU32(message, fingerprint);
  return true;
}

}  // namespace konfero::stun
