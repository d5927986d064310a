// Tests of sip/transaction_layer.h and the transaction state machines under
// it: the exact retransmission schedules of timers A, E, F, G, H, I, J, K,
// L (UDP and TCP), absorbed retransmissions and ACKs, CANCEL handling, the
// response address rules, the transaction limit, and the UAS 2xx
// retransmitter. Time is a number the tests advance; messages are parsed
// from text.
#include "sip/transaction_layer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/absl_compat.h"
#include "sip/headers.h"
#include "sip/parser.h"
#include "sip/uas_2xx_retransmitter.h"

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

std::string Invite(std::string_view branch = "z9hG4bKinv1", std::string_view via_host = "192.0.2.10",
                   std::string_view transport = "UDP") {
  return absl::StrCat("INVITE sip:conf@192.0.2.1 SIP/2.0\n"
                      "Via: SIP/2.0/", Sv(transport), " ", Sv(via_host), ":5060;branch=", Sv(branch), "\n"
                      "Max-Forwards: 70\n"
                      "From: <sip:alice@example.com>;tag=a1\n"
                      "To: <sip:conf@192.0.2.1>\n"
                      "Call-ID: call-1@192.0.2.10\n"
                      "CSeq: 1 INVITE\n"
                      "Contact: <sip:alice@192.0.2.10:5060>\n"
                      "Content-Length: 0\n\n");
}

std::string AckFor(std::string_view branch, std::string_view to_tag) {
  return absl::StrCat("ACK sip:conf@192.0.2.1 SIP/2.0\n"
                      "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=", Sv(branch), "\n"
                      "Max-Forwards: 70\n"
                      "From: <sip:alice@example.com>;tag=a1\n"
                      "To: <sip:conf@192.0.2.1>;tag=", Sv(to_tag), "\n"
                      "Call-ID: call-1@192.0.2.10\n"
                      "CSeq: 1 ACK\n"
                      "Content-Length: 0\n\n");
}

std::string Cancel(std::string_view branch = "z9hG4bKinv1") {
  return absl::StrCat("CANCEL sip:conf@192.0.2.1 SIP/2.0\n"
                      "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=", Sv(branch), "\n"
                      "Max-Forwards: 70\n"
                      "From: <sip:alice@example.com>;tag=a1\n"
                      "To: <sip:conf@192.0.2.1>\n"
                      "Call-ID: call-1@192.0.2.10\n"
                      "CSeq: 1 CANCEL\n"
                      "Content-Length: 0\n\n");
}

std::string Bye(std::string_view branch = "z9hG4bKbye1", std::string_view transport = "UDP") {
  return absl::StrCat("BYE sip:conf@192.0.2.1 SIP/2.0\n"
                      "Via: SIP/2.0/", Sv(transport), " 192.0.2.10:5060;branch=", Sv(branch), "\n"
                      "Max-Forwards: 70\n"
                      "From: <sip:alice@example.com>;tag=a1\n"
                      "To: <sip:conf@192.0.2.1>;tag=c1\n"
                      "Call-ID: call-1@192.0.2.10\n"
                      "CSeq: 2 BYE\n"
                      "Content-Length: 0\n\n");
}

Destination Udp(std::string_view ip = "192.0.2.10", uint16_t port = 5060) {
  return Destination{Transport::kUdp, *net::IpEndpoint::Parse(ip, port), 0};
}
Destination Tcp(uint64_t connection) {
  return Destination{Transport::kTcp, *net::IpEndpoint::Parse("192.0.2.10", 40123), connection};
}

struct Sent {
  SipMessage message;
  Destination to;
};

class FakeOwner : public TransactionLayer::Owner {
 public:
  void SendMessage(const SipMessage& message, const Destination& to) override {
    sent.push_back({message, to});
  }
  void OnRequest(ServerTransactionHandle tx, const SipMessage& request,
                 const Destination& /*from*/) override {
    requests.push_back(tx);
    request_methods.push_back(request.method());
    if (answer_in_callback != 0 && layer != nullptr) {
      EXPECT_TRUE(layer->SendResponse(tx, MakeResponse(request, answer_in_callback, "Answer", "c1"),
                                      now_us).ok());
    }
  }
  void OnAck(const SipMessage& ack, const Destination& /*from*/) override { acks.push_back(ack); }
  void OnResponse(ClientTransactionHandle tx, const SipMessage& response) override {
    responses.push_back(response.status());
    response_tx.push_back(tx);
  }
  void OnTransactionTimeout(ClientTransactionHandle tx) override { client_timeouts.push_back(tx); }
  void OnServerTransactionTimeout(ServerTransactionHandle tx) override {
    server_timeouts.push_back(tx);
  }
  void OnCancel(ServerTransactionHandle invite, const SipMessage& cancel) override {
    cancels.push_back(invite);
    EXPECT_EQ(cancel.method(), "CANCEL");
    if (answer_cancel_itself && layer != nullptr) {
      const SipMessage& request = layer->server_transaction(invite)->request();
      EXPECT_TRUE(
          layer->SendResponse(invite, MakeResponse(request, 487, "Terminated By Owner", "own"), now_us)
              .ok());
    }
  }

