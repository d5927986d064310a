// A guest link's life through the RoomService: what LookUpGuestUrl and
// JoinAsBrowserGuest answer for a public room's token, for the token of a
// room made private ("no longer public"), after the room is public again,
// after a regeneration and a deletion ("unknown"), across a restart, and
// how the per-source limit counts each answer.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "konfero/room_service.h"

namespace konfero {
namespace {

constexpr absl::StatusCode kNotPublic = absl::StatusCode::kFailedPrecondition;
constexpr absl::StatusCode kUnknown = absl::StatusCode::kNotFound;

class GuestUrlTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(Options(":memory:")); }

  static RoomServiceOptions Options(std::string database) {
    RoomServiceOptions o;
    o.database = std::move(database);
    o.guest_seats = 3;
    o.password_hash_memory_kib = 8;  // behaviour, not hashing strength
    o.password_hash_iterations = 1;
    return o;
  }

  void Open(RoomServiceOptions options) {
    auto s = RoomService::Open(std::move(options), clock_);
    ASSERT_TRUE(s.ok()) << s.status();
    service_ = *std::move(s);
    events_ = 0;
    service_->Subscribe(std::nullopt, [this](const Event&) { ++events_; });
  }

  void LogIn() {
    auto session = service_->Login("alice", "alice-password", "10.0.0.1");
    ASSERT_TRUE(session.ok()) << session.status();
    alice_ = session->token;
  }

  // An admin "alice" with the rooms "Weekly" (room_) and "Other" (other_).
  void SetUpRooms() {
    ASSERT_TRUE(service_->BootstrapAdmin("alice", "Alice", "alice-password").ok());
    LogIn();
    auto room = service_->CreateRoom(alice_, "Weekly");
    ASSERT_TRUE(room.ok()) << room.status();
    room_ = room->id;
    auto other = service_->CreateRoom(alice_, "Other");
    ASSERT_TRUE(other.ok()) << other.status();
    other_ = other->id;
  }

  std::string MakePublic(RoomId room) {
    auto a = service_->SetPublic(alice_, room, true);
    EXPECT_TRUE(a.ok()) << a.status();
    return a.ok() ? a->url_token : std::string();
  }

  void MakePrivate(RoomId room) {
    auto a = service_->SetPublic(alice_, room, false);
    ASSERT_TRUE(a.ok()) << a.status();
  }

  absl::StatusCode Lookup(const std::string& token,
                          const std::string& source = "192.0.2.1") {
    return service_->LookUpGuestUrl(token, source).status().code();
  }

  absl::StatusCode Join(const std::string& token,
                        const std::string& source = "192.0.2.1") {
    return service_
        ->JoinAsBrowserGuest({token, "Erika", "guest-key-0123456789", source})
        .status()
        .code();
  }

  ManualClock clock_;
  std::unique_ptr<RoomService> service_;
  int events_ = 0;
  std::string alice_;
  RoomId room_{}, other_{};
};

TEST_F(GuestUrlTest, LookupNamesThePublicRoomAndItsConference) {
  SetUpRooms();
  const std::string token = MakePublic(room_);
  auto info = service_->LookUpGuestUrl(token, "192.0.2.1");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->room_name, "Weekly");
  EXPECT_EQ(info->state, ConferenceState::kIdle);
  EXPECT_FALSE(info->moderator_present);

  ASSERT_TRUE(service_->JoinAsMember(alice_, room_).ok());
  info = service_->LookUpGuestUrl(token, "192.0.2.1");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->state, ConferenceState::kRunning);
  EXPECT_TRUE(info->moderator_present);
}

TEST_F(GuestUrlTest, LookupWithoutADialInNumberOffersNoPhoneEntry) {
  SetUpRooms();
  auto info = service_->LookUpGuestUrl(MakePublic(room_), "192.0.2.1");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->dial_in_number, "");
  EXPECT_EQ(info->pin, "");  // no number to dial: the PIN is of no use
}

// The link's holder may join already, so the lookup names the phone
// alternative too: the number and PIN of the room's invitation, following
// a regeneration.
TEST_F(GuestUrlTest, LookupGivesTheLinksHolderTheDialInNumberAndPin) {
  RoomServiceOptions options = Options(":memory:");
  options.dial_in_number = "+49 30 1234567";
  Open(std::move(options));
  SetUpRooms();
  auto access = service_->SetPublic(alice_, room_, true);
  ASSERT_TRUE(access.ok()) << access.status();
  auto info = service_->LookUpGuestUrl(access->url_token, "192.0.2.1");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->dial_in_number, "+49 30 1234567");
  EXPECT_EQ(info->pin, access->pin);
  EXPECT_EQ(info->pin.size(), 6u);

  auto other = service_->SetPublic(alice_, other_, true);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(service_->LookUpGuestUrl(other->url_token, "192.0.2.1")->pin, other->pin);
  EXPECT_NE(other->pin, access->pin);

  auto fresh = service_->RegenerateAccess(alice_, room_);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ(service_->LookUpGuestUrl(fresh->url_token, "192.0.2.1")->pin, fresh->pin);
  EXPECT_EQ(Lookup(access->url_token), kUnknown);  // the old link tells nothing
}

