// Tests of dial_in::PinCollector, the PIN dialogue of a dialled-in call:
// what it plays, when it checks a PIN, and when it hangs up (with the exact
// deadlines of silence and of the goodbye's grace).
#include "dial_in/pin_collector.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace konfero::dial_in {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Type = PinAction::Type;
using State = PinCollector::State;
using Verdict = PinCollector::Verdict;

constexpr int64_t kT0 = 1'000'000'000;
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
constexpr int64_t kTimeout = 20'000'000;  // PinCollectorOptions defaults
constexpr int64_t kGrace = 8'000'000;
constexpr int64_t kPromptSlack = 10'000'000;  // a prompt that never reports its end

PinAction Play(PromptId prompt, bool interrupt = false) {
  PinAction a;
  a.type = Type::kPlay;
  a.prompt = prompt;
  a.interrupt = interrupt;
  return a;
}

PinAction Check(std::string pin) {
  PinAction a;
  a.type = Type::kCheck;
  a.pin = std::move(pin);
  return a;
}

PinAction HangUp() {
  PinAction a;
  a.type = Type::kHangUp;
  return a;
}

// Dials `digits` one by one at `now`; returns the actions of the last digit
// and expects none from the others.
std::vector<PinAction> Dial(PinCollector& pin, std::string_view digits, int64_t now) {
  std::vector<PinAction> last;
  for (size_t i = 0; i < digits.size(); ++i) {
    last = pin.OnDigit(digits[i], now);
    if (i + 1 < digits.size()) {
      EXPECT_THAT(last, IsEmpty()) << "after digit " << i;
    }
  }
  return last;
}

TEST(PinCollectorTest, StartPlaysTheWelcomeAndCollects) {
  PinCollector pin({}, kT0);
  EXPECT_THAT(pin.Start(kT0), ElementsAre(Play(PromptId::kEnterPin)));
  EXPECT_EQ(pin.state(), State::kCollecting);
  EXPECT_EQ(pin.wrong_attempts(), 0);
}

TEST(PinCollectorTest, DigitsTypedWhileThePromptPlaysCountAndHashSubmits) {
  PinCollector pin({}, kT0);
  pin.Start(kT0);
  // No OnPromptsDone: the welcome still plays.
  EXPECT_THAT(Dial(pin, "4711#", kT0 + 1000), ElementsAre(Check("4711")));
  EXPECT_EQ(pin.state(), State::kChecking);
  EXPECT_EQ(pin.NextDeadline(), kNever) << "no timer while the PIN is checked";
}

TEST(PinCollectorTest, LettersAreNotPartOfAPin) {
  PinCollector pin({}, kT0);
  pin.Start(kT0);
  EXPECT_THAT(Dial(pin, "1A2B3C4D#", kT0), ElementsAre(Check("1234")));
}

TEST(PinCollectorTest, StarStartsOver) {
  PinCollector pin({}, kT0);
  pin.Start(kT0);
  EXPECT_THAT(Dial(pin, "12*", kT0), IsEmpty());
  EXPECT_EQ(pin.state(), State::kCollecting);
  EXPECT_THAT(Dial(pin, "5678#", kT0), ElementsAre(Check("5678")));
}

TEST(PinCollectorTest, HashWithNothingTypedReplaysThePrompt) {
  PinCollector pin({}, kT0);
  pin.Start(kT0);
  EXPECT_THAT(pin.OnDigit('#', kT0), ElementsAre(Play(PromptId::kReminder, true)));
  EXPECT_EQ(pin.state(), State::kCollecting);
  // '*' then '#': nothing typed either.
  EXPECT_THAT(Dial(pin, "9*#", kT0), ElementsAre(Play(PromptId::kReminder, true)));
  EXPECT_THAT(Dial(pin, "42#", kT0), ElementsAre(Check("42")));
}

TEST(PinCollectorTest, MoreThanTwelveDigitsSubmitWithoutHash) {
  PinCollector pin({}, kT0);
  pin.Start(kT0);
  EXPECT_THAT(Dial(pin, "123456789012", kT0), IsEmpty()) << "twelve digits still wait for '#'";
  EXPECT_EQ(pin.state(), State::kCollecting);
  EXPECT_THAT(pin.OnDigit('3', kT0), ElementsAre(Check("1234567890123")));
  EXPECT_EQ(pin.state(), State::kChecking);
  // Digits while checking are ignored.
  EXPECT_THAT(pin.OnDigit('#', kT0), IsEmpty());
  EXPECT_THAT(pin.OnDigit('1', kT0), IsEmpty());
}

