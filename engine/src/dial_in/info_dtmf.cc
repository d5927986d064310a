// info_dtmf.cc: DTMF in INFO bodies.
#include "dial_in/info_dtmf.h"

#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/absl_compat.h"

namespace konfero::dial_in {
namespace {

std::optional<char> Digit(std::string_view text) {
  text = Sv(absl::StripAsciiWhitespace(Sv(text)));
  if (text.size() != 1) {
    // RFC 4733 event numbers also appear ("10" for *, "11" for #).
    if (text == "10") return '*';
    if (text == "11") return '#';
    return std::nullopt;
  }
  const char c = absl::ascii_toupper(static_cast<unsigned char>(text[0]));
  if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D')) return c;
  return std::nullopt;
}

}  // namespace

std::optional<char> InfoDigit(const sip::SipMessage& info) {
  std::optional<std::string_view> type = info.Get("Content-Type");
  if (!type || info.body.size() > 1024) return std::nullopt;
  const std::string_view media = Sv(absl::StripAsciiWhitespace(Sv(type->substr(0, type->find(';')))));
  if (absl::EqualsIgnoreCase(Sv(media), "application/dtmf")) return Digit(info.body);
  if (!absl::EqualsIgnoreCase(Sv(media), "application/dtmf-relay")) return std::nullopt;
  std::string_view body = info.body;
  while (!body.empty()) {
    const size_t end = body.find_first_of("\r\n");
    const std::string_view line = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(Sv(line.substr(0, eq))), "Signal")) {
      return Digit(line.substr(eq + 1));
    }
  }
  return std::nullopt;
}

}  // namespace konfero::dial_in
