// Tests of dial_in::DialInCore, the sans-I/O SIP dial-in: SIP text in (as
// sipp sends it), SIP text out through a fake network, an in-memory
// RoomService with a public room, and a real Engine on 127.0.0.1 (wrapped
// to record the prompts and calls). The engine's own reports (digits,
// prompts done) are fed by the test with OnCallEvent.
#include "dial_in/dial_in_core.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dial_in/recording_engine.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/executor.h"
#include "konfero/room_service.h"
#include "sip/headers.h"
#include "sip/parser.h"
#include "testing/loopback_engine_fixture.h"

namespace konfero::dial_in {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr std::string_view kDialled = "+49305550100";  // the dial-in number, "+49 30 555 0100"
constexpr std::string_view kCallerNumber = "+4930123454567";

// The RTP/AVP offer of sipp's uac_pin.xml: PCMU and telephone-event.
constexpr std::string_view kSippOffer =
    "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\n"
    "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\na=ptime:20\r\n";

class FakeNetwork final : public DialInCore::Network {
 public:
  struct Datagram {
    std::string bytes;
    sip::Destination to;
  };
  void Send(std::string bytes, const sip::Destination& to) override {
    sent.push_back({std::move(bytes), to});
  }
  std::vector<Datagram> sent;
};

sip::Destination Udp(std::string_view address, uint16_t port) {
  sip::Destination d;
  d.transport = sip::Transport::kUdp;
  d.endpoint = *net::IpEndpoint::Parse(address, port);
  return d;
}

// One sipp-like user agent: its dialog identifiers and counters.
struct Caller {
  std::string user{kCallerNumber};
  std::string dialled{kDialled};
  std::string call_id = "1-4242@127.0.0.1";
  std::string from_tag = "4242SIPpTag001";
  std::string to_tag;  // ours, from the 200
  std::string invite_branch;
  int cseq = 1;
  int branches = 0;

  // Unique per caller (its Call-ID) and per request.
  std::string NewBranch() {
    return "z9hG4bK-" + call_id.substr(0, call_id.find('@')) + "-" + std::to_string(++branches);
  }

  // A request as sipp writes it; in the dialog once to_tag is known.
  std::string Text(std::string_view method, int number, std::string_view branch,
                   std::string_view extra = "", std::string_view content_type = "",
                   std::string_view body = "") const {
    const bool in_dialog = !to_tag.empty();
    std::string text(method);
    text += " ";
    text += in_dialog ? "sip:konfero@127.0.0.1:5060" : "sip:" + dialled + "@127.0.0.1:5060";
    text += " SIP/2.0\r\n";
    text += "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=" + std::string(branch) + "\r\n";
    text += "From: \"Caller\" <sip:" + user + "@127.0.0.1:5070>;tag=" + from_tag + "\r\n";
    text += "To: <sip:" + dialled + "@127.0.0.1:5060>" + (in_dialog ? ";tag=" + to_tag : "") + "\r\n";
    text += "Call-ID: " + call_id + "\r\n";
    text += "CSeq: " + std::to_string(number) + " " + std::string(method) + "\r\n";
    text += "Contact: <sip:" + user + "@127.0.0.1:5070;transport=UDP>\r\n";
    text += "Max-Forwards: 70\r\n";
    text += "User-Agent: SIPp\r\n";
    text += extra;
    if (!content_type.empty()) text += "Content-Type: " + std::string(content_type) + "\r\n";
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    text += body;
    return text;
  }

