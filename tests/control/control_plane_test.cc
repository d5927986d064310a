// The control plane behind konfero::Engine, with real workers on loopback
// and a TaskQueue as the executor: plain-RTP legs (answer, re-offer for
// hold, our offer), option and argument checks, and legs following the
// room's events. The media itself is proven in tests/media and, against
// real peers, in tests/python.
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "konfero/engine.h"
#include "konfero/executor.h"
#include "konfero/room_service.h"
#include "testing/loopback_engine_fixture.h"

namespace konfero {
namespace {

// The RTP/AVP offer of sipp's uac_pin.xml (tests/plain_rtp/fixtures).
constexpr char kSippOffer[] =
    "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\n"
    "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\na=ptime:20\r\n";

std::string WithDirection(std::string sdp, std::string_view direction) {
  return sdp + "a=" + std::string(direction) + "\r\n";
}

RtpLegOptions WithCodecs(std::vector<audio::Codec> codecs) {
  RtpLegOptions o;
  o.codecs = std::move(codecs);
  return o;
}

class ControlPlaneTest : public test_support::LoopbackEngineTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenRoomsAsAlice());
    ASSERT_NO_FATAL_FAILURE(OpenPublicRoom("Phones"));
    ASSERT_NO_FATAL_FAILURE(StartEngine(/*workers=*/1));
  }

  ParticipantId Phone() {
    PhoneGuestJoin join;
    join.pin = pin_;
    join.caller = "+4930";
    join.source = "sip:1";
    auto joined = rooms_->JoinAsPhoneGuest(join);
    EXPECT_TRUE(joined.ok()) << joined.status();
    return joined.ok() ? joined->participant : ParticipantId{};
  }
};

TEST_F(ControlPlaneTest, AnExecutorIsRequired) {
  auto engine = Engine::Start(*rooms_, Loopback(nullptr));
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(engine.status().message(), "executor"));
}

TEST_F(ControlPlaneTest, BadRtpPortRangesAreRefused) {
  for (auto [min, max] : {std::pair<int, int>{40000, 0}, {0, 40000}, {40010, 40000},
                          {40000, 40000}}) {
    Engine::Options o = Loopback(queue_.get());
    o.rtp_port_min = static_cast<uint16_t>(min);
    o.rtp_port_max = static_cast<uint16_t>(max);
    auto engine = Engine::Start(*rooms_, o);
    EXPECT_EQ(engine.status().code(), absl::StatusCode::kInvalidArgument) << min << "-" << max;
  }
}

TEST_F(ControlPlaneTest, APhoneOfferIsAnsweredWithAPortPairAndAPlainRtpLeg) {
  const ParticipantId phone = Phone();
  auto answer = engine_->ConnectRtp(phone, kSippOffer);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_TRUE(absl::StrContains(*answer, "RTP/AVP 0 101")) << *answer;
  EXPECT_TRUE(absl::StrContains(*answer, "c=IN IP4 127.0.0.1")) << *answer;
  auto stats = engine_->GetStats(phone);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->kind, LegKind::kPlainRtp);
  EXPECT_EQ(engine_->GetTotals().rtp_legs, 1);
  EXPECT_EQ(engine_->GetTotals().peers, 1);
}

