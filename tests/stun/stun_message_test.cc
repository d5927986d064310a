// Tests of stun/stun_message.h: the RFC 5769 vectors, parse/serialize round
// trips, malformed input, MESSAGE-INTEGRITY and FINGERPRINT, and IpEndpoint.
#include "stun/stun_message.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/net/ip_endpoint.h"
#include "stun/rfc5769_vectors.h"

namespace konfero::stun {
namespace {

using ::konfero::net::IpEndpoint;
using testing::kRfc5769Ipv4Response;
using testing::kRfc5769Ipv6Response;
using testing::kRfc5769Password;
using testing::kRfc5769Request;

constexpr TransactionId kId = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

// A header for `length` bytes of attributes, followed by `attributes`.
std::vector<uint8_t> Message(uint16_t length, const std::vector<uint8_t>& attributes) {
  std::vector<uint8_t> m = {0x00, 0x01, static_cast<uint8_t>(length >> 8),
                            static_cast<uint8_t>(length), 0x21, 0x12, 0xa4, 0x42};
  m.insert(m.end(), kId.begin(), kId.end());
  m.insert(m.end(), attributes.begin(), attributes.end());
  return m;
}

TEST(StunRfc5769Test, SampleRequestVerifiesAndDecodes) {
  ASSERT_TRUE(IsStun(kRfc5769Request));
  EXPECT_TRUE(VerifyFingerprint(kRfc5769Request));
  EXPECT_TRUE(VerifyMessageIntegrity(kRfc5769Request, kRfc5769Password));
  EXPECT_FALSE(VerifyMessageIntegrity(kRfc5769Request, "VOkJxbRl1RmTxUk/WvJxBu"));

  const auto m = StunMessage::Parse(kRfc5769Request);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->type(), 0x0001);
  EXPECT_EQ(m->method(), kBindingMethod);
  EXPECT_EQ(m->message_class(), StunClass::kRequest);
  EXPECT_EQ(m->username(), "evtj:h6vY");
  EXPECT_EQ(m->priority(), 0x6e0001ffu);
  EXPECT_EQ(m->ice_controlled(), 0x932ff9b151263b36u);
  EXPECT_FALSE(m->ice_controlling().has_value());
  EXPECT_FALSE(m->use_candidate());
  EXPECT_TRUE(m->has_message_integrity());
  EXPECT_TRUE(m->has_fingerprint());
  // SOFTWARE is not interpreted but kept.
  const StunAttribute* software = m->Find(attr::kSoftware);
  ASSERT_NE(software, nullptr);
  EXPECT_EQ(software->value, Bytes("STUN test client"));
}

TEST(StunRfc5769Test, Ipv4ResponseVerifiesAndDecodes) {
  EXPECT_TRUE(VerifyFingerprint(kRfc5769Ipv4Response));
  EXPECT_TRUE(VerifyMessageIntegrity(kRfc5769Ipv4Response, kRfc5769Password));
  const auto m = StunMessage::Parse(kRfc5769Ipv4Response);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->message_class(), StunClass::kSuccessResponse);
  EXPECT_EQ(m->xor_mapped_address(), IpEndpoint::Ipv4({192, 0, 2, 1}, 32853));
}

TEST(StunRfc5769Test, Ipv6ResponseVerifiesAndDecodes) {
  EXPECT_TRUE(VerifyFingerprint(kRfc5769Ipv6Response));
  EXPECT_TRUE(VerifyMessageIntegrity(kRfc5769Ipv6Response, kRfc5769Password));
  const auto m = StunMessage::Parse(kRfc5769Ipv6Response);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->xor_mapped_address(),
            IpEndpoint::Parse("2001:db8:1234:5678:11:2233:4455:6677", 32853));
}

