// Tests of the transaction layer's deadline-ordered timers (several server
// and client transactions whose deadlines move with their states: the
// earliest is NextDeadline, OnTimer ends only the due ones, in order, and
// NextDeadline is exact inside the owner's callbacks) and of
// StampTopViaForResponses against StampTopVia + ResponseDestination.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/absl_compat.h"
#include "sip/parser.h"
#include "sip/transaction_layer.h"
#include "sip/transaction_types.h"

namespace konfero::sip {
namespace {

constexpr int64_t kMs = 1000;
constexpr int64_t kS = 1'000'000;

SipMessage Msg(std::string_view text) {
  std::string wire = absl::StrReplaceAll(Sv(text), {{"\n", "\r\n"}});
  absl::StatusOr<SipMessage> m = Parse(wire);
  if (!m.ok()) {
    ADD_FAILURE() << m.status() << "\n" << text;
    return SipMessage();
  }
  return *std::move(m);
}

std::string Info(std::string_view branch) {
  return absl::StrCat("INFO sip:conf@192.0.2.1 SIP/2.0\n"
                      "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=", Sv(branch), "\n"
                      "From: <sip:alice@example.com>;tag=a1\n"
                      "To: <sip:conf@192.0.2.1>;tag=c1\n"
                      "Call-ID: call-1@192.0.2.10\n"
                      "CSeq: 3 INFO\n"
                      "Content-Length: 0\n\n");
}

SipMessage Options(std::string_view branch) {
  SipMessage m = SipMessage::Request("OPTIONS", "sip:trunk.example.net");
  m.Add("Via", absl::StrCat("SIP/2.0/UDP 198.51.100.1:5060;branch=", Sv(branch)));
  m.Add("From", "<sip:konfero@198.51.100.1>;tag=k1");
  m.Add("To", "<sip:trunk.example.net>");
  m.Add("Call-ID", absl::StrCat("ka-", Sv(branch)));
  m.Add("CSeq", "7 OPTIONS");
  return m;
}

Destination Udp(std::string_view ip = "192.0.2.10", uint16_t port = 5060) {
  return Destination{Transport::kUdp, *net::IpEndpoint::Parse(ip, port), 0};
}

class RecordingOwner : public TransactionLayer::Owner {
 public:
  void SendMessage(const SipMessage& message, const Destination& /*to*/) override {
    sent.push_back(message.is_request() ? message.method() : absl::StrCat(message.status()));
  }
  void OnRequest(ServerTransactionHandle tx, const SipMessage& /*request*/,
                 const Destination& /*from*/) override {
    requests.push_back(tx);
  }
  void OnAck(const SipMessage& /*ack*/, const Destination& /*from*/) override {}
  void OnResponse(ClientTransactionHandle /*tx*/, const SipMessage& /*response*/) override {}
  void OnTransactionTimeout(ClientTransactionHandle tx) override {
    client_timeouts.push_back(tx);
    deadlines_in_callback.push_back(layer->NextDeadline());
  }
  void OnServerTransactionTimeout(ServerTransactionHandle /*tx*/) override {}
  void OnCancel(ServerTransactionHandle /*invite*/, const SipMessage& /*cancel*/) override {}

  TransactionLayer* layer = nullptr;
  std::vector<std::string> sent;
  std::vector<ServerTransactionHandle> requests;
  std::vector<ClientTransactionHandle> client_timeouts;
  std::vector<int64_t> deadlines_in_callback;
};

class TransactionTimersTest : public ::testing::Test {
 protected:
  TransactionTimersTest() : layer_(owner_) { owner_.layer = &layer_; }

