// counting_new.cc: the counting global operator new/delete of counting_new.h.
#include "testing/counting_new.h"

#include <cstdlib>
#include <new>

namespace konfero::test_support {

thread_local bool counting_allocations = false;
std::atomic<uint64_t> allocations{0};

namespace {
void* Allocate(std::size_t n) {
  if (counting_allocations) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* AllocateNoThrow(std::size_t n) noexcept {
  if (counting_allocations) allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
}  // namespace

}  // namespace konfero::test_support

using konfero::test_support::Allocate;
using konfero::test_support::AllocateNoThrow;

void* operator new(std::size_t n) { return Allocate(n); }
void* operator new[](std::size_t n) { return Allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return AllocateNoThrow(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return AllocateNoThrow(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
