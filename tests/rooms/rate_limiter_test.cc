// Tests of rooms/rate_limiter.h: failures per key within a window lock the
// key for the lockout, measured on a ManualClock.
#include "rooms/rate_limiter.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace konfero::rooms {
namespace {

constexpr RateLimit kThreePerMinute{.max_failures = 3,
                                    .window = absl::Minutes(1),
                                    .lockout = absl::Minutes(5)};

bool Locked(const FailureLimiter& limiter, std::string_view key) {
  return absl::IsResourceExhausted(limiter.Check(key, "PIN"));
}

TEST(FailureLimiterTest, UnknownKeysAreNotLocked) {
  ManualClock clock;
  FailureLimiter limiter(kThreePerMinute, clock);
  EXPECT_TRUE(limiter.Check("source:1.2.3.4", "PIN").ok());
  EXPECT_EQ(limiter.tracked_keys(), 0u);
}

TEST(FailureLimiterTest, LocksAfterMaxFailuresWithinTheWindow) {
  ManualClock clock;
  FailureLimiter limiter(kThreePerMinute, clock);
  limiter.RecordFailure("k");
  clock.Advance(absl::Seconds(20));
  limiter.RecordFailure("k");
  EXPECT_TRUE(limiter.Check("k", "PIN").ok());
  clock.Advance(absl::Seconds(20));
  limiter.RecordFailure("k");
  absl::Status status = limiter.Check("k", "PIN");
  EXPECT_TRUE(absl::IsResourceExhausted(status)) << status;
  EXPECT_THAT(std::string(status.message()),
              ::testing::HasSubstr("too many failed PIN attempts"));
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("300 s"));
}

TEST(FailureLimiterTest, IsLockedAgreesWithCheck) {
  ManualClock clock;
  FailureLimiter limiter(kThreePerMinute, clock);
  EXPECT_FALSE(limiter.IsLocked("k"));
  for (int i = 0; i < 2; ++i) limiter.RecordFailure("k");
  EXPECT_FALSE(limiter.IsLocked("k"));
  limiter.RecordFailure("k");
  EXPECT_TRUE(limiter.IsLocked("k"));
  EXPECT_EQ(limiter.IsLocked("k"), Locked(limiter, "k"));
  EXPECT_FALSE(limiter.IsLocked("other"));
  clock.Advance(absl::Minutes(5));
  EXPECT_FALSE(limiter.IsLocked("k"));
  EXPECT_EQ(limiter.IsLocked("k"), Locked(limiter, "k"));
}

TEST(FailureLimiterTest, UnlocksWhenTheLockoutHasPassed) {
  ManualClock clock;
  FailureLimiter limiter(kThreePerMinute, clock);
  for (int i = 0; i < 3; ++i) limiter.RecordFailure("k");
  clock.Advance(absl::Minutes(5) - absl::Nanoseconds(1));
  EXPECT_TRUE(Locked(limiter, "k"));
  EXPECT_THAT(std::string(limiter.Check("k", "PIN").message()),
              ::testing::HasSubstr("1 s"));
  clock.Advance(absl::Nanoseconds(1));
  EXPECT_FALSE(Locked(limiter, "k"));
}

TEST(FailureLimiterTest, AfterALockoutTheCountStartsAgain) {
  ManualClock clock;
  FailureLimiter limiter(kThreePerMinute, clock);
  for (int i = 0; i < 3; ++i) limiter.RecordFailure("k");
  clock.Advance(absl::Minutes(5));
  limiter.RecordFailure("k");
  limiter.RecordFailure("k");
  EXPECT_FALSE(Locked(limiter, "k"));
  limiter.RecordFailure("k");
  EXPECT_TRUE(Locked(limiter, "k"));
}

TEST(FailureLimiterTest, FailuresOutsideTheWindowDoNotCount) {
  ManualClock clock;
  FailureLimiter limiter(kThreePerMinute, clock);
  limiter.RecordFailure("k");
  limiter.RecordFailure("k");
  clock.Advance(absl::Minutes(1));  // both are now exactly one window old
  limiter.RecordFailure("k");
  EXPECT_FALSE(Locked(limiter, "k"));
  clock.Advance(absl::Seconds(30));
  limiter.RecordFailure("k");
  EXPECT_FALSE(Locked(limiter, "k"));
  limiter.RecordFailure("k");  // three within the last minute
  EXPECT_TRUE(Locked(limiter, "k"));
}