TEST(PinCollectorTest, TheRightPinAdmitsWithNothingMoreToDo) {
  PinCollector pin({}, kT0);
  pin.Start(kT0);
  Dial(pin, "1234#", kT0);
  EXPECT_THAT(pin.OnVerdict(Verdict::kRight, kT0), IsEmpty());
  EXPECT_EQ(pin.state(), State::kAdmitted);
  EXPECT_EQ(pin.NextDeadline(), kNever);
  EXPECT_THAT(pin.OnDigit('5', kT0), IsEmpty());
  EXPECT_THAT(pin.OnTimer(kT0 + 3600'000'000), IsEmpty());
  // A verdict without a check is ignored.
  EXPECT_THAT(pin.OnVerdict(Verdict::kWrong, kT0), IsEmpty());
  EXPECT_EQ(pin.state(), State::kAdmitted);
}

TEST(PinCollectorTest, ThreeWrongPinsSayGoodbyeThenHangUpWhenItHasPlayed) {
  PinCollector pin({}, kT0);
  pin.Start(kT0);
  for (int attempt = 1; attempt <= 2; ++attempt) {
    EXPECT_THAT(Dial(pin, "1111#", kT0), ElementsAre(Check("1111")));
    EXPECT_THAT(pin.OnVerdict(Verdict::kWrong, kT0), ElementsAre(Play(PromptId::kWrongPin, true)));
    EXPECT_EQ(pin.state(), State::kCollecting);
    EXPECT_EQ(pin.wrong_attempts(), attempt);
  }
  // The digits of the last try do not leak into the next one.
  EXPECT_THAT(Dial(pin, "2222#", kT0), ElementsAre(Check("2222")));
  const int64_t t = kT0 + 5'000'000;
  EXPECT_THAT(pin.OnVerdict(Verdict::kWrong, t), ElementsAre(Play(PromptId::kGoodbye, true)));
  EXPECT_EQ(pin.state(), State::kLeaving);
  EXPECT_EQ(pin.wrong_attempts(), 3);
  EXPECT_EQ(pin.NextDeadline(), t + kGrace);
  EXPECT_THAT(pin.OnDigit('1', t), IsEmpty()) << "no more digits once leaving";
  EXPECT_THAT(pin.OnPromptsDone(t + 1'000'000), ElementsAre(HangUp()));
  EXPECT_EQ(pin.state(), State::kDone);
  EXPECT_EQ(pin.NextDeadline(), kNever);
  EXPECT_THAT(pin.OnTimer(t + kGrace), IsEmpty()) << "hung up once only";
}

TEST(PinCollectorTest, GoodbyeHangsUpAfterTheGraceWhenNothingReportsItsEnd) {
  PinCollectorOptions options;
  options.max_attempts = 1;
  PinCollector pin(options, kT0);
  pin.Start(kT0);
  Dial(pin, "9#", kT0);
  EXPECT_THAT(pin.OnVerdict(Verdict::kWrong, kT0), ElementsAre(Play(PromptId::kGoodbye, true)));
  EXPECT_EQ(pin.NextDeadline(), kT0 + kGrace);
  EXPECT_THAT(pin.OnTimer(kT0 + kGrace - 1), IsEmpty());
  EXPECT_EQ(pin.state(), State::kLeaving);
  EXPECT_THAT(pin.OnTimer(kT0 + kGrace), ElementsAre(HangUp()));
  EXPECT_EQ(pin.state(), State::kDone);
  EXPECT_THAT(pin.OnPromptsDone(kT0 + kGrace + 1), IsEmpty()) << "hung up once only";
}

TEST(PinCollectorTest, ARefusedPinSaysGoodbyeAtOnce) {
  PinCollector pin({}, kT0);
  pin.Start(kT0);
  Dial(pin, "1234#", kT0);
  EXPECT_THAT(pin.OnVerdict(Verdict::kRefused, kT0), ElementsAre(Play(PromptId::kGoodbye, true)));
  EXPECT_EQ(pin.state(), State::kLeaving);
  EXPECT_EQ(pin.wrong_attempts(), 0) << "a refusal is not a wrong PIN";
  EXPECT_THAT(pin.OnPromptsDone(kT0), ElementsAre(HangUp()));
}

