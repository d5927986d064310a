// counting_new.h: counts heap allocations made on the current thread.
//
// A test binary that links tests/testing/counting_new.cc gets a global
// operator new/delete that counts every allocation made while
// `counting_allocations` is true on the calling thread. Plain builds only:
// the sanitizers replace operator new themselves.
//
//   test_support::counting_allocations = true;
//   mixer.Tick();
//   test_support::counting_allocations = false;
//   EXPECT_EQ(test_support::allocations.load(), 0u);
#ifndef KONFERO_TESTS_TESTING_COUNTING_NEW_H_
#define KONFERO_TESTS_TESTING_COUNTING_NEW_H_

#include <atomic>
#include <cstdint>
#include <new>

namespace konfero::test_support {

extern thread_local bool counting_allocations;
extern std::atomic<uint64_t> allocations;

// Whether the counter sees allocations at all (the binary links
// counting_new.cc): allocates once while counting, then resets the count.
// Use as ASSERT_TRUE(CountsAllocations()) before measuring.
inline bool CountsAllocations() {
  allocations = 0;
  counting_allocations = true;
  void* probe = ::operator new(16);
  counting_allocations = false;
  ::operator delete(probe);
  const bool counted = allocations.load() == 1;
  allocations = 0;
  return counted;
}

}  // namespace konfero::test_support

#endif  // KONFERO_TESTS_TESTING_COUNTING_NEW_H_