  std::string Invite(std::string_view extra = "", std::string_view sdp = kSippOffer) {
    invite_branch = NewBranch();
    return Text("INVITE", cseq, invite_branch, extra, sdp.empty() ? "" : "application/sdp", sdp);
  }
  // A new request in the dialog (a new CSeq and branch).
  std::string Next(std::string_view method, std::string_view extra = "",
                   std::string_view content_type = "", std::string_view body = "") {
    return Text(method, ++cseq, NewBranch(), extra, content_type, body);
  }
  std::string AckOf200(std::string_view content_type = "", std::string_view body = "") {
    return Text("ACK", cseq, NewBranch(), "", content_type, body);
  }
};

std::string Header(const sip::SipMessage& m, std::string_view name) {
  return std::string(m.Get(name).value_or(""));
}

std::string CSeqMethod(const sip::SipMessage& m) {
  absl::StatusOr<sip::CSeq> cseq = sip::ParseCSeq(Header(m, "CSeq"));
  return cseq.ok() ? std::string(cseq->method) : "";
}

std::string ToTag(const sip::SipMessage& m) {
  absl::StatusOr<sip::NameAddr> to = sip::ParseNameAddr(Header(m, "To"));
  if (!to.ok()) return "";
  return std::string(to->Param("tag").value_or(""));
}

// "200 INVITE", "BYE", ...: what was sent, briefly, for failure messages
// and exact sequences.
std::string Brief(const sip::SipMessage& m) {
  if (m.is_request()) return m.method();
  return std::to_string(m.status()) + " " + CSeqMethod(m);
}

class DialInCoreTest : public test_support::LoopbackEngineTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenRoomsAsAlice());
    // Alice's bootstrap and login publish nothing: events_ sees all from the room on.
    subscription_ = rooms_->Subscribe(std::nullopt, [this](const Event& e) { events_.push_back(e); });
    ASSERT_NO_FATAL_FAILURE(OpenPublicRoom("Phones"));
    ASSERT_FALSE(pin_.empty());

    ASSERT_NO_FATAL_FAILURE(StartEngine(/*workers=*/1));
    recorder_ = std::make_unique<dial_in_test::RecordingEngine>(*engine_);

    DialInNumber number;
    number.number = "+49 30 555 0100";
    options_.numbers.push_back(number);
    options_.executor = queue_.get();
    MakeCore(options_);
  }

  void TearDown() override {
    core_.reset();
    if (rooms_) rooms_->Unsubscribe(subscription_);
  }

  void MakeCore(const DialInOptions& options) {
    absl::StatusOr<NumberPlan> plan = NumberPlan::Create(options);
    ASSERT_TRUE(plan.ok()) << plan.status();
    core_ = std::make_unique<DialInCore>(*rooms_, *recorder_, options, *std::move(plan), network_,
                                         DialInCore::LocalAddress{"127.0.0.1:5060"});
  }

  void Receive(const std::string& text) { Receive(text, peer_); }
  void Receive(const std::string& text, const sip::Destination& from) {
    core_->OnDatagram(text, from, now_);
  }
  void Tick(int64_t us = 20'000) {
    now_ += us;
    core_->OnTimer(now_);
  }
  void Report(CallId call, CallEvent::Type type, char digit = 0) {
    CallEvent e;
    e.call = call;
    e.type = type;
    e.digit = digit;
    core_->OnCallEvent(e, now_);
  }
  // The engine's report that the call's prompt queue has played out: it
  // counts the prompts the call got (from recorder_->prompts[since] on:
  // since it last became a call), less `stale` for a report that a later
  // prompt overtook.
  void PromptsDone(CallId call, size_t since = 0, uint64_t stale = 0) {
    CallEvent e;
    e.call = call;
    e.type = CallEvent::Type::kPromptsDone;
    for (size_t i = since; i < recorder_->prompts.size(); ++i) {
      if (recorder_->prompts[i].call == call && recorder_->prompts[i].ok) ++e.prompts_played;
    }
    e.prompts_played -= stale;
    core_->OnCallEvent(e, now_);
  }
  void Digits(CallId call, std::string_view digits) {
    for (char d : digits) Report(call, CallEvent::Type::kDigit, d);
  }

  // What was sent since the last call, parsed.
  std::vector<sip::SipMessage> Sent() {
    std::vector<sip::SipMessage> out;
    for (const FakeNetwork::Datagram& d : network_.sent) {
      absl::StatusOr<sip::SipMessage> m = sip::Parse(d.bytes);
      EXPECT_TRUE(m.ok()) << m.status() << "\n" << d.bytes;
      if (m.ok()) out.push_back(*std::move(m));
      last_to_ = d.to;
    }
    network_.sent.clear();
    return out;
  }
  std::vector<std::string> SentBrief() {
    std::vector<std::string> out;
    for (const sip::SipMessage& m : Sent()) out.push_back(Brief(m));
    return out;
  }

  // INVITE (with the sipp offer), the 200 on the next tick, the ACK: an
  // answered call in the PIN prompt. Returns the 200.
  sip::SipMessage Establish(Caller& caller, std::string_view extra = "") {
    Receive(caller.Invite(extra));
    EXPECT_THAT(SentBrief(), ElementsAre("100 INVITE"));
    Tick();
    std::vector<sip::SipMessage> sent = Sent();
    EXPECT_EQ(sent.size(), 1u);
    if (sent.empty()) return {};
    EXPECT_EQ(sent[0].status(), 200) << sip::Serialize(sent[0]);
    caller.to_tag = ToTag(sent[0]);
    EXPECT_FALSE(caller.to_tag.empty());
    Receive(caller.AckOf200());
    EXPECT_THAT(SentBrief(), IsEmpty()) << "an ACK gets no answer";
    return sent[0];
  }
  CallId LastCall() const {
    EXPECT_FALSE(recorder_->calls.empty());
    return recorder_->calls.empty() ? CallId{} : recorder_->calls.back();
  }

  std::vector<ParticipantInfo> Participants() {
    auto room = rooms_->GetRoom(session_, room_);
    EXPECT_TRUE(room.ok()) << room.status();
    return room.ok() ? room->participants : std::vector<ParticipantInfo>{};
  }
  std::optional<ParticipantInfo> PhoneGuest() {
    for (const ParticipantInfo& p : Participants()) {
      if (p.role == ParticipantRole::kPhoneGuest) return p;
    }
    return std::nullopt;
  }
  std::string WrongPin() const {
    std::string wrong = pin_;
    wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
    return wrong;
  }
  // Runs the engine's reports until `done` (the workers are threads).
  bool RunEngineUntil(const std::function<bool()>& done) {
    for (int i = 0; i < 1000 && !done(); ++i) queue_->Wait(absl::Milliseconds(10));
    return done();
  }

  std::vector<konfero::Event> events_;
  SubscriptionId subscription_{};
  std::unique_ptr<dial_in_test::RecordingEngine> recorder_;
  FakeNetwork network_;
  DialInOptions options_;
  std::unique_ptr<DialInCore> core_;
  int64_t now_ = 1'000'000'000;
  sip::Destination peer_ = Udp("127.0.0.1", 5070);
  sip::Destination last_to_;
};

