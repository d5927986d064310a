// PasswordPool (issue 14, finding 5): the work runs on a pool thread, its
// completion on the control thread, and past the bound a job is refused.
#include "server/password_pool.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <thread>

#include "gtest/gtest.h"
#include "server/text.h"

namespace konfero::server {
namespace {

TEST(PasswordPoolTest, WorkRunsOffTheControlThreadAndDoneOnIt) {
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  PasswordPool pool(io.get_executor(), 2, 4);
  std::thread::id work_thread, done_thread;
  ASSERT_TRUE(pool.Submit([&] { work_thread = std::this_thread::get_id(); },
                          [&] {
                            done_thread = std::this_thread::get_id();
                            io.stop();
                          }));
  io.run();
  EXPECT_NE(work_thread, std::thread::id());
  EXPECT_NE(work_thread, std::this_thread::get_id());
  EXPECT_EQ(done_thread, std::this_thread::get_id());
  EXPECT_EQ(pool.pending(), 0);
}

TEST(PasswordPoolTest, PastTheBoundAJobIsRefusedUntilOneIsDone) {
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);  // run_one waits for the pool
  PasswordPool pool(io.get_executor(), 1, 2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  int done = 0;
  ASSERT_TRUE(pool.Submit([released] { released.wait(); }, [&] { ++done; }));
  ASSERT_TRUE(pool.Submit([] {}, [&] { ++done; }));
  EXPECT_FALSE(pool.Submit([] { ADD_FAILURE() << "a refused job ran"; }, [] {}));
  EXPECT_EQ(pool.pending(), 2);
  release.set_value();
  while (done < 2) io.run_one();
  EXPECT_EQ(pool.pending(), 0);
  EXPECT_TRUE(pool.Submit([] {}, [&] { ++done; }));
  io.run_one();
  EXPECT_EQ(done, 3);
}

TEST(CookieValueTest, FindsOneCookieAmongOthers) {
  EXPECT_EQ(CookieValue("a=1; konfero_device=x.y.z; b=2", "konfero_device"), "x.y.z");
  EXPECT_EQ(CookieValue("konfero_device=first;konfero_device=second", "konfero_device"),
            "first");
  EXPECT_EQ(CookieValue("konfero_devicex=1; xkonfero_device=2", "konfero_device"), "");
  EXPECT_EQ(CookieValue("", "konfero_device"), "");
  EXPECT_EQ(CookieValue(";;; =; konfero_device", "konfero_device"), "");
}

}  // namespace
}  // namespace konfero::server
