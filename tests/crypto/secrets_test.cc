// Tests of crypto/secrets.h: random PIN digits and URL tokens, constant-time
// comparison, and the SecretIndex that maps secrets to ids.
#include "crypto/secrets.h"

#include <array>
#include <cstdint>
#include <deque>
#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/seeded_random.h"

namespace konfero::crypto {
namespace {

using ::konfero::test_support::SeededRandom;

// Hands out a fixed script of bytes, then zeros.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::deque<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  void Fill(absl::Span<uint8_t> out) override {
    for (uint8_t& b : out) {
      if (bytes_.empty()) {
        b = 0;
        continue;
      }
      b = bytes_.front();
      bytes_.pop_front();
    }
  }
  size_t remaining() const { return bytes_.size(); }

 private:
  std::deque<uint8_t> bytes_;
};

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

TEST(RandomDigitsTest, HasTheRequestedLengthAndOnlyDigits) {
  SeededRandom random(1);
  for (int digits : {0, 1, 4, 6, 12, 100}) {
    const std::string pin = RandomDigits(digits, random);
    EXPECT_EQ(pin.size(), static_cast<size_t>(digits));
    EXPECT_THAT(pin, ::testing::MatchesRegex("[0-9]*"));
  }
}

TEST(RandomDigitsTest, RejectsBytesThatWouldBiasTheLowDigits) {
  // 250..255 would map to 0..5 a second time; they must be skipped, not
  // reduced modulo 10.
  ScriptedRandom random({255, 250, 252, 7, 249, 0, 253, 13});
  EXPECT_EQ(RandomDigits(4, random), "7903");
  EXPECT_EQ(random.remaining(), 0u);
}

TEST(RandomDigitsTest, DigitsAreRoughlyUniform) {
  // Chi-square over 10 digits (9 degrees of freedom). The p = 0.001 critical
  // value is 27.9; a modulo-biased generator scores about 140 at this
  // sample size, a fair one stays far below 40. The seed is fixed, so the
  // result is reproducible.
  SeededRandom random(20240601);
  constexpr int kDraws = 400'000;
  std::array<int, 10> counts{};
  const std::string digits = RandomDigits(kDraws, random);
  for (char c : digits) ++counts[c - '0'];
  const double expected = kDraws / 10.0;
  double chi2 = 0;
  for (int n : counts) chi2 += (n - expected) * (n - expected) / expected;
  EXPECT_LT(chi2, 40.0);
}

TEST(RandomBase64UrlTest, SixteenBytesGiveTwentyTwoUrlSafeCharacters) {
  SeededRandom random(2);
  for (int i = 0; i < 200; ++i) {
    const std::string token = RandomBase64Url(16, random);
    ASSERT_EQ(token.size(), 22u);
    for (char c : token) EXPECT_TRUE(IsBase64UrlChar(c)) << token;
  }
}

TEST(RandomBase64UrlTest, LengthIsUnpaddedBase64OfTheByteCount) {
  SeededRandom random(3);
  EXPECT_EQ(RandomBase64Url(0, random), "");
  EXPECT_EQ(RandomBase64Url(1, random).size(), 2u);
  EXPECT_EQ(RandomBase64Url(2, random).size(), 3u);
  EXPECT_EQ(RandomBase64Url(3, random).size(), 4u);
  EXPECT_EQ(RandomBase64Url(32, random).size(), 43u);
}

TEST(RandomBase64UrlTest, UsesTheUrlAlphabetNotPlusAndSlash) {
  // 0xfb 0xff is "+/8=" in standard base64.
  ScriptedRandom random({0xfb, 0xff});
  EXPECT_EQ(RandomBase64Url(2, random), "-_8");
}

TEST(RandomBase64UrlTest, TokensFromTheSameSourceDiffer) {
  SeededRandom random(4);
  EXPECT_NE(RandomBase64Url(16, random), RandomBase64Url(16, random));
}