  RecordingOwner owner_;
  TransactionLayer layer_;
};

TEST_F(TransactionTimersTest, EarliestDeadlineOfManyTransactionsLeadsAndOnlyDueOnesEnd) {
  for (std::string_view branch : {"z9hG4bKi1", "z9hG4bKi2", "z9hG4bKi3"}) {
    ASSERT_TRUE(layer_.OnMessage(Msg(Info(branch)), Udp(), 0).ok());
  }
  ASSERT_EQ(owner_.requests.size(), 3u);
  EXPECT_EQ(layer_.NextDeadline(), kNever);  // non-INVITE in Trying: no timer yet

  absl::StatusOr<ClientTransactionHandle> ping =
      layer_.SendRequest(Options("z9hG4bKo1"), Udp("203.0.113.5"), 500 * kMs);
  ASSERT_TRUE(ping.ok());
  EXPECT_EQ(layer_.NextDeadline(), 1 * kS);  // timer E

  // Final answers at 1 s, 3 s and 2 s: timers J at 33 s, 35 s and 34 s.
  const SipMessage info = Msg(Info("z9hG4bKi1"));
  ASSERT_TRUE(layer_.SendResponse(owner_.requests[0], MakeResponse(info, 200, "OK"), 1 * kS).ok());
  ASSERT_TRUE(layer_.SendResponse(owner_.requests[1], MakeResponse(info, 200, "OK"), 3 * kS).ok());
  ASSERT_TRUE(layer_.SendResponse(owner_.requests[2], MakeResponse(info, 200, "OK"), 2 * kS).ok());
  EXPECT_EQ(layer_.NextDeadline(), 1 * kS);

  layer_.OnTimer(1 * kS);  // E: the OPTIONS again, next at 2 s
  EXPECT_EQ(owner_.sent.back(), "OPTIONS");
  EXPECT_EQ(layer_.NextDeadline(), 2 * kS);

  // Its 200 at 1.2 s: Completed, timer K = T4 replaces E and F.
  SipMessage ok = MakeResponse(Options("z9hG4bKo1"), 200, "OK", "t1");
  ASSERT_TRUE(layer_.OnMessage(ok, Udp("203.0.113.5"), 1200 * kMs).ok());
  EXPECT_EQ(layer_.NextDeadline(), 1200 * kMs + 5 * kS);

  const size_t sent_before = owner_.sent.size();
  layer_.OnTimer(6200 * kMs);
  EXPECT_EQ(layer_.client_transaction_count(), 0u);
  EXPECT_EQ(layer_.server_transaction_count(), 3u);
  EXPECT_EQ(owner_.sent.size(), sent_before);  // K ends silently
  EXPECT_EQ(layer_.NextDeadline(), 33 * kS);

  layer_.OnTimer(34 * kS);
  EXPECT_EQ(layer_.server_transaction(owner_.requests[0]), nullptr);
  EXPECT_NE(layer_.server_transaction(owner_.requests[1]), nullptr);
  EXPECT_EQ(layer_.server_transaction(owner_.requests[2]), nullptr);
  EXPECT_EQ(layer_.NextDeadline(), 35 * kS);

  layer_.OnTimer(35 * kS);
  EXPECT_EQ(layer_.server_transaction_count(), 0u);
  EXPECT_EQ(layer_.NextDeadline(), kNever);
}

TEST_F(TransactionTimersTest, TimeoutsRunInCreationOrderAndSeeTheNextDeadline) {
  // TCP: no retransmissions, timer F alone at 32 s after each start.
  const Destination tcp{Transport::kTcp, *net::IpEndpoint::Parse("203.0.113.5", 5060), 4};
  absl::StatusOr<ClientTransactionHandle> first = layer_.SendRequest(Options("z9hG4bKa"), tcp, 2 * kS);
  absl::StatusOr<ClientTransactionHandle> second = layer_.SendRequest(Options("z9hG4bKb"), tcp, 0);
  absl::StatusOr<ClientTransactionHandle> third = layer_.SendRequest(Options("z9hG4bKc"), tcp, 5 * kS);
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  EXPECT_EQ(layer_.NextDeadline(), 32 * kS);

  layer_.OnTimer(34 * kS);  // first (34 s) and second (32 s) are due
  ASSERT_EQ(owner_.client_timeouts.size(), 2u);
  EXPECT_EQ(owner_.client_timeouts[0], *first);  // by creation, not by deadline
  EXPECT_EQ(owner_.client_timeouts[1], *second);
  // Inside the first callback the second is still due; then only the third.
  EXPECT_EQ(owner_.deadlines_in_callback, (std::vector<int64_t>{32 * kS, 37 * kS}));
  EXPECT_EQ(layer_.NextDeadline(), 37 * kS);
}

// StampTopViaForResponses must give what StampTopVia then ResponseDestination give.
// `vias`: one Via header line each.
void ExpectSameAsTwoSteps(const std::vector<std::string_view>& vias, const Destination& from) {
  SCOPED_TRACE(vias.front());
  SipMessage two_steps = SipMessage::Request("OPTIONS", "sip:konfero.example.com");
  for (std::string_view line : vias) two_steps.Add("Via", line);
  two_steps.Add("CSeq", "1 OPTIONS");
  SipMessage one_step = two_steps;
  StampTopVia(two_steps, from);
  const Destination expected = ResponseDestination(two_steps, from);
  EXPECT_EQ(StampTopViaForResponses(one_step, from), expected);
  EXPECT_EQ(one_step.headers(), two_steps.headers());
}

TEST(StampTopViaForResponses, SameAsStampThenResponseDestination) {
  ExpectSameAsTwoSteps({"SIP/2.0/UDP 10.0.0.7:5062;branch=z9hG4bKa;rport"}, Udp("192.0.2.10", 40000));
  ExpectSameAsTwoSteps({"SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKb"}, Udp());
  ExpectSameAsTwoSteps({"SIP/2.0/UDP phone.example.net;branch=z9hG4bKc"}, Udp("192.0.2.10", 5070));
  ExpectSameAsTwoSteps({"SIP/2.0/UDP [2001:db8::5]:5060;branch=z9hG4bKd;rport=7000"},
                       Udp("2001:db8::9", 7000));
  ExpectSameAsTwoSteps(
      {"SIP/2.0/UDP 10.0.0.7;branch=z9hG4bKe;rport, SIP/2.0/UDP proxy.example.net;branch=z9hG4bKp",
       "SIP/2.0/UDP 198.51.100.9:5080;branch=z9hG4bKq"},
      Udp("192.0.2.10", 40000));
  ExpectSameAsTwoSteps({"SIP/2.0/TCP 10.0.0.7;branch=z9hG4bKf;rport"},
                       Destination{Transport::kTcp, *net::IpEndpoint::Parse("192.0.2.10", 40123), 9});
  ExpectSameAsTwoSteps({"not a via"}, Udp());
}

TEST(StampTopViaForResponses, StampsTheTopViaOnlyAndJoinsTheLines) {
  SipMessage m = SipMessage::Request("OPTIONS", "sip:konfero.example.com");
  m.Add("Via", "SIP/2.0/UDP 10.0.0.7:5062;branch=z9hG4bKa;rport");
  m.Add("CSeq", "1 OPTIONS");
  m.Add("Via", "SIP/2.0/UDP proxy.example.net;branch=z9hG4bKp");
  EXPECT_EQ(StampTopViaForResponses(m, Udp("192.0.2.10", 40000)), Udp("192.0.2.10", 40000));
  ASSERT_EQ(m.headers().size(), 2u);
  EXPECT_EQ(m.headers()[0].value,
            "SIP/2.0/UDP 10.0.0.7:5062;branch=z9hG4bKa;rport=40000;received=192.0.2.10, "
            "SIP/2.0/UDP proxy.example.net;branch=z9hG4bKp");
}

}  // namespace
}  // namespace konfero::sip
