// stun_message.cc: StunMessage parsing, serialization and typed attributes.
// MESSAGE-INTEGRITY, FINGERPRINT and IsStun are in stun_integrity.cc.
#include "stun/stun_message.h"

#include <algorithm>
#include <utility>

#include "stun/stun_wire.h"

namespace konfero::stun {
namespace {

using wire::Padded;
using wire::PutU16;
using wire::PutU32;
using wire::ReadU16;
using wire::ReadU32;
using wire::ReadU64;

// The 16 bytes an XOR-MAPPED-ADDRESS is XORed with: the magic cookie, then
// (for IPv6) the transaction id (§15.2).
std::array<uint8_t, 16> XorMask(const TransactionId& id) {
  std::array<uint8_t, 16> mask{};
  mask[0] = static_cast<uint8_t>(kMagicCookie >> 24);
  mask[1] = static_cast<uint8_t>(kMagicCookie >> 16);
  mask[2] = static_cast<uint8_t>(kMagicCookie >> 8);
  mask[3] = static_cast<uint8_t>(kMagicCookie);
  std::copy(id.begin(), id.end(), mask.begin() + 4);
  return mask;
}

// Whether `value` is well formed for `type`; unknown types are opaque.
bool IsValidValue(uint16_t type, absl::Span<const uint8_t> value) {
  switch (type) {
    case attr::kMessageIntegrity:
      return value.size() == kMessageIntegritySize;
    case attr::kFingerprint:
    case attr::kPriority:
      return value.size() == 4;
    case attr::kUseCandidate:
      return value.empty();
    case attr::kIceControlled:
    case attr::kIceControlling:
      return value.size() == 8;
    case attr::kUsername:
      return value.size() < 513;  // §15.3
    case attr::kUnknownAttributes:
      return value.size() % 2 == 0;
    case attr::kErrorCode: {
      //    0                   1                   2                   3
      //    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
      //   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
      //   |           Reserved, should be 0         |Class|     Number    |
      //   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
      //   |      Reason Phrase (variable)                                ..
      if (value.size() < 4 || value.size() > 4 + 763) return false;
      const int cls = value[2] & 0x07;
      return cls >= 3 && cls <= 6 && value[3] <= 99;
    }
    case attr::kMappedAddress:
    case attr::kXorMappedAddress:
    case attr::kAlternateServer:
      //   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
      //   |x x x x x x x x|    Family     |         X-Port                |
      //   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
      //   |                X-Address (32 bits or 128 bits)                |
      //   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
      // Family 0x01 is IPv4, 0x02 IPv6.
      return (value.size() == 8 && value[1] == 0x01) ||
             (value.size() == 20 && value[1] == 0x02);
    default:
      return true;
  }
}

}  // namespace

StunMessage::StunMessage(uint16_t type, const TransactionId& transaction_id)
    : type_(static_cast<uint16_t>(type & 0x3FFF)), transaction_id_(transaction_id) {}

std::optional<StunMessage> StunMessage::Parse(absl::Span<const uint8_t> bytes) {
  if (bytes.size() < kHeaderSize) return std::nullopt;
  const uint16_t type = ReadU16(bytes, 0);
  if ((type & 0xC000) != 0) return std::nullopt;
  const size_t length = ReadU16(bytes, 2);
  if (length % 4 != 0 || kHeaderSize + length != bytes.size()) return std::nullopt;
  if (ReadU32(bytes, 4) != kMagicCookie) return std::nullopt;

  TransactionId id;
  std::copy(bytes.begin() + 8, bytes.begin() + kHeaderSize, id.begin());
  StunMessage message(type, id);

  size_t pos = kHeaderSize;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < kAttributeHeaderSize) return std::nullopt;
    const uint16_t attr_type = ReadU16(bytes, pos);
    const size_t attr_length = ReadU16(bytes, pos + 2);
    pos += kAttributeHeaderSize;
    // The value and its padding must fit; a last attribute without its
    // padding is as malformed as one that overruns the message.
    if (Padded(attr_length) > bytes.size() - pos) return std::nullopt;
    if (!message.attributes_.empty() &&
        message.attributes_.back().type == attr::kFingerprint) {
      return std::nullopt;  // FINGERPRINT must be last (§15.5)
    }
    const absl::Span<const uint8_t> value = bytes.subspan(pos, attr_length);
    if (!IsValidValue(attr_type, value)) return std::nullopt;
    message.attributes_.push_back({attr_type, {value.begin(), value.end()}});
    pos += Padded(attr_length);
  }
  message.attributes_size_ = length;
  return message;
}

