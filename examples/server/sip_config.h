// sip_config.h: the values of konfero-server's phone dial-in flags, parsed
// one at a time (config.cc applies them and checks how they fit together).
//
//   absl::StatusOr<SipTrunk> trunk = ParseSipTrunk(
//       "pbx;allow=192.0.2.0/24;realm=konfero;user=pbx;password=s3cret");
//   absl::StatusOr<SipRegistration> account = ParseSipRegistration(
//       "sip:alice@provider.example;user=alice;password=alicepw;expires=300");
//
// A value is a head and `;key=value` parameters. A parameter's value runs
// to the next `;key=` of a key the flag knows, so it may hold a ';' itself
// (a SIP URI's own parameters, a password). Errors name the flag and what
// is expected; they never repeat a password, nor any part of a value that
// could hold one (--sip-trunk and --sip-register errors quote only parts
// that passed their check).
//
// Thread contract: pure functions.
#ifndef KONFERO_EXAMPLES_SERVER_SIP_CONFIG_H_
#define KONFERO_EXAMPLES_SERVER_SIP_CONFIG_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "konfero/dial_in.h"
#include "konfero/prompts.h"
#include "konfero/room_types.h"

namespace konfero::server {

// One --sip-number: NUMBER[;room=ID][;lang=en|de].
struct SipNumberConfig {
  std::string number;
  std::optional<RoomId> room;              // none: every public room
  std::optional<PromptLanguage> language;  // none: --sip-language
};

// "en" or "de".
std::optional<PromptLanguage> ParsePromptLanguage(std::string_view text);

// Up to 32 characters of digits, spaces and + - ( ) /, at least one digit.
bool IsPhoneNumber(std::string_view text);

// "192.0.2.0/24", "2001:db8::/32" or one address.
bool IsCidr(std::string_view text);

// --sip-allow: CIDR[,CIDR...] (spaces around the commas allowed).
absl::StatusOr<std::vector<std::string>> ParseCidrList(std::string_view flag,
                                                       std::string_view text);

// --sip-number: NUMBER[;room=ID][;lang=en|de].
absl::StatusOr<SipNumberConfig> ParseSipNumber(std::string_view text);

// --sip-trunk: NAME;allow=CIDR[,CIDR...][;realm=R;user=U;password=P].
absl::StatusOr<SipTrunk> ParseSipTrunk(std::string_view text);

// --sip-register: SIP-URI;user=U;password=P[;expires=SECONDS][;number=N].
absl::StatusOr<SipRegistration> ParseSipRegistration(std::string_view text);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_SIP_CONFIG_H_