  std::vector<int> SentStatuses() const {
    std::vector<int> statuses;
    for (const Sent& s : sent) statuses.push_back(s.message.status());
    return statuses;
  }

  TransactionLayer* layer = nullptr;
  int64_t now_us = 0;
  int answer_in_callback = 0;
  bool answer_cancel_itself = false;
  std::vector<Sent> sent;
  std::vector<ServerTransactionHandle> requests;
  std::vector<std::string> request_methods;
  std::vector<SipMessage> acks;
  std::vector<int> responses;
  std::vector<ClientTransactionHandle> response_tx;
  std::vector<ClientTransactionHandle> client_timeouts;
  std::vector<ServerTransactionHandle> server_timeouts;
  std::vector<ServerTransactionHandle> cancels;
};

class TransactionLayerTest : public ::testing::Test {
 protected:
  TransactionLayerTest() : layer_(owner_, Options()) { owner_.layer = &layer_; }
  static TransactionLayerOptions Options() {
    TransactionLayerOptions o;
    o.max_server_transactions = 3;
    o.max_client_transactions = 2;
    return o;
  }

  absl::Status Receive(std::string_view text, const Destination& from, int64_t now_us) {
    owner_.now_us = now_us;
    return layer_.OnMessage(Msg(text), from, now_us);
  }

  // Runs the timers until `end_us`; returns the times at which something was sent.
  std::vector<int64_t> RunUntil(int64_t end_us) {
    std::vector<int64_t> times;
    for (int guard = 0; guard < 1000; ++guard) {
      int64_t next = layer_.NextDeadline();
      if (next > end_us) break;
      size_t before = owner_.sent.size();
      owner_.now_us = next;
      layer_.OnTimer(next);
      for (size_t i = before; i < owner_.sent.size(); ++i) times.push_back(next);
    }
    return times;
  }

  FakeOwner owner_;
  TransactionLayer layer_;
};

TEST_F(TransactionLayerTest, InviteGetsTryingAtOnceWhenOwnerDoesNotAnswer) {
  ASSERT_TRUE(Receive(Invite(), Udp(), 0).ok());
  ASSERT_EQ(owner_.requests.size(), 1u);
  EXPECT_EQ(owner_.request_methods[0], "INVITE");
  ASSERT_EQ(owner_.SentStatuses(), std::vector<int>{100});
  EXPECT_EQ(owner_.sent[0].to, Udp());
  EXPECT_FALSE(ParseNameAddr(*owner_.sent[0].message.Get("To"))->Param("tag"));
  const ServerTransaction* tx = layer_.server_transaction(owner_.requests[0]);
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(tx->state(), ServerTransaction::State::kProceeding);
  EXPECT_EQ(layer_.NextDeadline(), kNever);
}

TEST_F(TransactionLayerTest, NoTryingWhenOwnerAnswersInsideOnRequest) {
  owner_.answer_in_callback = 180;
  ASSERT_TRUE(Receive(Invite(), Udp(), 0).ok());
  EXPECT_EQ(owner_.SentStatuses(), std::vector<int>{180});
}

TEST_F(TransactionLayerTest, ResponseGoesToReceivedAndRport) {
  // The UA thinks it is 10.0.0.5:5060 (behind NAT) and asks for rport.
  std::string invite = Invite();
  invite = absl::StrReplaceAll(invite, {{"192.0.2.10:5060;branch=z9hG4bKinv1",
                                         "10.0.0.5:5060;rport;branch=z9hG4bKinv1"}});
  ASSERT_TRUE(Receive(invite, Udp("198.51.100.7", 40000), 0).ok());
  ASSERT_EQ(owner_.sent.size(), 1u);
  EXPECT_EQ(owner_.sent[0].to, Udp("198.51.100.7", 40000));
  absl::StatusOr<Via> via = ParseVia(owner_.sent[0].message.GetAll("Via").front());
  ASSERT_TRUE(via.ok());
  EXPECT_EQ(via->Param("received"), "198.51.100.7");
  EXPECT_EQ(via->Param("rport"), "40000");
}

TEST_F(TransactionLayerTest, ResponseWithoutRportGoesToSentByPort) {
  std::string invite = absl::StrReplaceAll(Invite(), {{"192.0.2.10:5060", "192.0.2.10:5070"}});
  ASSERT_TRUE(Receive(invite, Udp("192.0.2.10", 33333), 0).ok());
  ASSERT_EQ(owner_.sent.size(), 1u);
  EXPECT_EQ(owner_.sent[0].to, Udp("192.0.2.10", 5070));
  // Same host as the source: no received parameter.
  EXPECT_FALSE(ParseVia(owner_.sent[0].message.GetAll("Via").front())->Param("received"));
}

TEST_F(TransactionLayerTest, TcpResponsesGoBackOnTheConnection) {
  ASSERT_TRUE(Receive(Invite("z9hG4bKinv1", "192.0.2.10", "TCP"), Tcp(7), 0).ok());
  ASSERT_EQ(owner_.sent.size(), 1u);
  EXPECT_EQ(owner_.sent[0].to, Tcp(7));
}

