// Tests of crypto/password_hash.h: argon2id encoded hashes that verify the
// right password only.
#include "crypto/password_hash.h"

#include <cstdint>
#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/seeded_random.h"

namespace konfero::crypto {
namespace {

using ::konfero::test_support::SeededRandom;

// The cheapest cost argon2 accepts: these tests are about the format and the
// verification, not about the cost.
constexpr PasswordHashCost kCheap{.memory_kib = 8, .iterations = 1, .lanes = 1};

TEST(PasswordHashTest, ProducesAnArgon2idEncodedStringWithTheCost) {
  SeededRandom random(1);
  absl::StatusOr<std::string> hash = HashPassword("correct horse", random, kCheap);
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_THAT(*hash, ::testing::StartsWith("$argon2id$v=19$m=8,t=1,p=1$"));
  // $argon2id$v=19$m=..$salt$hash: 16-byte salt and 32-byte hash, unpadded.
  EXPECT_THAT(*hash, ::testing::MatchesRegex(
                         "\\$argon2id\\$v=19\\$m=8,t=1,p=1\\$[A-Za-z0-9+/]{22}"
                         "\\$[A-Za-z0-9+/]{43}"));
}

TEST(PasswordHashTest, TheRightPasswordVerifies) {
  SeededRandom random(2);
  absl::StatusOr<std::string> hash = HashPassword("correct horse", random, kCheap);
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse"));
}

TEST(PasswordHashTest, AWrongPasswordDoesNotVerify) {
  SeededRandom random(3);
  absl::StatusOr<std::string> hash = HashPassword("correct horse", random, kCheap);
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_FALSE(VerifyPassword(*hash, "correct hors"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horsf"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse "));
  EXPECT_FALSE(VerifyPassword(*hash, "Correct horse"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
}

TEST(PasswordHashTest, BytesAfterANulAreHashedToo) {
  SeededRandom random(4);
  const std::string password("abc\0def", 7);
  absl::StatusOr<std::string> hash = HashPassword(password, random, kCheap);
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_TRUE(VerifyPassword(*hash, password));
  EXPECT_FALSE(VerifyPassword(*hash, "abc"));
}

TEST(PasswordHashTest, TwoHashesOfTheSamePasswordHaveDifferentSalts) {
  SeededRandom random(5);
  absl::StatusOr<std::string> a = HashPassword("same password", random, kCheap);
  absl::StatusOr<std::string> b = HashPassword("same password", random, kCheap);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword(*a, "same password"));
  EXPECT_TRUE(VerifyPassword(*b, "same password"));
}

TEST(PasswordHashTest, TheSaltComesFromTheRandomSource) {
  SeededRandom first(6);
  SeededRandom second(6);
  absl::StatusOr<std::string> a = HashPassword("pw-12345", first, kCheap);
  absl::StatusOr<std::string> b = HashPassword("pw-12345", second, kCheap);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

TEST(PasswordHashTest, TheCostTravelsWithTheHash) {
  SeededRandom random(7);
  absl::StatusOr<std::string> hash = HashPassword(
      "pw-12345", random, {.memory_kib = 16, .iterations = 2, .lanes = 1});
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_THAT(*hash, ::testing::StartsWith("$argon2id$v=19$m=16,t=2,p=1$"));
  EXPECT_TRUE(VerifyPassword(*hash, "pw-12345"));
}

TEST(PasswordHashTest, AnImpossibleCostIsAnError) {
  SeededRandom random(8);
  absl::StatusOr<std::string> hash = HashPassword(
      "pw-12345", random, {.memory_kib = 8, .iterations = 0, .lanes = 1});
  EXPECT_FALSE(hash.ok());
}

TEST(PasswordHashTest, AMalformedEncodedStringIsFalse) {
  SeededRandom random(9);
  absl::StatusOr<std::string> hash = HashPassword("pw-12345", random, kCheap);
  ASSERT_TRUE(hash.ok()) << hash.status();
  const std::string& good = *hash;
  EXPECT_FALSE(VerifyPassword("", "pw-12345"));
  EXPECT_FALSE(VerifyPassword("not a hash", "pw-12345"));
  EXPECT_FALSE(VerifyPassword("$argon2id$", "pw-12345"));
  // Truncated: the hash part cut short, or cut off entirely.
  EXPECT_FALSE(VerifyPassword(good.substr(0, good.size() - 5), "pw-12345"));
  EXPECT_FALSE(VerifyPassword(good.substr(0, good.rfind('$')), "pw-12345"));
  // Another argon2 variant's prefix is not accepted as argon2id.
  std::string argon2i = good;
  argon2i.replace(0, 9, "$argon2i");
  EXPECT_FALSE(VerifyPassword(argon2i, "pw-12345"));
  // A changed character inside the stored hash (not the last one, whose
  // low bits are padding).
  std::string flipped = good;
  char& c = flipped[flipped.size() - 10];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyPassword(flipped, "pw-12345"));
  // Bytes after a NUL are not part of the encoded string.
  EXPECT_FALSE(VerifyPassword(std::string("\0", 1) + good, "pw-12345"));
}

}  // namespace
}  // namespace konfero::crypto