TEST(StunRfc5769Test, XorMappedAddressEncodesAsInTheVectors) {
  const auto ipv4 = StunMessage::Parse(kRfc5769Ipv4Response);
  const auto ipv6 = StunMessage::Parse(kRfc5769Ipv6Response);
  ASSERT_TRUE(ipv4 && ipv6);
  StunMessage built4(0x0101, ipv4->transaction_id());
  ASSERT_TRUE(built4.AddXorMappedAddress(*ipv4->xor_mapped_address()));
  EXPECT_EQ(built4.attributes()[0], *ipv4->Find(attr::kXorMappedAddress));
  StunMessage built6(0x0101, ipv6->transaction_id());
  ASSERT_TRUE(built6.AddXorMappedAddress(*ipv6->xor_mapped_address()));
  EXPECT_EQ(built6.attributes()[0], *ipv6->Find(attr::kXorMappedAddress));
}

TEST(StunRfc5769Test, AnyFlippedBitBreaksIntegrityOrFingerprint) {
  for (size_t i = 0; i < kRfc5769Request.size(); ++i) {
    std::vector<uint8_t> bad = kRfc5769Request;
    bad[i] ^= 0x01;
    EXPECT_FALSE(VerifyFingerprint(bad) &&
                 VerifyMessageIntegrity(bad, kRfc5769Password))
        << "byte " << i;
  }
}

TEST(StunRoundTripTest, VectorsParseSerializeParseToEqualMessages) {
  for (const auto* vector : {&kRfc5769Request, &kRfc5769Ipv4Response, &kRfc5769Ipv6Response}) {
    const auto first = StunMessage::Parse(*vector);
    ASSERT_TRUE(first.has_value());
    const std::vector<uint8_t> bytes = first->Serialize();
    EXPECT_EQ(bytes.size(), vector->size());
    const auto second = StunMessage::Parse(bytes);
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(*first, *second);
    EXPECT_EQ(second->Serialize(), bytes);
  }
}

TEST(StunRoundTripTest, BuiltMessageKeepsEveryAttributeInOrder) {
  StunMessage m(MessageType(kBindingMethod, StunClass::kRequest), kId);
  ASSERT_TRUE(m.AddUsername("abcd:efgh"));
  ASSERT_TRUE(m.AddPriority(0x7e7f00ff));
  ASSERT_TRUE(m.AddUseCandidate());
  ASSERT_TRUE(m.AddIceControlling(0x0102030405060708));
  const std::vector<uint8_t> unknown_value = {1, 2, 3};
  ASSERT_TRUE(m.AddAttribute(0xC057, unknown_value));  // comprehension-optional
  ASSERT_TRUE(m.AddAttribute(0x0055, {}));             // comprehension-required
  const auto parsed = StunMessage::Parse(m.Serialize());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, m);
  EXPECT_EQ(parsed->username(), "abcd:efgh");
  EXPECT_EQ(parsed->priority(), 0x7e7f00ffu);
  EXPECT_TRUE(parsed->use_candidate());
  EXPECT_EQ(parsed->ice_controlling(), 0x0102030405060708u);
  ASSERT_NE(parsed->Find(0xC057), nullptr);
  EXPECT_EQ(parsed->Find(0xC057)->value, unknown_value);
}

TEST(StunRoundTripTest, SignedMessageVerifiesAndReparses) {
  StunMessage m(MessageType(kBindingMethod, StunClass::kSuccessResponse), kId);
  ASSERT_TRUE(m.AddXorMappedAddress(*IpEndpoint::Parse("2001:db8::7", 5000)));
  const auto bytes = m.SerializeWithIntegrity("a-key");
  ASSERT_TRUE(bytes.has_value());
  EXPECT_TRUE(VerifyMessageIntegrity(*bytes, "a-key"));
  EXPECT_FALSE(VerifyMessageIntegrity(*bytes, "b-key"));
  EXPECT_TRUE(VerifyFingerprint(*bytes));
  const auto parsed = StunMessage::Parse(*bytes);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->xor_mapped_address(), IpEndpoint::Parse("2001:db8::7", 5000));
  // Re-signing a parsed, signed message replaces MI and FINGERPRINT.
  const auto resigned = parsed->SerializeWithIntegrity("a-key");
  ASSERT_TRUE(resigned.has_value());
  EXPECT_EQ(*resigned, *bytes);
}

