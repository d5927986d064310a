// sctp/sctp_mutex.h: a std::mutex with abseil's thread-safety annotations.
//
// Why not absl::Mutex: Debian 12's abseil is a prebuilt library, not
// compiled with ThreadSanitizer, so TSan cannot see absl::Mutex's
// synchronization and reports every access it guards as a race. std::mutex
// goes through pthread_mutex_lock, which TSan intercepts; the annotations
// keep clang's -Wthread-safety checks.
//
// Thread contract: a mutex; any thread.
#ifndef KONFERO_SCTP_SCTP_MUTEX_H_
#define KONFERO_SCTP_SCTP_MUTEX_H_

#include <mutex>

#include "absl/base/thread_annotations.h"

namespace konfero::sctp {

class ABSL_LOCKABLE SctpMutex {
 public:
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

class ABSL_SCOPED_LOCKABLE SctpMutexLock {
 public:
  explicit SctpMutexLock(SctpMutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
  }
  ~SctpMutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }

  SctpMutexLock(const SctpMutexLock&) = delete;
  SctpMutexLock& operator=(const SctpMutexLock&) = delete;

 private:
  SctpMutex* const mu_;
};

}  // namespace konfero::sctp

#endif  // KONFERO_SCTP_SCTP_MUTEX_H_
