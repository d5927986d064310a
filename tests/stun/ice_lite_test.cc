// Tests of stun/ice_lite.h: the ICE-lite responder as a browser sees it
// (responses, refusals, nomination), consent freshness on a fake clock, and
// ICE restart.
#include "stun/ice_lite.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/net/ip_endpoint.h"
#include "stun/rfc5769_vectors.h"
#include "stun/stun_message.h"

namespace konfero::stun {
namespace {

using ::konfero::net::IpEndpoint;
using State = IceLiteAgent::State;

const IceCredentials kServer = {"srvA", "serverPassword+0123456/"};
const IceCredentials kBrowser = {"brw1", "browserPassword0123456789"};
const IceCredentials kServer2 = {"srvB", "serverPassword+0123456B"};
const IceCredentials kBrowser2 = {"brw2", "browserPassword012345678B"};

absl::Time T0() { return absl::FromUnixSeconds(1'700'000'000); }
IpEndpoint Wifi() { return IpEndpoint::Ipv4({203, 0, 113, 7}, 50000); }
IpEndpoint Lte() { return *IpEndpoint::Parse("2001:db8:42::9", 41000); }

// What a browser puts in a connectivity check; each field can be broken.
struct Check {
  std::string username = "srvA:brw1";
  std::string key = kServer.pwd;  // requests are signed with the receiver's pwd
  bool use_candidate = false;
  bool controlling = true;
  bool controlled = false;
  bool integrity = true;
  bool fingerprint = true;
  std::optional<uint16_t> extra_attribute = std::nullopt;
  uint16_t type = MessageType(kBindingMethod, StunClass::kRequest);
  uint8_t id_seed = 1;
};

std::vector<uint8_t> Build(const Check& c) {
  TransactionId id;
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<uint8_t>(c.id_seed + i);
  StunMessage m(c.type, id);
  EXPECT_TRUE(m.AddUsername(c.username));
  EXPECT_TRUE(m.AddPriority(0x6e0001ff));
  if (c.controlling) {
    EXPECT_TRUE(m.AddIceControlling(0x1122334455667788));
  }
  if (c.controlled) {
    EXPECT_TRUE(m.AddIceControlled(0x1122334455667788));
  }
  if (c.use_candidate) {
    EXPECT_TRUE(m.AddUseCandidate());
  }
  if (c.extra_attribute) {
    EXPECT_TRUE(m.AddAttribute(*c.extra_attribute, {}));
  }
  std::vector<uint8_t> bytes = m.Serialize();
  if (c.integrity) {
    EXPECT_TRUE(AppendMessageIntegrity(bytes, c.key));
  }
  if (c.fingerprint) {
    EXPECT_TRUE(AppendFingerprint(bytes));
  }
  return bytes;
}

IceLiteAgent NewAgent() {
  auto agent = IceLiteAgent::Create(kServer, kBrowser, T0());
  EXPECT_TRUE(agent.ok()) << agent.status();
  return *std::move(agent);
}

// The error code of a response, or 0 for a success, or -1 for no response.
int Outcome(const std::optional<std::vector<uint8_t>>& response) {
  if (!response) return -1;
  const auto m = StunMessage::Parse(*response);
  if (!m) return -2;
  if (m->message_class() == StunClass::kSuccessResponse) return 0;
  return m->error_code() ? m->error_code()->code : -3;
}

TEST(StunIceLiteAgentTest, ValidCheckGetsSignedSuccessWithMappedAddress) {
  IceLiteAgent agent = NewAgent();
  const std::vector<uint8_t> request = Build({});
  const auto response = agent.HandleStunRequest(request, Wifi(), T0());
  ASSERT_TRUE(response.has_value());
  EXPECT_TRUE(VerifyFingerprint(*response));
  EXPECT_TRUE(VerifyMessageIntegrity(*response, kServer.pwd));
  EXPECT_FALSE(VerifyMessageIntegrity(*response, kBrowser.pwd));
  const auto m = StunMessage::Parse(*response);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->type(), 0x0101);
  EXPECT_EQ(m->transaction_id(), StunMessage::Parse(request)->transaction_id());
  EXPECT_EQ(m->xor_mapped_address(), Wifi());
  EXPECT_EQ(agent.last_valid_request(), T0());
}

TEST(StunIceLiteAgentTest, MapsIpv6AndUnmapsIpv4MappedSources) {
  IceLiteAgent agent = NewAgent();
  auto response = agent.HandleStunRequest(Build({}), Lte(), T0());
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(StunMessage::Parse(*response)->xor_mapped_address(), Lte());

  const IpEndpoint mapped = *IpEndpoint::Parse("::ffff:203.0.113.7", 50000);
  response = agent.HandleStunRequest(Build({.use_candidate = true}), mapped, T0());
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(StunMessage::Parse(*response)->xor_mapped_address(), Wifi());
  EXPECT_EQ(agent.selected_address(), Wifi());
}

TEST(StunIceLiteAgentTest, WrongUsernameIsRefusedWith401) {
  IceLiteAgent agent = NewAgent();
  for (const char* username : {"srvX:brw1", "srvA:brwX", "brw1:srvA", "srvA", "srvA:brw1:x"}) {
    const auto response =
        agent.HandleStunRequest(Build({.username = username}), Wifi(), T0());
    EXPECT_EQ(Outcome(response), 401) << username;
    // Unauthenticated, so the error cannot carry MESSAGE-INTEGRITY.
    EXPECT_FALSE(StunMessage::Parse(*response)->has_message_integrity());
    EXPECT_TRUE(VerifyFingerprint(*response));
  }
  EXPECT_FALSE(agent.last_valid_request().has_value());
}

TEST(StunIceLiteAgentTest, WrongIntegrityIsRefusedWith401) {
  IceLiteAgent agent = NewAgent();
  EXPECT_EQ(Outcome(agent.HandleStunRequest(Build({.key = kBrowser.pwd}), Wifi(), T0())),
            401);
  EXPECT_EQ(Outcome(agent.HandleStunRequest(Build({.key = ""}), Wifi(), T0())), 401);
  EXPECT_EQ(agent.state(T0()), State::kNew);
}

TEST(StunIceLiteAgentTest, MissingOrBrokenFingerprintGetsNoAnswer) {
  IceLiteAgent agent = NewAgent();
  EXPECT_EQ(Outcome(agent.HandleStunRequest(Build({.use_candidate = true,
                                                   .fingerprint = false}),
                                            Wifi(), T0())),
            -1);
  std::vector<uint8_t> broken = Build({.use_candidate = true});
  broken.back() ^= 0x01;
  EXPECT_EQ(Outcome(agent.HandleStunRequest(broken, Wifi(), T0())), -1);
  EXPECT_FALSE(agent.selected_address().has_value());
}

TEST(StunIceLiteAgentTest, MissingUsernameOrIntegrityIsABadRequest) {
  IceLiteAgent agent = NewAgent();
  EXPECT_EQ(Outcome(agent.HandleStunRequest(Build({.integrity = false}), Wifi(), T0())), 400);
  StunMessage no_username(MessageType(kBindingMethod, StunClass::kRequest), {});
  ASSERT_TRUE(no_username.AddIceControlling(1));
  const auto bytes = no_username.SerializeWithIntegrity(kServer.pwd);
  EXPECT_EQ(Outcome(agent.HandleStunRequest(*bytes, Wifi(), T0())), 400);
}

TEST(StunIceLiteAgentTest, ControlledPeerGetsSigned487AndNoRoleGets400) {
  IceLiteAgent agent = NewAgent();
  auto response = agent.HandleStunRequest(
      Build({.use_candidate = true, .controlling = false, .controlled = true}), Wifi(), T0());
  EXPECT_EQ(Outcome(response), 487);
  EXPECT_TRUE(VerifyMessageIntegrity(*response, kServer.pwd));
  response = agent.HandleStunRequest(Build({.controlling = false}), Wifi(), T0());
  EXPECT_EQ(Outcome(response), 400);
  EXPECT_TRUE(VerifyMessageIntegrity(*response, kServer.pwd));
  EXPECT_FALSE(agent.selected_address().has_value());
}

TEST(StunIceLiteAgentTest, Rfc5769RequestFromAControlledAgentGets487) {
  // The RFC's sample request carries ICE-CONTROLLED and USERNAME evtj:h6vY.
  auto agent = IceLiteAgent::Create({"evtj", std::string(testing::kRfc5769Password)},
                                    {"h6vY", "remotePasswordOf22chars"}, T0());
  ASSERT_TRUE(agent.ok()) << agent.status();
  const auto response = agent->HandleStunRequest(testing::kRfc5769Request, Wifi(), T0());
  EXPECT_EQ(Outcome(response), 487);
  EXPECT_TRUE(VerifyMessageIntegrity(*response, testing::kRfc5769Password));
}

TEST(StunIceLiteAgentTest, UnknownRequiredAttributeGets420ListingIt) {
  IceLiteAgent agent = NewAgent();
  const auto response =
      agent.HandleStunRequest(Build({.extra_attribute = 0x0055}), Wifi(), T0());
  ASSERT_EQ(Outcome(response), 420);
  EXPECT_THAT(StunMessage::Parse(*response)->unknown_attributes(),
              ::testing::ElementsAre(0x0055));
  // An unknown comprehension-optional attribute (e.g. GOOG-NETWORK-INFO) is fine.
  EXPECT_EQ(Outcome(agent.HandleStunRequest(Build({.extra_attribute = 0xC057}), Wifi(), T0())),
            0);
}

TEST(StunIceLiteAgentTest, IgnoresWhatIsNotARequest) {
  IceLiteAgent agent = NewAgent();
  const std::vector<uint8_t> rtp = {0x80, 0x60, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(Outcome(agent.HandleStunRequest(rtp, Wifi(), T0())), -1);
  EXPECT_EQ(Outcome(agent.HandleStunRequest({}, Wifi(), T0())), -1);
  EXPECT_EQ(Outcome(agent.HandleStunRequest(testing::kRfc5769Ipv4Response, Wifi(), T0())), -1);
  const uint16_t indication = MessageType(kBindingMethod, StunClass::kIndication);
  EXPECT_EQ(Outcome(agent.HandleStunRequest(Build({.type = indication}), Wifi(), T0())), -1);
  // A request for another method (Allocate, 0x003) is answered 400.
  const uint16_t allocate = MessageType(0x003, StunClass::kRequest);
  EXPECT_EQ(Outcome(agent.HandleStunRequest(Build({.type = allocate}), Wifi(), T0())), 400);
}

TEST(StunIceLiteAgentTest, UseCandidateSelectsThePair) {
  IceLiteAgent agent = NewAgent();
  EXPECT_EQ(Outcome(agent.HandleStunRequest(Build({}), Wifi(), T0())), 0);
  EXPECT_FALSE(agent.selected_address().has_value());
  EXPECT_EQ(agent.state(T0()), State::kNew);
  EXPECT_EQ(Outcome(agent.HandleStunRequest(Build({.use_candidate = true}), Wifi(), T0())), 0);
  EXPECT_EQ(agent.selected_address(), Wifi());
  EXPECT_EQ(agent.state(T0()), State::kConnected);
}

TEST(StunIceLiteAgentTest, NewNominatedAddressSwitchesThePair) {
  IceLiteAgent agent = NewAgent();
  ASSERT_EQ(Outcome(agent.HandleStunRequest(Build({.use_candidate = true}), Wifi(), T0())), 0);
  // Checks from the new network without nomination do not move media.
  ASSERT_EQ(Outcome(agent.HandleStunRequest(Build({}), Lte(), T0() + absl::Seconds(1))), 0);
  EXPECT_EQ(agent.selected_address(), Wifi());
  // The browser nominates the new path: switch.
  ASSERT_EQ(Outcome(agent.HandleStunRequest(Build({.use_candidate = true}), Lte(),
                                            T0() + absl::Seconds(2))),
            0);
  EXPECT_EQ(agent.selected_address(), Lte());
  // A refused nomination from elsewhere changes nothing.
  EXPECT_EQ(Outcome(agent.HandleStunRequest(Build({.key = kBrowser.pwd, .use_candidate = true}),
                                            Wifi(), T0() + absl::Seconds(3))),
            401);
  EXPECT_EQ(agent.selected_address(), Lte());
}

TEST(StunIceLiteAgentTest, ConsentGoesConnectedDisconnectedFailed) {
  IceLiteAgent agent = NewAgent();
  EXPECT_EQ(agent.state(T0()), State::kNew);
  ASSERT_EQ(Outcome(agent.HandleStunRequest(Build({.use_candidate = true}), Wifi(), T0())), 0);
  EXPECT_EQ(agent.state(T0() + absl::Seconds(4)), State::kConnected);
  EXPECT_EQ(agent.state(T0() + absl::Seconds(5)), State::kDisconnected);
  // A consent check brings it back.
  const absl::Time t1 = T0() + absl::Seconds(6);
  ASSERT_EQ(Outcome(agent.HandleStunRequest(Build({.id_seed = 2}), Wifi(), t1)), 0);
  EXPECT_EQ(agent.state(t1), State::kConnected);
  // Invalid requests do not refresh consent.
  for (int s = 1; s < 30; ++s) {
    agent.HandleStunRequest(Build({.key = kBrowser.pwd}), Wifi(), t1 + absl::Seconds(s));
  }
  EXPECT_EQ(agent.state(t1 + absl::Seconds(29)), State::kDisconnected);
  EXPECT_EQ(agent.state(t1 + absl::Seconds(30)), State::kFailed);
  // Failed is final: even a valid check is not answered any more.
  EXPECT_EQ(Outcome(agent.HandleStunRequest(Build({.use_candidate = true}), Wifi(),
                                            t1 + absl::Seconds(31))),
            -1);
  EXPECT_EQ(agent.state(t1 + absl::Seconds(31)), State::kFailed);
  EXPECT_EQ(agent.state(t1), State::kFailed);
}

TEST(StunIceLiteAgentTest, PeerThatNeverChecksFailsAfter30Seconds) {
  IceLiteAgent agent = NewAgent();
  EXPECT_EQ(agent.state(T0() + absl::Seconds(29)), State::kNew);
  EXPECT_EQ(agent.state(T0() + absl::Seconds(30)), State::kFailed);
}

TEST(StunIceLiteAgentTest, OptionsChangeTheTimeouts) {
  auto agent = IceLiteAgent::Create(kServer, kBrowser, T0(),
                                    {.disconnected_after = absl::Seconds(2),
                                     .failed_after = absl::Seconds(10)});
  ASSERT_TRUE(agent.ok());
  ASSERT_EQ(Outcome(agent->HandleStunRequest(Build({.use_candidate = true}), Wifi(), T0())), 0);
  EXPECT_EQ(agent->state(T0() + absl::Seconds(2)), State::kDisconnected);
  EXPECT_EQ(agent->state(T0() + absl::Seconds(10)), State::kFailed);
  EXPECT_FALSE(IceLiteAgent::Create(kServer, kBrowser, T0(),
                                    {.disconnected_after = absl::Seconds(10),
                                     .failed_after = absl::Seconds(5)})
                   .ok());
}

TEST(StunIceLiteAgentTest, RestartRefusesOldCredentialsAndAcceptsNewOnes) {
  IceLiteAgent agent = NewAgent();
  ASSERT_EQ(Outcome(agent.HandleStunRequest(Build({.use_candidate = true}), Wifi(), T0())), 0);
  ASSERT_TRUE(agent.Restart(kServer2, kBrowser2).ok());
  EXPECT_EQ(agent.local_credentials(), kServer2);
  EXPECT_EQ(agent.remote_credentials(), kBrowser2);
  const absl::Time t1 = T0() + absl::Seconds(1);
  // Old credentials: refused, and the pair is kept for media meanwhile.
  EXPECT_EQ(Outcome(agent.HandleStunRequest(Build({.use_candidate = true}), Lte(), t1)), 401);
  // New ufrags but signed with the old password: refused too.
  EXPECT_EQ(Outcome(agent.HandleStunRequest(
                Build({.username = "srvB:brw2", .use_candidate = true}), Lte(), t1)),
            401);
  EXPECT_EQ(agent.selected_address(), Wifi());
  // A check with the new credentials but no nomination keeps the old pair.
  const Check fresh = {.username = "srvB:brw2", .key = kServer2.pwd};
  auto response = agent.HandleStunRequest(Build(fresh), Lte(), t1);
  ASSERT_EQ(Outcome(response), 0);
  EXPECT_TRUE(VerifyMessageIntegrity(*response, kServer2.pwd));
  EXPECT_EQ(agent.selected_address(), Wifi());
  // The nomination moves it.
  Check nominated = fresh;
  nominated.use_candidate = true;
  ASSERT_EQ(Outcome(agent.HandleStunRequest(Build(nominated), Lte(), t1)), 0);
  EXPECT_EQ(agent.selected_address(), Lte());
  EXPECT_EQ(agent.state(t1), State::kConnected);
}

TEST(StunIceLiteAgentTest, RestartWithBadCredentialsChangesNothing) {
  IceLiteAgent agent = NewAgent();
  EXPECT_EQ(agent.Restart({"ab", kServer2.pwd}, kBrowser2).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(agent.Restart(kServer2, {"brw2", "short"}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(agent.local_credentials(), kServer);
  EXPECT_EQ(Outcome(agent.HandleStunRequest(Build({}), Wifi(), T0())), 0);
}

TEST(StunIceCredentialsTest, GeneratedCredentialsAreValidAndFresh) {
  const IceCredentials a = GenerateIceCredentials();
  const IceCredentials b = GenerateIceCredentials();
  EXPECT_TRUE(ValidateIceCredentials(a).ok());
  EXPECT_GE(a.ufrag.size(), 4u);
  EXPECT_GE(a.pwd.size(), 22u);
  EXPECT_THAT(a.ufrag, ::testing::MatchesRegex("[A-Za-z0-9+/]*"));
  EXPECT_THAT(a.pwd, ::testing::MatchesRegex("[A-Za-z0-9+/]*"));
  EXPECT_NE(a.ufrag, b.ufrag);
  EXPECT_NE(a.pwd, b.pwd);
}

TEST(StunIceCredentialsTest, CreateRejectsBadCredentials) {
  EXPECT_FALSE(IceLiteAgent::Create({"a:bc", kServer.pwd}, kBrowser, T0()).ok());
  EXPECT_FALSE(IceLiteAgent::Create(kServer, {"abc", kBrowser.pwd}, T0()).ok());
  EXPECT_FALSE(IceLiteAgent::Create(kServer, {"brw1", std::string(21, 'p')}, T0()).ok());
  EXPECT_FALSE(IceLiteAgent::Create(kServer, {"brw1", std::string(22, '-')}, T0()).ok());
  EXPECT_TRUE(IceLiteAgent::Create(kServer, {"brw1", std::string(22, 'p')}, T0()).ok());
}

}  // namespace
}  // namespace konfero::stun
