// url_path.h: splits a request target into decoded path segments.
//
//   auto segments = SplitPath("/r/abc%2Dd?lang=de");
//   // *segments == {"r", "abc-d"}; "/" gives {}, "/a/" gives {"a", ""}
//
// The query is dropped (no handler reads one). Percent escapes are decoded
// per segment; a target that is not origin-form ("/..."), has a malformed
// escape, or decodes to a NUL or a '/' inside a segment is refused
// (std::nullopt), so that "%2e%2e%2f" cannot smuggle a separator or a
// parent reference past the router and the static file resolver, which
// both look at decoded segments only.
//
// Thread contract: pure functions.
#ifndef KONFERO_EXAMPLES_SERVER_URL_PATH_H_
#define KONFERO_EXAMPLES_SERVER_URL_PATH_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace konfero::server {

// Longest request target accepted (Beast refuses longer ones too).
inline constexpr size_t kMaxTargetBytes = 4096;

std::optional<std::vector<std::string>> SplitPath(std::string_view target);

// Decodes %XX escapes; std::nullopt for a malformed escape or a NUL.
std::optional<std::string> PercentDecode(std::string_view text);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_URL_PATH_H_
