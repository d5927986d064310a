// absl_compat.h: bridges std::string_view to Debian's abseil.
//
// Debian 12's abseil is built with ABSL_OPTION_USE_STD_STRING_VIEW=0, so
// absl::string_view is its own type and absl::StrCat, StripAsciiWhitespace and
// friends do not accept a std::string_view. konfero's API uses
// std::string_view; Sv() converts at the boundary without a copy.
#ifndef KONFERO_COMMON_ABSL_COMPAT_H_
#define KONFERO_COMMON_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace konfero {

inline absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view Sv(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace konfero

#endif  // KONFERO_COMMON_ABSL_COMPAT_H_
