// The connection cap under the open-file limit, and raising the limit.
#include "server/fd_limit.h"

#include <sys/resource.h>

#include "gtest/gtest.h"

namespace konfero::server {
namespace {

TEST(FdLimitTest, ConnectionsGetHalfOfWhatIsLeftAfterTheReserve) {
  EXPECT_EQ(ConnectionCapFor(1024, 2048), (1024 - kReservedFds) / 2);
  EXPECT_EQ(ConnectionCapFor(1 << 20, 2048), 2048u) << "the requested cap when it fits";
  EXPECT_EQ(ConnectionCapFor(100, 2048), kMinConnectionCap) << "a floor for tiny limits";
  EXPECT_EQ(ConnectionCapFor(100, 4), 4u);
}

TEST(FdLimitTest, TheSoftLimitIsRaisedToTheHardOne) {
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  const FdLimit now = RaiseOpenFileLimit();
  EXPECT_EQ(now.hard, before.rlim_max);
  EXPECT_EQ(now.soft, std::min<rlim_t>(before.rlim_max, rlim_t{1} << 20));
  EXPECT_GE(now.soft, before.rlim_cur);
}

}  // namespace
}  // namespace konfero::server
