// validation.cc: input rules of the room API.
#include "rooms/validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"

namespace konfero::rooms {
namespace {

bool IsPrintableAscii(char c) { return c >= 0x20 && c < 0x7f; }

// Rejects C0 controls, DEL and the C1 controls U+0080-U+009F (encoded
// C2 80 to C2 9F; U+009B alone starts a terminal escape sequence);
// `allow_newlines` admits \n, \r and \t. Expects valid UTF-8.
bool HasControlChars(std::string_view s, bool allow_newlines) {
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = s[i];
    if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) continue;
    if (c < 0x20 || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < s.size() &&
        static_cast<unsigned char>(s[i + 1]) < 0xa0) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    int extra = 0;
    uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xe0) == 0xc0) { extra = 1; cp = c & 0x1f; }
    else if ((c & 0xf0) == 0xe0) { extra = 2; cp = c & 0x0f; }
    else if ((c & 0xf8) == 0xf0) { extra = 3; cp = c & 0x07; }
    else return false;
    if (i + extra >= s.size()) return false;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      const unsigned char cc = s[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
        (extra == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

absl::Status ValidateLogin(std::string_view login) {
  if (login.empty() || login.size() > 64) {
    return absl::InvalidArgumentError("login must be 1 to 64 characters");
  }
  if (!absl::ascii_isalnum(static_cast<unsigned char>(login[0]))) {
    return absl::InvalidArgumentError("login must start with a letter or digit");
  }
  for (char c : login) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(
          "login may contain only a-z, 0-9, '.', '_' and '-'");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePassword(std::string_view password) {
  if (password.size() < 8) {
    return absl::InvalidArgumentError("password must be at least 8 bytes");
  }
  if (password.size() > 256) {
    return absl::InvalidArgumentError("password must be at most 256 bytes");
  }
  if (password.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError("password must not contain NUL");
  }
  return absl::OkStatus();
}

absl::Status ValidateName(std::string_view field, std::string_view name,
                          size_t max_bytes) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(Sv(name));
  if (trimmed.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(Sv(field), " must not be empty"));
  }
  if (name.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(field), " must be at most ", max_bytes, " bytes"));
  }
  if (!IsValidUtf8(name)) {
    return absl::InvalidArgumentError(absl::StrCat(Sv(field), " must be UTF-8"));
  }
  if (HasControlChars(name, /*allow_newlines=*/false)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(field), " must not contain control characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateGuestKey(std::string_view key) {
  if (key.size() < 16 || key.size() > 128) {
    return absl::InvalidArgumentError("guest key must be 16 to 128 characters");
  }
  for (char c : key) {
    if (!IsPrintableAscii(c)) {
      return absl::InvalidArgumentError("guest key must be printable ASCII");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateChatText(std::string_view text, size_t max_bytes) {
  if (absl::StripAsciiWhitespace(Sv(text)).empty()) {
    return absl::InvalidArgumentError("chat message must not be empty");
  }
  if (text.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("chat message must be at most ", max_bytes, " bytes"));
  }
  if (!IsValidUtf8(text)) {
    return absl::InvalidArgumentError("chat message must be UTF-8");
  }
  if (HasControlChars(text, /*allow_newlines=*/true)) {
    return absl::InvalidArgumentError(
        "chat message must not contain control characters");
  }
  return absl::OkStatus();
}

absl::Status ValidateSource(std::string_view source) {
  if (source.size() > 64) {
    return absl::InvalidArgumentError("source address must be at most 64 bytes");
  }
  for (char c : source) {
    if (!IsPrintableAscii(c)) {
      return absl::InvalidArgumentError("source address must be printable ASCII");
    }
  }
  return absl::OkStatus();
}

}  // namespace konfero::rooms