TEST_F(TransactionLayerTest, RetransmittedInviteGetsTheLastProvisionalAgain) {
  ASSERT_TRUE(Receive(Invite(), Udp(), 0).ok());
  const SipMessage& invite = layer_.server_transaction(owner_.requests[0])->request();
  ASSERT_TRUE(layer_.SendResponse(owner_.requests[0], MakeResponse(invite, 180, "Ringing", "c1"), 0).ok());
  ASSERT_TRUE(Receive(Invite(), Udp(), 500 * kMs).ok());
  EXPECT_EQ(owner_.requests.size(), 1u);  // not a new request
  EXPECT_EQ(owner_.SentStatuses(), (std::vector<int>{100, 180, 180}));
}

TEST_F(TransactionLayerTest, TimerGRetransmitsNon2xxUntilTimerH) {
  ASSERT_TRUE(Receive(Invite(), Udp(), 0).ok());
  ServerTransactionHandle tx = owner_.requests[0];
  const SipMessage invite = layer_.server_transaction(tx)->request();
  ASSERT_TRUE(layer_.SendResponse(tx, MakeResponse(invite, 486, "Busy Here", "c1"), 0).ok());
  EXPECT_EQ(layer_.server_transaction(tx)->state(), ServerTransaction::State::kCompleted);
  owner_.sent.clear();
  std::vector<int64_t> times = RunUntil(40 * kS);
  // T1 = 500 ms doubling to T2 = 4 s: 0.5, 1.5, 3.5, 7.5, then every 4 s; H at 64*T1 = 32 s.
  std::vector<int64_t> expected = {500 * kMs, 1500 * kMs, 3500 * kMs, 7500 * kMs, 11500 * kMs,
                                   15500 * kMs, 19500 * kMs, 23500 * kMs, 27500 * kMs, 31500 * kMs};
  EXPECT_EQ(times, expected);
  for (const Sent& s : owner_.sent) EXPECT_EQ(s.message.status(), 486);
  ASSERT_EQ(owner_.server_timeouts.size(), 1u);
  EXPECT_EQ(owner_.server_timeouts[0], tx);
  EXPECT_EQ(layer_.server_transaction(tx), nullptr);
  EXPECT_EQ(layer_.server_transaction_count(), 0u);
}

TEST_F(TransactionLayerTest, AckForNon2xxIsAbsorbedAndTimerIEndsTheTransaction) {
  ASSERT_TRUE(Receive(Invite(), Udp(), 0).ok());
  ServerTransactionHandle tx = owner_.requests[0];
  const SipMessage invite = layer_.server_transaction(tx)->request();
  ASSERT_TRUE(layer_.SendResponse(tx, MakeResponse(invite, 486, "Busy Here", "c1"), 0).ok());
  ASSERT_TRUE(Receive(AckFor("z9hG4bKinv1", "c1"), Udp(), 700 * kMs).ok());
  EXPECT_TRUE(owner_.acks.empty());
  EXPECT_EQ(layer_.server_transaction(tx)->state(), ServerTransaction::State::kConfirmed);
  // No more timer G; timer I = T4 = 5 s.
  EXPECT_EQ(layer_.NextDeadline(), 700 * kMs + 5 * kS);
  owner_.sent.clear();
  ASSERT_TRUE(Receive(Invite(), Udp(), 1 * kS).ok());   // absorbed in Confirmed
  ASSERT_TRUE(Receive(AckFor("z9hG4bKinv1", "c1"), Udp(), 1 * kS).ok());  // repeat ACK absorbed
  EXPECT_TRUE(owner_.sent.empty());
  EXPECT_TRUE(owner_.acks.empty());
  EXPECT_TRUE(RunUntil(60 * kS).empty());
  EXPECT_EQ(layer_.server_transaction(tx), nullptr);
  EXPECT_TRUE(owner_.server_timeouts.empty());
}

TEST_F(TransactionLayerTest, ReliableTransportHasNoTimerGAndZeroTimerI) {
  ASSERT_TRUE(Receive(Invite("z9hG4bKinv1", "192.0.2.10", "TCP"), Tcp(3), 0).ok());
  ServerTransactionHandle tx = owner_.requests[0];
  const SipMessage invite = layer_.server_transaction(tx)->request();
  ASSERT_TRUE(layer_.SendResponse(tx, MakeResponse(invite, 603, "Decline", "c1"), 0).ok());
  EXPECT_EQ(layer_.NextDeadline(), 32 * kS);  // timer H only
  std::string ack = absl::StrReplaceAll(AckFor("z9hG4bKinv1", "c1"), {{"SIP/2.0/UDP", "SIP/2.0/TCP"}});
  ASSERT_TRUE(Receive(ack, Tcp(3), 2 * kS).ok());
  EXPECT_EQ(layer_.NextDeadline(), 2 * kS);  // timer I = 0
  owner_.sent.clear();
  EXPECT_TRUE(RunUntil(2 * kS).empty());
  EXPECT_EQ(layer_.server_transaction(tx), nullptr);
}

