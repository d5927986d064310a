// Tests of rooms/rate_limiter.h: failures per key within a window lock the
// key for the lockout; a token bucket per key allows a burst, then a rate.
// All on a ManualClock.
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

// ---- TokenBucket ------------------------------------------------------------

bool Allowed(const TokenBucket& bucket, std::string_view key) {
  return bucket.Check(key, "chat messages").ok();
}

// Takes tokens while Check allows, up to `max`; returns how many.
int Drain(TokenBucket& bucket, std::string_view key, int max = 1000) {
  int n = 0;
  while (n < max && Allowed(bucket, key)) {
    bucket.Take(key);
    ++n;
  }
  return n;
}

TEST(TokenBucketTest, ABurstThenOneTokenPerInterval) {
  ManualClock clock;
  TokenBucket bucket(10, 2.0, clock);
  EXPECT_EQ(Drain(bucket, "k"), 10);
  absl::Status refused = bucket.Check("k", "chat messages");
  EXPECT_TRUE(absl::IsResourceExhausted(refused)) << refused;
  EXPECT_THAT(std::string(refused.message()),
              ::testing::HasSubstr("too many chat messages in a row: wait 0.5 s"));
  clock.Advance(absl::Milliseconds(250));
  EXPECT_THAT(std::string(bucket.Check("k", "chat messages").message()),
              ::testing::HasSubstr("wait 0.3 s"));  // 0.25 s, rounded up
  clock.Advance(absl::Milliseconds(250));
  EXPECT_EQ(Drain(bucket, "k"), 1);
  clock.Advance(absl::Seconds(2));
  EXPECT_EQ(Drain(bucket, "k"), 4);
}

TEST(TokenBucketTest, ARestRefillsNoMoreThanTheBurst) {
  ManualClock clock;
  TokenBucket bucket(3, 1.0, clock);
  EXPECT_EQ(Drain(bucket, "k"), 3);
  clock.Advance(absl::Hours(1));
  EXPECT_EQ(Drain(bucket, "k"), 3);
}

TEST(TokenBucketTest, CheckAloneTakesNothing) {
  ManualClock clock;
  TokenBucket bucket(2, 1.0, clock);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(Allowed(bucket, "k"));
  EXPECT_EQ(bucket.tracked_keys(), 0u);
  EXPECT_EQ(Drain(bucket, "k"), 2);
}

TEST(TokenBucketTest, KeysHaveBucketsOfTheirOwn) {
  ManualClock clock;
  TokenBucket bucket(2, 1.0, clock);
  EXPECT_EQ(Drain(bucket, "a"), 2);
  EXPECT_EQ(Drain(bucket, "b"), 2);
  EXPECT_FALSE(Allowed(bucket, "a"));
}

TEST(TokenBucketTest, BurstZeroIsNoLimit) {
  ManualClock clock;
  TokenBucket bucket(0, 0.0, clock);
  EXPECT_EQ(Drain(bucket, "k", 500), 500);
  EXPECT_EQ(bucket.tracked_keys(), 0u);
}

TEST(TokenBucketTest, MemoryStaysBoundedAndFullBucketsGoFirst) {
  ManualClock clock;
  TokenBucket bucket(2, 1.0, clock, /*max_keys=*/2);
  bucket.Take("a");
  clock.Advance(absl::Seconds(5));  // "a" is full again: it needs no entry
  bucket.Take("b");
  bucket.Take("b");
  bucket.Take("c");  // drops "a", keeps "b" (empty)
  EXPECT_EQ(bucket.tracked_keys(), 2u);
  EXPECT_FALSE(Allowed(bucket, "b"));
  // Still full with no full bucket: the one nearest to full goes ("c").
  bucket.Take("d");
  EXPECT_EQ(bucket.tracked_keys(), 2u);
  EXPECT_FALSE(Allowed(bucket, "b"));
}

}  // namespace
}  // namespace konfero::rooms
