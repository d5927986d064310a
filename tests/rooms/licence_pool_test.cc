// Tests of rooms/licence_pool.h: seats never exceed the capacity, and every
// seat returns to the pool exactly once.
#include "rooms/licence_pool.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace konfero::rooms {
namespace {

TEST(LicencePoolTest, ZeroCapacityHandsOutNothing) {
  LicencePool pool(0);
  EXPECT_EQ(pool.capacity(), 0);
  EXPECT_FALSE(pool.TryAcquire().has_value());
  EXPECT_EQ(pool.in_use(), 0);
}

TEST(LicencePoolTest, NegativeCapacityIsZero) {
  LicencePool pool(-3);
  EXPECT_EQ(pool.capacity(), 0);
  EXPECT_FALSE(pool.TryAcquire().has_value());
  EXPECT_EQ(pool.in_use(), 0);
}

TEST(LicencePoolTest, HandsOutExactlyCapacitySeatsThenNothing) {
  LicencePool pool(3);
  std::vector<LicenceSeat> seats;
  for (int i = 0; i < 3; ++i) {
    std::optional<LicenceSeat> seat = pool.TryAcquire();
    ASSERT_TRUE(seat.has_value()) << "seat " << i;
    seats.push_back(*std::move(seat));
    EXPECT_EQ(pool.in_use(), i + 1);
  }
  EXPECT_FALSE(pool.TryAcquire().has_value());
  EXPECT_FALSE(pool.TryAcquire().has_value());
  EXPECT_EQ(pool.in_use(), 3);
}

TEST(LicencePoolTest, ADestroyedSeatCanBeAcquiredAgain) {
  LicencePool pool(1);
  {
    std::optional<LicenceSeat> seat = pool.TryAcquire();
    ASSERT_TRUE(seat.has_value());
    EXPECT_FALSE(pool.TryAcquire().has_value());
  }
  EXPECT_EQ(pool.in_use(), 0);
  EXPECT_TRUE(pool.TryAcquire().has_value());
}

TEST(LicencePoolTest, ResettingTheOptionalReturnsTheSeat) {
  LicencePool pool(2);
  std::optional<LicenceSeat> seat = pool.TryAcquire();
  ASSERT_TRUE(seat.has_value());
  EXPECT_EQ(pool.in_use(), 1);
  seat.reset();
  EXPECT_EQ(pool.in_use(), 0);
}

TEST(LicencePoolTest, AMovedSeatReturnsExactlyOnce) {
  LicencePool pool(2);
  std::optional<LicenceSeat> other = pool.TryAcquire();  // keeps one in use
  {
    std::optional<LicenceSeat> source = pool.TryAcquire();
    ASSERT_TRUE(source.has_value());
    EXPECT_EQ(pool.in_use(), 2);
    {
      LicenceSeat moved(*std::move(source));
      source.reset();  // the moved-from seat returns nothing
      EXPECT_EQ(pool.in_use(), 2);
      LicenceSeat moved_again(std::move(moved));
      EXPECT_EQ(pool.in_use(), 2);
    }  // moved_again returns the seat; moved returns nothing
    EXPECT_EQ(pool.in_use(), 1);
  }
  EXPECT_EQ(pool.in_use(), 1);
  other.reset();
  EXPECT_EQ(pool.in_use(), 0);
}

TEST(LicencePoolTest, MoveAssignmentReleasesTheOldSeat) {
  LicencePool pool(2);
  std::optional<LicenceSeat> a = pool.TryAcquire();
  std::optional<LicenceSeat> b = pool.TryAcquire();
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(pool.in_use(), 2);
  *a = std::move(*b);  // a's old seat goes back; a now holds b's
  EXPECT_EQ(pool.in_use(), 1);
  b.reset();  // moved from: returns nothing
  EXPECT_EQ(pool.in_use(), 1);
  EXPECT_TRUE(pool.TryAcquire().has_value());
  a.reset();
  EXPECT_EQ(pool.in_use(), 0);
}

TEST(LicencePoolTest, MoveAssignmentAcrossPoolsReturnsEachSeatToItsPool) {
  LicencePool first(1);
  LicencePool second(1);
  std::optional<LicenceSeat> a = first.TryAcquire();
  std::optional<LicenceSeat> b = second.TryAcquire();
  ASSERT_TRUE(a.has_value() && b.has_value());
  *a = std::move(*b);
  EXPECT_EQ(first.in_use(), 0);
  EXPECT_EQ(second.in_use(), 1);
  a.reset();
  EXPECT_EQ(second.in_use(), 0);
}

TEST(LicencePoolTest, SelfMoveAssignmentKeepsTheSeat) {
  LicencePool pool(1);
  std::optional<LicenceSeat> a = pool.TryAcquire();
  ASSERT_TRUE(a.has_value());
  LicenceSeat& alias = *a;
  *a = std::move(alias);
  EXPECT_EQ(pool.in_use(), 1);
  a.reset();
  EXPECT_EQ(pool.in_use(), 0);
}

// Threaded (CTest label "threaded"): four threads each hold up to two seats
// of a pool of five, so the pool runs dry again and again. The number of
// seats held, counted by the holders themselves, must never exceed five.
TEST(LicencePoolThreadedTest, ConcurrentHoldersNeverExceedCapacity) {
  constexpr int kCapacity = 5;
  constexpr int kThreads = 4;
  constexpr int kIterations = 200'000;
  LicencePool pool(kCapacity);
  std::atomic<int> held{0};
  std::atomic<int> max_held{0};
  std::atomic<int> max_in_use{0};
  std::atomic<int> acquired{0};
  std::atomic<int> refused{0};
  std::atomic<bool> go{false};

  auto raise = [](std::atomic<int>& max, int value) {
    int seen = max.load();
    while (value > seen && !max.compare_exchange_weak(seen, value)) {
    }
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t + 1));
      std::vector<LicenceSeat> mine;
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kIterations; ++i) {
        const bool acquire = mine.empty() || (mine.size() < 2 && rng() % 2 == 0);
        if (acquire) {
          std::optional<LicenceSeat> seat = pool.TryAcquire();
          if (seat) {
            raise(max_held, held.fetch_add(1) + 1);
            mine.push_back(*std::move(seat));
            acquired.fetch_add(1, std::memory_order_relaxed);
          } else {
            refused.fetch_add(1, std::memory_order_relaxed);
          }
        } else {
          held.fetch_sub(1);
          mine.pop_back();
        }
        raise(max_in_use, pool.in_use());
      }
      held.fetch_sub(static_cast<int>(mine.size()));
      mine.clear();
    });
  }
  go.store(true);
  for (std::thread& t : threads) t.join();

  EXPECT_LE(max_held.load(), kCapacity);
  EXPECT_LE(max_in_use.load(), kCapacity);
  EXPECT_GE(max_in_use.load(), 0);
  EXPECT_GT(acquired.load(), 0);
  EXPECT_EQ(held.load(), 0);
  EXPECT_EQ(pool.in_use(), 0);
  // Every seat came back: the whole capacity can be acquired again.
  std::vector<LicenceSeat> all;
  while (std::optional<LicenceSeat> seat = pool.TryAcquire()) {
    all.push_back(*std::move(seat));
  }
  EXPECT_EQ(static_cast<int>(all.size()), kCapacity);
}

}  // namespace
}  // namespace konfero::rooms