TEST_F(TransactionLayerTest, TimerHOnTcpWithoutAck) {
  ASSERT_TRUE(Receive(Invite("z9hG4bKinv1", "192.0.2.10", "TCP"), Tcp(3), 0).ok());
  ServerTransactionHandle tx = owner_.requests[0];
  const SipMessage invite = layer_.server_transaction(tx)->request();
  ASSERT_TRUE(layer_.SendResponse(tx, MakeResponse(invite, 486, "Busy Here", "c1"), 0).ok());
  owner_.sent.clear();
  EXPECT_TRUE(RunUntil(31 * kS).empty());
  EXPECT_TRUE(owner_.server_timeouts.empty());
  EXPECT_TRUE(RunUntil(32 * kS).empty());
  EXPECT_EQ(owner_.server_timeouts.size(), 1u);
}

TEST_F(TransactionLayerTest, AcceptedAbsorbsRetransmittedInviteAndDeliversAckToOwner) {
  ASSERT_TRUE(Receive(Invite(), Udp(), 0).ok());
  ServerTransactionHandle tx = owner_.requests[0];
  const SipMessage invite = layer_.server_transaction(tx)->request();
  ASSERT_TRUE(layer_.SendResponse(tx, MakeResponse(invite, 200, "OK", "c1"), 100 * kMs).ok());
  EXPECT_EQ(layer_.server_transaction(tx)->state(), ServerTransaction::State::kAccepted);
  EXPECT_EQ(layer_.NextDeadline(), 100 * kMs + 32 * kS);  // timer L
  owner_.sent.clear();
  ASSERT_TRUE(Receive(Invite(), Udp(), 600 * kMs).ok());
  EXPECT_TRUE(owner_.sent.empty());
  EXPECT_EQ(owner_.requests.size(), 1u);
  // The TU's 2xx retransmission passes in Accepted (RFC 6026 8.5); a 486 does not.
  EXPECT_TRUE(layer_.SendResponse(tx, MakeResponse(invite, 200, "OK", "c1"), 600 * kMs).ok());
  EXPECT_EQ(layer_.SendResponse(tx, MakeResponse(invite, 486, "Busy", "c1"), 600 * kMs).code(),
            absl::StatusCode::kFailedPrecondition);
  // The 2xx's ACK is its own transaction (new branch): delivered.
  ASSERT_TRUE(Receive(AckFor("z9hG4bKack2", "c1"), Udp(), 700 * kMs).ok());
  ASSERT_EQ(owner_.acks.size(), 1u);
  EXPECT_EQ(owner_.acks[0].method(), "ACK");
  // Timer L ends the transaction silently at 64*T1.
  EXPECT_TRUE(RunUntil(32 * kS).empty());
  EXPECT_NE(layer_.server_transaction(tx), nullptr);
  RunUntil(100 * kMs + 32 * kS);
  EXPECT_EQ(layer_.server_transaction(tx), nullptr);
  EXPECT_TRUE(owner_.server_timeouts.empty());
}

TEST_F(TransactionLayerTest, StrayAckGoesToOwner) {
  ASSERT_TRUE(Receive(AckFor("z9hG4bKnothing", "x"), Udp(), 0).ok());
  EXPECT_EQ(owner_.acks.size(), 1u);
  EXPECT_TRUE(owner_.sent.empty());
}

TEST_F(TransactionLayerTest, NonInviteServerTimerJOnUdp) {
  ASSERT_TRUE(Receive(Bye(), Udp(), 0).ok());
  ServerTransactionHandle tx = owner_.requests[0];
  EXPECT_EQ(layer_.server_transaction(tx)->state(), ServerTransaction::State::kTrying);
  EXPECT_TRUE(owner_.sent.empty());  // no 100 for non-INVITE
  ASSERT_TRUE(Receive(Bye(), Udp(), 100 * kMs).ok());  // Trying: absorbed silently
  EXPECT_TRUE(owner_.sent.empty());
  const SipMessage bye = layer_.server_transaction(tx)->request();
  ASSERT_TRUE(layer_.SendResponse(tx, MakeResponse(bye, 200, "OK"), 200 * kMs).ok());
  EXPECT_EQ(layer_.server_transaction(tx)->state(), ServerTransaction::State::kCompleted);
  ASSERT_TRUE(Receive(Bye(), Udp(), 300 * kMs).ok());  // Completed: the 200 again
  EXPECT_EQ(owner_.SentStatuses(), (std::vector<int>{200, 200}));
  EXPECT_EQ(owner_.requests.size(), 1u);
  EXPECT_EQ(layer_.NextDeadline(), 200 * kMs + 32 * kS);  // timer J, no retransmissions
  EXPECT_TRUE(RunUntil(40 * kS).empty());
  EXPECT_EQ(layer_.server_transaction(tx), nullptr);
}

TEST_F(TransactionLayerTest, NonInviteServerTimerJIsZeroOnTcp) {
  ASSERT_TRUE(Receive(Bye("z9hG4bKbye1", "TCP"), Tcp(9), 0).ok());
  ServerTransactionHandle tx = owner_.requests[0];
  const SipMessage bye = layer_.server_transaction(tx)->request();
  ASSERT_TRUE(layer_.SendResponse(tx, MakeResponse(bye, 200, "OK"), 1 * kS).ok());
  EXPECT_EQ(layer_.NextDeadline(), 1 * kS);
  layer_.OnTimer(1 * kS);
  EXPECT_EQ(layer_.server_transaction(tx), nullptr);
}

