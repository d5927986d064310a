// The guest caps through the hub (issue 14, finding 8): a refused join is
// the fatal `guest_limit`, and a guest whose socket dropped keeps its place
// through the reconnect grace, so dropping sockets does not get around the
// caps.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "signalling_fixture.h"

namespace konfero::signalling::testing {
namespace {

constexpr absl::Duration kGrace = absl::Seconds(20);
constexpr char kAddress[] = "203.0.113.7";

class HubGuestCapsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RoomServiceOptions o = TestRoomServiceOptions();
    o.guest_seats = 10;  // only the caps refuse
    o.max_guests_per_address = 1;
    o.max_guests_per_room = 2;
    auto service = RoomService::Open(o, clock_);
    ASSERT_TRUE(service.ok()) << service.status();
    rooms_ = *std::move(service);
    ASSERT_TRUE(rooms_->BootstrapAdmin("alice", "Alice", "alice-password").ok());
    const std::string alice = rooms_->Login("alice", "alice-password", "10.0.0.1")->token;
    const RoomId room = rooms_->CreateRoom(alice, "Vertrieb")->id;
    url_token_ = rooms_->SetPublic(alice, room, true)->url_token;
    media_ = std::make_unique<FakeMedia>(*rooms_);
    hub_ = SignallingHub::Create(*rooms_, *media_, {.reconnect_grace = kGrace});
  }

  // A guest from `source` that said hello and asked to join.
  std::unique_ptr<Client> Join(int n, std::string source) {
    auto c = std::make_unique<Client>(*hub_, std::move(source));
    c->Send({{"type", "hello"}, {"version", 1}});
    c->Send({{"type", "join"}, {"as", "guest"}, {"url_token", url_token_},
             {"name", "Guest " + std::to_string(n)},
             {"guest_key", "guest-key-0000000-" + std::to_string(n)}});
    if (!c->Last("joined").is_null()) c->RememberJoined();
    return c;
  }

  static void ExpectGuestLimit(const Client& c, std::string_view words) {
    const Json e = c.Last("error");
    ASSERT_FALSE(e.is_null()) << "no error frame";
    EXPECT_EQ(e["code"], "guest_limit") << e;
    EXPECT_EQ(e["fatal"], true) << e;
    EXPECT_NE(e["message"].get<std::string>().find(words), std::string::npos) << e;
    EXPECT_TRUE(c.closed());
  }

  ManualClock clock_;
  std::unique_ptr<RoomService> rooms_;
  std::unique_ptr<FakeMedia> media_;
  std::unique_ptr<SignallingHub> hub_;
  std::string url_token_;
};

TEST_F(HubGuestCapsTest, ADroppedGuestKeepsItsAddressesPlaceThroughTheGrace) {
  auto first = Join(1, kAddress);
  ASSERT_FALSE(first->Last("joined").is_null());
  first->DropSocket();
  ASSERT_EQ(hub_->stats().in_grace, 1);

  // Within the grace the dropped guest still counts.
  clock_.Advance(kGrace - absl::Seconds(1));
  hub_->Poll();
  ExpectGuestLimit(*Join(2, kAddress), "network address");

  // Its own resume is no new guest: it gets back in.
  auto resumed = std::make_unique<Client>(*hub_, kAddress);
  resumed->Send({{"type", "hello"}, {"version", 1}});
  resumed->Send({{"type", "resume"}, {"resume_token", first->resume_token()}});
  EXPECT_FALSE(resumed->Last("joined").is_null());
  resumed->DropSocket();

  // Once the grace is over it has left, and the place is free.
  clock_.Advance(kGrace);
  hub_->Poll();
  EXPECT_EQ(hub_->stats().in_grace, 0);
  EXPECT_FALSE(Join(3, kAddress)->Last("joined").is_null());
}

TEST_F(HubGuestCapsTest, AFullRoomIsGuestLimitNotNoLicence) {
  auto a = Join(1, "192.0.2.1");
  auto b = Join(2, "192.0.2.2");
  ASSERT_FALSE(b->Last("joined").is_null());
  b->DropSocket();  // in grace: still one of the room's two
  ExpectGuestLimit(*Join(3, "192.0.2.3"), "room is full");
  EXPECT_EQ(rooms_->guest_seats_in_use(), 2);
}

}  // namespace
}  // namespace konfero::signalling::testing