TEST(StunRoundTripTest, ErrorCodeRoundTrips) {
  StunMessage m(MessageType(kBindingMethod, StunClass::kErrorResponse), kId);
  EXPECT_FALSE(m.AddErrorCode(299, "too low"));
  EXPECT_FALSE(m.AddErrorCode(700, "too high"));
  ASSERT_TRUE(m.AddErrorCode(487, "Role Conflict"));
  ASSERT_TRUE(m.AddUnknownAttributes(std::vector<uint16_t>{0x0055, 0x0066, 0x0077}));
  const auto parsed = StunMessage::Parse(m.Serialize());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->error_code(), (StunErrorCode{487, "Role Conflict"}));
  EXPECT_THAT(parsed->unknown_attributes(), ::testing::ElementsAre(0x0055, 0x0066, 0x0077));
}

TEST(StunMessageTypeTest, EncodesMethodAndClassAsRfc5389) {
  EXPECT_EQ(MessageType(kBindingMethod, StunClass::kRequest), 0x0001);
  EXPECT_EQ(MessageType(kBindingMethod, StunClass::kIndication), 0x0011);
  EXPECT_EQ(MessageType(kBindingMethod, StunClass::kSuccessResponse), 0x0101);
  EXPECT_EQ(MessageType(kBindingMethod, StunClass::kErrorResponse), 0x0111);
  for (uint16_t method = 0; method < 0x1000; ++method) {
    for (int c = 0; c < 4; ++c) {
      const auto cls = static_cast<StunClass>(c);
      const uint16_t type = MessageType(method, cls);
      ASSERT_LT(type, 0x4000);
      ASSERT_EQ(MethodOf(type), method);
      ASSERT_EQ(ClassOf(type), cls);
    }
  }
}

TEST(StunParseTest, RejectsEveryTruncation) {
  for (size_t n = 0; n < kRfc5769Request.size(); ++n) {
    const absl::Span<const uint8_t> prefix(kRfc5769Request.data(), n);
    EXPECT_FALSE(StunMessage::Parse(prefix).has_value()) << n;
    EXPECT_FALSE(VerifyFingerprint(prefix)) << n;
    EXPECT_FALSE(VerifyMessageIntegrity(prefix, kRfc5769Password)) << n;
  }
}

TEST(StunParseTest, RejectsTrailingBytes) {
  std::vector<uint8_t> longer = kRfc5769Request;
  longer.push_back(0);
  EXPECT_FALSE(StunMessage::Parse(longer).has_value());
  longer.insert(longer.end(), {0, 0, 0});
  EXPECT_FALSE(StunMessage::Parse(longer).has_value());
  EXPECT_FALSE(VerifyFingerprint(longer));
}

TEST(StunParseTest, RejectsBadHeaders) {
  EXPECT_TRUE(StunMessage::Parse(Message(0, {})).has_value());
  std::vector<uint8_t> m = Message(0, {});
  m[0] = 0x40;  // top bits must be zero
  EXPECT_FALSE(StunMessage::Parse(m).has_value());
  m = Message(0, {});
  m[7] = 0x43;  // magic cookie
  EXPECT_FALSE(StunMessage::Parse(m).has_value());
  EXPECT_FALSE(StunMessage::Parse(Message(4, {})).has_value());  // length overruns
  // Length not a multiple of 4, even if it matches the bytes.
  EXPECT_FALSE(StunMessage::Parse(Message(6, {0x80, 0x55, 0x00, 0x02, 'h', 'i'})).has_value());
}

TEST(StunParseTest, RejectsBadAttributeLengthsAndPadding) {
  // Value of 5 needs 8 bytes with padding; only 4 follow.
  EXPECT_FALSE(
      StunMessage::Parse(Message(8, {0x80, 0x55, 0x00, 0x05, 'a', 'b', 'c', 'd'})).has_value());
  // A value that runs past the end.
  EXPECT_FALSE(StunMessage::Parse(Message(4, {0x80, 0x55, 0x00, 0x04})).has_value());
  // Padding may hold any value (RFC 5769 uses spaces).
  EXPECT_TRUE(StunMessage::Parse(Message(8, {0x80, 0x55, 0x00, 0x01, 'a', 0xff, 0xff, 0xff}))
                  .has_value());
}