TEST_F(DialInCoreTest, APhoneCallsTypesThePinJoinsAsAGuestAndHangsUp) {
  Caller caller;
  Receive(caller.Invite("Supported: timer\r\nSession-Expires: 1800\r\n"));
  std::vector<sip::SipMessage> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].status(), 100);
  EXPECT_EQ(Header(sent[0], "Call-ID"), caller.call_id);
  EXPECT_EQ(last_to_, peer_);
  EXPECT_EQ(core_->stats().calls_answering, 1);
  EXPECT_THAT(recorder_->prompts, IsEmpty()) << "nothing plays before the answer";

  Tick();
  sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  const sip::SipMessage& ok = sent[0];
  ASSERT_EQ(ok.status(), 200) << sip::Serialize(ok);
  EXPECT_EQ(CSeqMethod(ok), "INVITE");
  EXPECT_EQ(last_to_, peer_);
  caller.to_tag = ToTag(ok);
  EXPECT_FALSE(caller.to_tag.empty());
  EXPECT_EQ(Header(ok, "Contact"), "<sip:konfero@127.0.0.1:5060>");
  EXPECT_EQ(Header(ok, "Content-Type"), "application/sdp");
  EXPECT_THAT(ok.body, HasSubstr("m=audio "));
  EXPECT_THAT(ok.body, HasSubstr(" RTP/AVP 0 101"));
  EXPECT_THAT(ok.body, HasSubstr("a=rtpmap:101 telephone-event/8000"));
  EXPECT_THAT(Header(ok, "Session-Expires"), StartsWith("1800"));
  EXPECT_THAT(Header(ok, "Session-Expires"), HasSubstr("refresher="));
  EXPECT_THAT(Header(ok, "Require"), HasSubstr("timer"));
  EXPECT_THAT(Header(ok, "Allow"), HasSubstr("INFO"));
  ASSERT_EQ(recorder_->calls.size(), 1u);
  const CallId call = recorder_->calls[0];
  ASSERT_EQ(recorder_->prompts.size(), 1u);
  EXPECT_EQ(recorder_->prompts[0].call, call);
  EXPECT_EQ(recorder_->prompts[0].prompt, PromptId::kEnterPin);
  EXPECT_TRUE(recorder_->prompts[0].ok);
  EXPECT_EQ(core_->stats().calls_pin, 1);

  Receive(caller.AckOf200());
  EXPECT_THAT(SentBrief(), IsEmpty());
  Tick(2'000'000);
  EXPECT_THAT(SentBrief(), IsEmpty()) << "the 200 is not retransmitted once ACKed";

  Digits(call, pin_ + "#");
  EXPECT_THAT(SentBrief(), IsEmpty());
  std::optional<ParticipantInfo> guest = PhoneGuest();
  ASSERT_TRUE(guest.has_value()) << "the caller is not in the room";
  EXPECT_EQ(guest->display_name, MaskCallerId(kCallerNumber));
  EXPECT_EQ(guest->display_name, "Phone \xe2\x80\xa6" "4567");
  ASSERT_EQ(recorder_->admitted.size(), 1u);
  EXPECT_EQ(recorder_->admitted[0].first, call);
  EXPECT_EQ(recorder_->admitted[0].second, guest->id);
  EXPECT_EQ(core_->stats().calls_in_conference, 1);
  EXPECT_EQ(core_->stats().pin_failures, 0u);

  Receive(caller.Next("BYE"));
  sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(Brief(sent[0]), "200 BYE");
  EXPECT_EQ(ToTag(sent[0]), caller.to_tag);
  EXPECT_FALSE(PhoneGuest().has_value()) << "the guest is still in the room";
  EXPECT_EQ(core_->stats().calls_in_conference, 0);
  EXPECT_EQ(core_->stats().calls_total, 1u);
  // A BYE retransmission is answered by its transaction, the call is gone.
  Receive(caller.Text("BYE", caller.cseq, "z9hG4bK-1-4242-" + std::to_string(caller.branches)));
  EXPECT_THAT(SentBrief(), ElementsAre("200 BYE"));
}

