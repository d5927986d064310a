// sip/text.h: character classes and small scanners shared by the SIP parser,
// the header-value parsers and the framer (RFC 3261 25.1). Internal.
//
// Thread contract: pure functions, safe from any thread.
#ifndef KONFERO_SIP_TEXT_H_
#define KONFERO_SIP_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace konfero::sip::text {

inline bool IsWsp(char c) { return c == ' ' || c == '\t'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
inline char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }
inline char ToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - ('a' - 'A')) : c; }

// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
inline bool IsTokenChar(char c) {
  if (IsAlnum(c)) return true;
  switch (c) {
    case '-': case '.': case '!': case '%': case '*': case '_': case '+': case '`': case '\'': case '~':
      return true;
    default:
      return false;
  }
}
inline bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

inline std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && IsWsp(s.front())) s.remove_prefix(1);
  return s;
}
inline std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsWsp(s.back())) s.remove_suffix(1);
  return s;
}
inline std::string_view Trim(std::string_view s) { return TrimRight(TrimLeft(s)); }

// 1*DIGIT, at most `max_digits` of them (leading zeros count), as a number.
inline std::optional<uint64_t> ParseDigits(std::string_view s, size_t max_digits = 18) {
  if (s.empty() || s.size() > max_digits) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// Whether every quoted string in `s` is closed and the <> outside quotes
// balance (no nesting).
inline bool QuotesAndAnglesBalanced(std::string_view s) {
  bool quoted = false;
  bool angle = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '\\') {
        if (++i == s.size()) return false;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '<') {
      if (angle) return false;
      angle = true;
    } else if (c == '>') {
      if (!angle) return false;
      angle = false;
    }
  }
  return !quoted && !angle;
}

}  // namespace konfero::sip::text

#endif  // KONFERO_SIP_TEXT_H_
