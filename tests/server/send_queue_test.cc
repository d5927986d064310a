// SendQueue: frames in order, bounded in bytes; a frame past the bound is
// refused whole and changes nothing.
#include "server/send_queue.h"

#include <string>

#include "gtest/gtest.h"

namespace konfero::server {
namespace {

TEST(SendQueueTest, KeepsOrderAndRefusesWhatWouldPassTheBound) {
  SendQueue q(10);
  EXPECT_TRUE(q.Push("abcd"));
  EXPECT_TRUE(q.Push("efgh"));
  EXPECT_EQ(q.bytes(), 8u);
  EXPECT_FALSE(q.Push("ijk")) << "11 bytes > 10";
  EXPECT_EQ(q.bytes(), 8u);
  EXPECT_TRUE(q.Push("ij"));
  EXPECT_EQ(q.front(), "abcd");
  q.Pop();
  EXPECT_EQ(q.front(), "efgh");
  EXPECT_EQ(q.bytes(), 6u);
  EXPECT_FALSE(q.Push(std::string(5, 'x')));
  EXPECT_TRUE(q.Push(std::string(4, 'x')));
  q.Clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
  EXPECT_FALSE(q.Push(std::string(11, 'y'))) << "one frame over the bound never fits";
}

}  // namespace
}  // namespace konfero::server
