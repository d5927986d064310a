// Tests of rooms/address_quota.h: which sources count as one address, and
// that a slot is returned whichever way it goes, from any thread.
#include "rooms/address_quota.h"

#include <optional>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace konfero::rooms {
namespace {

TEST(AddressKeyTest, OneHostIsOneKeyAndAnIpv6AddressCountsByItsSlash64) {
  const struct {
    std::string_view source;
    std::string_view key;
  } kCases[] = {
      {"203.0.113.7", "203.0.113.7"},
      {"203.0.113.7:5060", "203.0.113.7"},
      {"::ffff:203.0.113.7", "203.0.113.7"},
      {"[::ffff:203.0.113.7]:443", "203.0.113.7"},
      {"2001:db8:1:2::1", "2001:db8:1:2::/64"},
      {"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
      {"[2001:DB8:1:2::9]:5060", "2001:db8:1:2::/64"},
      {"2001:db8:1:3::1", "2001:db8:1:3::/64"},
      {"::1", "::/64"},
      // What is no IP address is kept as it is.
      {"", ""},
      {"sip:trunk-1", "sip:trunk-1"},
      {"[unclosed", "[unclosed"},
      {"999.0.0.1", "999.0.0.1"},
  };
  for (const auto& c : kCases) EXPECT_EQ(AddressKey(c.source), c.key) << c.source;
}

TEST(AddressQuotaTest, RefusesPastTheCapAndFreesOnRelease) {
  AddressQuota quota(2);
  std::optional<AddressSlot> a = quota.TryAcquire("203.0.113.7");
  std::optional<AddressSlot> b = quota.TryAcquire("203.0.113.7:1234");
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(quota.TryAcquire("::ffff:203.0.113.7"));
  EXPECT_TRUE(quota.TryAcquire("198.51.100.1"));  // returned at once
  EXPECT_EQ(quota.in_use("203.0.113.7"), 2);
  a.reset();
  EXPECT_EQ(quota.in_use("203.0.113.7"), 1);
  EXPECT_TRUE(quota.TryAcquire("203.0.113.7"));
  b.reset();
  EXPECT_EQ(quota.addresses(), 0u);  // no entry is kept for an empty address
}

TEST(AddressQuotaTest, MovingASlotMovesTheCount) {
  AddressQuota quota(1);
  std::optional<AddressSlot> a = quota.TryAcquire("203.0.113.7");
  ASSERT_TRUE(a);
  AddressSlot moved = std::move(*a);
  a.reset();  // the moved-from slot returns nothing
  EXPECT_EQ(quota.in_use("203.0.113.7"), 1);
  std::optional<AddressSlot> other = quota.TryAcquire("198.51.100.1");
  ASSERT_TRUE(other);
  moved = std::move(*other);  // returns the first address's slot
  EXPECT_EQ(quota.in_use("203.0.113.7"), 0);
  EXPECT_EQ(quota.in_use("198.51.100.1"), 1);
}

TEST(AddressQuotaTest, ZeroIsNoCapButStillCounts) {
  AddressQuota quota(0);
  std::vector<AddressSlot> slots;
  for (int i = 0; i < 100; ++i) {
    std::optional<AddressSlot> s = quota.TryAcquire("203.0.113.7");
    ASSERT_TRUE(s);
    slots.push_back(std::move(*s));
  }
  EXPECT_EQ(quota.in_use("203.0.113.7"), 100);
}

TEST(AddressQuotaTest, SlotsMayBeReturnedFromOtherThreads) {
  AddressQuota quota(1000);
  std::vector<AddressSlot> slots;
  for (int i = 0; i < 1000; ++i) slots.push_back(*quota.TryAcquire("203.0.113.7"));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    std::vector<AddressSlot> mine;
    for (int i = 0; i < 250; ++i) {
      mine.push_back(std::move(slots.back()));
      slots.pop_back();
    }
    threads.emplace_back([mine = std::move(mine)]() mutable { mine.clear(); });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(quota.in_use("203.0.113.7"), 0);
  EXPECT_EQ(quota.addresses(), 0u);
}

}  // namespace
}  // namespace konfero::rooms
