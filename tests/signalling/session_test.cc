// The per-socket state machine: the handshake, requests in the wrong
// state, and bad frames, which get errors and change nothing.
#include "signalling/session.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "signalling/signalling_fixture.h"

namespace konfero::signalling::testing {
namespace {


void ExpectError(const Client& c, std::string_view code, bool fatal) {
  const Json e = c.Last("error");
  ASSERT_FALSE(e.is_null()) << "no error frame";
  EXPECT_EQ(e["code"], code) << e;
  EXPECT_EQ(e["fatal"], fatal) << e;
  EXPECT_TRUE(e["message"].is_string() && !e["message"].get<std::string>().empty()) << e;
}

TEST_F(SignallingTest, HelloIsAnsweredWithWelcome) {
  Client c(*hub_);
  c.Send({{"type", "hello"}, {"version", 1}});
  ASSERT_EQ(c.frames().size(), 1u);
  EXPECT_EQ(c.frames()[0], (Json{{"type", "welcome"}, {"version", 1}, {"server", "konfero"}}));
  EXPECT_FALSE(c.closed());
}

TEST_F(SignallingTest, UnsupportedVersionIsFatal) {
  Client c(*hub_);
  c.Send({{"type", "hello"}, {"version", 2}});
  ExpectError(c, "unsupported_version", /*fatal=*/true);
  EXPECT_TRUE(c.closed());
  c.Send({{"type", "hello"}, {"version", 1}});  // a closed session stays silent
  EXPECT_EQ(c.frames().size(), 1u);
}

TEST_F(SignallingTest, TheFirstFrameMustBeHello) {
  Client c(*hub_);
  c.Send(GuestJoin("Erika"));
  ExpectError(c, "failed_precondition", /*fatal=*/true);
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(rooms_->guest_seats_in_use(), 0);
}

TEST_F(SignallingTest, JunkBeforeHelloIsFatal) {
  // A socket that talks before the handshake is no client of ours: it
  // must not hold a connection slot while it keeps talking.
  Client junk(*hub_);
  junk.SendText("{not json");
  ExpectError(junk, "invalid_argument", /*fatal=*/true);
  EXPECT_TRUE(junk.closed());
  Client unknown(*hub_);
  unknown.Send({{"type", "dance"}});
  ExpectError(unknown, "unknown_type", /*fatal=*/true);
  EXPECT_TRUE(unknown.closed());
}

TEST_F(SignallingTest, NoHelloWithinTheTimeoutIsFatalWhateverElseArrives) {
  Client silent(*hub_);
  Client late(*hub_);
  clock_.Advance(hub_options_.hello_timeout - absl::Milliseconds(1));
  hub_->Poll();
  EXPECT_FALSE(silent.closed());
  late.Send({{"type", "hello"}, {"version", 1}});
  clock_.Advance(absl::Milliseconds(1));
  hub_->Poll();
  ExpectError(silent, "failed_precondition", /*fatal=*/true);
  EXPECT_TRUE(silent.closed());
  EXPECT_FALSE(late.closed()) << "a socket that said hello in time stays";
  EXPECT_EQ(hub_->stats().sessions, 1);
}

TEST_F(SignallingTest, JoinsBeyondTheBudgetAreRateLimitedAndChangeNothing) {
  auto c = Connect();
  for (int i = 0; i < hub_options_.join_burst; ++i) {
    c->Send(GuestJoin("Erika"));
    ASSERT_FALSE(c->Last("joined").is_null()) << i;
    c->Send({{"type", "leave"}});
    c->Take();
  }
  c->Send(GuestJoin("Erika"));
  ExpectError(*c, "rate_limited", /*fatal=*/false);
  EXPECT_TRUE(c->Last("joined").is_null());
  EXPECT_FALSE(c->closed());
  EXPECT_EQ(rooms_->guest_seats_in_use(), 0);
  // The budget refills: one join per join_refill.
  clock_.Advance(hub_options_.join_refill);
  c->Take();
  c->Send(GuestJoin("Erika"));
  EXPECT_FALSE(c->Last("joined").is_null());
  // Another socket has its own budget.
  auto other = Connect();
  other->Send(GuestJoin("Max"));
  EXPECT_FALSE(other->Last("joined").is_null());
}

TEST_F(SignallingTest, PingIsAnsweredWithPongJoinedOrNot) {
  Client c(*hub_);
  c.Send({{"type", "ping"}});  // before hello: the handshake comes first
  ExpectError(c, "failed_precondition", /*fatal=*/true);
  EXPECT_TRUE(c.closed());

  auto lobby = Connect();
  const size_t before = lobby->frames().size();
  lobby->Send({{"type", "ping"}});
  ASSERT_EQ(lobby->frames().size(), before + 1);
  EXPECT_EQ(lobby->frames().back(), (Json{{"type", "pong"}}));

  auto guest = Connect();
  guest->Send(GuestJoin("Erika"));
  ASSERT_FALSE(guest->Last("joined").is_null());
  const size_t joined = guest->frames().size();
  guest->Send({{"type", "ping"}, {"id", 7}});  // extra fields are ignored
  ASSERT_EQ(guest->frames().size(), joined + 1);
  EXPECT_EQ(guest->frames().back(), (Json{{"type", "pong"}}));
  EXPECT_FALSE(guest->closed());
  EXPECT_EQ(rooms_->guest_seats_in_use(), 1);  // nothing else changed
}

TEST_F(SignallingTest, HelloTwiceIsANonFatalError) {
  auto c = Connect();
  c->Send({{"type", "hello"}, {"version", 1}});
  ExpectError(*c, "failed_precondition", /*fatal=*/false);
  EXPECT_FALSE(c->closed());
}

TEST_F(SignallingTest, ParticipantRequestsNeedAJoin) {
  auto c = Connect();
  for (const Json& request : {Json{{"type", "offer"}, {"sdp", "v=0"}},
                              Json{{"type", "chat"}, {"text", "Hallo"}},
                              Json{{"type", "kick"}, {"participant", 1}},
                              Json{{"type", "mute"}, {"participant", 1}, {"muted", true}},
                              Json{{"type", "set-public"}, {"public", false}},
                              Json{{"type", "leave"}}}) {
    c->Take();
    c->Send(request);
    ExpectError(*c, "failed_precondition", /*fatal=*/false);
  }
  EXPECT_FALSE(c->closed());
  EXPECT_TRUE(rooms_->GetAccess(alice_, room_)->is_public);
}

TEST_F(SignallingTest, JoiningTwiceOnOneSocketIsRefused) {
  auto mod = JoinModerator();
  mod->Take();
  mod->Send({{"type", "join"}, {"as", "moderator"}, {"session", alice_}, {"room", ToInt(room_)}});
  ExpectError(*mod, "failed_precondition", /*fatal=*/false);
  mod->Send({{"type", "resume"}, {"resume_token", mod->resume_token()}});
  EXPECT_EQ(mod->OfType("error").size(), 2u);
  EXPECT_EQ(rooms_->GetStats().moderators, 1);
  EXPECT_FALSE(mod->closed());
}

TEST_F(SignallingTest, BadFramesGetErrorsAndChangeNothing) {
  auto mod = JoinModerator();
  auto guest = JoinGuest("Erika");
  std::vector<Event> events;
  const SubscriptionId sub =
      rooms_->Subscribe(std::nullopt, [&](const Event& e) { events.push_back(e); });
  mod->Take();
  guest->Take();

  const std::string oversized =
      Json{{"type", "chat"}, {"text", std::string(17 * 1024, 'x')}}.dump();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"type\":\"chat\",\"text\":", "invalid_argument"},
      {"[\"chat\"]", "invalid_argument"},
      {R"({"type":"kick","participant":"everyone"})", "invalid_argument"},
      {R"({"type":"mute","participant":1,"muted":"yes"})", "invalid_argument"},
      {R"({"type":"set-public","public":"no"})", "invalid_argument"},
      {R"({"type":"chat"})", "invalid_argument"},
      {"{\"type\":\"chat\",\"text\":\"\xc3\"}", "invalid_argument"},
      {R"({"type":"fly"})", "unknown_type"},
      {oversized, "invalid_argument"},
  };
  for (const auto& [text, code] : cases) {
    mod->Take();
    mod->SendText(text);
    ASSERT_EQ(mod->frames().size(), 1u) << text;
    ExpectError(*mod, code, /*fatal=*/false);
  }
  EXPECT_TRUE(events.empty()) << EventName(events.front().body);
  EXPECT_TRUE(guest->frames().empty());
  EXPECT_FALSE(mod->closed());
  EXPECT_TRUE(rooms_->GetAccess(alice_, room_)->is_public);
  EXPECT_TRUE(Present(guest->participant()));