TEST_F(GuestUrlTest, LookupAdmitsNobodyTakesNoSeatAndPublishesNothing) {
  SetUpRooms();
  const std::string token = MakePublic(room_);
  const int events_before = events_;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(service_->LookUpGuestUrl(token, "192.0.2.1").ok());
  }
  EXPECT_EQ(events_, events_before);
  EXPECT_EQ(service_->guest_seats_in_use(), 0);
  auto snapshot = service_->GetRoom(alice_, room_);
  ASSERT_TRUE(snapshot.ok());
  EXPECT_TRUE(snapshot->participants.empty());
  EXPECT_EQ(snapshot->room.state, ConferenceState::kIdle);
}

TEST_F(GuestUrlTest, PrivateRoomsFormerLinkIsNotPublicAtLookupAndJoin) {
  SetUpRooms();
  const std::string token = MakePublic(room_);
  MakePrivate(room_);
  EXPECT_EQ(Lookup(token), kNotPublic);
  EXPECT_EQ(Join(token), kNotPublic);
  // The refusal names neither the token nor the room.
  auto refused = service_->LookUpGuestUrl(token, "192.0.2.1");
  EXPECT_EQ(refused.status().message().find(token), absl::string_view::npos);
  EXPECT_EQ(refused.status().message().find("Weekly"), absl::string_view::npos);
  EXPECT_EQ(service_->guest_seats_in_use(), 0);
  // Making it private again changes nothing.
  MakePrivate(room_);
  EXPECT_EQ(Lookup(token), kNotPublic);
}

TEST_F(GuestUrlTest, PublicAgainGetsANewLinkAndTheFormerOneIsUnknown) {
  SetUpRooms();
  const std::string first = MakePublic(room_);
  MakePrivate(room_);
  const std::string second = MakePublic(room_);
  EXPECT_NE(second, first);
  EXPECT_EQ(Lookup(first), kUnknown);
  EXPECT_EQ(Join(first), kUnknown);
  EXPECT_TRUE(service_->LookUpGuestUrl(second, "192.0.2.1").ok());
  // Private once more: only the link it had then is "no longer public".
  MakePrivate(room_);
  EXPECT_EQ(Lookup(second), kNotPublic);
  EXPECT_EQ(Lookup(first), kUnknown);
}

TEST_F(GuestUrlTest, RegeneratedLinkIsUnknownNotNotPublic) {
  SetUpRooms();
  const std::string old = MakePublic(room_);
  auto fresh = service_->RegenerateAccess(alice_, room_);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ(Lookup(old), kUnknown);
  EXPECT_EQ(Join(old), kUnknown);
  // And it stays unknown when the room then goes private: only the link it
  // had at that moment is remembered.
  MakePrivate(room_);
  EXPECT_EQ(Lookup(old), kUnknown);
  EXPECT_EQ(Lookup(fresh->url_token), kNotPublic);
}

TEST_F(GuestUrlTest, KickWithRegenerationMakesTheOldLinkUnknown) {
  SetUpRooms();
  const std::string old = MakePublic(room_);
  auto moderator = service_->JoinAsMember(alice_, room_);
  auto guest = service_->JoinAsBrowserGuest(
      {old, "Mallory", "guest-key-mallory-0001", "192.0.2.9"});
  ASSERT_TRUE(moderator.ok() && guest.ok());
  ASSERT_TRUE(service_
                  ->Kick(moderator->participant, guest->participant,
                         {.regenerate_access = true})
                  .ok());
  EXPECT_EQ(Lookup(old), kUnknown);
}

TEST_F(GuestUrlTest, DeletedRoomsFormerLinkIsUnknown) {
  SetUpRooms();
  const std::string token = MakePublic(room_);
  MakePrivate(room_);
  ASSERT_TRUE(service_->DeleteRoom(alice_, room_).ok());
  EXPECT_EQ(Lookup(token), kUnknown);
  EXPECT_EQ(Join(token), kUnknown);
}

