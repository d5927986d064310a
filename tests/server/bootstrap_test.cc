// The first start: an admin with a generated password and a public demo
// room; later starts: no new password, the same demo link; the banner.
#include "server/bootstrap.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/clock.h"
#include "testing/seeded_random.h"

namespace konfero::server {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class BootstrapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("konfero-bootstrap-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Open();
  }
  void TearDown() override {
    rooms_.reset();
    fs::remove_all(dir_);
  }

  // (Re)opens the service on the database file in dir_, as a restart does.
  void Open() {
    rooms_.reset();
    RoomServiceOptions options;
    options.database = (dir_ / "konfero.db").string();
    options.base_url = "http://127.0.0.1:8080/r/";
    options.password_hash_memory_kib = 8;
    options.password_hash_iterations = 1;
    auto rooms = RoomService::Open(options, clock_, random_);
    ASSERT_TRUE(rooms.ok()) << rooms.status();
    rooms_ = *std::move(rooms);
  }

  ManualClock clock_;
  test_support::SeededRandom random_{61};
  fs::path dir_;
  std::unique_ptr<RoomService> rooms_;
};

TEST(GeneratePasswordTest, UsesOnlyTheUnambiguousAlphabet) {
  test_support::SeededRandom random(1);
  std::set<char> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string password = GeneratePassword(random);
    ASSERT_EQ(password.size(), 20u);
    EXPECT_EQ(password.find_first_of("0O1lI+/=-_ "), std::string::npos) << password;
    seen.insert(password.begin(), password.end());
  }
  // 4000 draws from 57 symbols reach every symbol.
  EXPECT_EQ(seen.size(), 57u);
  EXPECT_EQ(GeneratePassword(random, 32).size(), 32u);
}

TEST(GeneratePasswordTest, DiffersBetweenDraws) {
  test_support::SeededRandom random(2);
  EXPECT_NE(GeneratePassword(random), GeneratePassword(random));
}

TEST_F(BootstrapTest, FirstStartCreatesAdminAndPublicDemoRoom) {
  absl::StatusOr<StartInfo> start = Bootstrap(*rooms_, random_, dir_);
  ASSERT_TRUE(start.ok()) << start.status();
  EXPECT_TRUE(start->first_start);
  ASSERT_TRUE(start->admin_password.has_value());
  ASSERT_TRUE(start->demo_url_token.has_value());
  EXPECT_TRUE(start->demo_token_saved);

  auto session = rooms_->Login("admin", *start->admin_password, "10.0.0.1");
  ASSERT_TRUE(session.ok()) << session.status();
  auto who = rooms_->WhoAmI(session->token);
  ASSERT_TRUE(who.ok());
  EXPECT_TRUE(who->admin);
  auto list = rooms_->ListRooms(session->token);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "Demo");
  EXPECT_TRUE((*list)[0].is_public);
  auto access = rooms_->GetAccess(session->token, (*list)[0].id);
  ASSERT_TRUE(access.ok());
  EXPECT_EQ(access->url_token, *start->demo_url_token);
  // The bootstrap session was closed again: only ours is left to use.
  EXPECT_TRUE(rooms_->JoinAsBrowserGuest({*start->demo_url_token, "Erika",
                                          "guest-key-0123456789", "10.0.0.2"}).ok());
}

TEST_F(BootstrapTest, TheDemoTokenFileIsPrivate) {
  ASSERT_TRUE(Bootstrap(*rooms_, random_, dir_).ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "demo-room").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(BootstrapTest, LaterStartsKeepThePasswordAndReprintTheDemoLink) {
  absl::StatusOr<StartInfo> first = Bootstrap(*rooms_, random_, dir_);
  ASSERT_TRUE(first.ok());
  Open();
  absl::StatusOr<StartInfo> later = Bootstrap(*rooms_, random_, dir_);
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_FALSE(later->first_start);
  EXPECT_FALSE(later->admin_password.has_value());
  EXPECT_EQ(later->demo_url_token, first->demo_url_token);
  // The first password still works; no second admin was made.
  EXPECT_TRUE(rooms_->Login("admin", *first->admin_password, "10.0.0.1").ok());
}

TEST_F(BootstrapTest, ALaterStartWithoutTheTokenFileOmitsTheDemoLink) {
  ASSERT_TRUE(Bootstrap(*rooms_, random_, dir_).ok());
  fs::remove(dir_ / "demo-room");
  absl::StatusOr<StartInfo> later = Bootstrap(*rooms_, random_, dir_);
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(later->demo_url_token.has_value());
  EXPECT_THAT(Banner(*later, "http://h:1"), Not(HasSubstr("demo room URL")));
}

TEST(BannerTest, FirstStartShowsThePasswordOnce) {
  StartInfo first{.first_start = true, .admin_password = "Pa55wordPa55wordPa55",
                  .demo_url_token = "tok", .demo_token_saved = true};
  const std::string banner = Banner(first, "https://127.0.0.1:8443");
  EXPECT_THAT(banner, HasSubstr("moderator URL:  https://127.0.0.1:8443/\n"));
  EXPECT_THAT(banner, HasSubstr("admin login:    admin\n"));
  EXPECT_THAT(banner, HasSubstr("admin password: Pa55wordPa55wordPa55"));
  EXPECT_THAT(banner, HasSubstr("demo room URL:  https://127.0.0.1:8443/r/tok\n"));

  StartInfo later;
  later.demo_url_token = "tok";
  EXPECT_THAT(Banner(later, "http://x:1"), Not(HasSubstr("password")));
  EXPECT_THAT(Banner(later, "http://x:1"), HasSubstr("demo room URL:  http://x:1/r/tok\n"));
}

TEST(BannerTest, SipAddressesFollowTheUrlsOnOneLine) {
  StartInfo later;
  later.first_start = true;  // no note under the demo link
  later.demo_url_token = "tok";
  EXPECT_THAT(Banner(later, "http://x:1"), Not(HasSubstr("SIP")));
  const std::vector<std::string> sip = {"udp 127.0.0.1:5060", "tcp 127.0.0.1:5060"};
  EXPECT_THAT(Banner(later, "http://x:1", sip),
              HasSubstr("  demo room URL:  http://x:1/r/tok\n"
                        "  SIP dial-in:    udp 127.0.0.1:5060, tcp 127.0.0.1:5060\n\n"));
}

}  // namespace
}  // namespace konfero::server
