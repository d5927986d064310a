// validation.h: the input rules of the room API, one function per kind of
// input. Each returns OK or InvalidArgument with a message that names the
// field and the rule, never the value of a secret.
#ifndef KONFERO_ROOMS_VALIDATION_H_
#define KONFERO_ROOMS_VALIDATION_H_

#include <string_view>

#include "absl/status/status.h"

namespace konfero::rooms {

// 1-64 of [a-z0-9._-], starting with a letter or digit.
absl::Status ValidateLogin(std::string_view login);
// 8-256 bytes; any bytes but NUL.
absl::Status ValidatePassword(std::string_view password);
// Valid UTF-8, 1-`max_bytes` bytes after trimming, no control characters.
absl::Status ValidateName(std::string_view field, std::string_view name,
                          size_t max_bytes);
// 16-128 printable ASCII characters.
absl::Status ValidateGuestKey(std::string_view key);
// Valid UTF-8, 1-`max_bytes` bytes, not only white space; newlines and tabs
// allowed, other control characters not.
absl::Status ValidateChatText(std::string_view text, size_t max_bytes);
// At most 64 bytes of printable ASCII (an address, with port or not).
absl::Status ValidateSource(std::string_view source);

bool IsValidUtf8(std::string_view s);

}  // namespace konfero::rooms

#endif  // KONFERO_ROOMS_VALIDATION_H_
