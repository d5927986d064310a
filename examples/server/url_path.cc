// url_path.cc: request target splitting and percent-decoding.
#include "server/url_path.h"

namespace konfero::server {
namespace {

std::optional<int> HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (text.size() - i < 3) return std::nullopt;  // "%X" or "%" at the end
      std::optional<int> hi = HexValue(text[i + 1]);
      std::optional<int> lo = HexValue(text[i + 2]);
      if (!hi || !lo) return std::nullopt;
      c = static_cast<char>(*hi * 16 + *lo);
      i += 2;
    }
    if (c == '\0') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

std::optional<std::vector<std::string>> SplitPath(std::string_view target) {
  if (target.empty() || target.size() > kMaxTargetBytes || target[0] != '/') {
    return std::nullopt;
  }
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  std::vector<std::string> segments;
  if (path == "/") return segments;
  path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    std::optional<std::string> segment = PercentDecode(path.substr(0, slash));
    if (!segment || segment->find('/') != std::string::npos) return std::nullopt;
    segments.push_back(std::move(*segment));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

}  // namespace konfero::server
