// secrets.cc: random digits and tokens, constant-time compare, HMAC.
#include "crypto/secrets.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "common/absl_compat.h"
#include "openssl/crypto.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"

namespace konfero::crypto {

std::string RandomDigits(int digits, RandomSource& random) {
  std::string out;
  out.reserve(digits);
  uint8_t byte = 0;
  while (static_cast<int>(out.size()) < digits) {
    random.Fill(absl::MakeSpan(&byte, 1));
    // 250 = 25 * 10: bytes >= 250 would favour the digits 0-5.
    if (byte >= 250) continue;
    out.push_back(static_cast<char>('0' + byte % 10));
  }
  return out;
}

std::string RandomBase64Url(int bytes, RandomSource& random) {
  std::vector<uint8_t> raw(bytes);
  random.Fill(absl::MakeSpan(raw));
  std::string out;
  absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()),
      &out);
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  EVP_Digest(data.data(), data.size(), digest, &digest_len, EVP_sha256(), nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), digest_len));
}

std::string HmacSha256(absl::Span<const uint8_t> key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
       &mac_len);
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

}  // namespace konfero::crypto
