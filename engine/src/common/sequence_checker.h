// common/sequence_checker.h: checks that a component is used on the thread
// its contract names, in the style of libwebrtc's RTC_DCHECK_RUN_ON.
//
//   class WorkerMedia {
//     void Tick() { KONFERO_DCHECK_RUN_ON(&worker_thread_); ... }
//     SequenceChecker worker_thread_{SequenceChecker::kDetached};
//   };
//
// A checker attaches to the first thread that checks it (or to the thread
// that constructs it) and from then on aborts, naming the file and line,
// when another thread checks it. Detach() lets the next caller claim it
// (an object built on one thread and handed to another).
//
// The checks are compiled in debug builds and when KONFERO_DCHECK_ALWAYS_ON
// is defined (CMake option KONFERO_DCHECK, on in scripts/test.sh); otherwise
// they cost nothing.
//
// Thread contract: IsCurrent and Detach from any thread (atomics).
#ifndef KONFERO_COMMON_SEQUENCE_CHECKER_H_
#define KONFERO_COMMON_SEQUENCE_CHECKER_H_

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>

#if !defined(NDEBUG) || defined(KONFERO_DCHECK_ALWAYS_ON)
#define KONFERO_DCHECK_IS_ON 1
#else
#define KONFERO_DCHECK_IS_ON 0
#endif

namespace konfero {

class SequenceChecker {
 public:
  enum Detached { kDetached };
  SequenceChecker() : owner_(Current()) {}
  explicit SequenceChecker(Detached) : owner_(0) {}

  // True on the attached thread; attaches a detached checker.
  bool IsCurrent() const {
    const size_t me = Current();
    size_t expected = 0;
    if (owner_.compare_exchange_strong(expected, me, std::memory_order_acq_rel)) return true;
    return expected == me;
  }
  void Detach() { owner_.store(0, std::memory_order_release); }

 private:
  static size_t Current() {
    // Never 0: 0 marks a detached checker.
    return std::hash<std::thread::id>{}(std::this_thread::get_id()) | 1;
  }
  mutable std::atomic<size_t> owner_;
};

[[noreturn]] inline void SequenceCheckFailed(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: KONFERO_DCHECK_RUN_ON(%s) failed: called on the wrong thread\n",
               file, line, what);
  std::abort();
}

}  // namespace konfero

#if KONFERO_DCHECK_IS_ON
#define KONFERO_DCHECK_RUN_ON(checker)                                      \
  do {                                                                      \
    if (!(checker)->IsCurrent()) {                                          \
      ::konfero::SequenceCheckFailed(__FILE__, __LINE__, #checker);         \
    }                                                                       \
  } while (0)
#else
#define KONFERO_DCHECK_RUN_ON(checker) \
  do {                                 \
  } while (0)
#endif

#endif  // KONFERO_COMMON_SEQUENCE_CHECKER_H_
