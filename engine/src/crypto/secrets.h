// secrets.h: making, comparing and indexing secrets (PINs, tokens).
//
// Secrets come from a RandomSource, are compared in constant time, and are
// looked up through SecretIndex, which keys its map by an HMAC of the secret
// under a per-process random key, so the time a lookup takes says nothing
// about how close a guess was.
//
// Thread contract: the functions are thread-safe; a SecretIndex is used by
// one thread at a time.
#ifndef KONFERO_CRYPTO_SECRETS_H_
#define KONFERO_CRYPTO_SECRETS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "konfero/random.h"

namespace konfero::crypto {

// `digits` decimal digits, each uniform (rejection sampling, no modulo bias).
std::string RandomDigits(int digits, RandomSource& random);

// `bytes` random bytes, base64url-encoded without padding.
std::string RandomBase64Url(int bytes, RandomSource& random);

// Equal length and equal bytes, in time that depends only on the length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Maps secrets to values without timing leaks. Values are small (ids).
template <typename Value>
class SecretIndex {
 public:
  explicit SecretIndex(RandomSource& random) { random.Fill(absl::MakeSpan(key_)); }

  void Insert(std::string_view secret, Value value) {
    map_[Key(secret)] = Entry{std::string(secret), value};
  }
  void Erase(std::string_view secret) { map_.erase(Key(secret)); }
  bool Contains(std::string_view secret) const {
    return Find(secret).has_value();
  }
  // The value stored for exactly `secret`, compared in constant time.
  std::optional<Value> Find(std::string_view secret) const {
    auto it = map_.find(Key(secret));
    if (it == map_.end()) return std::nullopt;
    if (!ConstantTimeEquals(it->second.secret, secret)) return std::nullopt;
    return it->second.value;
  }
  // Erases every entry whose value satisfies `pred`.
  template <typename Pred>
  void EraseIf(Pred pred) {
    absl::erase_if(map_, [&](const auto& kv) { return pred(kv.second.value); });
  }
  size_t size() const { return map_.size(); }

 private:
  struct Entry {
    std::string secret;
    Value value;
  };
  std::string Key(std::string_view secret) const;

  std::array<uint8_t, 32> key_{};
  absl::flat_hash_map<std::string, Entry> map_;
};

// SHA-256 of `data`, as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

// HMAC-SHA256(key, secret) as raw bytes.
std::string HmacSha256(absl::Span<const uint8_t> key, std::string_view data);

template <typename Value>
std::string SecretIndex<Value>::Key(std::string_view secret) const {
  return HmacSha256(key_, secret);
}

}  // namespace konfero::crypto

#endif  // KONFERO_CRYPTO_SECRETS_H_
