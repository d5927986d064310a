// Tests of the SPSC ring: bounded FIFO semantics, and a producer and a
// consumer thread moving a million values without loss or reordering
// (run under ThreadSanitizer in CI: label `threaded`).
#include "konfero/audio/spsc_ring.h"

#include <cstdint>
#include <thread>

#include "gtest/gtest.h"

namespace konfero::audio {
namespace {

TEST(SpscRingTest, IsABoundedFifo) {
  SpscRing<int> ring(3);  // rounded up to 4
  EXPECT_EQ(ring.Capacity(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(ring.Push(i));
  EXPECT_FALSE(ring.Push(99));
  EXPECT_EQ(ring.SizeApprox(), 4u);
  int v = -1;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(ring.Pop(&v));
    EXPECT_EQ(v, i);
  }
  EXPECT_FALSE(ring.Pop(&v));
  // Wraps around many times.
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(ring.Push(i));
    ASSERT_TRUE(ring.Pop(&v));
    ASSERT_EQ(v, i);
  }
}

TEST(SpscRingThreadedTest, ProducerAndConsumerThreadsKeepOrder) {
  struct Item {
    uint64_t seq;
    uint64_t check;
  };
  SpscRing<Item> ring(64);
  constexpr uint64_t kCount = 1'000'000;
  std::thread producer([&] {
    for (uint64_t i = 0; i < kCount;) {
      if (ring.PushWith([i](Item& it) { it = {i, i * 2654435761u}; })) {
        ++i;
      } else {
        std::this_thread::yield();
      }
    }
  });
  uint64_t expected = 0;
  bool ordered = true;
  while (expected < kCount) {
    Item it{};
    if (ring.Pop(&it)) {
      ordered = ordered && it.seq == expected && it.check == expected * 2654435761u;
      ++expected;
    } else {
      std::this_thread::yield();
    }
  }
  producer.join();
  EXPECT_TRUE(ordered);
}

}  // namespace
}  // namespace konfero::audio
