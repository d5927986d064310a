// sanitizers.h: KONFERO_UNDER_SANITIZER is defined when this translation
// unit is built with ASan, TSan or MSan (g++ or clang), for tests that
// cannot run there (allocation counting, seccomp).
#ifndef KONFERO_TESTS_TESTING_SANITIZERS_H_
#define KONFERO_TESTS_TESTING_SANITIZERS_H_

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define KONFERO_UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer) || \
    __has_feature(memory_sanitizer)
#define KONFERO_UNDER_SANITIZER 1
#endif
#endif

#endif  // KONFERO_TESTS_TESTING_SANITIZERS_H_
