// rtp/rtp_header_extensions.cc: typed RTP header extension values.
#include "rtp/rtp_header_extensions.h"

#include <cstring>

#include "rtp/byte_io.h"

namespace konfero::rtp {

std::optional<Mid> Mid::Parse(std::span<const uint8_t> data) {
  if (data.empty()) return std::nullopt;
  // uint8_t and char may alias; the view borrows the packet's bytes.
  return Mid{{reinterpret_cast<const char*>(data.data()), data.size()}};
}

void Mid::SerializeTo(std::span<uint8_t> out) const {
  if (!value.empty()) std::memcpy(out.data(), value.data(), value.size());
}

std::optional<AudioLevel> AudioLevel::Parse(std::span<const uint8_t> data) {
  // Lenient: a longer element is read by its first byte.
  if (data.empty()) return std::nullopt;
  return AudioLevel{(data[0] & 0x80) != 0, static_cast<uint8_t>(data[0] & 0x7F)};
}

void AudioLevel::SerializeTo(std::span<uint8_t> out) const {
  out[0] = static_cast<uint8_t>((voice_activity ? 0x80 : 0) | (level & 0x7F));
}

AbsSendTime AbsSendTime::FromMicros(int64_t micros) {
  // 2^18 units per second; keep 6 bits of seconds.
  constexpr int64_t kWrap = int64_t{64} * 1'000'000;
  const auto units = static_cast<uint64_t>(((micros % kWrap) + kWrap) % kWrap);
  return AbsSendTime{static_cast<uint32_t>(((units << 18) / 1'000'000) & 0xFFFFFF)};
}

std::optional<AbsSendTime> AbsSendTime::Parse(std::span<const uint8_t> data) {
  if (data.size() != 3) return std::nullopt;
  return AbsSendTime{ReadU24(data.data())};
}

void AbsSendTime::SerializeTo(std::span<uint8_t> out) const {
  WriteU24(out.data(), value & 0xFFFFFF);
}

std::optional<TransportSequenceNumber> TransportSequenceNumber::Parse(
    std::span<const uint8_t> data) {
  if (data.size() != 2) return std::nullopt;
  return TransportSequenceNumber{ReadU16(data.data())};
}

void TransportSequenceNumber::SerializeTo(std::span<uint8_t> out) const {
  WriteU16(out.data(), value);
}

}  // namespace konfero::rtp