TEST_F(DialInCoreTest, TheOkIsRetransmittedUntilTheAck) {
  Caller caller;
  Receive(caller.Invite());
  Tick();
  std::vector<sip::SipMessage> sent = Sent();
  ASSERT_THAT(sent.size(), 2u);  // 100, 200
  Tick(600'000);
  EXPECT_THAT(SentBrief(), ElementsAre("200 INVITE"));
  caller.to_tag = ToTag(sent[1]);
  Receive(caller.AckOf200());
  Tick(5'000'000);
  Tick(5'000'000);
  EXPECT_THAT(SentBrief(), IsEmpty());
}

TEST_F(DialInCoreTest, ThreeWrongPinsSayGoodbyeAndTheCoreHangsUp) {
  Caller caller;
  Establish(caller);
  const CallId call = LastCall();
  for (int i = 0; i < 3; ++i) Digits(call, WrongPin() + "#");
  EXPECT_THAT(recorder_->PromptIds(), ElementsAre(PromptId::kEnterPin, PromptId::kWrongPin,
                                                  PromptId::kWrongPin, PromptId::kGoodbye));
  EXPECT_TRUE(recorder_->prompts.back().interrupt);
  EXPECT_EQ(core_->stats().pin_failures, 3u);
  EXPECT_FALSE(PhoneGuest().has_value());
  EXPECT_THAT(SentBrief(), IsEmpty()) << "goodbye plays before the BYE";
  // The end of the queue before goodbye joined it: stale, ignored.
  PromptsDone(call, 0, /*stale=*/1);
  EXPECT_THAT(SentBrief(), IsEmpty());

  PromptsDone(call);
  std::vector<sip::SipMessage> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  const sip::SipMessage& bye = sent[0];
  ASSERT_TRUE(bye.is_request());
  EXPECT_EQ(bye.method(), "BYE");
  EXPECT_EQ(bye.request_uri(), "sip:" + std::string(kCallerNumber) + "@127.0.0.1:5070;transport=UDP");
  EXPECT_EQ(Header(bye, "Call-ID"), caller.call_id);
  EXPECT_EQ(ToTag(bye), caller.from_tag);
  absl::StatusOr<sip::NameAddr> from = sip::ParseNameAddr(Header(bye, "From"));
  ASSERT_TRUE(from.ok());
  EXPECT_EQ(from->Param("tag").value_or(""), caller.to_tag);
  EXPECT_THAT(Header(bye, "Via"), StartsWith("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK"));
  EXPECT_EQ(last_to_, peer_);
  EXPECT_EQ(core_->stats().calls_pin, 0);
  EXPECT_THAT(recorder_->hung_up, ElementsAre(call));

  // The caller's 200 to our BYE ends our transaction; nothing more is sent.
  sip::SipMessage ok = sip::MakeResponse(bye, 200, "OK");
  Receive(sip::Serialize(ok));
  Tick(40'000'000);
  EXPECT_THAT(SentBrief(), IsEmpty());
  // More digits for the call are ignored.
  Digits(call, pin_ + "#");
  EXPECT_FALSE(PhoneGuest().has_value());
}

TEST_F(DialInCoreTest, GoodbyeHangsUpAfterTheGraceWithoutPromptsDone) {
  Caller caller;
  Establish(caller);
  const CallId call = LastCall();
  for (int i = 0; i < 3; ++i) Digits(call, WrongPin() + "#");
  Tick(7'900'000);
  EXPECT_THAT(SentBrief(), IsEmpty());
  Tick(200'000);  // past the 8 s grace
  EXPECT_THAT(SentBrief(), ElementsAre("BYE"));
}

TEST_F(DialInCoreTest, SilenceGetsAReminderThenGoodbye) {
  Caller caller;
  Establish(caller);
  const CallId call = LastCall();
  PromptsDone(call);  // the welcome has played
  Tick(19'000'000);
  EXPECT_THAT(recorder_->PromptIds(), ElementsAre(PromptId::kEnterPin));
  Tick(1'000'000);
  EXPECT_THAT(recorder_->PromptIds(), ElementsAre(PromptId::kEnterPin, PromptId::kReminder));
  PromptsDone(call);
  Tick(20'000'000);
  EXPECT_THAT(recorder_->PromptIds(),
              ElementsAre(PromptId::kEnterPin, PromptId::kReminder, PromptId::kGoodbye));
  EXPECT_THAT(SentBrief(), IsEmpty());
  PromptsDone(call);
  EXPECT_THAT(SentBrief(), ElementsAre("BYE"));
}

TEST_F(DialInCoreTest, OptionsIsAnsweredWithTheCapabilities) {
  Caller caller;
  Receive(caller.Text("OPTIONS", 1, caller.NewBranch(), "Accept: application/sdp\r\n"));
  std::vector<sip::SipMessage> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(Brief(sent[0]), "200 OPTIONS");
  const std::string allow = Header(sent[0], "Allow");
  for (std::string_view method : {"INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "INFO", "UPDATE"}) {
    EXPECT_THAT(allow, HasSubstr(method));
  }
  EXPECT_THAT(Header(sent[0], "Supported"), HasSubstr("timer"));
  EXPECT_FALSE(ToTag(sent[0]).empty());
  EXPECT_EQ(last_to_, peer_);
}

TEST_F(DialInCoreTest, RequestsOfAnUnknownDialogGet481) {
  Caller caller;
  caller.to_tag = "no-such-dialog";
  Receive(caller.Next("BYE"));
  EXPECT_THAT(SentBrief(), ElementsAre("481 BYE"));
  Receive(caller.Next("INFO", "", "application/dtmf-relay", "Signal=1\r\n"));
  EXPECT_THAT(SentBrief(), ElementsAre("481 INFO"));
  // Out of the dialog, BYE and INFO have nothing to refer to either.
  caller.to_tag.clear();
  Receive(caller.Next("BYE"));
  EXPECT_THAT(SentBrief(), ElementsAre("481 BYE"));
  Receive(caller.Next("MESSAGE", "", "text/plain", "hello"));
  std::vector<sip::SipMessage> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(Brief(sent[0]), "405 MESSAGE");
  EXPECT_THAT(Header(sent[0], "Allow"), HasSubstr("INVITE"));
}

TEST_F(DialInCoreTest, AnUnsupportedRequireGets420NamingIt) {
  Caller caller;
  Receive(caller.Invite("Require: foo\r\n"));
  std::vector<sip::SipMessage> sent = Sent();
  ASSERT_EQ(sent.size(), 1u) << "no 100 Trying before the final answer";
  EXPECT_EQ(Brief(sent[0]), "420 INVITE");
  EXPECT_EQ(Header(sent[0], "Unsupported"), "foo");
  // "timer" is supported; only the others are named.
  Caller second;
  second.call_id = "2-4242@127.0.0.1";
  Receive(second.Invite("Supported: timer\r\nRequire: timer, 100rel\r\n"));
  sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(Brief(sent[0]), "420 INVITE");
  EXPECT_EQ(Header(sent[0], "Unsupported"), "100rel");
  Tick();
  EXPECT_THAT(SentBrief(), IsEmpty());
  EXPECT_THAT(recorder_->calls, IsEmpty()) << "no media for a refused call";
}

TEST_F(DialInCoreTest, AnUnknownNumberGets404) {
  Caller caller;
  caller.dialled = "+4930999999";
  Receive(caller.Invite());
  EXPECT_THAT(SentBrief(), ElementsAre("404 INVITE"));
  Tick();
  EXPECT_THAT(SentBrief(), IsEmpty());
  EXPECT_THAT(recorder_->calls, IsEmpty());
  EXPECT_EQ(core_->stats().calls_rejected, 1u);
  EXPECT_EQ(core_->stats().calls_answering, 0);
}

TEST_F(DialInCoreTest, ASourceOutsideTheTrunksGets403) {
  DialInOptions options = options_;
  SipTrunk trunk;
  trunk.name = "pbx";
  trunk.allow = {"192.0.2.0/24"};
  options.trunks.push_back(trunk);
  MakeCore(options);
  Caller caller;
  Receive(caller.Invite());
  EXPECT_THAT(SentBrief(), ElementsAre("403 INVITE"));
  EXPECT_THAT(recorder_->calls, IsEmpty());
  EXPECT_EQ(core_->stats().calls_rejected, 1u);
  // From the trunk's network, the call is taken.
  Caller from_pbx;
  from_pbx.call_id = "2-4242@192.0.2.10";
  Receive(from_pbx.Invite(), Udp("192.0.2.10", 5060));
  EXPECT_THAT(SentBrief(), ElementsAre("100 INVITE"));
  Tick();
  EXPECT_THAT(SentBrief(), ElementsAre("200 INVITE"));
  EXPECT_EQ(recorder_->calls.size(), 1u);
}

TEST_F(DialInCoreTest, AMalformedRequestGets400BackToItsSource) {
  Caller caller;
  std::string text = caller.Invite("Max-Forwards: lots\r\n");
  ASSERT_FALSE(sip::Parse(text).ok()) << "the test request should not parse";
  const sip::Destination elsewhere = Udp("127.0.0.1", 5999);
  Receive(text, elsewhere);
  ASSERT_EQ(network_.sent.size(), 1u);
  EXPECT_EQ(network_.sent[0].to, elsewhere);
  std::vector<sip::SipMessage> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].status(), 400);
  EXPECT_THAT(sent[0].reason(), HasSubstr("Max-Forwards"));
  EXPECT_EQ(Header(sent[0], "Call-ID"), caller.call_id);
  EXPECT_EQ(Header(sent[0], "CSeq"), "1 INVITE");
  EXPECT_THAT(Header(sent[0], "Via"), HasSubstr(caller.invite_branch));
  EXPECT_EQ(core_->stats().malformed_messages, 1u);
  EXPECT_THAT(recorder_->calls, IsEmpty());
  // A Via is enough to be answered (the client matches the response by it).
  Receive("INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
          "Max-Forwards: x\r\n\r\n");
  ASSERT_EQ(network_.sent.size(), 1u);
  EXPECT_THAT(network_.sent[0].bytes, StartsWith("SIP/2.0 400 Bad Request ("));
  EXPECT_THAT(network_.sent[0].bytes, HasSubstr("branch=z9hG4bK1"));
  network_.sent.clear();
}

TEST_F(DialInCoreTest, GarbageAndUnanswerableMessagesAreDropped) {
  for (std::string_view garbage :
       {std::string_view("\x01\x02\x03 hello"), std::string_view(""), std::string_view("\r\n\r\n"),
        std::string_view("INVITE sip:x SIP/2.0\r\nCall-ID: a\r\n"
                         "CSeq: 1 INVITE\r\nMax-Forwards: x\r\n\r\n"),  // no Via
        std::string_view("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
                         "Call-ID: a\r\nCSeq: x\r\n\r\n")}) {
    Receive(std::string(garbage));
    EXPECT_THAT(SentBrief(), IsEmpty()) << garbage;
  }
  // A response to nothing we sent is dropped too.
  Receive("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKnothing\r\n"
          "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 BYE\r\n"
          "Content-Length: 0\r\n\r\n");
  EXPECT_THAT(SentBrief(), IsEmpty());
  Tick();
  EXPECT_THAT(SentBrief(), IsEmpty());
  EXPECT_GE(core_->stats().malformed_messages, 4u);
}

// Our offer's telephone-event payload type and an answer taking PCMU and it.
std::string AnswerTo(const std::string& offer) {
  std::string te = "101";
  const size_t at = offer.find(" telephone-event/8000");
  if (at != std::string::npos) {
    const size_t start = offer.rfind(':', at) + 1;
    te = offer.substr(start, at - start);
  }
  return "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
         "m=audio 6002 RTP/AVP 0 " + te + "\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:" + te +
         " telephone-event/8000\r\na=fmtp:" + te + " 0-16\r\na=sendrecv\r\n";
}

TEST_F(DialInCoreTest, AnInviteWithoutSdpGetsAnOfferAndTheAckAnswers) {
  Caller caller;
  Receive(caller.Invite("", ""));
  EXPECT_THAT(SentBrief(), ElementsAre("100 INVITE"));
  Tick();
  std::vector<sip::SipMessage> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].status(), 200);
  EXPECT_EQ(Header(sent[0], "Content-Type"), "application/sdp");
  EXPECT_THAT(sent[0].body, HasSubstr("m=audio "));
  EXPECT_THAT(sent[0].body, HasSubstr("RTP/AVP"));
  EXPECT_THAT(sent[0].body, HasSubstr("telephone-event/8000"));
  EXPECT_THAT(recorder_->prompts, IsEmpty()) << "no media before the answer";
  caller.to_tag = ToTag(sent[0]);
  Receive(caller.AckOf200("application/sdp", AnswerTo(sent[0].body)));
  EXPECT_THAT(SentBrief(), IsEmpty());
  ASSERT_EQ(recorder_->prompts.size(), 1u);
  EXPECT_EQ(recorder_->prompts[0].prompt, PromptId::kEnterPin);
  EXPECT_TRUE(recorder_->prompts[0].ok) << "the engine has no media for the call";
  Digits(LastCall(), pin_ + "#");
  EXPECT_TRUE(PhoneGuest().has_value());
}

