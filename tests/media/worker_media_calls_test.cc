// Tests of the phone calls of media/worker_media.h (worker_media_calls.cc)
// without sockets: a call answered before it is in a room hears prompts
// (real speech, not the room) and reports its digits and the end of its
// prompts; released and adopted, it is a participant of a room that hears
// and is heard; returned to a call when it leaves, it hears prompts again.
#include <variant>

#include "media/worker_media_fixture.h"
#include "prompts/prompts.h"

namespace konfero::media::testing {
namespace {

constexpr CallId kCall{7};

class WorkerMediaCallsTest : public WorkerMediaTest {
 protected:
  // A PCMU call from `address` (no sockets).
  void AddCallFrom(const Phone& phone) {
    AddCall add;
    add.call = kCall;
    add.setup.params.codec = audio::Codec::kPcmu;
    add.setup.params.payload_type = 0;
    add.setup.params.telephone_event_pt = 101;
    add.setup.params.remote_rtp = phone.address;
    add.setup.params.remote_rtcp =
        *net::IpEndpoint::Parse("192.0.2.20", static_cast<uint16_t>(phone.address.port() + 1));
    add.setup.params.local_ssrc = 0xCA11;
    add.counters = std::make_shared<LegCounters>(LegKind::kPlainRtp);
    call_counters_ = add.counters;
    worker_.Apply(std::move(add));
  }

  std::vector<CallEvent> CallEvents(CallEvent::Type type) const {
    std::vector<CallEvent> out;
    for (const MediaReport& r : reports_.reports) {
      if (const auto* c = std::get_if<CallReport>(&r); c && c->event.type == type) {
        out.push_back(c->event);
      }
    }
    return out;
  }

  // Ticks with the caller talking its tone into the call's leg.
  void RunCall(Phone& caller, int ticks) {
    for (int i = 0; i < ticks; ++i) {
      if (RtpLeg* leg = worker_.FindCallLeg(kCall); leg != nullptr && caller.freq > 0) {
        std::array<int16_t, kSamplesPerFrame> pcm{};
        for (int16_t& s : pcm) {
          s = static_cast<int16_t>(std::lround(8000 * std::sin(caller.phase)));
          caller.phase += 2 * std::numbers::pi * caller.freq / kPhoneRate;
        }
        std::vector<uint8_t> payload(kSamplesPerFrame);
        audio::g711::EncodeMuLaw(pcm.data(), payload.data(), pcm.size());
        leg->HandleDatagram(plain_rtp::Socket::kRtp,
                            RtpPacket(0, caller.sequence++, caller.timestamp, caller.ssrc, payload),
                            caller.address);
        caller.timestamp += kSamplesPerFrame;
      }
      Run(1);
    }
  }