TEST_F(GuestUrlTest, EachRoomKeepsItsOwnFormerLink) {
  SetUpRooms();
  const std::string weekly = MakePublic(room_);
  const std::string other = MakePublic(other_);
  MakePrivate(room_);
  EXPECT_EQ(Lookup(weekly), kNotPublic);
  auto info = service_->LookUpGuestUrl(other, "192.0.2.1");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->room_name, "Other");
  MakePrivate(other_);
  MakePublic(room_);
  EXPECT_EQ(Lookup(weekly), kUnknown);
  EXPECT_EQ(Lookup(other), kNotPublic);
}

TEST_F(GuestUrlTest, MalformedRequestsAreInvalidArgumentAndNotCounted) {
  SetUpRooms();
  const std::string token = MakePublic(room_);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(Lookup(std::string(65, 'A'), "192.0.2.5"),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(Lookup("", "192.0.2.5"), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(Join(std::string(65, 'A'), "192.0.2.5"),
              absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(Lookup(token, std::string(65, '1')), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Lookup(token, "bad\nsource"), absl::StatusCode::kInvalidArgument);
  // The message says what is wrong.
  auto refused = service_->LookUpGuestUrl(std::string(65, 'A'), "192.0.2.5");
  EXPECT_NE(refused.status().message().find("64"), absl::string_view::npos)
      << refused.status();
  // None of that was a guess at a token: the source is not locked out.
  EXPECT_TRUE(service_->LookUpGuestUrl(token, "192.0.2.5").ok());
}

TEST_F(GuestUrlTest, UnknownLinksAtLookupCountTowardsTheJoinLimit) {
  SetUpRooms();
  const std::string token = MakePublic(room_);
  // The default guest_code_limit: 5 failures a minute, then 5 minutes locked.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Lookup("guess-" + std::to_string(i), "192.0.2.66"), kUnknown);
  }
  for (int i = 3; i < 5; ++i) {
    EXPECT_EQ(Join("guess-" + std::to_string(i), "192.0.2.66"), kUnknown);
  }
  // Locked out, for the right link too, at lookup and join alike...
  EXPECT_EQ(Lookup(token, "192.0.2.66"), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Join(token, "192.0.2.66"), absl::StatusCode::kResourceExhausted);
  // ...but not another source.
  EXPECT_TRUE(service_->LookUpGuestUrl(token, "192.0.2.67").ok());
  clock_.Advance(absl::Minutes(5));
  EXPECT_TRUE(service_->LookUpGuestUrl(token, "192.0.2.66").ok());
}

TEST_F(GuestUrlTest, NotPublicAnswersDoNotCountButALockoutHidesThem) {
  SetUpRooms();
  const std::string token = MakePublic(room_);
  const std::string other = MakePublic(other_);
  MakePrivate(room_);
  // A guest reloading the page of a room made private is not locked out.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Lookup(token, "192.0.2.70"), kNotPublic);
  EXPECT_EQ(Join(token, "192.0.2.70"), kNotPublic);
  EXPECT_TRUE(service_->LookUpGuestUrl(other, "192.0.2.70").ok());
  // A locked-out source learns nothing about a token, not even this.
  for (int i = 0; i < 5; ++i) Lookup("guess-" + std::to_string(i), "192.0.2.71");
  EXPECT_EQ(Lookup(token, "192.0.2.71"), absl::StatusCode::kResourceExhausted);
}

class GuestUrlFileTest : public GuestUrlTest {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("konfero-guest-url-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Open(Options((dir_ / "konfero.db").string()));
  }
  void TearDown() override {
    service_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    service_.reset();
    Open(Options((dir_ / "konfero.db").string()));
    LogIn();
  }

  std::filesystem::path dir_;
};

TEST_F(GuestUrlFileTest, FormerLinkSurvivesARestart) {
  SetUpRooms();
  const std::string weekly = MakePublic(room_);
  const std::string other = MakePublic(other_);
  MakePrivate(room_);
  Reopen();
  EXPECT_EQ(Lookup(weekly), kNotPublic);
  EXPECT_EQ(Join(weekly), kNotPublic);
  EXPECT_TRUE(service_->LookUpGuestUrl(other, "192.0.2.1").ok());

  // Public again after the restart: the former link is forgotten for good.
  const std::string fresh = MakePublic(room_);
  Reopen();
  EXPECT_EQ(Lookup(weekly), kUnknown);
  EXPECT_TRUE(service_->LookUpGuestUrl(fresh, "192.0.2.1").ok());
}

TEST_F(GuestUrlFileTest, DeletedRoomsFormerLinkStaysUnknownAfterARestart) {
  SetUpRooms();
  const std::string token = MakePublic(room_);
  MakePrivate(room_);
  ASSERT_TRUE(service_->DeleteRoom(alice_, room_).ok());
  Reopen();
  EXPECT_EQ(Lookup(token), kUnknown);
}

}  // namespace
}  // namespace konfero
