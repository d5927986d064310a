// Tests of dial_in::Cidr, NumberDigits and NumberPlan: which source
// addresses a trunk allows and which dialled numbers the dial-in takes.
#include "dial_in/number_plan.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "common/absl_compat.h"
#include "gtest/gtest.h"

namespace konfero::dial_in {
namespace {

net::IpEndpoint Ip(std::string_view address) {
  std::optional<net::IpEndpoint> ip = net::IpEndpoint::Parse(address, 5060);
  EXPECT_TRUE(ip.has_value()) << address;
  return ip.value_or(net::IpEndpoint());
}

Cidr ParseOk(std::string_view text) {
  absl::StatusOr<Cidr> cidr = Cidr::Parse(text);
  EXPECT_TRUE(cidr.ok()) << text << ": " << cidr.status();
  return cidr.value_or(Cidr());
}

TEST(CidrTest, Ipv4Prefix) {
  const Cidr cidr = ParseOk("192.0.2.0/24");
  EXPECT_EQ(cidr.prefix, 24);
  EXPECT_TRUE(cidr.Contains(Ip("192.0.2.0")));
  EXPECT_TRUE(cidr.Contains(Ip("192.0.2.77")));
  EXPECT_TRUE(cidr.Contains(Ip("192.0.2.255")));
  EXPECT_FALSE(cidr.Contains(Ip("192.0.3.1")));
  EXPECT_FALSE(cidr.Contains(Ip("193.0.2.1")));
  EXPECT_FALSE(cidr.Contains(Ip("2001:db8::1"))) << "another family";
  // A v4-mapped IPv6 source (a dual-stack socket) is the IPv4 address.
  EXPECT_TRUE(cidr.Contains(Ip("::ffff:192.0.2.5")));
  EXPECT_FALSE(cidr.Contains(Ip("::ffff:192.0.3.5")));
}

TEST(CidrTest, PrefixNotOnAByteBoundary) {
  const Cidr cidr = ParseOk("10.0.0.0/9");
  EXPECT_TRUE(cidr.Contains(Ip("10.0.0.1")));
  EXPECT_TRUE(cidr.Contains(Ip("10.127.255.255")));
  EXPECT_FALSE(cidr.Contains(Ip("10.128.0.0")));
  // Host bits in the network address do not matter.
  const Cidr loose = ParseOk("192.0.2.77/30");
  EXPECT_TRUE(loose.Contains(Ip("192.0.2.76")));
  EXPECT_TRUE(loose.Contains(Ip("192.0.2.79")));
  EXPECT_FALSE(loose.Contains(Ip("192.0.2.80")));
  EXPECT_FALSE(loose.Contains(Ip("192.0.2.75")));
}

TEST(CidrTest, Ipv6Prefix) {
  const Cidr cidr = ParseOk("2001:db8::/32");
  EXPECT_EQ(cidr.prefix, 32);
  EXPECT_TRUE(cidr.Contains(Ip("2001:db8::1")));
  EXPECT_TRUE(cidr.Contains(Ip("2001:db8:ffff:1::5")));
  EXPECT_FALSE(cidr.Contains(Ip("2001:db9::1")));
  EXPECT_FALSE(cidr.Contains(Ip("192.0.2.1")));
  const Cidr odd = ParseOk("2001:db8:8000::/33");
  EXPECT_TRUE(odd.Contains(Ip("2001:db8:8000::1")));
  EXPECT_FALSE(odd.Contains(Ip("2001:db8:7fff::1")));
}

TEST(CidrTest, ZeroPrefixTakesTheWholeFamily) {
  const Cidr v4 = ParseOk("0.0.0.0/0");
  EXPECT_EQ(v4.prefix, 0);
  EXPECT_TRUE(v4.Contains(Ip("1.2.3.4")));
  EXPECT_TRUE(v4.Contains(Ip("255.255.255.255")));
  EXPECT_FALSE(v4.Contains(Ip("2001:db8::1")));
  const Cidr v6 = ParseOk("::/0");
  EXPECT_TRUE(v6.Contains(Ip("2001:db8::1")));
  EXPECT_TRUE(v6.Contains(Ip("::1")));
  EXPECT_FALSE(v6.Contains(Ip("1.2.3.4")));
}

TEST(CidrTest, OneAddressIsAFullPrefix) {
  const Cidr v4 = ParseOk("127.0.0.1");
  EXPECT_EQ(v4.prefix, 32);
  EXPECT_TRUE(v4.Contains(Ip("127.0.0.1")));
  EXPECT_FALSE(v4.Contains(Ip("127.0.0.2")));
  const Cidr v6 = ParseOk("2001:db8::7");
  EXPECT_EQ(v6.prefix, 128);
  EXPECT_TRUE(v6.Contains(Ip("2001:db8::7")));
  EXPECT_FALSE(v6.Contains(Ip("2001:db8::6")));
  // The port of the source is not part of the match.
  EXPECT_TRUE(v4.Contains(*net::IpEndpoint::Parse("127.0.0.1", 40000)));
  EXPECT_TRUE(ParseOk("192.0.2.1/32").Contains(Ip("192.0.2.1")));
  EXPECT_FALSE(ParseOk("192.0.2.1/32").Contains(Ip("192.0.2.0")));
}

TEST(CidrTest, BadInputsAreRefusedNamingThem) {
  for (std::string_view bad : {"", "/24", "example.com", "192.0.2", "192.0.2.0/", "192.0.2.0/33",
                               "192.0.2.0/-1", "192.0.2.0/2x", "192.0.2.0/24/1", "192.0.2.0/ 24",
                               "2001:db8::/129", "300.0.0.1", "192.0.2.0/+8"}) {
    absl::StatusOr<Cidr> cidr = Cidr::Parse(bad);
    ASSERT_FALSE(cidr.ok()) << "accepted \"" << bad << "\"";
    EXPECT_EQ(cidr.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    if (!bad.empty()) {
      EXPECT_TRUE(absl::StrContains(cidr.status().message(), Sv(bad))) << cidr.status();
    }
  }
}

TEST(NumberDigitsTest, KeepsOnlyDigits) {
  EXPECT_EQ(NumberDigits("+49 (30) 123-4567"), "49301234567");
  EXPECT_EQ(NumberDigits("tel:+1.555.0100"), "15550100");
  EXPECT_EQ(NumberDigits("anonymous"), "");
  EXPECT_EQ(NumberDigits(""), "");
}

DialInNumber Number(std::string text, std::optional<RoomId> room = std::nullopt,
                    PromptLanguage language = PromptLanguage::kEnglish) {
  DialInNumber number;
  number.number = std::move(text);
  number.room = room;
  number.language = language;
  return number;
}

DialInOptions TwoNumbers() {
  DialInOptions options;
  options.numbers.push_back(Number("+49 30 1234567", std::nullopt, PromptLanguage::kGerman));
  options.numbers.push_back(Number("+1 (555) 0100", RoomId{7}));
  return options;
}

TEST(NumberPlanTest, MatchesTheDigitsOfTheDialledNumber) {
  absl::StatusOr<NumberPlan> plan = NumberPlan::Create(TwoNumbers());
  ASSERT_TRUE(plan.ok()) << plan.status();
  for (std::string_view dialled : {"+49301234567", "49301234567", "+49-30-123 4567"}) {
    const DialInNumber* number = plan->Match(dialled);
    ASSERT_NE(number, nullptr) << dialled;
    EXPECT_EQ(number->number, "+49 30 1234567");
    EXPECT_EQ(number->language, PromptLanguage::kGerman);
    EXPECT_FALSE(number->room.has_value());
  }
  const DialInNumber* us = plan->Match("15550100");
  ASSERT_NE(us, nullptr);
  EXPECT_EQ(us->room, RoomId{7});
  EXPECT_EQ(plan->Match("4930123456"), nullptr) << "a prefix is not the number";
  EXPECT_EQ(plan->Match("493012345678"), nullptr) << "nor is a longer number";
  EXPECT_EQ(plan->Match(""), nullptr);
  EXPECT_EQ(plan->Match("konfero"), nullptr);
}

TEST(NumberPlanTest, NumbersMustHaveDigitsAndBeListedOnce) {
  DialInOptions twice = TwoNumbers();
  twice.numbers.push_back(Number("0049-30-1234567"));  // other digits: fine
  ASSERT_TRUE(NumberPlan::Create(twice).ok());
  twice.numbers.push_back(Number("(49) 30 1234567"));  // the first one's digits
  absl::StatusOr<NumberPlan> plan = NumberPlan::Create(twice);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(plan.status().message(), "(49) 30 1234567")) << plan.status();
  EXPECT_TRUE(absl::StrContains(plan.status().message(), "twice")) << plan.status();

  DialInOptions no_digits;
  no_digits.numbers.push_back(Number("conference"));
  plan = NumberPlan::Create(no_digits);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(plan.status().message(), "conference")) << plan.status();
}

SipTrunk Trunk(std::string name, std::vector<std::string> allow) {
  SipTrunk trunk;
  trunk.name = std::move(name);
  trunk.allow = std::move(allow);
  return trunk;
}

TEST(NumberPlanTest, TrunksNeedAllowedSourcesAndGoodCidrs) {
  DialInOptions options = TwoNumbers();
  options.trunks.push_back(Trunk("pbx", {}));
  absl::StatusOr<NumberPlan> plan = NumberPlan::Create(options);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(plan.status().message(), "pbx")) << plan.status();

