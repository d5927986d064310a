// config_values.h: the small value checks konfero-server's configuration
// shares between its parser (config.cc) and its final check of how the
// settings fit together (config_values.cc). Internal to the server.
//
// Thread contract: pure functions.
#ifndef KONFERO_EXAMPLES_SERVER_CONFIG_VALUES_H_
#define KONFERO_EXAMPLES_SERVER_CONFIG_VALUES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "server/config.h"

namespace konfero::server::config_internal {

bool IsIpv4(std::string_view s);
bool IsIpv6(std::string_view s);
bool IsIp(std::string_view s);
// A decimal integer in [min, max], nothing else.
std::optional<int64_t> ParseInt(std::string_view text, int64_t min, int64_t max);
// InvalidArgument "--<key>: <why>".
absl::Status Invalid(std::string_view key, std::string_view why);
// The digits of a phone number ("+49 30 123" -> "4930123").
std::string Digits(std::string_view number);

// The trunk of --sip-allow.
inline constexpr std::string_view kDefaultTrunk = "default";

// How the settings fit together: TLS certificate and key, and the SIP
// settings (none without a SIP listener; numbers, trunks and accounts that
// agree). The first problem, naming its flags.
absl::Status ValidateConfig(const ServerConfig& c);

}  // namespace konfero::server::config_internal

#endif  // KONFERO_EXAMPLES_SERVER_CONFIG_VALUES_H_