TEST_F(DialInCoreTest, AnAckWithoutTheAnswerToOurOfferEndsTheCall) {
  Caller caller;
  Receive(caller.Invite("", ""));
  Tick();
  std::vector<sip::SipMessage> sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  caller.to_tag = ToTag(sent[1]);
  Receive(caller.AckOf200());
  EXPECT_THAT(SentBrief(), ElementsAre("BYE"));
  EXPECT_THAT(recorder_->prompts, IsEmpty());
  EXPECT_EQ(core_->stats().calls_pin, 0);
}

TEST_F(DialInCoreTest, AReInviteToHoldIsAnsweredRecvonly) {
  Caller caller;
  const sip::SipMessage first = Establish(caller);
  const std::string m_line = first.body.substr(first.body.find("m=audio"), 20);
  Receive(caller.Next("INVITE", "", "application/sdp", std::string(kSippOffer) + "a=sendonly\r\n"));
  std::vector<sip::SipMessage> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(Brief(sent[0]), "200 INVITE");
  EXPECT_THAT(sent[0].body, HasSubstr("a=recvonly"));
  EXPECT_THAT(sent[0].body, HasSubstr(m_line)) << "the port changed";
  EXPECT_EQ(ToTag(sent[0]), caller.to_tag);
  EXPECT_EQ(Header(sent[0], "Contact"), "<sip:konfero@127.0.0.1:5060>");
  Receive(caller.AckOf200());
  // Resume.
  Receive(caller.Next("INVITE", "", "application/sdp", std::string(kSippOffer) + "a=sendrecv\r\n"));
  sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_THAT(sent[0].body, HasSubstr("a=sendrecv"));
  Receive(caller.AckOf200());
  // The PIN still works after the re-INVITEs.
  Digits(LastCall(), pin_ + "#");
  EXPECT_TRUE(PhoneGuest().has_value());
}

