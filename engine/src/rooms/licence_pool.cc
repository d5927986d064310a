// licence_pool.cc: a compare-and-swap counter that never exceeds capacity.
#include "rooms/licence_pool.h"

namespace konfero::rooms {

LicenceSeat& LicenceSeat::operator=(LicenceSeat&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = other.pool_;
    other.pool_ = nullptr;
  }
  return *this;
}

void LicenceSeat::Release() {
  if (pool_ != nullptr) {
    pool_->Return();
    pool_ = nullptr;
  }
}

std::optional<LicenceSeat> LicencePool::TryAcquire() {
  int used = in_use_.load(std::memory_order_acquire);
  while (used < capacity_) {
    if (in_use_.compare_exchange_weak(used, used + 1,
                                      std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
      return LicenceSeat(this);
    }
  }
  return std::nullopt;
}

}  // namespace konfero::rooms
