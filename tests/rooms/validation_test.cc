// Tests of rooms/validation.h: every input rule of the room API, with the
// UTF-8 edge cases (overlong forms, surrogates, truncation) spelt out as
// bytes.
#include "rooms/validation.h"

#include <string>

#include "gtest/gtest.h"

namespace konfero::rooms {
namespace {

bool Ok(const absl::Status& s) { return s.ok(); }
bool Invalid(const absl::Status& s) { return absl::IsInvalidArgument(s); }

TEST(ValidateLoginTest, AcceptsLowercaseDigitsDotUnderscoreAndDash) {
  EXPECT_TRUE(Ok(ValidateLogin("alice")));
  EXPECT_TRUE(Ok(ValidateLogin("a")));
  EXPECT_TRUE(Ok(ValidateLogin("0day")));
  EXPECT_TRUE(Ok(ValidateLogin("a.b_c-d9")));
  EXPECT_TRUE(Ok(ValidateLogin(std::string(64, 'x'))));
}

TEST(ValidateLoginTest, RejectsEmptyTooLongAndOtherCharacters) {
  EXPECT_TRUE(Invalid(ValidateLogin("")));
  EXPECT_TRUE(Invalid(ValidateLogin(std::string(65, 'x'))));
  EXPECT_TRUE(Invalid(ValidateLogin("Alice")));
  EXPECT_TRUE(Invalid(ValidateLogin("al ice")));
  EXPECT_TRUE(Invalid(ValidateLogin("alice@example")));
  EXPECT_TRUE(Invalid(ValidateLogin("al\xc3\xa9")));  // é
  EXPECT_TRUE(Invalid(ValidateLogin(std::string("al\0ce", 5))));
}

TEST(ValidateLoginTest, MustStartWithALetterOrDigit) {
  EXPECT_TRUE(Invalid(ValidateLogin(".alice")));
  EXPECT_TRUE(Invalid(ValidateLogin("_alice")));
  EXPECT_TRUE(Invalid(ValidateLogin("-alice")));
}

TEST(ValidatePasswordTest, AcceptsEightTo256BytesOfAnythingButNul) {
  EXPECT_TRUE(Ok(ValidatePassword("12345678")));
  EXPECT_TRUE(Ok(ValidatePassword(std::string(256, 'p'))));
  EXPECT_TRUE(Ok(ValidatePassword("pass word \xff\xfe\n\t")));
  EXPECT_TRUE(Ok(ValidatePassword("p\xc3\xa4sswort")));
}

TEST(ValidatePasswordTest, RejectsTooShortTooLongAndNul) {
  EXPECT_TRUE(Invalid(ValidatePassword("")));
  EXPECT_TRUE(Invalid(ValidatePassword("1234567")));
  EXPECT_TRUE(Invalid(ValidatePassword(std::string(257, 'p'))));
  EXPECT_TRUE(Invalid(ValidatePassword(std::string("1234\0" "5678", 9))));
}

TEST(ValidateNameTest, AcceptsUtf8NamesUpToTheLimit) {
  EXPECT_TRUE(Ok(ValidateName("name", "Alice", 64)));
  EXPECT_TRUE(Ok(ValidateName("name", "Zo\xc3\xab", 64)));            // Zoë
  EXPECT_TRUE(Ok(ValidateName("name", "\xe6\x97\xa5\xe6\x9c\xac", 64)));  // 日本
  EXPECT_TRUE(Ok(ValidateName("name", "\xf0\x9f\x98\x80", 64)));     // U+1F600
  EXPECT_TRUE(Ok(ValidateName("name", " Bob ", 64)));
  EXPECT_TRUE(Ok(ValidateName("name", std::string(64, 'n'), 64)));
}

TEST(ValidateNameTest, AcceptsTheEdgesOfTheValidCodeSpace) {
  EXPECT_TRUE(Ok(ValidateName("name", "\xc2\xa0x", 64)));          // U+00A0
  EXPECT_TRUE(Ok(ValidateName("name", "\xdf\xbf", 64)));           // U+07FF
  EXPECT_TRUE(Ok(ValidateName("name", "\xe0\xa0\x80", 64)));       // U+0800
  EXPECT_TRUE(Ok(ValidateName("name", "\xed\x9f\xbf", 64)));       // U+D7FF
  EXPECT_TRUE(Ok(ValidateName("name", "\xee\x80\x80", 64)));       // U+E000
  EXPECT_TRUE(Ok(ValidateName("name", "\xef\xbf\xbf", 64)));       // U+FFFF
  EXPECT_TRUE(Ok(ValidateName("name", "\xf0\x90\x80\x80", 64)));   // U+10000
  EXPECT_TRUE(Ok(ValidateName("name", "\xf4\x8f\xbf\xbf", 64)));   // U+10FFFF
}

TEST(ValidateNameTest, RejectsEmptyAndWhiteSpaceOnly) {
  EXPECT_TRUE(Invalid(ValidateName("name", "", 64)));
  EXPECT_TRUE(Invalid(ValidateName("name", "   ", 64)));
  EXPECT_TRUE(Invalid(ValidateName("name", " \t\n ", 64)));
}

TEST(ValidateNameTest, RejectsNamesOverTheLimitInBytes) {
  EXPECT_TRUE(Invalid(ValidateName("name", std::string(65, 'n'), 64)));
  // 22 three-byte characters are 66 bytes, though only 22 characters.
  std::string wide;
  for (int i = 0; i < 22; ++i) wide += "\xe6\x97\xa5";
  EXPECT_TRUE(Invalid(ValidateName("name", wide, 64)));
}

TEST(ValidateNameTest, RejectsMalformedUtf8) {
  EXPECT_TRUE(Invalid(ValidateName("name", "a\xff", 64)));
  EXPECT_TRUE(Invalid(ValidateName("name", "a\xfe", 64)));
  EXPECT_TRUE(Invalid(ValidateName("name", "a\x80", 64)));       // lone continuation
  EXPECT_TRUE(Invalid(ValidateName("name", "a\xc3", 64)));       // truncated 2-byte
  EXPECT_TRUE(Invalid(ValidateName("name", "a\xe6\x97", 64)));   // truncated 3-byte
  EXPECT_TRUE(Invalid(ValidateName("name", "a\xf0\x9f\x98", 64)));  // truncated 4-byte
  EXPECT_TRUE(Invalid(ValidateName("name", "\xc3(", 64)));       // bad continuation
  EXPECT_TRUE(Invalid(ValidateName("name", "\xe6\x97(", 64)));
  EXPECT_TRUE(Invalid(ValidateName("name", "\xf8\x88\x80\x80\x80", 64)));  // 5-byte
  EXPECT_TRUE(Invalid(ValidateName("name", "\xf4\x90\x80\x80", 64)));  // > U+10FFFF
  EXPECT_TRUE(Invalid(ValidateName("name", "\xf7\xbf\xbf\xbf", 64)));
}

TEST(ValidateNameTest, RejectsOverlongEncodings) {
  EXPECT_TRUE(Invalid(ValidateName("name", "\xc0\xaf", 64)));          // '/'
  EXPECT_TRUE(Invalid(ValidateName("name", "\xc1\xbf", 64)));
  EXPECT_TRUE(Invalid(ValidateName("name", "\xe0\x80\xaf", 64)));
  EXPECT_TRUE(Invalid(ValidateName("name", "\xe0\x9f\xbf", 64)));      // U+07FF in 3
  EXPECT_TRUE(Invalid(ValidateName("name", "\xf0\x80\x80\xaf", 64)));
  EXPECT_TRUE(Invalid(ValidateName("name", "\xf0\x8f\xbf\xbf", 64)));  // U+FFFF in 4
  EXPECT_TRUE(Invalid(ValidateName("name", "\xc0\x80", 64)));          // "modified" NUL
}

TEST(ValidateNameTest, RejectsSurrogates) {
  EXPECT_TRUE(Invalid(ValidateName("name", "\xed\xa0\x80", 64)));  // U+D800
  EXPECT_TRUE(Invalid(ValidateName("name", "\xed\xbf\xbf", 64)));  // U+DFFF
  // A CESU-8 pair for U+1F600.
  EXPECT_TRUE(Invalid(ValidateName("name", "\xed\xa0\xbd\xed\xb8\x80", 64)));
}

TEST(ValidateNameTest, RejectsControlCharacters) {
  EXPECT_TRUE(Invalid(ValidateName("name", "a\nb", 64)));
  EXPECT_TRUE(Invalid(ValidateName("name", "a\tb", 64)));
  EXPECT_TRUE(Invalid(ValidateName("name", "a\rb", 64)));
  EXPECT_TRUE(Invalid(ValidateName("name", "\x1b[31mred", 64)));
  EXPECT_TRUE(Invalid(ValidateName("name", "a\x7f", 64)));
  EXPECT_TRUE(Invalid(ValidateName("name", std::string("a\0b", 3), 64)));
}

TEST(ValidateNameTest, RejectsC1ControlCharacters) {
  // U+0080..U+009F are control characters too; U+009B is a terminal's
  // single-byte CSI, as dangerous in a log line as ESC [.
  EXPECT_TRUE(Invalid(ValidateName("name", "a\xc2\x80", 64)));
  EXPECT_TRUE(Invalid(ValidateName("name", "a\xc2\x85", 64)));  // NEL
  EXPECT_TRUE(Invalid(ValidateName("name", "\xc2\x9b" "31mred", 64)));
  EXPECT_TRUE(Ok(ValidateName("name", "a\xc2\xa0" "b", 64)));  // NBSP is not one
}

TEST(ValidateNameTest, TheMessageNamesTheField) {
  const absl::Status s = ValidateName("room name", "", 100);
  EXPECT_NE(std::string(s.message()).find("room name"), std::string::npos) << s;
}

TEST(ValidateGuestKeyTest, Accepts16To128PrintableAsciiCharacters) {
  EXPECT_TRUE(Ok(ValidateGuestKey(std::string(16, 'k'))));
  EXPECT_TRUE(Ok(ValidateGuestKey(std::string(128, 'k'))));
  EXPECT_TRUE(Ok(ValidateGuestKey("abc DEF 123 ~!@#$%^&*()")));
}

TEST(ValidateGuestKeyTest, RejectsWrongLengthsAndOtherBytes) {
  EXPECT_TRUE(Invalid(ValidateGuestKey("")));
  EXPECT_TRUE(Invalid(ValidateGuestKey(std::string(15, 'k'))));
  EXPECT_TRUE(Invalid(ValidateGuestKey(std::string(129, 'k'))));
  EXPECT_TRUE(Invalid(ValidateGuestKey(std::string(15, 'k') + "\n")));
  EXPECT_TRUE(Invalid(ValidateGuestKey(std::string(15, 'k') + "\x7f")));
  EXPECT_TRUE(Invalid(ValidateGuestKey(std::string(15, 'k') + "\xc3\xa9")));
  EXPECT_TRUE(Invalid(ValidateGuestKey(std::string(15, 'k') + std::string(1, '\0'))));
}

TEST(ValidateChatTextTest, AcceptsTextWithNewlinesAndTabs) {
  EXPECT_TRUE(Ok(ValidateChatText("hi", 4000)));
  EXPECT_TRUE(Ok(ValidateChatText("line 1\nline 2\r\n\tindented", 4000)));
  EXPECT_TRUE(Ok(ValidateChatText("\xf0\x9f\x91\x8d", 4000)));
  EXPECT_TRUE(Ok(ValidateChatText(std::string(4000, 'c'), 4000)));
}

TEST(ValidateChatTextTest, RejectsEmptyWhiteSpaceOnlyAndTooLong) {
  EXPECT_TRUE(Invalid(ValidateChatText("", 4000)));
  EXPECT_TRUE(Invalid(ValidateChatText(" \n\t\r\n ", 4000)));
  EXPECT_TRUE(Invalid(ValidateChatText(std::string(4001, 'c'), 4000)));
}

TEST(ValidateChatTextTest, RejectsMalformedUtf8AndOtherControls) {
  EXPECT_TRUE(Invalid(ValidateChatText("ok \xc0\xaf", 4000)));
  EXPECT_TRUE(Invalid(ValidateChatText("ok \xed\xa0\x80", 4000)));
  EXPECT_TRUE(Invalid(ValidateChatText("ok \xe6\x97", 4000)));
  EXPECT_TRUE(Invalid(ValidateChatText("\x1b[2J", 4000)));
  EXPECT_TRUE(Invalid(ValidateChatText("bell\x07", 4000)));
  EXPECT_TRUE(Invalid(ValidateChatText("del\x7f", 4000)));
  EXPECT_TRUE(Invalid(ValidateChatText(std::string("a\0b", 3), 4000)));
}

TEST(ValidateSourceTest, AcceptsUpTo64PrintableAsciiBytes) {
  EXPECT_TRUE(Ok(ValidateSource("")));
  EXPECT_TRUE(Ok(ValidateSource("192.0.2.1")));
  EXPECT_TRUE(Ok(ValidateSource("[2001:db8::1]:5060")));
  EXPECT_TRUE(Ok(ValidateSource(std::string(64, '1'))));
}

TEST(ValidateSourceTest, RejectsLongAndNonPrintable) {
  EXPECT_TRUE(Invalid(ValidateSource(std::string(65, '1'))));
  EXPECT_TRUE(Invalid(ValidateSource("192.0.2.1\n")));
  EXPECT_TRUE(Invalid(ValidateSource("192.0.2.\xc3\xa9")));
}

TEST(IsValidUtf8Test, EmptyAndAsciiAreValid) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII ~"));
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));  // NUL is valid UTF-8
}

}  // namespace
}  // namespace konfero::rooms