TEST(ConstantTimeEqualsTest, ComparesLengthAndEveryByte) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("123456", "123456"));
  EXPECT_FALSE(ConstantTimeEquals("123456", "123457"));
  EXPECT_FALSE(ConstantTimeEquals("023456", "123456"));
  EXPECT_FALSE(ConstantTimeEquals("12345", "123456"));
  EXPECT_FALSE(ConstantTimeEquals("123456", "12345"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(SecretIndexTest, FindsExactlyTheInsertedSecret) {
  SeededRandom random(5);
  SecretIndex<int> index(random);
  index.Insert("483920", 1);
  index.Insert("AbCdEfGhIjKlMnOpQrStUv", 2);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.Find("483920"), 1);
  EXPECT_EQ(index.Find("AbCdEfGhIjKlMnOpQrStUv"), 2);
  EXPECT_TRUE(index.Contains("483920"));
}

TEST(SecretIndexTest, ADifferentSecretOfTheSameLengthIsNotFound) {
  SeededRandom random(6);
  SecretIndex<int> index(random);
  index.Insert("483920", 1);
  EXPECT_EQ(index.Find("483921"), std::nullopt);
  EXPECT_EQ(index.Find("583920"), std::nullopt);
  EXPECT_EQ(index.Find("48392"), std::nullopt);
  EXPECT_EQ(index.Find("4839200"), std::nullopt);
  EXPECT_EQ(index.Find(""), std::nullopt);
  EXPECT_FALSE(index.Contains("000000"));
}

TEST(SecretIndexTest, InsertingTheSameSecretAgainReplacesItsValue) {
  SeededRandom random(7);
  SecretIndex<int> index(random);
  index.Insert("secret", 1);
  index.Insert("secret", 2);
  EXPECT_EQ(index.size(), 1u);
  EXPECT_EQ(index.Find("secret"), 2);
}

TEST(SecretIndexTest, EraseRemovesOnlyThatSecret) {
  SeededRandom random(8);
  SecretIndex<int> index(random);
  index.Insert("111111", 1);
  index.Insert("222222", 2);
  index.Erase("111111");
  index.Erase("333333");  // absent: no effect
  EXPECT_EQ(index.size(), 1u);
  EXPECT_EQ(index.Find("111111"), std::nullopt);
  EXPECT_EQ(index.Find("222222"), 2);
}

TEST(SecretIndexTest, EraseIfRemovesEveryEntryWhoseValueMatches) {
  SeededRandom random(9);
  SecretIndex<int> index(random);
  index.Insert("a-one", 1);
  index.Insert("a-two", 2);
  index.Insert("a-three", 3);
  index.Insert("a-four", 4);
  index.EraseIf([](int v) { return v % 2 == 0; });
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.Find("a-one"), 1);
  EXPECT_EQ(index.Find("a-three"), 3);
  EXPECT_FALSE(index.Contains("a-two"));
  EXPECT_FALSE(index.Contains("a-four"));
}

TEST(SecretIndexTest, IndexesWithDifferentKeysFindTheSameSecrets) {
  // Each index keys its map by an HMAC under its own random key; lookups
  // must not depend on which key was drawn.
  SeededRandom random_a(10);
  SeededRandom random_b(11);
  SecretIndex<int> a(random_a);
  SecretIndex<int> b(random_b);
  for (int i = 0; i < 100; ++i) {
    a.Insert(std::to_string(i), i);
    b.Insert(std::to_string(i), i);
  }
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(a.Find(std::to_string(i)), i);
    EXPECT_EQ(b.Find(std::to_string(i)), i);
  }
  EXPECT_FALSE(a.Contains("100"));
}

TEST(HmacSha256Test, MatchesRfc4231TestCase2) {
  const std::string key = "Jefe";
  const std::string mac = HmacSha256(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(key.data()), key.size()),
      "what do ya want for nothing?");
  static constexpr uint8_t kExpected[] = {
      0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24,
      0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27,
      0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43};
  EXPECT_EQ(mac, std::string(reinterpret_cast<const char*>(kExpected),
                             sizeof(kExpected)));
}

TEST(Sha256HexTest, MatchesFips180TestVectors) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace konfero::crypto