TEST(FailureLimiterTest, FailuresJustInsideTheWindowCount) {
  ManualClock clock;
  FailureLimiter limiter(kThreePerMinute, clock);
  limiter.RecordFailure("k");
  clock.Advance(absl::Minutes(1) - absl::Nanoseconds(1));
  limiter.RecordFailure("k");
  limiter.RecordFailure("k");
  EXPECT_TRUE(Locked(limiter, "k"));
}

TEST(FailureLimiterTest, KeysAreIndependent) {
  ManualClock clock;
  FailureLimiter limiter(kThreePerMinute, clock);
  for (int i = 0; i < 3; ++i) limiter.RecordFailure("source:a");
  limiter.RecordFailure("source:b");
  limiter.RecordFailure("source:b");
  EXPECT_TRUE(Locked(limiter, "source:a"));
  EXPECT_FALSE(Locked(limiter, "source:b"));
  EXPECT_FALSE(Locked(limiter, "source:c"));
  limiter.RecordFailure("source:b");
  EXPECT_TRUE(Locked(limiter, "source:b"));
}

TEST(FailureLimiterTest, ZeroLockoutNeverLocks) {
  ManualClock clock;
  FailureLimiter limiter({.max_failures = 1, .window = absl::Minutes(1),
                          .lockout = absl::ZeroDuration()},
                         clock);
  limiter.RecordFailure("k");
  EXPECT_FALSE(Locked(limiter, "k"));
}

TEST(FailureLimiterTest, AFloodOfDistinctKeysStaysWithinMaxKeys) {
  ManualClock clock;
  FailureLimiter limiter(kThreePerMinute, clock, /*max_keys=*/4);
  for (int i = 0; i < 1000; ++i) {
    limiter.RecordFailure("flood:" + std::to_string(i));
    ASSERT_LE(limiter.tracked_keys(), 4u);
  }
}

TEST(FailureLimiterTest, EvictionKeepsLockedKeysOverUnlockedOnes) {
  ManualClock clock;
  FailureLimiter limiter(kThreePerMinute, clock, /*max_keys=*/3);
  for (int i = 0; i < 3; ++i) limiter.RecordFailure("attacker");
  ASSERT_TRUE(Locked(limiter, "attacker"));
  for (int i = 0; i < 100; ++i) {
    clock.Advance(absl::Milliseconds(10));
    limiter.RecordFailure("flood:" + std::to_string(i));
  }
  EXPECT_LE(limiter.tracked_keys(), 3u);
  EXPECT_TRUE(Locked(limiter, "attacker"));
}

TEST(FailureLimiterTest, EvictionDropsTheStalestUnlockedKey) {
  ManualClock clock;
  FailureLimiter limiter(kThreePerMinute, clock, /*max_keys=*/2);
  limiter.RecordFailure("old");
  clock.Advance(absl::Seconds(1));
  limiter.RecordFailure("new");
  clock.Advance(absl::Seconds(1));
  limiter.RecordFailure("newest");  // evicts "old"
  EXPECT_EQ(limiter.tracked_keys(), 2u);
  // "new" kept its count: two more failures lock it. "old" starts afresh.
  limiter.RecordFailure("new");
  limiter.RecordFailure("new");
  EXPECT_TRUE(Locked(limiter, "new"));
}

TEST(FailureLimiterTest, ExpiredEntriesAreDroppedBeforeAnythingIsEvicted) {
  ManualClock clock;
  FailureLimiter limiter(kThreePerMinute, clock, /*max_keys=*/3);
  limiter.RecordFailure("a");
  limiter.RecordFailure("b");
  limiter.RecordFailure("c");
  clock.Advance(absl::Minutes(1));
  limiter.RecordFailure("d");
  EXPECT_EQ(limiter.tracked_keys(), 1u);
}

}  // namespace
}  // namespace konfero::rooms
