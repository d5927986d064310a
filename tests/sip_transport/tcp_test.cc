// tests/sip_transport/tcp_test.cc: SIP over TCP: framing, replies on the
// same connection, keep-alives, limits, idle timeout and reconnecting.
#include <memory>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "sip_transport/sip_transport.h"
#include "sip_transport/test_util.h"

namespace konfero::sip_transport::testing {
namespace {

using sip::SipEndpoint;
using sip::SipTransport;
using sip::SipTransportOptions;
using sip::Transport;

SipTransportOptions Listening() {
  SipTransportOptions options;
  options.listen = "127.0.0.1:0";
  return options;
}

std::unique_ptr<SipTransport> StartWith(const SipTransportOptions& options, Inbox& inbox) {
  auto transport = SipTransport::Start(options, inbox.receiver());
  EXPECT_TRUE(transport.ok()) << transport.status();
  return transport.ok() ? *std::move(transport) : nullptr;
}

constexpr std::string_view kOk = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";

TEST(SipTransportTcpTest, FramesCoalescedAndSplitMessagesAndRepliesOnTheConnection) {
  Inbox inbox;
  auto transport = StartWith(Listening(), inbox);
  ASSERT_NE(transport, nullptr);
  TcpPeer peer = TcpPeer::Connect(*transport->tcp_address());
  const std::string a = Request("a", "body of a");
  const std::string b = Request("b");
  const std::string c = Request("c", "v=0\r\n");
  peer.Write(a + b);  // two messages in one write
  peer.Write(std::string_view(c).substr(0, 40));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // likely two reads; correct either way
  peer.Write(std::string_view(c).substr(40));

  std::optional<Received> got_a = inbox.Next(), got_b = inbox.Next(), got_c = inbox.Next();
  ASSERT_TRUE(got_a && got_b && got_c);
  EXPECT_EQ(got_a->message, a);
  EXPECT_EQ(got_b->message, b);
  EXPECT_EQ(got_c->message, c);
  EXPECT_EQ(got_a->from.transport, Transport::kTcp);
  EXPECT_EQ(got_a->from.endpoint, peer.local());
  EXPECT_NE(got_a->from.connection_id, 0u);
  EXPECT_EQ(got_b->from.connection_id, got_a->from.connection_id);
  EXPECT_EQ(got_c->from.connection_id, got_a->from.connection_id);

  transport->Send(std::string(kOk), got_a->from);
  EXPECT_EQ(peer.Read(kOk.size()), kOk);
  EXPECT_EQ(transport->counters().messages_in, 3u);
  EXPECT_TRUE(WaitUntil([&] { return transport->counters().messages_out == 1; }));
  EXPECT_EQ(transport->counters().connections_open, 1u);
}

TEST(SipTransportTcpTest, EachConnectionHasItsOwnId) {
  Inbox inbox;
  auto transport = StartWith(Listening(), inbox);
  ASSERT_NE(transport, nullptr);
  TcpPeer one = TcpPeer::Connect(*transport->tcp_address());
  TcpPeer two = TcpPeer::Connect(*transport->tcp_address());
  one.Write(Request("one"));
  std::optional<Received> from_one = inbox.Next();
  two.Write(Request("two"));
  std::optional<Received> from_two = inbox.Next();
  ASSERT_TRUE(from_one && from_two);
  EXPECT_NE(from_one->from.connection_id, from_two->from.connection_id);
  EXPECT_EQ(from_two->from.endpoint, two.local());
  // A reply to each goes on its own connection.
  transport->Send(std::string(kOk) , from_two->from);
  EXPECT_EQ(two.Read(kOk.size()), kOk);
}

TEST(SipTransportTcpTest, CrlfPingGetsAPong) {
  Inbox inbox;
  auto transport = StartWith(Listening(), inbox);
  ASSERT_NE(transport, nullptr);
  TcpPeer peer = TcpPeer::Connect(*transport->tcp_address());
  peer.Write("\r\n\r\n");
  EXPECT_EQ(peer.Read(2), "\r\n");
  peer.Write("\r\n\r\n" + Request("after-ping"));
  EXPECT_EQ(peer.Read(2), "\r\n");
  std::optional<Received> got = inbox.Next();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->message, Request("after-ping"));
  EXPECT_EQ(transport->counters().messages_out, 0u);  // pongs are not messages
}

TEST(SipTransportTcpTest, OversizeMessageClosesTheConnection) {
  Inbox inbox;
  SipTransportOptions options = Listening();
  options.max_message_bytes = 1000;
  auto transport = StartWith(options, inbox);
  ASSERT_NE(transport, nullptr);
  TcpPeer peer = TcpPeer::Connect(*transport->tcp_address());
  peer.Write(Request("big", std::string(1000, 'x')));
  EXPECT_TRUE(peer.ReadsEof());
  EXPECT_TRUE(WaitUntil([&] { return transport->counters().connections_open == 0; }));
  EXPECT_EQ(transport->counters().stream_errors, 1u);
  EXPECT_EQ(inbox.size(), 0u);
  // Other connections are unaffected.
  TcpPeer next = TcpPeer::Connect(*transport->tcp_address());
  next.Write(Request("small"));
  ASSERT_TRUE(inbox.Next().has_value());
}

TEST(SipTransportTcpTest, ConnectionsPerSourceAreLimited) {
  Inbox inbox;
  SipTransportOptions options = Listening();
  options.max_connections_per_source = 2;
  auto transport = StartWith(options, inbox);
  ASSERT_NE(transport, nullptr);
  TcpPeer one = TcpPeer::Connect(*transport->tcp_address());
  TcpPeer two = TcpPeer::Connect(*transport->tcp_address());
  one.Write(Request("one"));
  two.Write(Request("two"));
  ASSERT_TRUE(inbox.Next() && inbox.Next());  // both accepted
  TcpPeer three = TcpPeer::Connect(*transport->tcp_address());
  EXPECT_TRUE(three.ReadsEof());
  EXPECT_EQ(transport->counters().connections_refused, 1u);
  EXPECT_EQ(transport->counters().connections_open, 2u);

  // A closed one frees its place.
  one.Close();
  ASSERT_TRUE(WaitUntil([&] { return transport->counters().connections_open == 1; }));
  TcpPeer four = TcpPeer::Connect(*transport->tcp_address());
  four.Write(Request("four"));
  std::optional<Received> got = inbox.Next();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->message, Request("four"));
}