  std::shared_ptr<LegCounters> call_counters_;
};

TEST_F(WorkerMediaCallsTest, ACallHearsItsPromptNotTheRoomAndIsToldWhenItEnds) {
  AddPhone(kToneA);  // a room next door talks
  Phone& neighbour = AddPhone(0);
  Phone caller;
  caller.address = PhoneAddress(9);
  caller.ssrc = 0x9999;
  AddCallFrom(caller);
  ASSERT_NE(worker_.FindCallLeg(kCall), nullptr);
  EXPECT_EQ(worker_.leg_count(), 2);  // a call is no room's leg
  PlayPrompt play;
  play.call = kCall;
  play.prompt = PromptId::kGoodbye;
  play.language = PromptLanguage::kEnglish;
  worker_.Apply(play);
  const int64_t prompt_ms =
      prompts::GetPrompt(PromptId::kGoodbye, PromptLanguage::kEnglish).duration_ms();
  const int prompt_frames = static_cast<int>(prompt_ms / 20);
  Run(prompt_frames - 2);
  EXPECT_TRUE(CallEvents(CallEvent::Type::kPromptsDone).empty());
  Run(5);
  ASSERT_EQ(CallEvents(CallEvent::Type::kPromptsDone).size(), 1u);
  const std::vector<int16_t> heard = Heard(caller);
  // Every tick sent a frame: the prompt, then silence.
  EXPECT_GE(heard.size(), static_cast<size_t>(prompt_frames + 3) * kSamplesPerFrame);
  EXPECT_GT(Rms(heard), 300.0);  // speech
  // Not the room: its tone is loud for the neighbour and at the level of
  // speech's own 400 Hz content in the call.
  const double room_level = ToneAmplitude(Heard(neighbour, 20), kToneA);
  EXPECT_GT(room_level, kHeard);
  EXPECT_LT(ToneAmplitude(heard, kToneA), room_level / 10);
  Run(20);
  EXPECT_LT(Rms(Heard(caller, 15)), 5.0);  // silence after it
  EXPECT_EQ(CallEvents(CallEvent::Type::kPromptsDone).size(), 1u);
}

TEST_F(WorkerMediaCallsTest, DigitsOfACallAreReportedWithItsId) {
  Phone caller;
  caller.address = PhoneAddress(9);
  caller.ssrc = 0x9999;
  AddCallFrom(caller);
  RtpLeg* leg = worker_.FindCallLeg(kCall);
  ASSERT_NE(leg, nullptr);
  // RFC 4733 '5': three packets of one event, the end repeated.
  for (int i = 0; i < 4; ++i) {
    std::vector<uint8_t> event(4);
    dtmf::TelephoneEvent e;
    e.event = 5;
    e.end = i >= 1;
    e.volume = 10;
    e.duration = static_cast<uint16_t>(160 * (i + 1));
    ASSERT_EQ(dtmf::WriteTelephoneEvent(e, absl::MakeSpan(event)), 4u);
    leg->HandleDatagram(plain_rtp::Socket::kRtp,
                        RtpPacket(101, static_cast<uint16_t>(i), 1000, 0x9999, event, i == 0),
                        caller.address);
  }
  const std::vector<CallEvent> digits = CallEvents(CallEvent::Type::kDigit);
  ASSERT_EQ(digits.size(), 1u);
  EXPECT_EQ(digits[0].call, kCall);
  EXPECT_EQ(digits[0].digit, '5');
}

TEST_F(WorkerMediaCallsTest, AReleasedCallIsAdoptedIntoARoomAndReturnsWhenItLeaves) {
  Phone& talker = AddPhone(kToneA);
  Phone caller;
  caller.id = ParticipantId{500};
  caller.address = PhoneAddress(9);
  caller.ssrc = 0x9999;
  caller.freq = kToneB;
  AddCallFrom(caller);
  RunCall(caller, 10);
  EXPECT_LT(ToneAmplitude(Heard(talker, 5), kToneB), kNotHeard);  // not in the room yet

  worker_.Apply(ReleaseCall{kCall});
  EXPECT_EQ(worker_.FindCallLeg(kCall), nullptr);
  std::shared_ptr<std::unique_ptr<RtpLeg>> released;
  for (const MediaReport& r : reports_.reports) {
    if (const auto* c = std::get_if<CallReleased>(&r)) released = c->leg;
  }
  ASSERT_NE(released, nullptr);
  ASSERT_NE(*released, nullptr);
  AdoptRtpLeg adopt;
  adopt.participant = caller.id;
  adopt.room = kRoom;
  adopt.leg = released;
  adopt.counters = call_counters_;
  worker_.Apply(std::move(adopt));
  ASSERT_NE(worker_.FindLeg(caller.id), nullptr);
  EXPECT_EQ(worker_.FindLeg(caller.id)->room(), kRoom);
  phones_.push_back(std::make_unique<Phone>(caller));  // Run() makes it talk now
  Run(60);
  EXPECT_GT(ToneAmplitude(Heard(talker, 30), kToneB), kHeard);
  EXPECT_GT(ToneAmplitude(Heard(*phones_.back(), 30), kToneA), kHeard);

  // It leaves the room: its leg is the call again, for a last prompt.
  worker_.Apply(ReturnToCall{caller.id, kCall});
  EXPECT_EQ(worker_.FindLeg(caller.id), nullptr);
  ASSERT_NE(worker_.FindCallLeg(kCall), nullptr);
  PlayPrompt play;
  play.call = kCall;
  play.prompt = PromptId::kRemoved;
  worker_.Apply(play);
  const size_t before = Heard(caller).size();
  Run(25);
  const std::vector<int16_t> after = Heard(caller);
  ASSERT_GT(after.size(), before);
  EXPECT_GT(Rms({after.begin() + static_cast<ptrdiff_t>(before), after.end()}), 300.0);
  worker_.Apply(HangUpCall{kCall});
  EXPECT_EQ(worker_.FindCallLeg(kCall), nullptr);
}

TEST_F(WorkerMediaCallsTest, APromptToAnAdmittedPhoneReplacesTheMixWhileItPlays) {
  AddPhone(kToneA);
  Phone& listener = AddPhone(0);
  Run(20);
  EXPECT_GT(ToneAmplitude(Heard(listener, 10), kToneA), kHeard);
  PlayPrompt play;
  play.participant = listener.id;
  play.prompt = PromptId::kConferenceEnded;
  worker_.Apply(play);
  Run(25);
  const std::vector<int16_t> during = Heard(listener, 20);
  EXPECT_LT(ToneAmplitude(during, kToneA), kNotHeard);
  EXPECT_GT(Rms(during), 300.0);
  const int64_t ms =
      prompts::GetPrompt(PromptId::kConferenceEnded, PromptLanguage::kEnglish).duration_ms();
  Run(static_cast<int>(ms / 20) + 20);
  EXPECT_GT(ToneAmplitude(Heard(listener, 10), kToneA), kHeard);  // the room again
}

}  // namespace
}  // namespace konfero::media::testing
