// dtmf/telephone_event.cc: RFC 4733 section 2.3, read and written byte by
// byte.
#include "dtmf/telephone_event.h"

namespace konfero::dtmf {

std::optional<TelephoneEvent> ParseTelephoneEvent(absl::Span<const uint8_t> payload) {
  if (payload.size() < kTelephoneEventSize) return std::nullopt;
  TelephoneEvent e;
  e.event = payload[0];
  e.end = (payload[1] & 0x80) != 0;
  e.volume = payload[1] & 0x3F;  // bit 0x40 is R: ignored
  e.duration = static_cast<uint16_t>((payload[2] << 8) | payload[3]);
  return e;
}

size_t WriteTelephoneEvent(const TelephoneEvent& e, absl::Span<uint8_t> out) {
  if (out.size() < kTelephoneEventSize || e.volume > kMaxVolume) return 0;
  out[0] = e.event;
  out[1] = static_cast<uint8_t>((e.end ? 0x80 : 0x00) | e.volume);
  out[2] = static_cast<uint8_t>(e.duration >> 8);
  out[3] = static_cast<uint8_t>(e.duration);
  return kTelephoneEventSize;
}

std::optional<char> EventToDigit(uint8_t event) {
  static constexpr char kDigits[] = "0123456789*#ABCD";
  if (event >= sizeof(kDigits) - 1) return std::nullopt;
  return kDigits[event];
}

std::optional<uint8_t> DigitToEvent(char digit) {
  if (digit >= '0' && digit <= '9') return static_cast<uint8_t>(digit - '0');
  if (digit == '*') return 10;
  if (digit == '#') return 11;
  if (digit >= 'A' && digit <= 'D') return static_cast<uint8_t>(12 + (digit - 'A'));
  if (digit >= 'a' && digit <= 'd') return static_cast<uint8_t>(12 + (digit - 'a'));
  return std::nullopt;
}

}  // namespace konfero::dtmf