  // Still joined: a good frame works.
  mod->Send({{"type", "chat"}, {"text", "still here"}});
  EXPECT_EQ(mod->Last("chat")["text"], "still here");
  rooms_->Unsubscribe(sub);
}

TEST_F(SignallingTest, RefusedRequestsAreNonFatalErrors) {
  auto mod = JoinModerator();
  mod->Take();
  mod->Send({{"type", "chat"}, {"text", "   "}});
  ExpectError(*mod, "invalid_argument", /*fatal=*/false);
  mod->Send({{"type", "kick"}, {"participant", 999}});
  ExpectError(*mod, "not_found", /*fatal=*/false);
  mod->Send({{"type", "kick"}, {"participant", ToInt(mod->participant())}});
  ExpectError(*mod, "invalid_argument", /*fatal=*/false);
  EXPECT_FALSE(mod->closed());
  EXPECT_TRUE(Present(mod->participant()));
}

TEST_F(SignallingTest, StatsCountFramesAndErrors) {
  auto c = Connect();  // hello in, welcome out
  c->SendText("nope");
  const SignallingStats s = hub_->stats();
  EXPECT_EQ(s.frames_in, 2u);
  EXPECT_EQ(s.frames_out, 2u);
  EXPECT_EQ(s.errors_sent, 1u);
  EXPECT_EQ(s.sessions, 1);
  EXPECT_EQ(s.joined, 0);
}

}  // namespace
}  // namespace konfero::signalling::testing