std::vector<uint8_t> StunMessage::Serialize() const {
  std::vector<uint8_t> out;
  out.reserve(kHeaderSize + attributes_size_);
  PutU16(out, type_);
  PutU16(out, static_cast<uint16_t>(attributes_size_));
  PutU32(out, kMagicCookie);
  out.insert(out.end(), transaction_id_.begin(), transaction_id_.end());
  for (const StunAttribute& a : attributes_) {
    PutU16(out, a.type);
    PutU16(out, static_cast<uint16_t>(a.value.size()));
    out.insert(out.end(), a.value.begin(), a.value.end());
    out.resize(out.size() + Padded(a.value.size()) - a.value.size(), 0);
  }
  return out;
}

std::optional<std::vector<uint8_t>> StunMessage::SerializeWithIntegrity(
    std::string_view key) const {
  StunMessage unsigned_part(type_, transaction_id_);
  for (const StunAttribute& a : attributes_) {
    if (a.type == attr::kMessageIntegrity) break;
    if (a.type == attr::kFingerprint) continue;
    unsigned_part.attributes_.push_back(a);
    unsigned_part.attributes_size_ += kAttributeHeaderSize + Padded(a.value.size());
  }
  std::vector<uint8_t> bytes = unsigned_part.Serialize();
  if (!AppendMessageIntegrity(bytes, key) || !AppendFingerprint(bytes)) {
    return std::nullopt;
  }
  return bytes;
}

const StunAttribute* StunMessage::Find(uint16_t type) const {
  for (const StunAttribute& a : attributes_) {
    if (a.type == type) return &a;
    if (a.type == attr::kMessageIntegrity && type != attr::kFingerprint) {
      return nullptr;
    }
  }
  return nullptr;
}

std::optional<std::string_view> StunMessage::username() const {
  const StunAttribute* a = Find(attr::kUsername);
  if (a == nullptr) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(a->value.data()),
                          a->value.size());
}

std::optional<uint32_t> StunMessage::priority() const {
  const StunAttribute* a = Find(attr::kPriority);
  if (a == nullptr) return std::nullopt;
  return ReadU32(a->value, 0);  // 4 bytes, checked by Parse/AddAttribute
}

std::optional<uint64_t> StunMessage::ice_controlling() const {
  const StunAttribute* a = Find(attr::kIceControlling);
  if (a == nullptr) return std::nullopt;
  return ReadU64(a->value, 0);
}

std::optional<uint64_t> StunMessage::ice_controlled() const {
  const StunAttribute* a = Find(attr::kIceControlled);
  if (a == nullptr) return std::nullopt;
  return ReadU64(a->value, 0);
}

std::optional<StunErrorCode> StunMessage::error_code() const {
  const StunAttribute* a = Find(attr::kErrorCode);
  if (a == nullptr) return std::nullopt;
  StunErrorCode error;
  error.code = (a->value[2] & 0x07) * 100 + a->value[3];
  error.reason.assign(a->value.begin() + 4, a->value.end());
  return error;
}

std::optional<net::IpEndpoint> StunMessage::xor_mapped_address() const {
  const StunAttribute* a = Find(attr::kXorMappedAddress);
  if (a == nullptr) return std::nullopt;
  const std::vector<uint8_t>& v = a->value;
  const auto port = static_cast<uint16_t>(ReadU16(v, 2) ^ (kMagicCookie >> 16));
  const std::array<uint8_t, 16> mask = XorMask(transaction_id_);
  if (v[1] == 0x01) {
    std::array<uint8_t, 4> ip;
    for (size_t i = 0; i < ip.size(); ++i) ip[i] = v[4 + i] ^ mask[i];
    return net::IpEndpoint::Ipv4(ip, port);
  }
  std::array<uint8_t, 16> ip;
  for (size_t i = 0; i < ip.size(); ++i) ip[i] = v[4 + i] ^ mask[i];
  return net::IpEndpoint::Ipv6(ip, port);
}

