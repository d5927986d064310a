// konfero/random.h: the source of every secret konfero makes.
//
// PINs, URL tokens and session tokens come from a RandomSource. The default,
// CryptoRandom(), is OpenSSL's CSPRNG (RAND_bytes). Tests may inject their
// own source to force, say, PIN collisions; production code never should.
//
// Thread contract: CryptoRandom() is safe from any thread. A custom source is
// called only from the thread that drives the RoomService it was given to.
#ifndef KONFERO_RANDOM_H_
#define KONFERO_RANDOM_H_

#include <cstdint>

#include "absl/types/span.h"

namespace konfero {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `out` with random bytes. Must not fail; a CSPRNG that cannot be
  // seeded aborts the process rather than hand out a guessable secret.
  virtual void Fill(absl::Span<uint8_t> out) = 0;
};

// The process-wide OpenSSL CSPRNG. Stateless from konfero's point of view.
RandomSource& CryptoRandom();

}  // namespace konfero

#endif  // KONFERO_RANDOM_H_
