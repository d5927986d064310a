// text.h: the few string helpers the server needs, on std::string_view.
//
// Debian 12's abseil is built with its own absl::string_view, so its
// StrCat, StrSplit and StripAsciiWhitespace do not take a std::string_view;
// these small helpers keep the server's code on std::string_view.
//
//   std::string line = Cat("line ", 3, ": unknown key \"", key, "\"");
//   std::string_view value = Trim("  x = 1 ");
//   std::string_view message = Sv(status.message());
//
// Thread contract: pure functions.
#ifndef KONFERO_EXAMPLES_SERVER_TEXT_H_
#define KONFERO_EXAMPLES_SERVER_TEXT_H_

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace konfero::server {

inline std::string_view Sv(absl::string_view s) { return {s.data(), s.size()}; }

namespace text_internal {
template <typename T>
void Append(std::string& out, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    out += value ? "true" : "false";
  } else if constexpr (std::is_integral_v<T>) {
    out += std::to_string(value);
  } else if constexpr (std::is_same_v<T, absl::string_view>) {
    out.append(value.data(), value.size());
  } else {
    out += std::string_view(value);
  }
}
}  // namespace text_internal

// Concatenates strings and integers.
template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  (text_internal::Append(out, args), ...);
  return out;
}

// `text` without leading and trailing spaces, tabs, CR and LF.
inline std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// The value of cookie `name` in a Cookie header ("a=1; b=2"); empty if
// absent. The first of duplicates wins (RFC 6265 5.4 orders by path, and
// ours have one path each).
inline std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = header.find(';');
    const std::string_view pair = Trim(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return Trim(pair.substr(eq + 1));
    }
  }
  return {};
}

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_TEXT_H_
