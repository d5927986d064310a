// Phone calls before admission through konfero::Engine, with two real
// workers on loopback and a TaskQueue: a call answered with its own port
// pair hears its prompt (RTP arrives at a real UDP socket), is admitted
// into a participant's room (the same port and SSRC, a participant's leg
// from then on), returns to a call when the participant leaves the room,
// and is hung up. Argument checks name what is wrong.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "konfero/engine.h"
#include "konfero/executor.h"
#include "konfero/room_service.h"
#include "testing/loopback_engine_fixture.h"

namespace konfero {
namespace {

// A phone's RTP socket on 127.0.0.1.
class PhoneSocket {
 public:
  PhoneSocket() {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~PhoneSocket() { close(fd_); }
  uint16_t port() const { return port_; }
  std::string Offer() const {
    return absl::StrCat("v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n",
                        "t=0 0\r\nm=audio ", port_, " RTP/AVP 0 101\r\n",
                        "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n",
                        "a=fmtp:101 0-16\r\na=ptime:20\r\n");
  }
  // The SSRCs of the RTP packets waiting now.
  std::vector<uint32_t> DrainSsrcs() {
    std::vector<uint32_t> out;
    uint8_t buf[1500];
    for (;;) {
      const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n < 0) break;
      if (n >= 12 && (buf[1] & 0x7f) < 64) {  // RTP, not RTCP (PT 200-204)
        out.push_back((uint32_t{buf[8]} << 24) | (uint32_t{buf[9]} << 16) |
                      (uint32_t{buf[10]} << 8) | buf[11]);
      }
    }
    return out;
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

class CallsTest : public test_support::LoopbackEngineTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenRoomsAsAlice());
    ASSERT_NO_FATAL_FAILURE(StartEngine(/*workers=*/2));
    engine_->SetCallHandler([this](const CallEvent& event) { events_.push_back(event); });
  }

  // A public room; returns its PIN.
  std::string PublicRoom(const std::string& name) {
    auto room = rooms_->CreateRoom(session_, name);
    EXPECT_TRUE(room.ok());
    return rooms_->SetPublic(session_, room->id, true)->pin;
  }

  // Runs the queue until `done` or 5 s pass.
  template <typename F>
  bool PumpUntil(F done) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < end) {
      queue_->Wait(absl::Milliseconds(10));
      if (done()) return true;
    }
    return false;
  }

  std::vector<CallEvent> events_;
};

TEST_F(CallsTest, ACallHearsItsPromptIsAdmittedWithItsStreamAndReturnsWhenItLeaves) {
  PhoneSocket phone;
  auto answered = engine_->AnswerCall(phone.Offer());
  ASSERT_TRUE(answered.ok()) << answered.status();
  EXPECT_TRUE(absl::StrContains(answered->answer, "RTP/AVP 0 101")) << answered->answer;
  const std::string m_line = answered->answer.substr(answered->answer.find("m=audio"), 20);
  ASSERT_TRUE(engine_->PlayPrompt(answered->call, PromptId::kGoodbye, PromptLanguage::kGerman).ok());
  std::vector<uint32_t> before;
  ASSERT_TRUE(PumpUntil([&] {
    for (uint32_t s : phone.DrainSsrcs()) before.push_back(s);
    return before.size() >= 10;
  }));
  const uint32_t ssrc = before.front();
  ASSERT_TRUE(PumpUntil([&] {
    for (const CallEvent& e : events_) {
      if (e.type == CallEvent::Type::kPromptsDone && e.call == answered->call) return true;
    }
    return false;
  }));

  // Into a room whose worker may be the other one (rooms alternate).
  std::vector<ParticipantId> guests;
  for (int i = 0; i < 2; ++i) {
    PhoneGuestJoin join;
    join.pin = PublicRoom(absl::StrCat("room ", i));
    join.caller = absl::StrCat("+49301234", i);
    join.source = "127.0.0.1";
    auto joined = rooms_->JoinAsPhoneGuest(join);
    ASSERT_TRUE(joined.ok()) << joined.status();
    guests.push_back(joined->participant);
  }
  ASSERT_TRUE(engine_->AdmitCall(answered->call, guests[1]).ok());
  EXPECT_EQ(engine_->AdmitCall(answered->call, guests[0]).code(), absl::StatusCode::kNotFound)
      << "a call is admitted once";
  ASSERT_TRUE(PumpUntil([&] { return engine_->GetStats(guests[1]).ok(); }));
  (void)phone.DrainSsrcs();
  std::vector<uint32_t> after;
  ASSERT_TRUE(PumpUntil([&] {
    for (uint32_t s : phone.DrainSsrcs()) after.push_back(s);
    return after.size() >= 10;  // the waiting sound, from the room's mixer
  }));
  for (uint32_t s : after) EXPECT_EQ(s, ssrc) << "the phone sees one stream";
  // A re-offer goes to the participant's leg: the same port.
  auto hold = engine_->ConnectRtp(guests[1], phone.Offer() + "a=sendonly\r\n");
  ASSERT_TRUE(hold.ok()) << hold.status();
  EXPECT_TRUE(absl::StrContains(*hold, m_line)) << *hold;
  EXPECT_TRUE(absl::StrContains(*hold, "a=recvonly")) << *hold;
  ASSERT_TRUE(engine_->ConnectRtp(guests[1], phone.Offer()).ok());

  // The participant is kicked: the leg is the call again.
  ASSERT_TRUE(rooms_->Leave(guests[1]).ok());
  EXPECT_FALSE(engine_->GetStats(guests[1]).ok());
  events_.clear();
  ASSERT_TRUE(engine_->PlayPrompt(answered->call, PromptId::kRemoved, PromptLanguage::kEnglish).ok());
  ASSERT_TRUE(PumpUntil([&] {
    for (const CallEvent& e : events_) {
      if (e.type == CallEvent::Type::kPromptsDone) return true;
    }
    return false;
  }));
  ASSERT_TRUE(engine_->HangUpCall(answered->call).ok());
  EXPECT_EQ(engine_->HangUpCall(answered->call).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->GetTotals().peers, 0);
}