TEST_F(TransactionLayerTest, NonInviteProvisionalIsRepeatedInProceeding) {
  ASSERT_TRUE(Receive(Bye(), Udp(), 0).ok());
  ServerTransactionHandle tx = owner_.requests[0];
  const SipMessage bye = layer_.server_transaction(tx)->request();
  ASSERT_TRUE(layer_.SendResponse(tx, MakeResponse(bye, 100, "Trying"), 0).ok());
  EXPECT_EQ(layer_.server_transaction(tx)->state(), ServerTransaction::State::kProceeding);
  ASSERT_TRUE(Receive(Bye(), Udp(), 500 * kMs).ok());
  EXPECT_EQ(owner_.SentStatuses(), (std::vector<int>{100, 100}));
}

TEST_F(TransactionLayerTest, CancelBeforeFinalAnswer) {
  ASSERT_TRUE(Receive(Invite(), Udp(), 0).ok());
  ServerTransactionHandle tx = owner_.requests[0];
  const SipMessage invite = layer_.server_transaction(tx)->request();
  ASSERT_TRUE(layer_.SendResponse(tx, MakeResponse(invite, 180, "Ringing", "c1"), 0).ok());
  owner_.sent.clear();
  ASSERT_TRUE(Receive(Cancel(), Udp(), 1 * kS).ok());
  ASSERT_EQ(owner_.cancels.size(), 1u);
  EXPECT_EQ(owner_.cancels[0], tx);
  EXPECT_EQ(owner_.requests.size(), 1u);  // the CANCEL is not an OnRequest
  ASSERT_EQ(owner_.SentStatuses(), (std::vector<int>{200, 487}));
  EXPECT_EQ(owner_.sent[0].message.Get("CSeq"), "1 CANCEL");
  EXPECT_EQ(ParseNameAddr(*owner_.sent[0].message.Get("To"))->Param("tag"), "c1");
  EXPECT_EQ(owner_.sent[1].message.Get("CSeq"), "1 INVITE");
  EXPECT_EQ(ParseNameAddr(*owner_.sent[1].message.Get("To"))->Param("tag"), "c1");
  EXPECT_EQ(layer_.server_transaction(tx)->state(), ServerTransaction::State::kCompleted);
  // The ACK of the 487 stays in the transaction.
  ASSERT_TRUE(Receive(AckFor("z9hG4bKinv1", "c1"), Udp(), 1100 * kMs).ok());
  EXPECT_TRUE(owner_.acks.empty());
  // A retransmitted CANCEL gets its 200 again, OnCancel does not run twice.
  owner_.sent.clear();
  ASSERT_TRUE(Receive(Cancel(), Udp(), 1200 * kMs).ok());
  EXPECT_EQ(owner_.SentStatuses(), std::vector<int>{200});
  EXPECT_EQ(owner_.cancels.size(), 1u);
}

TEST_F(TransactionLayerTest, CancelAnsweredByTheOwnerGetsNoSecond487) {
  owner_.answer_cancel_itself = true;
  ASSERT_TRUE(Receive(Invite(), Udp(), 0).ok());
  owner_.sent.clear();
  ASSERT_TRUE(Receive(Cancel(), Udp(), 1 * kS).ok());
  ASSERT_EQ(owner_.SentStatuses(), (std::vector<int>{200, 487}));
  EXPECT_EQ(owner_.sent[1].message.reason(), "Terminated By Owner");
}

TEST_F(TransactionLayerTest, CancelAfterTheFinalAnswerOnlyGets200) {
  ASSERT_TRUE(Receive(Invite(), Udp(), 0).ok());
  ServerTransactionHandle tx = owner_.requests[0];
  const SipMessage invite = layer_.server_transaction(tx)->request();
  ASSERT_TRUE(layer_.SendResponse(tx, MakeResponse(invite, 200, "OK", "c1"), 0).ok());
  owner_.sent.clear();
  ASSERT_TRUE(Receive(Cancel(), Udp(), 10 * kMs).ok());
  EXPECT_EQ(owner_.SentStatuses(), std::vector<int>{200});
  EXPECT_EQ(owner_.sent[0].message.Get("CSeq"), "1 CANCEL");
  EXPECT_TRUE(owner_.cancels.empty());
  EXPECT_EQ(layer_.server_transaction(tx)->state(), ServerTransaction::State::kAccepted);
}

TEST_F(TransactionLayerTest, CancelWithoutTransactionGets481) {
  ASSERT_TRUE(Receive(Cancel("z9hG4bKunknown"), Udp(), 0).ok());
  ASSERT_EQ(owner_.SentStatuses(), std::vector<int>{481});
  EXPECT_EQ(owner_.sent[0].to, Udp());
  EXPECT_TRUE(owner_.cancels.empty());
  // A CANCEL naming another branch of an existing INVITE does not match it either.
  ASSERT_TRUE(Receive(Invite(), Udp(), 0).ok());
  owner_.sent.clear();
  ASSERT_TRUE(Receive(Cancel("z9hG4bKother"), Udp(), 0).ok());
  EXPECT_EQ(owner_.SentStatuses(), std::vector<int>{481});
}

