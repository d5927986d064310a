// The hub: joins through sessions (and each refusal), the offer, leaving,
// resuming within the reconnect grace, its expiry, and shutdown.
#include "signalling/hub.h"

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "signalling/signalling_fixture.h"

namespace konfero::signalling::testing {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(KONFERO_SDP_FIXTURES) + "/" + name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void ExpectFatal(Client& c, std::string_view code) {
  const Json e = c.Last("error");
  ASSERT_FALSE(e.is_null()) << "no error frame";
  EXPECT_EQ(e["code"], code) << e;
  EXPECT_EQ(e["fatal"], true) << e;
  EXPECT_TRUE(c.closed());
  EXPECT_TRUE(c.Last("joined").is_null());
}

TEST_F(SignallingTest, ModeratorJoinSendsJoinedParticipantsAndHistory) {
  auto mod = JoinModerator();
  EXPECT_EQ(mod->Types(), (std::vector<std::string>{"joined", "participants", "chat-history"}));
  const Json joined = mod->Last("joined");
  EXPECT_EQ(joined["role"], "moderator");
  EXPECT_EQ(joined["name"], "Alice");
  EXPECT_EQ(joined["room"], (Json{{"id", ToInt(room_)}, {"name", "Vertrieb"}}));
  EXPECT_EQ(joined["state"], "running");
  EXPECT_EQ(joined["waiting"], false);
  EXPECT_GE(joined["resume_token"].get<std::string>().size(), 40u);
  EXPECT_EQ(rooms_->GetParticipant(mod->participant())->role, ParticipantRole::kModerator);
  EXPECT_EQ(Ids(mod->Last("participants")),
            (std::vector<uint64_t>{ToInt(mod->participant())}));
  EXPECT_EQ(mod->Last("chat-history")["messages"], Json::array());
}

TEST_F(SignallingTest, GuestJoinWaitsForAModerator) {
  auto guest = JoinGuest("  Erika ");
  const Json joined = guest->Last("joined");
  EXPECT_EQ(joined["role"], "browser_guest");
  EXPECT_EQ(joined["name"], "Erika");
  EXPECT_EQ(joined["state"], "waiting");
  EXPECT_EQ(joined["waiting"], true);
  EXPECT_EQ(guest->Types(), (std::vector<std::string>{"joined", "participants", "chat-history"}));
  EXPECT_EQ(rooms_->guest_seats_in_use(), 1);
}

TEST_F(SignallingTest, ModeratorJoinRefusalsAreFatal) {
  struct Case {
    std::string session;
    int64_t room;
    std::string code;
  };
  for (const Case& c : {Case{"not-a-session", ToInt(room_), "unauthenticated"},
                        Case{alice_, 999, "room_not_found"},
                        Case{eve_, ToInt(room_), "room_not_found"}}) {  // no member
    auto client = Connect();
    client->Send({{"type", "join"}, {"as", "moderator"}, {"session", c.session}, {"room", c.room}});
    ExpectFatal(*client, c.code);
    // A token never comes back in an error.
    EXPECT_EQ(client->Last("error").dump().find(c.session), std::string::npos);
  }
  EXPECT_EQ(rooms_->GetStats().moderators, 0);
}

TEST_F(SignallingTest, GuestJoinRefusalsAreFatal) {
  auto wrong = Connect();
  Json join = GuestJoin("Erika");
  join["url_token"] = "AAAAAAAAAAAAAAAAAAAAAA";
  wrong->Send(join);
  ExpectFatal(*wrong, "bad_url");

  auto bad_key = Connect();
  join = GuestJoin("Erika");
  join["guest_key"] = "short";
  bad_key->Send(join);
  ExpectFatal(*bad_key, "invalid_argument");

  auto bad_name = Connect();
  join = GuestJoin(std::string(65, 'x'));
  bad_name->Send(join);
  ExpectFatal(*bad_name, "invalid_argument");
  EXPECT_EQ(rooms_->guest_seats_in_use(), 0);
}

TEST_F(SignallingTest, NoSeatIsNoLicence) {
  auto a = JoinGuest("A");
  auto b = JoinGuest("B");
  auto c = Connect();
  c->Send(GuestJoin("C"));
  ExpectFatal(*c, "no_licence");
}

TEST_F(SignallingTest, WrongLinksFromOneSourceAreRateLimited) {
  for (int i = 0; i < 3; ++i) {
    auto c = Connect("192.0.2.66");
    Json join = GuestJoin("Mallory");
    join["url_token"] = "guess-" + std::to_string(i);
    c->Send(join);
    ExpectFatal(*c, "bad_url");
  }
  auto c = Connect("192.0.2.66");
  c->Send(GuestJoin("Mallory"));
  ExpectFatal(*c, "rate_limited");
}

TEST_F(SignallingTest, PrivateRoomsLinkIsNotPublic) {
  ASSERT_TRUE(rooms_->SetPublic(alice_, room_, false).ok());
  auto c = Connect();
  c->Send(GuestJoin("Erika"));
  ExpectFatal(*c, "not_public");
  const Json error = c->Last("error");
  EXPECT_EQ(error["message"].get<std::string>().find(url_token_), std::string::npos);
  EXPECT_EQ(rooms_->guest_seats_in_use(), 0);
}

TEST_F(SignallingTest, RegeneratedLinkIsBadUrl) {
  ASSERT_TRUE(rooms_->RegenerateAccess(alice_, room_).ok());
  auto c = Connect();
  c->Send(GuestJoin("Erika"));
  ExpectFatal(*c, "bad_url");
}

TEST_F(SignallingTest, OfferIsAnsweredByTheMedia) {
  auto mod = JoinModerator();
  mod->Take();
  mod->Send({{"type", "offer"}, {"sdp", ReadFixture("aiortc_offer.sdp")}});
  const Json answer = mod->Last("answer");
  ASSERT_FALSE(answer.is_null()) << mod->frames().back();
  EXPECT_EQ(answer["sdp"].get<std::string>().rfind("v=0", 0), 0u);
  EXPECT_EQ(media_->offers(mod->participant()), 1);
  // A second offer (a renegotiation) goes to the media again.
  mod->Send({{"type", "offer"}, {"sdp", ReadFixture("aiortc_offer.sdp")}});
  EXPECT_EQ(media_->offers(mod->participant()), 2);
}

TEST_F(SignallingTest, OffersBeyondTheBudgetAreRateLimitedAndReachNoWorker) {
  // 300 offers in a row once kept a media worker busy for half a minute.
  auto guest = JoinGuest("Erika");
  const Json offer = {{"type", "offer"}, {"sdp", ReadFixture("aiortc_offer.sdp")}};
  for (int i = 0; i < 300; ++i) guest->Send(offer);
  EXPECT_EQ(media_->offers(guest->participant()), hub_options_.offer_burst);
  EXPECT_EQ(guest->Last("error")["code"], "rate_limited");
  EXPECT_FALSE(guest->closed());
  clock_.Advance(hub_options_.offer_refill);
  guest->Take();
  guest->Send(offer);
  EXPECT_FALSE(guest->Last("answer").is_null()) << "one more per refill";
  EXPECT_EQ(media_->offers(guest->participant()), hub_options_.offer_burst + 1);
  // Another participant's budget is its own.
  auto mod = JoinModerator();
  mod->Send(offer);
  EXPECT_EQ(media_->offers(mod->participant()), 1);
}

TEST_F(SignallingTest, BadOfferIsANonFatalError) {
  auto mod = JoinModerator();
  mod->Take();
  mod->Send({{"type", "offer"}, {"sdp", "v=0\r\nthis is not SDP\r\n"}});
  const Json e = mod->Last("error");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(e["code"], "invalid_argument");
  EXPECT_EQ(e["fatal"], false);
  EXPECT_FALSE(mod->closed());
  EXPECT_EQ(media_->offers(mod->participant()), 0);
}

TEST_F(SignallingTest, LeaveEndsTheParticipantButNotTheSocket) {
  auto mod = JoinModerator();
  const ParticipantId first = mod->participant();
  mod->Send({{"type", "leave"}});
  EXPECT_FALSE(Present(first));
  EXPECT_FALSE(mod->closed());
  EXPECT_EQ(hub_->stats().joined, 0);
  EXPECT_EQ(hub_->stats().in_grace, 0);
  // The same socket may join again, as a new participant.
  mod->Take();
  mod->Send({{"type", "join"}, {"as", "moderator"}, {"session", alice_}, {"room", ToInt(room_)}});
  mod->RememberJoined();
  EXPECT_NE(mod->participant(), first);
}

TEST_F(SignallingTest, ResumeWithinGraceKeepsTheParticipant) {
  auto mod = JoinModerator();
  auto guest = JoinGuest("Erika");
  const ParticipantId id = guest->participant();
  const std::string token = guest->resume_token();
  guest->DropSocket();
  EXPECT_FALSE(guest->closed());  // the socket closed itself; no close() from the server
  EXPECT_EQ(hub_->stats().in_grace, 1);
  EXPECT_EQ(hub_->stats().joined, 1);

  clock_.Advance(kGrace - absl::Seconds(1));
  hub_->Poll();
  ASSERT_TRUE(Present(id));
  EXPECT_EQ(rooms_->guest_seats_in_use(), 1);

  auto again = Connect();
  again->Send({{"type", "resume"}, {"resume_token", token}});
  again->RememberJoined();
  EXPECT_EQ(again->participant(), id);
  EXPECT_NE(again->resume_token(), token);
  EXPECT_EQ(again->Last("joined")["state"], "running");
  EXPECT_EQ(again->Types(), (std::vector<std::string>{"joined", "participants", "chat-history"}));
  EXPECT_EQ(hub_->stats().in_grace, 0);

  // Resumed for good: the grace deadline no longer applies.
  clock_.Advance(kGrace * 2);
  hub_->Poll();
  EXPECT_TRUE(Present(id));
  // It still acts for the participant.
  again->Send({{"type", "chat"}, {"text", "back again"}});
  EXPECT_EQ(mod->Last("chat")["from"], "Erika");
}

TEST_F(SignallingTest, AResumeTokenWorksOnce) {
  auto guest = JoinGuest("Erika");
  const std::string token = guest->resume_token();
  guest->DropSocket();
  auto first = Connect();
  first->Send({{"type", "resume"}, {"resume_token", token}});
  ASSERT_FALSE(first->Last("joined").is_null());
  first->DropSocket();
  auto second = Connect();
  second->Send({{"type", "resume"}, {"resume_token", token}});
  EXPECT_EQ(second->Last("error")["code"], "not_found");
  EXPECT_EQ(second->Last("error")["fatal"], false);
  EXPECT_FALSE(second->closed());  // it may join afresh
}

TEST_F(SignallingTest, GraceExpiryMakesTheParticipantLeave) {
  auto mod = JoinModerator();
  auto guest = JoinGuest("Erika");
  const ParticipantId id = guest->participant();
  guest->DropSocket();
  mod->Take();
  clock_.Advance(kGrace);
  hub_->Poll();
  EXPECT_FALSE(Present(id));
  EXPECT_EQ(rooms_->guest_seats_in_use(), 0);
  EXPECT_EQ(hub_->stats().in_grace, 0);
  EXPECT_EQ(Ids(mod->Last("participants")), (std::vector<uint64_t>{ToInt(mod->participant())}));

  auto late = Connect();
  late->Send({{"type", "resume"}, {"resume_token", guest->resume_token()}});
  EXPECT_EQ(late->Last("error")["code"], "not_found");
}

TEST_F(SignallingTest, DestroyingASessionCountsAsADroppedSocket) {
  auto guest = JoinGuest("Erika");
  const ParticipantId id = guest->participant();
  guest->Destroy();
  EXPECT_EQ(hub_->stats().sessions, 0);
  EXPECT_EQ(hub_->stats().in_grace, 1);
  EXPECT_TRUE(Present(id));
}

TEST_F(SignallingTest, ResumeOnASecondSocketTakesOver) {
  auto guest = JoinGuest("Erika");
  auto other = Connect();
  other->Send({{"type", "resume"}, {"resume_token", guest->resume_token()}});
  other->RememberJoined();
  EXPECT_EQ(other->participant(), guest->participant());
  EXPECT_EQ(guest->Last("error")["fatal"], true);
  EXPECT_TRUE(guest->closed());
  EXPECT_EQ(hub_->stats().joined, 1);
  EXPECT_EQ(hub_->stats().in_grace, 0);
}

TEST_F(SignallingTest, WithoutGraceADroppedSocketLeavesAtOnce) {
  hub_.reset();
  hub_ = SignallingHub::Create(*rooms_, *media_, {.reconnect_grace = absl::ZeroDuration()});
  auto guest = JoinGuest("Erika");
  guest->DropSocket();
  EXPECT_FALSE(Present(guest->participant()));
}

TEST_F(SignallingTest, ShutdownClosesEverySessionAndEveryoneLeaves) {
  auto mod = JoinModerator();
  auto guest = JoinGuest("Erika");
  auto dropped = JoinGuest("Dora");
  auto idle = Connect();
  dropped->DropSocket();
  hub_->Shutdown();
  for (Client* c : {mod.get(), guest.get(), idle.get()}) {
    EXPECT_EQ(c->Types().back(), "shutdown");
    EXPECT_TRUE(c->closed());
  }
  EXPECT_FALSE(dropped->closed());
  const RoomStats stats = rooms_->GetStats();
  EXPECT_EQ(stats.moderators + stats.browser_guests, 0);
  EXPECT_EQ(stats.guest_seats_in_use, 0);
  EXPECT_EQ(hub_->stats().sessions, 0);
  EXPECT_EQ(hub_->stats().in_grace, 0);

  Client late(*hub_);
  late.Send({{"type", "hello"}, {"version", 1}});
  EXPECT_EQ(late.Types(), std::vector<std::string>{"shutdown"});
  EXPECT_TRUE(late.closed());
}

TEST_F(SignallingTest, DestroyingTheHubDisconnectsParticipantsInGrace) {
  auto guest = JoinGuest("Erika");
  const ParticipantId id = guest->participant();
  guest->Destroy();
  ASSERT_TRUE(Present(id));
  hub_.reset();
  EXPECT_FALSE(Present(id));
}

}  // namespace
}  // namespace konfero::signalling::testing
