// ConnectionSet: the limits in all and per source address, and the counts
// going down as connections end.
#include "server/connection_set.h"

#include <memory>

#include "gtest/gtest.h"

namespace konfero::server {
namespace {

struct Counted : Closable {
  int closed = 0;
  void Close() override { ++closed; }
};

TEST(ConnectionSetTest, OneAddressCannotTakeEverySlot) {
  ConnectionSet set({.total = 5, .per_address = 2});
  auto c = std::make_shared<Counted>();
  const uint64_t a1 = set.Add("203.0.113.7", c);
  set.Add("203.0.113.7", c);
  EXPECT_FALSE(set.Admits("203.0.113.7")) << "its two are used";
  EXPECT_TRUE(set.Admits("198.51.100.1")) << "others still get in";
  EXPECT_EQ(set.count_from("203.0.113.7"), 2u);
  set.Remove(a1);
  EXPECT_TRUE(set.Admits("203.0.113.7"));
  EXPECT_EQ(set.count_from("203.0.113.7"), 1u);
  set.Remove(a1);  // twice: nothing changes
  EXPECT_EQ(set.count_from("203.0.113.7"), 1u);
  EXPECT_EQ(set.size(), 1u);
}

TEST(ConnectionSetTest, TheTotalLimitHoldsOverAllAddresses) {
  ConnectionSet set({.total = 3, .per_address = 2});
  auto c = std::make_shared<Counted>();
  set.Add("a", c);
  set.Add("b", c);
  set.Add("c", c);
  EXPECT_FALSE(set.Admits("d"));
  EXPECT_EQ(set.count_from("d"), 0u);
  set.CloseAll();
  EXPECT_EQ(c->closed, 3);
}

}  // namespace
}  // namespace konfero::server
