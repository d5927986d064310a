// Tests of common/sequence_checker.h: a checker attaches to the thread that
// constructs it (or, detached, to the first that checks it), Detach lets
// another thread claim it, and KONFERO_DCHECK_RUN_ON aborts on a wrong
// thread when the checks are compiled in.
#include "common/sequence_checker.h"

#include <future>
#include <thread>

#include "gtest/gtest.h"

namespace konfero {
namespace {

// IsCurrent() as seen from a new thread.
bool IsCurrentOnAnotherThread(const SequenceChecker& checker) {
  bool current = false;
  std::thread([&] { current = checker.IsCurrent(); }).join();
  return current;
}

TEST(SequenceCheckerTest, AttachesToTheConstructingThread) {
  SequenceChecker checker;
  EXPECT_TRUE(checker.IsCurrent());
  EXPECT_FALSE(IsCurrentOnAnotherThread(checker));
  EXPECT_TRUE(checker.IsCurrent());  // a refusal does not move it
}

TEST(SequenceCheckerTest, DetachedCheckerAttachesToTheFirstThreadThatChecks) {
  SequenceChecker checker(SequenceChecker::kDetached);
  // The claiming thread stays alive while the others check: a thread that
  // ended may hand its id to the next one.
  std::promise<bool> claimed;
  std::promise<void> done;
  std::thread owner([&] {
    claimed.set_value(checker.IsCurrent());
    done.get_future().wait();
  });
  EXPECT_TRUE(claimed.get_future().get());
  EXPECT_FALSE(checker.IsCurrent());
  EXPECT_FALSE(IsCurrentOnAnotherThread(checker));  // nor a third one
  done.set_value();
  owner.join();
}

TEST(SequenceCheckerTest, DetachLetsTheNextThreadClaimIt) {
  SequenceChecker checker;
  checker.Detach();
  EXPECT_TRUE(IsCurrentOnAnotherThread(checker));
  EXPECT_FALSE(checker.IsCurrent());
  checker.Detach();
  EXPECT_TRUE(checker.IsCurrent());
  EXPECT_FALSE(IsCurrentOnAnotherThread(checker));
}

TEST(SequenceCheckerTest, RunOnPassesOnTheAttachedThread) {
  SequenceChecker checker(SequenceChecker::kDetached);
  KONFERO_DCHECK_RUN_ON(&checker);
  KONFERO_DCHECK_RUN_ON(&checker);
  EXPECT_TRUE(checker.IsCurrent());
}

TEST(SequenceCheckerDeathTest, RunOnAnotherThreadAborts) {
  if (!KONFERO_DCHECK_IS_ON) {
    GTEST_SKIP() << "KONFERO_DCHECK_RUN_ON is compiled out (NDEBUG without KONFERO_DCHECK)";
  }
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  SequenceChecker checker;  // this thread's
  EXPECT_DEATH(std::thread([&] { KONFERO_DCHECK_RUN_ON(&checker); }).join(),
               "KONFERO_DCHECK_RUN_ON\\(&checker\\) failed: called on the wrong thread");
}

TEST(SequenceCheckerDeathTest, RunOnAfterAnotherThreadClaimedItAborts) {
  if (!KONFERO_DCHECK_IS_ON) {
    GTEST_SKIP() << "KONFERO_DCHECK_RUN_ON is compiled out (NDEBUG without KONFERO_DCHECK)";
  }
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  SequenceChecker checker(SequenceChecker::kDetached);
  std::thread([&] { KONFERO_DCHECK_RUN_ON(&checker); }).join();
  EXPECT_DEATH(KONFERO_DCHECK_RUN_ON(&checker),
               "sequence_checker_test.cc:[0-9]+: "
               "KONFERO_DCHECK_RUN_ON");
}

}  // namespace
}  // namespace konfero