std::vector<uint16_t> StunMessage::unknown_attributes() const {
  std::vector<uint16_t> types;
  const StunAttribute* a = Find(attr::kUnknownAttributes);
  if (a == nullptr) return types;
  for (size_t i = 0; i + 1 < a->value.size(); i += 2) {
    types.push_back(ReadU16(a->value, i));
  }
  return types;
}

bool StunMessage::has_message_integrity() const {
  return Find(attr::kMessageIntegrity) != nullptr;
}

bool StunMessage::has_fingerprint() const {
  return !attributes_.empty() && attributes_.back().type == attr::kFingerprint;
}

bool StunMessage::AddAttribute(uint16_t type, absl::Span<const uint8_t> value) {
  if (value.size() > 0xFFFF) return false;
  const size_t added = kAttributeHeaderSize + Padded(value.size());
  if (added > kMaxAttributesSize - attributes_size_) return false;
  if (has_fingerprint()) return false;
  if (!IsValidValue(type, value)) return false;
  attributes_.push_back({type, {value.begin(), value.end()}});
  attributes_size_ += added;
  return true;
}

bool StunMessage::AddUsername(std::string_view username) {
  return AddAttribute(attr::kUsername,
                      {reinterpret_cast<const uint8_t*>(username.data()), username.size()});
}

bool StunMessage::AddPriority(uint32_t priority) {
  std::vector<uint8_t> v;
  PutU32(v, priority);
  return AddAttribute(attr::kPriority, v);
}

bool StunMessage::AddUseCandidate() { return AddAttribute(attr::kUseCandidate, {}); }

bool StunMessage::AddIceControlling(uint64_t tie_breaker) {
  std::vector<uint8_t> v;
  PutU32(v, static_cast<uint32_t>(tie_breaker >> 32));
  PutU32(v, static_cast<uint32_t>(tie_breaker));
  return AddAttribute(attr::kIceControlling, v);
}

bool StunMessage::AddIceControlled(uint64_t tie_breaker) {
  std::vector<uint8_t> v;
  PutU32(v, static_cast<uint32_t>(tie_breaker >> 32));
  PutU32(v, static_cast<uint32_t>(tie_breaker));
  return AddAttribute(attr::kIceControlled, v);
}

bool StunMessage::AddErrorCode(int code, std::string_view reason) {
  if (code < 300 || code > 699) return false;
  std::vector<uint8_t> v = {0, 0, static_cast<uint8_t>(code / 100),
                            static_cast<uint8_t>(code % 100)};
  reason = reason.substr(0, 127);
  v.insert(v.end(), reason.begin(), reason.end());
  return AddAttribute(attr::kErrorCode, v);
}

bool StunMessage::AddXorMappedAddress(const net::IpEndpoint& address) {
  const std::array<uint8_t, 16> mask = XorMask(transaction_id_);
  std::vector<uint8_t> v = {0, static_cast<uint8_t>(address.is_ipv4() ? 0x01 : 0x02)};
  PutU16(v, static_cast<uint16_t>(address.port() ^ (kMagicCookie >> 16)));
  const absl::Span<const uint8_t> ip = address.address_bytes();
  for (size_t i = 0; i < ip.size(); ++i) v.push_back(ip[i] ^ mask[i]);
  return AddAttribute(attr::kXorMappedAddress, v);
}

bool StunMessage::AddUnknownAttributes(absl::Span<const uint16_t> types) {
  std::vector<uint8_t> v;
  for (uint16_t t : types) PutU16(v, t);
  return AddAttribute(attr::kUnknownAttributes, v);
}

}  // namespace konfero::stun
