// sip/serializer.cc: a SipMessage to its wire form (RFC 3261 7).
#include <charconv>
#include <string>

#include "sip/message.h"

namespace konfero::sip {

std::string Serialize(const SipMessage& message) {
  size_t size = 64 + message.body.size() + message.method().size() + message.request_uri().size() +
                message.reason().size();
  for (const Header& h : message.headers()) size += h.name.size() + h.value.size() + 4;
  std::string out;
  out.reserve(size);
  if (message.is_request()) {
    out.append(message.method()).append(" ").append(message.request_uri()).append(" SIP/2.0\r\n");
  } else {
    char code[16];
    char* end = std::to_chars(code, code + sizeof(code), message.status()).ptr;
    out.append("SIP/2.0 ").append(code, end).append(" ").append(message.reason()).append("\r\n");
  }
  for (const Header& h : message.headers()) {
    if (EqualsIgnoreCase(h.name, "Content-Length")) continue;
    out.append(h.name).append(": ").append(h.value).append("\r\n");
  }
  char length[24];
  char* end = std::to_chars(length, length + sizeof(length), message.body.size()).ptr;
  out.append("Content-Length: ").append(length, end).append("\r\n\r\n").append(message.body);
  return out;
}

}  // namespace konfero::sip
