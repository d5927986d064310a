// LogThrottle: one line per interval, with the count of the others.
#include "server/log_throttle.h"

#include "gtest/gtest.h"

namespace konfero::server {
namespace {

using std::chrono::milliseconds;

TEST(LogThrottleTest, OneLinePerIntervalCountingTheRest) {
  LogThrottle throttle(milliseconds(1000));
  const LogThrottle::Clock::time_point t0{milliseconds(5000)};
  EXPECT_EQ(throttle.Allow(t0), 0u) << "the first one is written";
  int written = 0;
  for (int i = 1; i < 100000; ++i) {
    if (throttle.Allow(t0 + milliseconds(i / 100))) ++written;  // 100 a ms, for under 1 s
  }
  EXPECT_EQ(written, 0) << "a flood within the interval writes nothing more";
  EXPECT_EQ(throttle.Allow(t0 + milliseconds(1000)), 99999u) << "then one line says how many";
  EXPECT_EQ(throttle.Allow(t0 + milliseconds(1001)), std::nullopt);
  EXPECT_EQ(throttle.Allow(t0 + milliseconds(2000)), 1u);
}

}  // namespace
}  // namespace konfero::server