TEST(SipTransportTcpTest, ConnectionsInAllAreLimited) {
  Inbox inbox;
  SipTransportOptions options = Listening();
  options.max_connections = 1;
  auto transport = StartWith(options, inbox);
  ASSERT_NE(transport, nullptr);
  TcpPeer one = TcpPeer::Connect(*transport->tcp_address());
  one.Write(Request("one"));
  ASSERT_TRUE(inbox.Next().has_value());
  TcpPeer two = TcpPeer::Connect(*transport->tcp_address());
  EXPECT_TRUE(two.ReadsEof());
  EXPECT_EQ(transport->counters().connections_refused, 1u);
}

TEST(SipTransportTcpTest, IdleConnectionIsClosed) {
  Inbox inbox;
  SipTransportOptions options = Listening();
  options.idle_timeout = absl::Milliseconds(50);
  auto transport = StartWith(options, inbox);
  ASSERT_NE(transport, nullptr);
  TcpPeer peer = TcpPeer::Connect(*transport->tcp_address());
  peer.Write(Request("then-silence"));
  ASSERT_TRUE(inbox.Next().has_value());
  EXPECT_TRUE(peer.ReadsEof());
  EXPECT_EQ(transport->counters().idle_closed, 1u);
  EXPECT_TRUE(WaitUntil([&] { return transport->counters().connections_open == 0; }));
}

TEST(SipTransportTcpTest, SendToAClosedConnectionReconnectsToTheAddress) {
  Inbox inbox;
  auto transport = StartWith(Listening(), inbox);
  ASSERT_NE(transport, nullptr);
  TcpServer server;
  // Outbound: connection 0 means "any connection to the address".
  transport->Send(Request("first"), SipEndpoint{Transport::kTcp, server.local(), 0});
  std::optional<TcpPeer> first = server.Accept();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->Read(Request("first").size()), Request("first"));
  // The peer answers on it: the receiver learns the connection's id.
  first->Write(std::string(kOk));
  std::optional<Received> reply = inbox.Next();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->message, kOk);
  EXPECT_EQ(reply->from.transport, Transport::kTcp);
  EXPECT_EQ(reply->from.endpoint, server.local());
  EXPECT_NE(reply->from.connection_id, 0u);

  first->Close();
  ASSERT_TRUE(WaitUntil([&] { return transport->counters().connections_open == 0; }));
  transport->Send(Request("second"), reply->from);
  std::optional<TcpPeer> second = server.Accept();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->Read(Request("second").size()), Request("second"));
  second->Write(std::string(kOk));
  std::optional<Received> second_reply = inbox.Next();
  ASSERT_TRUE(second_reply.has_value());
  EXPECT_NE(second_reply->from.connection_id, reply->from.connection_id);
  EXPECT_EQ(transport->counters().send_errors, 0u);
}

TEST(SipTransportTcpTest, SendsWithoutAnIdReuseAnOpenConnectionToTheAddress) {
  Inbox inbox;
  auto transport = StartWith(Listening(), inbox);
  ASSERT_NE(transport, nullptr);
  TcpServer server;
  const SipEndpoint to{Transport::kTcp, server.local(), 0};
  transport->Send(Request("1"), to);
  transport->Send(Request("2"), to);
  std::optional<TcpPeer> peer = server.Accept();
  ASSERT_TRUE(peer.has_value());
  EXPECT_EQ(peer->Read(Request("1").size() + Request("2").size()), Request("1") + Request("2"));
}

TEST(SipTransportTcpTest, ConnectFailureCountsASendError) {
  Inbox inbox;
  auto transport = StartWith(Listening(), inbox);
  ASSERT_NE(transport, nullptr);
  net::IpEndpoint closed_port;
  {
    TcpServer gone;
    closed_port = gone.local();
  }
  transport->Send(Request("nobody"), SipEndpoint{Transport::kTcp, closed_port, 0});
  EXPECT_TRUE(WaitUntil([&] { return transport->counters().send_errors == 1; }));
  EXPECT_TRUE(WaitUntil([&] { return transport->counters().connections_open == 0; }));
}

}  // namespace
}  // namespace konfero::sip_transport::testing