TEST_F(DialInCoreTest, InfoDigitsWorkLikeRfc4733Ones) {
  Caller caller;
  Establish(caller);
  for (char d : pin_) {
    Receive(caller.Next("INFO", "", "application/dtmf-relay",
                        std::string("Signal=") + d + "\r\nDuration=160\r\n"));
    EXPECT_THAT(SentBrief(), ElementsAre("200 INFO"));
  }
  EXPECT_FALSE(PhoneGuest().has_value()) << "in before the '#'";
  // A body that is no DTMF: 415, and no digit.
  Receive(caller.Next("INFO", "", "text/plain", "hello"));
  EXPECT_THAT(SentBrief(), ElementsAre("415 INFO"));
  Receive(caller.Next("INFO", "", "application/dtmf", "#"));
  EXPECT_THAT(SentBrief(), ElementsAre("200 INFO"));
  std::optional<ParticipantInfo> guest = PhoneGuest();
  ASSERT_TRUE(guest.has_value());
  EXPECT_EQ(guest->display_name, MaskCallerId(kCallerNumber));
}

TEST_F(DialInCoreTest, ACancelBeforeTheAnswerGets200AndTheInvite487) {
  Caller caller;
  Receive(caller.Invite());
  EXPECT_THAT(SentBrief(), ElementsAre("100 INVITE"));
  Receive(caller.Text("CANCEL", caller.cseq, caller.invite_branch));
  std::vector<sip::SipMessage> sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(Brief(sent[0]), "200 CANCEL");
  EXPECT_EQ(Brief(sent[1]), "487 INVITE");
  ASSERT_EQ(recorder_->calls.size(), 1u);
  EXPECT_THAT(recorder_->hung_up, ElementsAre(recorder_->calls[0]));
  EXPECT_EQ(core_->stats().calls_answering, 0);
  // The ACK of the 487 is absorbed; the INVITE is never answered 200.
  caller.to_tag = ToTag(sent[1]);
  Receive(caller.Text("ACK", caller.cseq, caller.invite_branch));
  Tick();
  Tick(1'000'000);
  EXPECT_THAT(SentBrief(), IsEmpty());
  EXPECT_THAT(recorder_->prompts, IsEmpty());
}

