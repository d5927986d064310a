// device_cookie.h: the device cookies of OWASP's "Slow Down Online Guessing
// Attacks with Device Cookies": proof that this browser has logged in as this
// login before, so that others' guessing (which locks the login) does not
// lock it out.
//
// A cookie is "<login>.<nonce>.<mac>": the nonce is 16 random bytes and the
// mac HMAC-SHA256(key, "<login>.<nonce>"), both base64url without padding
// (which has no '.'; a login may have, so it is split from the right). The
// nonce names the cookie for its own failure count.
//
//   std::string cookie = MakeDeviceCookie(key, "alice", random);
//   std::optional<std::string> nonce = CheckDeviceCookie(key, "alice", cookie);
//
// Thread contract: pure functions, thread-safe.
#ifndef KONFERO_ROOMS_DEVICE_COOKIE_H_
#define KONFERO_ROOMS_DEVICE_COOKIE_H_

#include <optional>
#include <string>
#include <string_view>

#include "konfero/random.h"

namespace konfero::rooms {

std::string MakeDeviceCookie(std::string_view key, std::string_view login,
                             RandomSource& random);

// The cookie's nonce if `cookie` was made with `key` for exactly `login`
// (compared in constant time); nullopt for anything else, malformed or not.
std::optional<std::string> CheckDeviceCookie(std::string_view key, std::string_view login,
                                             std::string_view cookie);

}  // namespace konfero::rooms

#endif  // KONFERO_ROOMS_DEVICE_COOKIE_H_