  options.trunks = {Trunk("carrier", {"192.0.2.0/24", "198.51.100.0/33"})};
  plan = NumberPlan::Create(options);
  ASSERT_FALSE(plan.ok());
  EXPECT_TRUE(absl::StrContains(plan.status().message(), "carrier")) << plan.status();
  EXPECT_TRUE(absl::StrContains(plan.status().message(), "198.51.100.0/33")) << plan.status();

  SipTrunk realm_only = Trunk("auth", {"192.0.2.1"});
  realm_only.realm = "konfero";
  realm_only.username = "pbx";
  options.trunks = {realm_only};
  plan = NumberPlan::Create(options);
  ASSERT_FALSE(plan.ok()) << "a realm without a password";
  EXPECT_TRUE(absl::StrContains(plan.status().message(), "auth")) << plan.status();
  options.trunks[0].password = "secret";
  EXPECT_TRUE(NumberPlan::Create(options).ok());
}

TEST(NumberPlanTest, WithoutTrunksEverySourceIsLetIn) {
  absl::StatusOr<NumberPlan> plan = NumberPlan::Create(TwoNumbers());
  ASSERT_TRUE(plan.ok());
  for (std::string_view source : {"127.0.0.1", "203.0.113.9", "2001:db8::1"}) {
    const SipTrunk* trunk = plan->TrunkFor(Ip(source));
    ASSERT_NE(trunk, nullptr) << source;
    EXPECT_EQ(trunk->name, "any");
    EXPECT_TRUE(trunk->realm.empty()) << "the open trunk challenges nobody";
  }
}

TEST(NumberPlanTest, WithTrunksOnlyTheirSourcesAreLetIn) {
  DialInOptions options = TwoNumbers();
  options.trunks.push_back(Trunk("pbx", {"127.0.0.1"}));
  options.trunks.push_back(Trunk("carrier", {"192.0.2.0/24", "2001:db8::/32"}));
  absl::StatusOr<NumberPlan> plan = NumberPlan::Create(options);
  ASSERT_TRUE(plan.ok()) << plan.status();
  auto name = [&](std::string_view source) -> std::string {
    const SipTrunk* trunk = plan->TrunkFor(Ip(source));
    return trunk == nullptr ? "(none)" : trunk->name;
  };
  EXPECT_EQ(name("127.0.0.1"), "pbx");
  EXPECT_EQ(name("192.0.2.200"), "carrier");
  EXPECT_EQ(name("2001:db8:1::2"), "carrier");
  EXPECT_EQ(name("::ffff:192.0.2.1"), "carrier");
  EXPECT_EQ(name("127.0.0.2"), "(none)");
  EXPECT_EQ(name("198.51.100.1"), "(none)");
  EXPECT_EQ(name("2001:db9::1"), "(none)");
}

}  // namespace
}  // namespace konfero::dial_in
