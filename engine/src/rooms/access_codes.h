// access_codes.h: the PIN, URL token and invitation text of a public room.
//
// Thread contract: free functions; thread-safe if `random` is.
#ifndef KONFERO_ROOMS_ACCESS_CODES_H_
#define KONFERO_ROOMS_ACCESS_CODES_H_

#include <string>
#include <string_view>

#include "konfero/random.h"
#include "konfero/room_types.h"

namespace konfero::rooms {

// 16 random bytes = 128 bits, base64url: 22 characters.
inline constexpr int kUrlTokenBytes = 16;

std::string GeneratePin(int digits, RandomSource& random);
std::string GenerateUrlToken(RandomSource& random);

// Fills url, invitation_en and invitation_de of `access` from its other
// fields and the room's name.
void ComposeInvitation(std::string_view room_name, std::string_view base_url,
                       PublicAccess& access);

}  // namespace konfero::rooms

#endif  // KONFERO_ROOMS_ACCESS_CODES_H_
