// The fixture of the RoomService behaviour tests (room_service_test.cc,
// room_service_moderation_test.cc, room_service_persistence_test.cc,
// room_service_phone_test.cc and the others of that binary): a
// service on an in-memory database with a manual clock, alice (admin) and
// bob (member) in room_, and the events it published; RoomServiceFileTest
// the same on a database file.
#ifndef KONFERO_TESTS_ROOMS_ROOM_SERVICE_FIXTURE_H_
#define KONFERO_TESTS_ROOMS_ROOM_SERVICE_FIXTURE_H_

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/room_service.h"

namespace konfero {

MATCHER_P(StatusIs, code, "") { return arg.code() == code; }

// Cheap argon2 cost: these tests are about behaviour, not hashing strength.
inline RoomServiceOptions TestOptions() {
  RoomServiceOptions o;
  o.dial_in_number = "+49 30 555 0100";
  o.base_url = "https://conf.example/join/";
  o.guest_seats = 3;
  o.password_hash_memory_kib = 8;
  o.password_hash_iterations = 1;
  return o;
}

inline std::string GuestKey(int n) { return "guest-key-000000-" + std::to_string(n); }

class RoomServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(TestOptions()); }

  void Open(RoomServiceOptions options) {
    auto s = RoomService::Open(std::move(options), clock_);
    ASSERT_TRUE(s.ok()) << s.status();
    service_ = *std::move(s);
    subscription_ = service_->Subscribe(std::nullopt, [this](const Event& e) {
      events_.push_back(e);
    });
  }

  // An admin "alice" and a member "bob"; alice owns room_, bob is a member.
  void SetUpUsersAndRoom() {
    ASSERT_TRUE(service_->BootstrapAdmin("alice", "Alice", "alice-password").ok());
    alice_ = Login("alice", "alice-password");
    ASSERT_TRUE(service_->CreateUser(alice_, "bob", "Bob", "bob-password").ok());
    bob_ = Login("bob", "bob-password");
    auto room = service_->CreateRoom(alice_, "Weekly");
    ASSERT_TRUE(room.ok()) << room.status();
    room_ = room->id;
    ASSERT_TRUE(service_->AddMember(alice_, room_, "bob").ok());
  }

  std::string Login(std::string_view login, std::string_view password) {
    auto s = service_->Login(login, password, "10.0.0.1");
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? s->token : std::string();
  }

  PublicAccess MakePublic() {
    auto a = service_->SetPublic(alice_, room_, true);
    EXPECT_TRUE(a.ok()) << a.status();
    return *a;
  }

  absl::StatusOr<JoinResult> Guest(const PublicAccess& a, int n,
                                   std::string source = "192.0.2.1") {
    return service_->JoinAsBrowserGuest(
        {a.url_token, "Guest " + std::to_string(n), GuestKey(n), source});
  }

  ConferenceState State() {
    return service_->GetRoom(alice_, room_)->room.state;
  }

  std::vector<std::string> EventNames() {
    std::vector<std::string> names;
    for (const Event& e : events_) names.emplace_back(EventName(e.body));
    return names;
  }

  ManualClock clock_;
  std::unique_ptr<RoomService> service_;
  SubscriptionId subscription_{};
  std::vector<Event> events_;
  std::string alice_, bob_;
  RoomId room_{};
};

// The same on a database file in a fresh temporary directory, which a test
// may reopen (a restart) or open with connections of its own. Configure()
// adjusts the options first.
class RoomServiceFileTest : public RoomServiceTest {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("konfero-rooms-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    options_ = TestOptions();
    options_.database = (dir_ / "konfero.db").string();
    options_.database_busy_timeout = absl::Milliseconds(10);
    Configure(options_);
    Open(options_);
  }
  void TearDown() override {
    service_.reset();
    std::filesystem::remove_all(dir_);
  }
  virtual void Configure(RoomServiceOptions&) {}
  void Reopen() {
    service_.reset();
    Open(options_);
  }

  std::filesystem::path dir_;
  RoomServiceOptions options_;
};


}  // namespace konfero

#endif  // KONFERO_TESTS_ROOMS_ROOM_SERVICE_FIXTURE_H_