TEST(PinCollectorTest, SilenceGetsAReminderThenGoodbyeAtExactDeadlines) {
  PinCollector pin({}, kT0);
  pin.Start(kT0);
  // While the welcome plays (its end not reported yet) the wait is longer.
  EXPECT_EQ(pin.NextDeadline(), kT0 + kTimeout + kPromptSlack);
  const int64_t t1 = kT0 + 7'000'000;  // the welcome ends
  EXPECT_THAT(pin.OnPromptsDone(t1), IsEmpty());
  EXPECT_EQ(pin.NextDeadline(), t1 + kTimeout);
  EXPECT_THAT(pin.OnTimer(t1 + kTimeout - 1), IsEmpty());
  EXPECT_THAT(pin.OnTimer(t1 + kTimeout), ElementsAre(Play(PromptId::kReminder)));
  EXPECT_EQ(pin.state(), State::kCollecting);
  const int64_t t2 = t1 + kTimeout + 4'000'000;  // the reminder ends
  EXPECT_THAT(pin.OnPromptsDone(t2), IsEmpty());
  EXPECT_EQ(pin.NextDeadline(), t2 + kTimeout);
  EXPECT_THAT(pin.OnTimer(t2 + kTimeout - 1), IsEmpty());
  EXPECT_THAT(pin.OnTimer(t2 + kTimeout), ElementsAre(Play(PromptId::kGoodbye, true)));
  EXPECT_EQ(pin.state(), State::kLeaving);
  EXPECT_EQ(pin.NextDeadline(), t2 + kTimeout + kGrace);
  EXPECT_THAT(pin.OnPromptsDone(t2 + kTimeout + 1'000'000), ElementsAre(HangUp()));
}

TEST(PinCollectorTest, ADigitRestartsTheSilenceAndForgetsTheReminder) {
  PinCollector pin({}, kT0);
  pin.Start(kT0);
  pin.OnPromptsDone(kT0);
  EXPECT_THAT(pin.OnTimer(kT0 + kTimeout), ElementsAre(Play(PromptId::kReminder)));
  pin.OnPromptsDone(kT0 + kTimeout);
  const int64_t typed = kT0 + kTimeout + 3'000'000;
  EXPECT_THAT(pin.OnDigit('1', typed), IsEmpty());
  EXPECT_EQ(pin.NextDeadline(), typed + kTimeout);
  // The next silence is the first again: a reminder, not goodbye.
  EXPECT_THAT(pin.OnTimer(typed + kTimeout), ElementsAre(Play(PromptId::kReminder)));
  EXPECT_EQ(pin.state(), State::kCollecting);
}

TEST(PinCollectorTest, AWrongPinRestartsTheSilenceFromTheVerdict) {
  PinCollector pin({}, kT0);
  pin.Start(kT0);
  pin.OnPromptsDone(kT0);
  Dial(pin, "1#", kT0 + 1'000'000);
  const int64_t verdict = kT0 + 2'000'000;
  pin.OnVerdict(Verdict::kWrong, verdict);
  // The "wrong PIN" prompt plays: the longer wait until it reports its end.
  EXPECT_EQ(pin.NextDeadline(), verdict + kTimeout + kPromptSlack);
  pin.OnPromptsDone(verdict + 3'000'000);
  EXPECT_EQ(pin.NextDeadline(), verdict + 3'000'000 + kTimeout);
}

TEST(PinCollectorTest, OptionsAreHonoured) {
  PinCollectorOptions options;
  options.max_attempts = 2;
  options.timeout_us = 5'000'000;
  options.goodbye_grace_us = 1'000'000;
  options.max_digits = 4;
  PinCollector pin(options, kT0);
  pin.Start(kT0);
  pin.OnPromptsDone(kT0);
  EXPECT_EQ(pin.NextDeadline(), kT0 + 5'000'000);
  EXPECT_THAT(Dial(pin, "12345", kT0), ElementsAre(Check("12345")));
  EXPECT_THAT(pin.OnVerdict(Verdict::kWrong, kT0), ElementsAre(Play(PromptId::kWrongPin, true)));
  Dial(pin, "1#", kT0);
  EXPECT_THAT(pin.OnVerdict(Verdict::kWrong, kT0), ElementsAre(Play(PromptId::kGoodbye, true)));
  EXPECT_EQ(pin.NextDeadline(), kT0 + 1'000'000);
}

}  // namespace
}  // namespace konfero::dial_in
