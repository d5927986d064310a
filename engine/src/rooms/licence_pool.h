// licence_pool.h: the server-wide pool of concurrent browser-guest seats.
//
// A browser guest holds a LicenceSeat for as long as it is connected,
// waiting included; the seat returns to the pool when the LicenceSeat is
// destroyed (leave, kick, disconnect, revocation), so a seat cannot leak.
//
//   LicencePool pool(10);
//   std::optional<LicenceSeat> seat = pool.TryAcquire();
//   if (!seat) { /* ResourceExhausted */ }
//
// Thread contract: lock-free and safe from any thread, so rooms on different
// worker threads share one pool. The pool must outlive its seats.
#ifndef KONFERO_ROOMS_LICENCE_POOL_H_
#define KONFERO_ROOMS_LICENCE_POOL_H_

#include <atomic>
#include <optional>

namespace konfero::rooms {

class LicencePool;

class LicenceSeat {
 public:
  LicenceSeat(LicenceSeat&& other) noexcept : pool_(other.pool_) {
    other.pool_ = nullptr;
  }
  LicenceSeat& operator=(LicenceSeat&& other) noexcept;
  LicenceSeat(const LicenceSeat&) = delete;
  LicenceSeat& operator=(const LicenceSeat&) = delete;
  ~LicenceSeat() { Release(); }

 private:
  friend class LicencePool;
  explicit LicenceSeat(LicencePool* pool) : pool_(pool) {}
  void Release();

  LicencePool* pool_;
};

class LicencePool {
 public:
  explicit LicencePool(int capacity) : capacity_(capacity < 0 ? 0 : capacity) {}
  LicencePool(const LicencePool&) = delete;
  LicencePool& operator=(const LicencePool&) = delete;

  // A seat, or nothing when all `capacity()` seats are taken.
  std::optional<LicenceSeat> TryAcquire();

  int capacity() const { return capacity_; }
  int in_use() const { return in_use_.load(std::memory_order_acquire); }

 private:
  friend class LicenceSeat;
  void Return() { in_use_.fetch_sub(1, std::memory_order_acq_rel); }

  const int capacity_;
  std::atomic<int> in_use_{0};
};

}  // namespace konfero::rooms

#endif  // KONFERO_ROOMS_LICENCE_POOL_H_