TEST_F(TransactionLayerTest, ServerTransactionLimitReportsResourceExhausted) {
  ASSERT_TRUE(Receive(Invite("z9hG4bK1"), Udp(), 0).ok());
  ASSERT_TRUE(Receive(Invite("z9hG4bK2"), Udp(), 0).ok());
  ASSERT_TRUE(Receive(Invite("z9hG4bK3"), Udp(), 0).ok());
  owner_.sent.clear();
  absl::Status s = Receive(Invite("z9hG4bK4"), Udp(), 0);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_EQ(owner_.requests.size(), 3u);
  EXPECT_TRUE(owner_.sent.empty());  // the owner answers 503
  // Retransmissions and ACKs of live transactions still work.
  ASSERT_TRUE(Receive(Invite("z9hG4bK2"), Udp(), 0).ok());
  EXPECT_EQ(owner_.SentStatuses(), std::vector<int>{100});
  ASSERT_TRUE(Receive(AckFor("z9hG4bKx", "t"), Udp(), 0).ok());
  EXPECT_EQ(owner_.acks.size(), 1u);
  EXPECT_EQ(Receive(Cancel("z9hG4bK1"), Udp(), 0).code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(TransactionLayerTest, Rfc2543RequestsMatchWithoutMagicCookie) {
  ASSERT_TRUE(Receive(Invite("oldbranch77"), Udp(), 0).ok());
  ServerTransactionHandle tx = owner_.requests[0];
  const SipMessage invite = layer_.server_transaction(tx)->request();
  ASSERT_TRUE(layer_.SendResponse(tx, MakeResponse(invite, 486, "Busy Here", "c1"), 0).ok());
  owner_.sent.clear();
  ASSERT_TRUE(Receive(Invite("oldbranch77"), Udp(), 100 * kMs).ok());
  EXPECT_EQ(owner_.SentStatuses(), std::vector<int>{486});
  EXPECT_EQ(owner_.requests.size(), 1u);
  ASSERT_TRUE(Receive(AckFor("oldbranch77", "c1"), Udp(), 200 * kMs).ok());
  EXPECT_TRUE(owner_.acks.empty());
  EXPECT_EQ(layer_.server_transaction(tx)->state(), ServerTransaction::State::kConfirmed);
}

TEST_F(TransactionLayerTest, SameBranchFromAnotherSentByIsANewTransaction) {
  ASSERT_TRUE(Receive(Invite("z9hG4bKsame", "192.0.2.10"), Udp(), 0).ok());
  ASSERT_TRUE(Receive(Invite("z9hG4bKsame", "192.0.2.11"), Udp("192.0.2.11"), 0).ok());
  EXPECT_EQ(owner_.requests.size(), 2u);
}

TEST_F(TransactionLayerTest, MessageWithoutViaIsRejected) {
  SipMessage m = SipMessage::Response(200, "OK");
  m.Add("CSeq", "1 BYE");
  EXPECT_EQ(layer_.OnMessage(m, Udp(), 0).code(), absl::StatusCode::kInvalidArgument);
}

// --- client transactions ---

SipMessage OutgoingBye(std::string_view branch = "z9hG4bKout1") {
  return Msg(absl::StrCat("BYE sip:alice@192.0.2.10:5060 SIP/2.0\n"
                          "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=", Sv(branch), "\n"
                          "Max-Forwards: 70\n"
                          "From: <sip:conf@192.0.2.1>;tag=c1\n"
                          "To: <sip:alice@example.com>;tag=a1\n"
                          "Call-ID: call-1@192.0.2.10\n"
                          "CSeq: 1 BYE\n"
                          "Content-Length: 0\n\n"));
}

std::string ResponseTo(std::string_view method, int status, std::string_view branch = "z9hG4bKout1") {
  return absl::StrCat("SIP/2.0 ", status, " Whatever\n"
                      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=", Sv(branch), "\n"
                      "From: <sip:conf@192.0.2.1>;tag=c1\n"
                      "To: <sip:alice@example.com>;tag=a1\n"
                      "Call-ID: call-1@192.0.2.10\n"
                      "CSeq: 1 ", Sv(method), "\n"
                      "Content-Length: 0\n\n");
}

TEST_F(TransactionLayerTest, ClientNonInviteTimersEAndF) {
  absl::StatusOr<ClientTransactionHandle> tx = layer_.SendRequest(OutgoingBye(), Udp(), 0);
  ASSERT_TRUE(tx.ok()) << tx.status();
  ASSERT_EQ(owner_.sent.size(), 1u);
  EXPECT_EQ(owner_.sent[0].message.method(), "BYE");
  std::vector<int64_t> times = RunUntil(40 * kS);
  std::vector<int64_t> expected = {500 * kMs, 1500 * kMs, 3500 * kMs, 7500 * kMs, 11500 * kMs,
                                   15500 * kMs, 19500 * kMs, 23500 * kMs, 27500 * kMs, 31500 * kMs};
  EXPECT_EQ(times, expected);
  ASSERT_EQ(owner_.client_timeouts.size(), 1u);
  EXPECT_EQ(owner_.client_timeouts[0], *tx);
  EXPECT_EQ(layer_.client_transaction(*tx), nullptr);
}

TEST_F(TransactionLayerTest, ClientNonInviteProceedingRetransmitsAtT2ThenTimerK) {
  absl::StatusOr<ClientTransactionHandle> tx = layer_.SendRequest(OutgoingBye(), Udp(), 0);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(Receive(ResponseTo("BYE", 100), Udp(), 100 * kMs).ok());
  EXPECT_EQ(owner_.responses, std::vector<int>{100});
  EXPECT_EQ(layer_.client_transaction(*tx)->state(), ClientTransaction::State::kProceeding);
  // E still at 500 ms, then every T2 = 4 s.
  std::vector<int64_t> times = RunUntil(9 * kS);
  EXPECT_EQ(times, (std::vector<int64_t>{500 * kMs, 4500 * kMs, 8500 * kMs}));
  ASSERT_TRUE(Receive(ResponseTo("BYE", 200), Udp(), 9 * kS).ok());
  ASSERT_TRUE(Receive(ResponseTo("BYE", 200), Udp(), 9100 * kMs).ok());  // absorbed
  EXPECT_EQ(owner_.responses, (std::vector<int>{100, 200}));
  EXPECT_EQ(layer_.NextDeadline(), 9 * kS + 5 * kS);  // timer K = T4
  EXPECT_TRUE(RunUntil(20 * kS).empty());
  EXPECT_EQ(layer_.client_transaction(*tx), nullptr);
  EXPECT_TRUE(owner_.client_timeouts.empty());
}

TEST_F(TransactionLayerTest, ClientOnTcpDoesNotRetransmitAndTimerKIsZero) {
  SipMessage bye = OutgoingBye();
  absl::StatusOr<ClientTransactionHandle> tx = layer_.SendRequest(bye, Tcp(4), 0);
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ(layer_.NextDeadline(), 32 * kS);  // timer F only
  ASSERT_TRUE(Receive(ResponseTo("BYE", 200), Tcp(4), 1 * kS).ok());
  EXPECT_EQ(layer_.NextDeadline(), 1 * kS);
  layer_.OnTimer(1 * kS);
  EXPECT_EQ(layer_.client_transaction(*tx), nullptr);
  EXPECT_EQ(owner_.sent.size(), 1u);
}

TEST_F(TransactionLayerTest, ResponsesMatchOnBranchAndCSeqMethod) {
  absl::StatusOr<ClientTransactionHandle> tx = layer_.SendRequest(OutgoingBye(), Udp(), 0);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(Receive(ResponseTo("INFO", 200), Udp(), 0).ok());
  ASSERT_TRUE(Receive(ResponseTo("BYE", 200, "z9hG4bKother"), Udp(), 0).ok());
  EXPECT_TRUE(owner_.responses.empty());
  ASSERT_TRUE(Receive(ResponseTo("BYE", 200), Udp(), 0).ok());
  EXPECT_EQ(owner_.responses, std::vector<int>{200});
  EXPECT_EQ(owner_.response_tx[0], *tx);
}

TEST_F(TransactionLayerTest, SendRequestChecksBranchDuplicatesAndLimit) {
  SipMessage no_cookie = OutgoingBye("abc");
  EXPECT_EQ(layer_.SendRequest(no_cookie, Udp(), 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(layer_.SendRequest(OutgoingBye("z9hG4bKa"), Udp(), 0).ok());
  EXPECT_EQ(layer_.SendRequest(OutgoingBye("z9hG4bKa"), Udp(), 0).status().code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(layer_.SendRequest(OutgoingBye("z9hG4bKb"), Udp(), 0).ok());
  EXPECT_EQ(layer_.SendRequest(OutgoingBye("z9hG4bKc"), Udp(), 0).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST_F(TransactionLayerTest, ClientInviteTimersAAndBAndAckOfNon2xx) {
  SipMessage invite = Msg("INVITE sip:alice@192.0.2.10:5060 SIP/2.0\n"
                          "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinvout\n"
                          "Route: <sip:proxy.example.com;lr>\n"
                          "Max-Forwards: 70\n"
                          "From: <sip:conf@192.0.2.1>;tag=c1\n"
                          "To: <sip:alice@example.com>\n"
                          "Call-ID: call-9@192.0.2.1\n"
                          "CSeq: 5 INVITE\n"
                          "Contact: <sip:conf@192.0.2.1>\n"
                          "Content-Length: 0\n\n");
  absl::StatusOr<ClientTransactionHandle> tx = layer_.SendRequest(invite, Udp(), 0);
  ASSERT_TRUE(tx.ok());
  std::vector<int64_t> times = RunUntil(31 * kS);
  // Timer A doubles without cap.
  EXPECT_EQ(times, (std::vector<int64_t>{500 * kMs, 1500 * kMs, 3500 * kMs, 7500 * kMs,
                                         15500 * kMs}));
  owner_.sent.clear();
  ASSERT_TRUE(Receive("SIP/2.0 486 Busy Here\n"
                      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinvout\n"
                      "From: <sip:conf@192.0.2.1>;tag=c1\n"
                      "To: <sip:alice@example.com>;tag=bob9\n"
                      "Call-ID: call-9@192.0.2.1\n"
                      "CSeq: 5 INVITE\n"
                      "Content-Length: 0\n\n",
                      Udp(), 31 * kS)
                  .ok());
  EXPECT_EQ(owner_.responses, std::vector<int>{486});
  ASSERT_EQ(owner_.sent.size(), 1u);
  const SipMessage& ack = owner_.sent[0].message;
  EXPECT_EQ(ack.method(), "ACK");
  EXPECT_EQ(ack.request_uri(), "sip:alice@192.0.2.10:5060");
  EXPECT_EQ(ack.Get("CSeq"), "5 ACK");
  EXPECT_EQ(ack.Get("To"), "<sip:alice@example.com>;tag=bob9");
  EXPECT_EQ(ack.Get("Route"), "<sip:proxy.example.com;lr>");
  EXPECT_EQ(ParseVia(ack.GetAll("Via").front())->branch(), "z9hG4bKinvout");
  EXPECT_EQ(layer_.NextDeadline(), 31 * kS + 32 * kS);  // timer D
  // A repeated 486 gets the ACK again and is not delivered.
  ASSERT_TRUE(Receive("SIP/2.0 486 Busy Here\n"
                      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinvout\n"
                      "From: <sip:conf@192.0.2.1>;tag=c1\n"
                      "To: <sip:alice@example.com>;tag=bob9\n"
                      "Call-ID: call-9@192.0.2.1\n"
                      "CSeq: 5 INVITE\n"
                      "Content-Length: 0\n\n",
                      Udp(), 32 * kS)
                  .ok());
  EXPECT_EQ(owner_.sent.size(), 2u);
  EXPECT_EQ(owner_.responses.size(), 1u);
}

TEST_F(TransactionLayerTest, ClientInviteTimerBTimesOut) {
  SipMessage invite = Msg("INVITE sip:alice@192.0.2.10 SIP/2.0\n"
                          "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinvB\n"
                          "From: <sip:conf@192.0.2.1>;tag=c1\n"
                          "To: <sip:alice@example.com>\n"
                          "Call-ID: call-b@192.0.2.1\n"
                          "CSeq: 1 INVITE\n"
                          "Content-Length: 0\n\n");
  absl::StatusOr<ClientTransactionHandle> tx = layer_.SendRequest(invite, Udp(), 0);
  ASSERT_TRUE(tx.ok());
  std::vector<int64_t> times = RunUntil(32 * kS);
  EXPECT_EQ(times, (std::vector<int64_t>{500 * kMs, 1500 * kMs, 3500 * kMs, 7500 * kMs,
                                         15500 * kMs, 31500 * kMs}));
  EXPECT_EQ(owner_.client_timeouts.size(), 1u);
}

// --- the UAS core's 2xx retransmission (RFC 3261 13.3.1.4) ---

TEST(Uas2xxRetransmitterTest, RetransmitsUntilGivingUpAt64T1) {
  SipMessage invite = Msg(Invite());
  Uas2xxRetransmitter rtx(MakeResponse(invite, 200, "OK", "c1"), Udp(), TimerConfig{}, 0);
  std::vector<int64_t> times;
  bool gave_up = false;
  for (int i = 0; i < 100 && rtx.active(); ++i) {
    int64_t now = rtx.next_deadline_us();
    switch (rtx.OnTimer(now)) {
      case Uas2xxRetransmitter::Action::kRetransmit: times.push_back(now); break;
      case Uas2xxRetransmitter::Action::kNoAck: gave_up = true; EXPECT_EQ(now, 32 * kS); break;
      case Uas2xxRetransmitter::Action::kNone: ADD_FAILURE() << "nothing due at " << now; break;
    }
  }
  EXPECT_TRUE(gave_up);
  EXPECT_EQ(times, (std::vector<int64_t>{500 * kMs, 1500 * kMs, 3500 * kMs, 7500 * kMs, 11500 * kMs,
                                         15500 * kMs, 19500 * kMs, 23500 * kMs, 27500 * kMs,
                                         31500 * kMs}));
  EXPECT_FALSE(rtx.acked());
  EXPECT_EQ(rtx.response().status(), 200);
}

TEST(Uas2xxRetransmitterTest, MatchingAckStopsIt) {
  SipMessage invite = Msg(Invite());
  Uas2xxRetransmitter rtx(MakeResponse(invite, 200, "OK", "c1"), Tcp(1), TimerConfig{}, 0);
  EXPECT_EQ(rtx.next_deadline_us(), 500 * kMs);  // on TCP too: the 2xx is end-to-end
  EXPECT_FALSE(rtx.MatchesAck(Msg(AckFor("z9hG4bKa", "other"))));
  std::string wrong_cseq = absl::StrReplaceAll(AckFor("z9hG4bKa", "c1"), {{"CSeq: 1 ACK", "CSeq: 2 ACK"}});
  EXPECT_FALSE(rtx.MatchesAck(Msg(wrong_cseq)));
  ASSERT_TRUE(rtx.MatchesAck(Msg(AckFor("z9hG4bKa", "c1"))));
  rtx.OnAck();
  EXPECT_TRUE(rtx.acked());
  EXPECT_EQ(rtx.next_deadline_us(), kNever);
  EXPECT_EQ(rtx.OnTimer(40 * kS), Uas2xxRetransmitter::Action::kNone);
}

}  // namespace
}  // namespace konfero::sip