TEST(StunParseTest, RejectsMalformedKnownAttributes) {
  // MESSAGE-INTEGRITY of 16 bytes.
  std::vector<uint8_t> mi16 = {0x00, 0x08, 0x00, 0x10};
  mi16.resize(4 + 16, 0);
  EXPECT_FALSE(StunMessage::Parse(Message(20, mi16)).has_value());
  // USE-CANDIDATE with a value.
  EXPECT_FALSE(StunMessage::Parse(Message(8, {0x00, 0x25, 0x00, 0x04, 0, 0, 0, 0})).has_value());
  // XOR-MAPPED-ADDRESS with family 3, and IPv6 family with an IPv4 length.
  EXPECT_FALSE(StunMessage::Parse(Message(12, {0x00, 0x20, 0x00, 0x08, 0, 3, 0, 0, 0, 0, 0, 0}))
                   .has_value());
  EXPECT_FALSE(StunMessage::Parse(Message(12, {0x00, 0x20, 0x00, 0x08, 0, 2, 0, 0, 0, 0, 0, 0}))
                   .has_value());
  // ERROR-CODE class 7.
  EXPECT_FALSE(StunMessage::Parse(Message(8, {0x00, 0x09, 0x00, 0x04, 0, 0, 7, 0})).has_value());
}

TEST(StunParseTest, RejectsAttributesAfterFingerprint) {
  std::vector<uint8_t> m = kRfc5769Request;
  m.insert(m.end(), {0x80, 0x55, 0x00, 0x00});
  m[3] = static_cast<uint8_t>(m[3] + 4);
  EXPECT_FALSE(StunMessage::Parse(m).has_value());
  EXPECT_FALSE(VerifyFingerprint(m));
}

TEST(StunFindTest, IgnoresAttributesAfterMessageIntegrity) {
  StunMessage m(MessageType(kBindingMethod, StunClass::kRequest), kId);
  ASSERT_TRUE(m.AddPriority(1));
  std::vector<uint8_t> bytes = m.Serialize();
  ASSERT_TRUE(AppendMessageIntegrity(bytes, "key"));
  // An attacker appends a USERNAME after the integrity check.
  bytes.insert(bytes.end(), {0x00, 0x06, 0x00, 0x04, 'e', 'v', 'i', 'l'});
  bytes[3] = static_cast<uint8_t>(bytes[3] + 8);
  ASSERT_TRUE(AppendFingerprint(bytes));
  EXPECT_TRUE(VerifyMessageIntegrity(bytes, "key"));
  const auto parsed = StunMessage::Parse(bytes);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->attributes().size(), 4u);  // kept for the round trip
  EXPECT_FALSE(parsed->username().has_value());
  EXPECT_TRUE(parsed->has_fingerprint());
}

TEST(StunBuilderTest, RefusesWhatWouldNotReparse) {
  StunMessage m(MessageType(kBindingMethod, StunClass::kRequest), kId);
  EXPECT_FALSE(m.AddAttribute(attr::kPriority, std::vector<uint8_t>{1, 2, 3}));
  EXPECT_FALSE(m.AddUsername(std::string(513, 'u')));
  EXPECT_FALSE(m.AddAttribute(0x8055, std::vector<uint8_t>(0x10000)));
  // Fill up to the largest length field (0xFFFC): 4 + 0xFFF0, then 4 + 4
  // fits exactly where 4 + 5 (padded to 8) would not.
  ASSERT_TRUE(m.AddAttribute(0x8055, std::vector<uint8_t>(0xFFF0)));
  EXPECT_FALSE(m.AddAttribute(0x8056, std::vector<uint8_t>(5)));
  ASSERT_TRUE(m.AddAttribute(0x8056, std::vector<uint8_t>(4)));
  EXPECT_FALSE(m.AddAttribute(0x8057, {}));
  EXPECT_FALSE(m.SerializeWithIntegrity("key").has_value());  // no room for MI
  EXPECT_TRUE(StunMessage::Parse(m.Serialize()).has_value());

  StunMessage fp(MessageType(kBindingMethod, StunClass::kRequest), kId);
  ASSERT_TRUE(fp.AddAttribute(attr::kFingerprint, std::vector<uint8_t>{0, 0, 0, 0}));
  EXPECT_FALSE(fp.AddPriority(1));  // nothing after FINGERPRINT
}

