// crypto_random.cc: konfero::CryptoRandom(), OpenSSL's CSPRNG.
#include <cstdio>
#include <cstdlib>

#include "konfero/random.h"
#include "openssl/rand.h"

namespace konfero {
namespace {

class OpenSslRandom final : public RandomSource {
 public:
  void Fill(absl::Span<uint8_t> out) override {
    if (out.empty()) return;
    // RAND_bytes fails only if the CSPRNG cannot be seeded; handing out a
    // predictable PIN or token would be worse than stopping.
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
      std::fputs("konfero: OpenSSL RAND_bytes failed; aborting\n", stderr);
      std::abort();
    }
  }
};

}  // namespace

RandomSource& CryptoRandom() {
  static OpenSslRandom* const random = new OpenSslRandom();  // stateless
  return *random;
}

}  // namespace konfero