TEST_F(CallsTest, AKickWhileTheLegMovesIntoTheRoomLeavesItTheCallForItsLastPrompt) {
  PhoneSocket phone;
  auto answered = engine_->AnswerCall(phone.Offer());
  ASSERT_TRUE(answered.ok()) << answered.status();
  std::vector<uint32_t> before;
  ASSERT_TRUE(PumpUntil([&] {
    for (uint32_t s : phone.DrainSsrcs()) before.push_back(s);
    return !before.empty();
  }));
  PhoneGuestJoin join;
  join.pin = PublicRoom("room");
  join.caller = "+493012340";
  join.source = "127.0.0.1";
  auto joined = rooms_->JoinAsPhoneGuest(join);
  ASSERT_TRUE(joined.ok()) << joined.status();

  // Admitted, and kicked before the worker's release reached the control
  // plane (nothing ran on the queue in between).
  ASSERT_TRUE(engine_->AdmitCall(answered->call, joined->participant).ok());
  ASSERT_TRUE(rooms_->Leave(joined->participant).ok());
  events_.clear();
  ASSERT_TRUE(engine_->PlayPrompt(answered->call, PromptId::kRemoved, PromptLanguage::kEnglish).ok())
      << "the call is still there for its last prompt";
  (void)phone.DrainSsrcs();
  std::vector<uint32_t> after;
  ASSERT_TRUE(PumpUntil([&] {
    for (uint32_t s : phone.DrainSsrcs()) after.push_back(s);
    for (const CallEvent& e : events_) {
      if (e.type == CallEvent::Type::kPromptsDone && e.call == answered->call) return true;
    }
    return false;
  })) << "the prompt played to its end";
  ASSERT_GE(after.size(), 10u) << "the prompt reached the phone";
  for (uint32_t s : after) EXPECT_EQ(s, before.front()) << "the same stream";
  EXPECT_FALSE(engine_->GetStats(joined->participant).ok()) << "never a leg in the room";
  ASSERT_TRUE(engine_->HangUpCall(answered->call).ok());
  ASSERT_TRUE(PumpUntil([&] { return engine_->GetTotals().peers == 0; }));
}

TEST_F(CallsTest, AnInviteWithoutSdpGetsOurOfferAndTheAnswerStartsTheCall) {
  PhoneSocket phone;
  auto offered = engine_->OfferCall();
  ASSERT_TRUE(offered.ok()) << offered.status();
  EXPECT_TRUE(absl::StrContains(offered->offer, "m=audio ")) << offered->offer;
  EXPECT_EQ(engine_->PlayPrompt(offered->call, PromptId::kEnterPin, PromptLanguage::kEnglish).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine_->AcceptCallAnswer(offered->call, "v=0\r\nnonsense").code(),
            absl::StatusCode::kInvalidArgument);
  std::string answer = phone.Offer();  // an answer has the same shape here
  ASSERT_TRUE(engine_->AcceptCallAnswer(offered->call, answer).ok());
  ASSERT_TRUE(engine_->PlayPrompt(offered->call, PromptId::kEnterPin, PromptLanguage::kEnglish).ok());
  size_t packets = 0;
  ASSERT_TRUE(PumpUntil([&] {
    packets += phone.DrainSsrcs().size();
    return packets >= 5;
  }));
  EXPECT_EQ(engine_->AcceptCallAnswer(offered->call, answer).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(engine_->HangUpCall(offered->call).ok());
}

TEST_F(CallsTest, BadArgumentsAreRefusedAndNameWhatIsWrong) {
  EXPECT_EQ(engine_->AnswerCall("v=0\r\n").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->HangUpCall(CallId{99}).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->UpdateCall(CallId{99}, "v=0").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->AdmitCall(CallId{99}, ParticipantId{1}).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->PlayPrompt(CallId{99}, static_cast<PromptId>(200), PromptLanguage::kEnglish)
                .code(),
            absl::StatusCode::kInvalidArgument);
  PhoneSocket phone;
  auto answered = engine_->AnswerCall(phone.Offer());
  ASSERT_TRUE(answered.ok());
  EXPECT_EQ(engine_->AdmitCall(answered->call, ParticipantId{12345}).code(),
            absl::StatusCode::kNotFound);  // no such participant: the call stays
  EXPECT_TRUE(engine_->PlayPrompt(answered->call, PromptId::kReminder, PromptLanguage::kEnglish).ok());
  EXPECT_EQ(engine_->PlayPrompt(ParticipantId{12345}, PromptId::kReminder, PromptLanguage::kEnglish)
                .code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace konfero
