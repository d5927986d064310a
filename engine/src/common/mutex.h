// common/mutex.h: a std::mutex with abseil's thread-safety annotations.
//
// Why not absl::Mutex: Debian 12's abseil is a prebuilt library, not
// compiled with ThreadSanitizer, so TSan cannot see absl::Mutex's
// synchronization and reports every access it guards as a race. std::mutex
// goes through pthread_mutex_lock, which TSan intercepts; the annotations
// keep clang's -Wthread-safety checks.
//
//   Mutex mu_;
//   std::deque<Task> tasks_ ABSL_GUARDED_BY(mu_);
//   { MutexLock lock(&mu_); tasks_.push_back(...); }
//
// Thread contract: a mutex; any thread. Never on the media path.
#ifndef KONFERO_COMMON_MUTEX_H_
#define KONFERO_COMMON_MUTEX_H_

#include <mutex>

#include "absl/base/thread_annotations.h"

namespace konfero {

class ABSL_LOCKABLE Mutex {
 public:
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }

  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

}  // namespace konfero

#endif  // KONFERO_COMMON_MUTEX_H_
