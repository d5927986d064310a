// password_hash.cc: argon2id through libargon2's high-level API.
#include "crypto/password_hash.h"

#include <array>
#include <vector>

#include "absl/strings/str_cat.h"
#include "argon2.h"

namespace konfero::crypto {
namespace {
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
}  // namespace

absl::StatusOr<std::string> HashPassword(std::string_view password,
                                         RandomSource& random,
                                         const PasswordHashCost& cost) {
  std::array<uint8_t, kSaltBytes> salt;
  random.Fill(absl::MakeSpan(salt));
  const size_t encoded_len =
      argon2_encodedlen(cost.iterations, cost.memory_kib, cost.lanes,
                        kSaltBytes, kHashBytes, Argon2_id);
  std::vector<char> encoded(encoded_len);
  const int rc = argon2id_hash_encoded(
      cost.iterations, cost.memory_kib, cost.lanes, password.data(),
      password.size(), salt.data(), salt.size(), kHashBytes, encoded.data(),
      encoded.size());
  if (rc != ARGON2_OK) {
    return absl::InternalError(
        absl::StrCat("argon2id hashing failed: ", argon2_error_message(rc)));
  }
  return std::string(encoded.data());
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  // argon2id_verify needs a NUL-terminated encoded string.
  const std::string encoded_z(encoded);
  // argon2 compares the computed and stored hashes in constant time.
  return argon2id_verify(encoded_z.c_str(), password.data(), password.size()) ==
         ARGON2_OK;
}

}  // namespace konfero::crypto
