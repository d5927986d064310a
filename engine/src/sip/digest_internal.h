// sip/digest_internal.h: the hash helpers digest.cc and digest_server.cc
// share. Not part of the sip API.
//
// Thread contract: thread-safe (OpenSSL's EVP and RAND are).
#ifndef KONFERO_SIP_DIGEST_INTERNAL_H_
#define KONFERO_SIP_DIGEST_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "sip/digest.h"

namespace konfero::sip {

bool IsSha256(DigestAlgorithm a);
bool IsSess(DigestAlgorithm a);
// Length of the algorithm's hash in hex digits: 32 (MD5) or 64 (SHA-256).
size_t HexLength(DigestAlgorithm a);

// H(part1:part2:...) in lowercase hex, with MD5 or SHA-256 after `algorithm`.
std::string HashHex(DigestAlgorithm algorithm,
                    std::initializer_list<std::string_view> parts);

// The request-digest of RFC 7616 section 3.4.1 (RFC 2069 form without qop).
// `base_ha1` is H(username:realm:password); -sess is applied here.
std::string DigestResponse(DigestAlgorithm algorithm, std::string_view base_ha1,
                           std::string_view nonce, DigestQop qop,
                           std::string_view cnonce, uint32_t nc,
                           std::string_view method, std::string_view uri,
                           std::string_view body);

// RAND_bytes; aborts if the CSPRNG cannot be seeded.
void RandomBytes(uint8_t* out, size_t size);

}  // namespace konfero::sip

#endif  // KONFERO_SIP_DIGEST_INTERNAL_H_