TEST_F(DialInCoreTest, AKickedPhoneHearsWhyThenTheCoreHangsUp) {
  auto moderator = rooms_->JoinAsMember(session_, room_);
  ASSERT_TRUE(moderator.ok()) << moderator.status();
  Caller caller;
  Establish(caller);
  const CallId call = LastCall();
  Digits(call, pin_ + "#");
  std::optional<ParticipantInfo> guest = PhoneGuest();
  ASSERT_TRUE(guest.has_value());
  // The engine moves the call's leg into the room on its worker.
  ASSERT_TRUE(RunEngineUntil([&] { return engine_->GetStats(guest->id).ok(); }))
      << "the engine never adopted the call's leg";

  const size_t before = events_.size();
  const size_t prompts_before = recorder_->prompts.size();
  ASSERT_TRUE(rooms_->Kick(moderator->participant, guest->id).ok());
  std::vector<konfero::Event> kicked(events_.begin() + static_cast<ptrdiff_t>(before), events_.end());
  ASSERT_FALSE(kicked.empty());
  for (const konfero::Event& e : kicked) core_->OnRoomEvent(e, now_);
  ASSERT_FALSE(recorder_->prompts.empty());
  const dial_in_test::RecordingEngine::Prompt& removed = recorder_->prompts.back();
  EXPECT_EQ(removed.prompt, PromptId::kRemoved);
  EXPECT_EQ(removed.call, call);
  EXPECT_TRUE(removed.interrupt);
  EXPECT_TRUE(removed.ok) << "the leg did not return to the call";
  EXPECT_THAT(SentBrief(), IsEmpty()) << "the BYE waits for the prompt";

  // The count restarts when the leg became the call again: a report that
  // counts the welcome too is not about this queue.
  PromptsDone(call);
  EXPECT_THAT(SentBrief(), IsEmpty());
  PromptsDone(call, prompts_before);
  std::vector<sip::SipMessage> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method(), "BYE");
  EXPECT_EQ(Header(sent[0], "Call-ID"), caller.call_id);
  EXPECT_FALSE(PhoneGuest().has_value());
  EXPECT_EQ(core_->stats().calls_in_conference, 0);
  EXPECT_EQ(core_->stats().calls_pin, 0);
}

TEST_F(DialInCoreTest, EndAllSendsByeOnEveryCall) {
  Caller one;
  Establish(one);
  Caller two;
  two.call_id = "2-4242@127.0.0.1";
  two.from_tag = "4242SIPpTag002";
  Establish(two);
  Digits(recorder_->calls[1], pin_ + "#");
  ASSERT_TRUE(PhoneGuest().has_value());
  core_->EndAll(now_);
  EXPECT_THAT(SentBrief(), ElementsAre("BYE", "BYE"));
  EXPECT_FALSE(PhoneGuest().has_value());
  EXPECT_EQ(core_->stats().calls_pin + core_->stats().calls_in_conference, 0);
}

}  // namespace
}  // namespace konfero::dial_in
