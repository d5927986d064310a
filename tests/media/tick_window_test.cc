// TickWindow: the p99 of the last 500 ticks, published once per window.
#include "media/tick_window.h"

#include "gtest/gtest.h"

namespace konfero::media {
namespace {

TEST(TickWindowTest, NothingUntilAWindowIsFullThenItsNearestRankP99) {
  TickWindow window;
  for (uint64_t i = 1; i < TickWindow::kSize; ++i) window.Add(i * 1000);
  EXPECT_EQ(window.p99_ns(), 0u);
  window.Add(TickWindow::kSize * 1000);  // 1..500 us: the 495th value
  EXPECT_EQ(window.p99_ns(), 495'000u);
}

TEST(TickWindowTest, EachWindowForgetsThePreviousOne) {
  TickWindow window;
  for (size_t i = 0; i < TickWindow::kSize; ++i) window.Add(i < 10 ? 9'000'000 : 1'000);
  EXPECT_EQ(window.p99_ns(), 9'000'000u);  // 10 slow ticks of 500 are above the 99th
  for (size_t i = 0; i < TickWindow::kSize; ++i) window.Add(i < 5 ? 9'000'000 : 1'000);
  EXPECT_EQ(window.p99_ns(), 1'000u);  // 5 are not
}

}  // namespace
}  // namespace konfero::media
