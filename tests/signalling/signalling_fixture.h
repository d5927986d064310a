// signalling/signalling_fixture.h: the GoogleTest fixture of the hub and
// session tests: an in-memory RoomService on a ManualClock, a FakeMedia
// (the hub needs only a MediaConnector, no media workers), a SignallingHub, and Clients that stand in for browsers (a
// session whose frames are collected instead of written to a socket).
//
//   TEST_F(SignallingTest, Something) {
//     auto mod = JoinModerator();          // hello'd and joined
//     auto guest = JoinGuest("Erika");
//     EXPECT_EQ(guest->Last("state")["state"], "running");
//   }
//
// Thread contract: test code, one thread.
#ifndef KONFERO_TESTS_SIGNALLING_SIGNALLING_FIXTURE_H_
#define KONFERO_TESTS_SIGNALLING_SIGNALLING_FIXTURE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "fake_media.h"
#include "konfero/room_service.h"
#include "konfero/signalling.h"
#include "nlohmann/json.hpp"
#include "test_room_service_options.h"

namespace konfero::signalling::testing {

using Json = nlohmann::json;

// A browser tab: what the server sent it, and whether the server closed it.
class Client {
 public:
  explicit Client(SignallingHub& hub, std::string source = "198.51.100.7") {
    session_ = hub.Open(
        {std::move(source)},
        [this](std::string frame) {
          Json parsed = Json::parse(frame, nullptr, /*allow_exceptions=*/false);
          EXPECT_FALSE(parsed.is_discarded()) << "server sent invalid JSON: " << frame;
          frames_.push_back(std::move(parsed));
        },
        [this] { ++closes_; });
  }

  void Send(const Json& frame) { session_->OnMessage(frame.dump()); }
  void SendText(std::string_view text) { session_->OnMessage(text); }
  void DropSocket() { session_->OnSocketClosed(); }
  void Destroy() { session_.reset(); }

  const std::vector<Json>& frames() const { return frames_; }
  // Frames received so far, forgotten afterwards.
  std::vector<Json> Take() { return std::exchange(frames_, {}); }
  std::vector<Json> OfType(std::string_view type) const {
    std::vector<Json> out;
    for (const Json& f : frames_) {
      if (f.value("type", "") == type) out.push_back(f);
    }
    return out;
  }
  // The newest frame of `type`, or null.
  Json Last(std::string_view type) const {
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
      if (it->value("type", "") == type) return *it;
    }
    return nullptr;
  }
  std::vector<std::string> Types() const {
    std::vector<std::string> out;
    for (const Json& f : frames_) out.push_back(f.value("type", "?"));
    return out;
  }
  bool closed() const { return closes_ > 0; }
  int closes() const { return closes_; }

  // From the `joined` frame.
  ParticipantId participant() const {
    return ParticipantId{joined_.at("participant").get<uint64_t>()};
  }
  std::string resume_token() const { return joined_.at("resume_token").get<std::string>(); }
  void RememberJoined() { joined_ = Last("joined"); }

 private:
  std::unique_ptr<SignallingSession> session_;
  std::vector<Json> frames_;
  Json joined_;
  int closes_ = 0;
};

// The ids of a `participants` frame, in order.
inline std::vector<uint64_t> Ids(const Json& participants_frame) {
  std::vector<uint64_t> ids;
  for (const Json& p : participants_frame.at("participants")) ids.push_back(p.at("id"));
  return ids;
}

class SignallingTest : public ::testing::Test {
 protected:
  static constexpr absl::Duration kGrace = absl::Seconds(20);

  void SetUp() override {
    auto service = RoomService::Open(TestRoomServiceOptions(), clock_);
    ASSERT_TRUE(service.ok()) << service.status();
    rooms_ = *std::move(service);

    ASSERT_TRUE(rooms_->BootstrapAdmin("alice", "Alice", "alice-password").ok());
    alice_ = Login("alice", "alice-password");
    ASSERT_TRUE(rooms_->CreateUser(alice_, "bob", "Bob", "bob-password").ok());
    bob_ = Login("bob", "bob-password");
    ASSERT_TRUE(rooms_->CreateUser(alice_, "eve", "Eve", "eve-password").ok());
    eve_ = Login("eve", "eve-password");
    auto room = rooms_->CreateRoom(alice_, "Vertrieb");
    ASSERT_TRUE(room.ok()) << room.status();
    room_ = room->id;
    ASSERT_TRUE(rooms_->AddMember(alice_, room_, "bob").ok());
    auto access = rooms_->SetPublic(alice_, room_, true);
    ASSERT_TRUE(access.ok()) << access.status();
    url_token_ = access->url_token;

    media_ = std::make_unique<FakeMedia>(*rooms_);

    hub_options_.reconnect_grace = kGrace;
    hub_options_.max_frame_bytes = 16 * 1024;
    hub_ = SignallingHub::Create(*rooms_, *media_, hub_options_);
  }

  std::string Login(std::string_view login, std::string_view password) {
    auto s = rooms_->Login(login, password, "10.0.0.1");
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? s->token : std::string();
  }

  // A client past the handshake.
  std::unique_ptr<Client> Connect(std::string source = "198.51.100.7") {
    auto c = std::make_unique<Client>(*hub_, std::move(source));
    c->Send({{"type", "hello"}, {"version", 1}});
    EXPECT_EQ(c->Types(), std::vector<std::string>{"welcome"});
    c->Take();
    return c;
  }

  std::unique_ptr<Client> JoinModerator(const std::string& session = {}) {
    auto c = Connect();
    c->Send({{"type", "join"}, {"as", "moderator"},
             {"session", session.empty() ? alice_ : session}, {"room", ToInt(room_)}});
    EXPECT_FALSE(c->Last("joined").is_null()) << c->frames().back();
    c->RememberJoined();
    return c;
  }

  static std::string Key(std::string_view name) {
    return "guest-key-for-" + std::string(name) + "-000000";
  }

  Json GuestJoin(std::string_view name) const {
    return {{"type", "join"}, {"as", "guest"}, {"url_token", url_token_},
            {"name", std::string(name)}, {"guest_key", Key(name)}};
  }

  std::unique_ptr<Client> JoinGuest(std::string_view name) {
    auto c = Connect();
    c->Send(GuestJoin(name));
    EXPECT_FALSE(c->Last("joined").is_null()) << c->frames().back();
    c->RememberJoined();
    return c;
  }

  bool Present(ParticipantId p) { return rooms_->GetParticipant(p).ok(); }

  ManualClock clock_;
  SignallingOptions hub_options_;  // the defaults but for the grace and frame size
  std::unique_ptr<RoomService> rooms_;
  std::unique_ptr<FakeMedia> media_;
  std::unique_ptr<SignallingHub> hub_;
  std::string alice_, bob_, eve_;  // session tokens; alice is an admin
  RoomId room_{};
  std::string url_token_;
};

}  // namespace konfero::signalling::testing

#endif  // KONFERO_TESTS_SIGNALLING_SIGNALLING_FIXTURE_H_