TEST_F(ControlPlaneTest, AReOfferKeepsThePortAndAnswersHoldWithRecvonly) {
  const ParticipantId phone = Phone();
  auto first = engine_->ConnectRtp(phone, kSippOffer);
  ASSERT_TRUE(first.ok());
  const std::string m_line = first->substr(first->find("m=audio"), 20);
  auto hold = engine_->ConnectRtp(phone, WithDirection(kSippOffer, "sendonly"));
  ASSERT_TRUE(hold.ok()) << hold.status();
  EXPECT_TRUE(absl::StrContains(*hold, "a=recvonly")) << *hold;
  EXPECT_TRUE(absl::StrContains(*hold, m_line)) << "the port changed:\n" << *hold;
  auto resume = engine_->ConnectRtp(phone, WithDirection(kSippOffer, "sendrecv"));
  ASSERT_TRUE(resume.ok());
  EXPECT_TRUE(absl::StrContains(*resume, "a=sendrecv")) << *resume;
  EXPECT_EQ(engine_->GetTotals().rtp_legs, 1);
  // A refused re-offer changes nothing.
  EXPECT_EQ(engine_->ConnectRtp(phone, "v=0\r\nnonsense\r\n").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(engine_->GetStats(phone).ok());
}

TEST_F(ControlPlaneTest, OffersAPhoneCannotTakeAreRefusedWithAReason) {
  const ParticipantId phone = Phone();
  std::string savp(kSippOffer);
  savp.replace(savp.find("RTP/AVP"), 7, "RTP/SAVP");
  auto refused = engine_->ConnectRtp(phone, savp);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  std::string g729(kSippOffer);
  g729.replace(g729.find("RTP/AVP 0 101"), 13, "RTP/AVP 18");
  refused = engine_->ConnectRtp(phone, g729);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(engine_->GetStats(phone).ok());  // no leg was made
  EXPECT_EQ(engine_->ConnectRtp(phone, kSippOffer,
                                WithCodecs({audio::Codec::kPcmu, audio::Codec::kPcmu}))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  RtpLegOptions negative;
  negative.rtp_timeout = absl::Seconds(-1);
  EXPECT_EQ(engine_->ConnectRtp(phone, kSippOffer, negative).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->ConnectRtp(ParticipantId{999}, kSippOffer).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ControlPlaneTest, OurOfferAndTheirAnswer) {
  const ParticipantId phone = Phone();
  EXPECT_EQ(engine_->AcceptRtpAnswer(phone, kSippOffer).code(),
            absl::StatusCode::kFailedPrecondition);
  auto offer = engine_->CreateRtpOffer(phone);
  ASSERT_TRUE(offer.ok()) << offer.status();
  EXPECT_TRUE(absl::StrContains(*offer, "RTP/AVP")) << *offer;
  EXPECT_TRUE(absl::StrContains(*offer, "telephone-event/8000")) << *offer;
  // A PCMU + telephone-event answer to it, as a phone would send.
  const std::string answer(kSippOffer);
  EXPECT_EQ(engine_->AcceptRtpAnswer(phone, "v=0\r\ngarbage\r\n").code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(engine_->AcceptRtpAnswer(phone, answer).ok());
  EXPECT_EQ(engine_->GetStats(phone)->kind, LegKind::kPlainRtp);
  EXPECT_EQ(engine_->AcceptRtpAnswer(phone, answer).code(),
            absl::StatusCode::kFailedPrecondition);  // used up
}

TEST_F(ControlPlaneTest, DtmfIsCheckedBeforeItIsSent) {
  const ParticipantId phone = Phone();
  EXPECT_EQ(engine_->SendDtmf(phone, "1").code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(engine_->ConnectRtp(phone, kSippOffer).ok());
  EXPECT_TRUE(engine_->SendDtmf(phone, "123#*ABCD").ok());
  EXPECT_EQ(engine_->SendDtmf(phone, "12x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->SendDtmf(phone, "").code(), absl::StatusCode::kInvalidArgument);
  // A leg without telephone-event cannot send RFC 4733 events.
  const ParticipantId other = Phone();
  std::string no_events(kSippOffer);
  no_events.replace(no_events.find("RTP/AVP 0 101"), 13, "RTP/AVP 0");
  ASSERT_TRUE(engine_->ConnectRtp(other, no_events).ok());
  EXPECT_EQ(engine_->SendDtmf(other, "1").code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(ControlPlaneTest, ALegLeavesWithItsParticipant) {
  const ParticipantId phone = Phone();
  ASSERT_TRUE(engine_->ConnectRtp(phone, kSippOffer).ok());
  ASSERT_TRUE(rooms_->Leave(phone).ok());
  EXPECT_EQ(engine_->GetStats(phone).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->GetTotals().peers, 0);
  EXPECT_EQ(engine_->Disconnect(phone).code(), absl::StatusCode::kNotFound);
}

// A leg whose RTP times out at once reports kFailed from its worker; the
// report waits in the queue until the control thread runs it.
ParticipantId ConnectAndLetTimeOut(Engine& engine, TaskQueue& queue, ParticipantId phone) {
  RtpLegOptions quick;
  quick.rtp_timeout = absl::Milliseconds(1);
  EXPECT_TRUE(engine.ConnectRtp(phone, kSippOffer, quick).ok());
  for (int i = 0; i < 500 && queue.pending() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // bounded: 5 s
  }
  EXPECT_GT(queue.pending(), 0u);
  return phone;
}

TEST_F(ControlPlaneTest, AFailedLegsReportMakesItsParticipantLeave) {
  const ParticipantId phone = ConnectAndLetTimeOut(*engine_, *queue_, Phone());
  EXPECT_TRUE(rooms_->GetParticipant(phone).ok());  // nothing happens before the queue runs
  queue_->RunPending();
  EXPECT_EQ(rooms_->GetParticipant(phone).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->GetStats(phone).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ControlPlaneTest, ReportsThatRunAfterTheEngineIsGoneDoNothing) {
  const ParticipantId phone = ConnectAndLetTimeOut(*engine_, *queue_, Phone());
  engine_.reset();
  EXPECT_GT(queue_->RunPending(), 0);
  EXPECT_TRUE(rooms_->GetParticipant(phone).ok());
}

}  // namespace
}  // namespace konfero
