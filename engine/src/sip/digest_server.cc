// sip/digest_server.cc: DigestServer, the challenging side of digest
// authentication: stateless HMAC nonces, verification of the answer in
// constant time, and a bounded table of accepted (nonce, nc) pairs.
#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "openssl/crypto.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"
#include "sip/digest.h"
#include "sip/digest_internal.h"

namespace konfero::sip {
namespace {

constexpr size_t kPrefixBytes = 16;  // 8 bytes timestamp + 8 random bytes
constexpr size_t kMacBytes = 16;
constexpr size_t kNonceBytes = kPrefixBytes + kMacBytes;
constexpr size_t kNonceChars = (kNonceBytes * 4 + 2) / 3;  // base64url, no padding

DigestAlgorithm BaseAlgorithm(DigestAlgorithm a) {
  return IsSha256(a) ? DigestAlgorithm::kSha256 : DigestAlgorithm::kMd5;
}

DigestVerification Result(DigestVerdict verdict, const DigestAuthorization* a,
                          std::string detail) {
  DigestVerification v;
  v.verdict = verdict;
  if (a != nullptr) {
    v.username = a->username;
    v.uri = a->uri;
  }
  v.detail = std::move(detail);
  return v;
}

}  // namespace

DigestServer::DigestServer(DigestServerOptions options)
    : options_(options), secret_(kSecretBytes, '\0') {
  RandomBytes(reinterpret_cast<uint8_t*>(secret_.data()), secret_.size());
}

DigestServer::DigestServer(absl::Span<const uint8_t> secret, DigestServerOptions options)
    : options_(options), secret_(kSecretBytes, '\0') {
  std::memcpy(secret_.data(), secret.data(), std::min(secret.size(), kSecretBytes));
}

std::string DigestServer::NonceMac(absl::Span<const uint8_t> prefix,
                                   DigestAlgorithm algorithm,
                                   std::string_view realm) const {
  std::string data(reinterpret_cast<const char*>(prefix.data()), prefix.size());
  data.push_back(static_cast<char>(algorithm));
  data.append(realm);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &mac_size);
  return std::string(reinterpret_cast<const char*>(mac), kMacBytes);
}

absl::StatusOr<std::string> DigestServer::MakeChallenge(std::string_view realm,
                                                        DigestAlgorithm algorithm,
                                                        bool stale,
                                                        absl::Time now) const {
  std::array<uint8_t, kPrefixBytes> prefix{};
  const uint64_t micros = static_cast<uint64_t>(absl::ToUnixMicros(now));
  for (int k = 0; k < 8; ++k) prefix[k] = static_cast<uint8_t>(micros >> (56 - 8 * k));
  RandomBytes(prefix.data() + 8, 8);
  std::string raw(reinterpret_cast<const char*>(prefix.data()), prefix.size());
  raw += NonceMac(prefix, algorithm, realm);
  DigestChallenge c;
  c.realm = std::string(realm);
  c.nonce = absl::WebSafeBase64Escape(raw);
  c.algorithm = algorithm;
  c.algorithm_present = true;
  c.qop_auth = true;
  c.stale = stale;
  return FormatDigestChallenge(c);
}

DigestVerification DigestServer::Verify(std::string_view realm,
                                        std::string_view authorization,
                                        std::string_view method, std::string_view body,
                                        absl::Time now, DigestLookup lookup) {
  absl::StatusOr<DigestAuthorization> parsed = ParseDigestAuthorization(authorization);
  if (!parsed.ok()) {
    return Result(DigestVerdict::kMalformed, nullptr,
                  std::string(Sv(parsed.status().message())));
  }
  const DigestAuthorization& a = *parsed;
  if (a.userhash) return Result(DigestVerdict::kMalformed, &a, "userhash is not supported");
  if (a.realm != realm) {
    return Result(DigestVerdict::kMalformed, &a,
                  absl::StrCat("realm ", a.realm, " is not ", Sv(realm)));
  }
  if (a.qop == DigestQop::kNone && !options_.accept_no_qop) {
    return Result(DigestVerdict::kMalformed, &a, "credentials without qop");
  }

  // The nonce: canonical base64url of our 32 bytes, with a valid MAC.
  std::string raw;
  const bool decoded = a.nonce.size() == kNonceChars &&
                       absl::WebSafeBase64Unescape(a.nonce, &raw) &&
                       raw.size() == kNonceBytes &&
                       absl::WebSafeBase64Escape(raw) == a.nonce;
  if (!decoded) {
    return Result(DigestVerdict::kMalformed, &a, "nonce was not issued by this server");
  }
  const auto* bytes = reinterpret_cast<const uint8_t*>(raw.data());
  const std::string mac = NonceMac(absl::MakeConstSpan(bytes, kPrefixBytes),
                                   a.algorithm, realm);
  if (CRYPTO_memcmp(mac.data(), bytes + kPrefixBytes, kMacBytes) != 0) {
    return Result(DigestVerdict::kMalformed, &a,
                  "nonce was not issued by this server for this realm and algorithm");
  }

  // The response. An unknown user costs the same hashing as a known one.
  std::optional<DigestUserSecret> secret =
      lookup(a.username, realm, BaseAlgorithm(a.algorithm));
  std::string base_ha1;
  if (secret && secret->is_ha1) {
    base_ha1 = absl::AsciiStrToLower(secret->value);
  } else {
    base_ha1 = HashHex(a.algorithm, {a.username, realm, secret ? secret->value : ""});
  }
  const std::string expected = DigestResponse(a.algorithm, base_ha1, a.nonce, a.qop,
                                              a.cnonce, a.nc, method, a.uri, body);
  const bool match = expected.size() == a.response.size() &&
                     CRYPTO_memcmp(expected.data(), a.response.data(), expected.size()) == 0;
  if (!secret) return Result(DigestVerdict::kWrongCredentials, &a, "unknown user");
  if (!match) {
    return Result(DigestVerdict::kWrongCredentials, &a,
                  "response does not match (wrong password?)");
  }

  uint64_t micros = 0;
  for (int k = 0; k < 8; ++k) micros = (micros << 8) | bytes[k];
  const absl::Time issued = absl::FromUnixMicros(static_cast<int64_t>(micros));
  const absl::Duration age = now - issued;
  if (age > options_.nonce_lifetime || age < -absl::Seconds(1)) {
    return Result(DigestVerdict::kStaleNonce, &a,
                  absl::StrCat("nonce is stale (age ", absl::FormatDuration(age), ")"));
  }

  // Replay: nonce bytes and nc (0 without qop: such a nonce is good once).
  std::string key = raw;
  for (int k = 0; k < 4; ++k) key.push_back(static_cast<char>(a.nc >> (24 - 8 * k)));
  if (replay_seen_.contains(key)) {
    return Result(DigestVerdict::kReplayed, &a,
                  absl::StrCat("nonce count ", a.nc, " was already used with this nonce"));
  }
  if (options_.replay_table_size > 0) {
    replay_seen_.insert(key);
    replay_order_.push_back(std::move(key));
    while (replay_order_.size() > options_.replay_table_size) {
      replay_seen_.erase(replay_order_.front());
      replay_order_.pop_front();
    }
  }
  return Result(DigestVerdict::kOk, &a, "");
}

}  // namespace konfero::sip
