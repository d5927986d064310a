// seeded_random.h: a reproducible RandomSource for tests: the same seed
// gives the same bytes, so a failing randomized run replays exactly.
#ifndef KONFERO_TESTS_TESTING_SEEDED_RANDOM_H_
#define KONFERO_TESTS_TESTING_SEEDED_RANDOM_H_

#include <cstdint>
#include <random>

#include "konfero/random.h"

namespace konfero::test_support {

class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : rng_(seed) {}
  void Fill(absl::Span<uint8_t> out) override {
    for (uint8_t& b : out) b = static_cast<uint8_t>(rng_());
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace konfero::test_support

#endif  // KONFERO_TESTS_TESTING_SEEDED_RANDOM_H_