TEST(StunIntegrityTest, AppendersRefuseMalformedMessages) {
  std::vector<uint8_t> truncated(kRfc5769Request.begin(), kRfc5769Request.begin() + 30);
  EXPECT_FALSE(AppendMessageIntegrity(truncated, "key"));
  EXPECT_FALSE(AppendFingerprint(truncated));
  EXPECT_EQ(truncated.size(), 30u);
  std::vector<uint8_t> with_fingerprint = kRfc5769Request;
  EXPECT_FALSE(AppendMessageIntegrity(with_fingerprint, "key"));
  EXPECT_FALSE(AppendFingerprint(with_fingerprint));
  EXPECT_EQ(with_fingerprint, kRfc5769Request);
}

TEST(StunIntegrityTest, MissingAttributesDoNotVerify) {
  const std::vector<uint8_t> bare = Message(0, {});
  EXPECT_FALSE(VerifyMessageIntegrity(bare, "key"));
  EXPECT_FALSE(VerifyFingerprint(bare));
  std::vector<uint8_t> signed_only = bare;
  ASSERT_TRUE(AppendMessageIntegrity(signed_only, ""));
  EXPECT_TRUE(VerifyMessageIntegrity(signed_only, ""));
  EXPECT_FALSE(VerifyFingerprint(signed_only));
}

TEST(StunCrc32Test, MatchesTheCheckValue) {
  EXPECT_EQ(Crc32(Bytes("123456789")), 0xCBF43926u);
  EXPECT_EQ(Crc32({}), 0u);
}

TEST(StunDemuxTest, DemultiplexesByFirstByteAndCookie) {
  EXPECT_TRUE(IsStun(kRfc5769Request));
  EXPECT_TRUE(IsStun(kRfc5769Ipv6Response));
  std::vector<uint8_t> m = kRfc5769Request;
  m[0] = 0x16;  // DTLS handshake
  EXPECT_FALSE(IsStun(m));
  m[0] = 0x80;  // RTP/RTCP
  EXPECT_FALSE(IsStun(m));
  m = kRfc5769Request;
  m[4] = 0x00;
  EXPECT_FALSE(IsStun(m));
  EXPECT_FALSE(IsStun(absl::Span<const uint8_t>(kRfc5769Request.data(), 19)));
}

TEST(StunIpEndpointTest, ParsesFormatsAndUnmaps) {
  const auto v4 = IpEndpoint::Parse("192.0.2.1", 32853);
  ASSERT_TRUE(v4.has_value());
  EXPECT_TRUE(v4->is_ipv4());
  EXPECT_EQ(v4->ToString(), "192.0.2.1:32853");
  const auto v6 = IpEndpoint::Parse("2001:db8::1", 443);
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->family(), IpEndpoint::Family::kIpv6);
  EXPECT_EQ(v6->ToString(), "[2001:db8::1]:443");
  EXPECT_EQ(v6->Unmapped(), *v6);
  const auto mapped = IpEndpoint::Parse("::ffff:192.0.2.1", 32853);
  ASSERT_TRUE(mapped.has_value());
  EXPECT_FALSE(mapped->is_ipv4());
  EXPECT_EQ(mapped->Unmapped(), *v4);
  EXPECT_FALSE(IpEndpoint::Parse("192.0.2.256", 1).has_value());
  EXPECT_FALSE(IpEndpoint::Parse("[2001:db8::1]", 1).has_value());
  EXPECT_FALSE(IpEndpoint::Parse(std::string(100, '1'), 1).has_value());
  EXPECT_NE(*v4, IpEndpoint::Ipv4({192, 0, 2, 1}, 32854));
}

}  // namespace
}  // namespace konfero::stun
