// Logins (issue 14, findings 5 and 6): the two-step login whose password
// check can run off the service's thread, OWASP's device cookies against
// lockout by others' guessing, and sessions that outlive a restart.
#include <fstream>
#include <iterator>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rooms/room_service_fixture.h"

namespace konfero {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class LoginTest : public RoomServiceTest {
 protected:
  void SetUp() override {
    RoomServiceTest::SetUp();
    SetUpUsersAndRoom();
  }
  // Five wrong passwords for bob, from five addresses (none of them locked
  // by source): bob's login is locked for untrusted browsers.
  void LockBobByGuessing() {
    for (int i = 0; i < 5; ++i) {
      EXPECT_THAT(service_->Login("bob", "nope-nope", "10.9.9." + std::to_string(i)).status(),
                  StatusIs(absl::StatusCode::kUnauthenticated));
    }
    ASSERT_THAT(service_->Login("bob", "bob-password", "10.1.1.1").status(),
                StatusIs(absl::StatusCode::kResourceExhausted));
  }
  std::string BobsDeviceCookie() {
    auto s = service_->Login("bob", "bob-password", "10.0.0.5");
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? s->device_cookie : std::string();
  }
};

TEST_F(LoginTest, ASuccessfulLoginHandsOutADeviceCookieForThatLogin) {
  const std::string cookie = BobsDeviceCookie();
  EXPECT_THAT(cookie, testing::StartsWith("bob."));
  EXPECT_THAT(cookie, Not(HasSubstr("bob-password")));
  EXPECT_NE(cookie, BobsDeviceCookie());  // a new one each time
}

TEST_F(LoginTest, OthersGuessingDoesNotLockOutABrowserWithADeviceCookie) {
  const std::string cookie = BobsDeviceCookie();
  LockBobByGuessing();
  auto trusted = service_->Login("bob", "bob-password", "10.1.1.1", cookie);
  ASSERT_TRUE(trusted.ok()) << trusted.status();
  EXPECT_FALSE(trusted->device_cookie.empty());
  // The lock still holds for every browser without one.
  EXPECT_THAT(service_->Login("bob", "bob-password", "10.1.1.2").status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(LoginTest, ADeviceCookieAlsoGetsPastALockedSource) {
  const std::string cookie = BobsDeviceCookie();
  // Someone behind the same address guesses other logins.
  for (int i = 0; i < 5; ++i) (void)service_->Login("user" + std::to_string(i), "x", "10.7.7.7");
  ASSERT_THAT(service_->Login("bob", "bob-password", "10.7.7.7").status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_TRUE(service_->Login("bob", "bob-password", "10.7.7.7", cookie).ok());
}

TEST_F(LoginTest, ADeviceCookiesOwnWrongPasswordsLockTheCookieNotTheLogin) {
  const std::string cookie = BobsDeviceCookie();
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(service_->Login("bob", "nope-nope", "10.3.3.3", cookie).status(),
                StatusIs(absl::StatusCode::kUnauthenticated));
  }
  // Those failures counted against the cookie alone: bob and the source
  // are not locked...
  EXPECT_TRUE(service_->Login("bob", "bob-password", "10.3.3.4").ok());
  // ...but the cookie no longer counts as trusted: while bob's login is
  // locked, it is refused like any other browser.
  LockBobByGuessing();
  EXPECT_THAT(service_->Login("bob", "bob-password", "10.3.3.3", cookie).status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
  clock_.Advance(absl::Minutes(6));
  EXPECT_TRUE(service_->Login("bob", "bob-password", "10.3.3.3", cookie).ok());
}

TEST_F(LoginTest, ACookieOfAnotherLoginOrAForgedOneIsIgnored) {
  auto alice = service_->Login("alice", "alice-password", "10.0.0.6");
  ASSERT_TRUE(alice.ok());
  std::string forged = BobsDeviceCookie();
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  LockBobByGuessing();
  for (const std::string& cookie :
       {alice->device_cookie, forged, std::string("bob..."), std::string("bob"),
        std::string(".."), std::string(400, 'b')}) {
    EXPECT_THAT(service_->Login("bob", "bob-password", "10.1.1.9", cookie).status(),
                StatusIs(absl::StatusCode::kResourceExhausted))
        << cookie;
  }
}

TEST_F(LoginTest, ThePasswordCheckCanRunBetweenBeginAndFinish) {
  auto pending = service_->BeginLogin("bob", "bob-password", "10.0.0.7");
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_FALSE(pending->verified());
  pending->Verify();  // what a server runs on another thread
  EXPECT_TRUE(pending->verified());
  auto session = service_->FinishLogin(*std::move(pending));
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_TRUE(service_->WhoAmI(session->token).ok());
}

TEST_F(LoginTest, BeginRefusesALockedLoginBeforeAnyPasswordCheck) {
  LockBobByGuessing();
  EXPECT_THAT(service_->BeginLogin("bob", "bob-password", "10.1.1.3").status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(LoginTest, APasswordChangedWhileTheCheckRanFailsTheLogin) {
  auto pending = service_->BeginLogin("bob", "bob-password", "10.0.0.8");
  ASSERT_TRUE(pending.ok());
  ASSERT_TRUE(service_->ChangePassword(bob_, "bob-password", "bob-new-password").ok());
  EXPECT_THAT(service_->FinishLogin(*std::move(pending)).status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(LoginTest, FinishVerifiesIfTheCallerDidNot) {
  auto wrong = service_->BeginLogin("bob", "wrong-password", "10.0.0.9");
  ASSERT_TRUE(wrong.ok());
  EXPECT_THAT(service_->FinishLogin(*std::move(wrong)).status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  auto right = service_->BeginLogin("bob", "bob-password", "10.0.0.9");
  ASSERT_TRUE(right.ok());
  EXPECT_TRUE(service_->FinishLogin(*std::move(right)).ok());
}

// ---- Sessions in the database ----------------------------------------------

class SessionFileTest : public RoomServiceFileTest {
 protected:
  void SetUp() override {
    RoomServiceFileTest::SetUp();
    SetUpUsersAndRoom();
  }
};

TEST_F(SessionFileTest, SessionsOutliveARestart) {
  Reopen();
  auto me = service_->WhoAmI(bob_);
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->login, "bob");
}

TEST_F(SessionFileTest, TheDatabaseHoldsNoSessionToken) {
  service_.reset();
  std::string bytes;
  for (const char* name : {"konfero.db", "konfero.db-wal"}) {
    std::ifstream in(dir_ / name, std::ios::binary);
    bytes += std::string(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find(bob_), std::string::npos);
  EXPECT_EQ(bytes.find(alice_), std::string::npos);
  Open(options_);
}

TEST_F(SessionFileTest, LogoutAndExpiryAndPasswordChangesLastToo) {
  ASSERT_TRUE(service_->Logout(alice_).ok());
  const std::string bob_other = Login("bob", "bob-password");
  ASSERT_TRUE(service_->ChangePassword(bob_, "bob-password", "bob-new-password").ok());
  Reopen();
  EXPECT_THAT(service_->WhoAmI(alice_).status(), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(service_->WhoAmI(bob_).status(), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(service_->WhoAmI(bob_other).status(),
              StatusIs(absl::StatusCode::kUnauthenticated));

  const std::string fresh = Login("bob", "bob-new-password");
  clock_.Advance(absl::Hours(13));  // past the 12 h session_ttl
  Reopen();
  EXPECT_THAT(service_->WhoAmI(fresh).status(), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(SessionFileTest, DeviceCookiesOutliveARestart) {
  auto s = service_->Login("bob", "bob-password", "10.0.0.5");
  ASSERT_TRUE(s.ok());
  Reopen();
  for (int i = 0; i < 5; ++i) (void)service_->Login("bob", "nope-nope", "10.9.9.9");
  EXPECT_TRUE(service_->Login("bob", "bob-password", "10.1.1.1", s->device_cookie).ok());
}

}  // namespace
}  // namespace konfero
