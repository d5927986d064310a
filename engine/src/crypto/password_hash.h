// password_hash.h: password hashing with argon2id (libargon2).
//
// Hashes are argon2's encoded strings ($argon2id$v=19$m=...,t=...,p=...$salt$
// hash), so the cost parameters travel with each hash and can be raised later
// without breaking old ones.
//
// Thread contract: free functions, safe from any thread.
#ifndef KONFERO_CRYPTO_PASSWORD_HASH_H_
#define KONFERO_CRYPTO_PASSWORD_HASH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "konfero/random.h"

namespace konfero::crypto {

struct PasswordHashCost {
  // OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane.
  uint32_t memory_kib = 19 * 1024;
  uint32_t iterations = 2;
  uint32_t lanes = 1;
};

// A fresh 16-byte salt from `random` each time.
absl::StatusOr<std::string> HashPassword(std::string_view password,
                                         RandomSource& random,
                                         const PasswordHashCost& cost = {});

// True if `password` matches `encoded`. A malformed `encoded` is false.
bool VerifyPassword(std::string_view encoded, std::string_view password);

}  // namespace konfero::crypto

#endif  // KONFERO_CRYPTO_PASSWORD_HASH_H_
