// tests/sip_transport/udp_test.cc: SIP over UDP, with a plain socket as the
// peer; options and binding.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "sip_transport/sip_transport.h"
#include "sip_transport/test_util.h"

namespace konfero::sip_transport::testing {
namespace {

using sip::SipEndpoint;
using sip::SipTransport;
using sip::SipTransportOptions;
using sip::Transport;

std::unique_ptr<SipTransport> StartOn(const std::string& listen, Inbox& inbox,
                                      size_t max_message_bytes = 64 * 1024) {
  SipTransportOptions options;
  options.listen = listen;
  options.max_message_bytes = max_message_bytes;
  auto transport = SipTransport::Start(options, inbox.receiver());
  EXPECT_TRUE(transport.ok()) << transport.status();
  return transport.ok() ? *std::move(transport) : nullptr;
}

TEST(SipTransportUdpTest, RoundTripWithAPlainSocket) {
  Inbox inbox;
  auto transport = StartOn("127.0.0.1:0", inbox);
  ASSERT_NE(transport, nullptr);
  ASSERT_TRUE(transport->udp_address().has_value());
  UdpPeer peer;
  const std::string request = Request("udp-1");
  peer.SendTo(request, *transport->udp_address());

  std::optional<Received> got = inbox.Next();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->message, request);
  EXPECT_EQ(got->from.transport, Transport::kUdp);
  EXPECT_EQ(got->from.endpoint, peer.local());
  EXPECT_EQ(got->from.connection_id, 0u);

  transport->Send("SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", got->from);
  EXPECT_EQ(peer.Receive(), "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n");
  const SipTransport::Counters counters = transport->counters();
  EXPECT_EQ(counters.datagrams_in, 1u);
  EXPECT_TRUE(WaitUntil([&] { return transport->counters().datagrams_out == 1; }));
}

TEST(SipTransportUdpTest, CrlfKeepAliveDatagramsAreNotHandedOn) {
  Inbox inbox;
  auto transport = StartOn("127.0.0.1:0", inbox);
  ASSERT_NE(transport, nullptr);
  UdpPeer peer;
  peer.SendTo("\r\n\r\n", *transport->udp_address());
  peer.SendTo("\r\n", *transport->udp_address());
  peer.SendTo(Request("after-ping"), *transport->udp_address());
  std::optional<Received> got = inbox.Next();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->message, Request("after-ping"));
  EXPECT_EQ(inbox.size(), 0u);
  EXPECT_EQ(transport->counters().datagrams_in, 1u);
}

TEST(SipTransportUdpTest, OversizeDatagramIsDropped) {
  Inbox inbox;
  auto transport = StartOn("127.0.0.1:0", inbox, /*max_message_bytes=*/1000);
  ASSERT_NE(transport, nullptr);
  UdpPeer peer;
  peer.SendTo(Request("big", std::string(1000, 'x')), *transport->udp_address());
  std::string exactly_at_limit;
  for (size_t body = 0; exactly_at_limit.size() != 1000 && body < 1000; ++body) {
    exactly_at_limit = Request("fits", std::string(body, 'y'));
  }
  ASSERT_EQ(exactly_at_limit.size(), 1000u);
  peer.SendTo(exactly_at_limit, *transport->udp_address());
  std::optional<Received> got = inbox.Next();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->message, exactly_at_limit);
  EXPECT_EQ(transport->counters().oversize_dropped, 1u);
  EXPECT_EQ(transport->counters().datagrams_in, 1u);
}

TEST(SipTransportUdpTest, PortZeroGivesUdpAndTcpTheSamePort) {
  Inbox inbox;
  auto transport = StartOn("127.0.0.1:0", inbox);
  ASSERT_NE(transport, nullptr);
  ASSERT_TRUE(transport->udp_address().has_value());
  ASSERT_TRUE(transport->tcp_address().has_value());
  EXPECT_NE(transport->udp_address()->port(), 0);
  EXPECT_EQ(transport->udp_address(), transport->tcp_address());
  EXPECT_EQ(transport->udp_address()->ToString(),
            "127.0.0.1:" + std::to_string(transport->udp_address()->port()));
  EXPECT_FALSE(transport->tls_address().has_value());
  // Both really listen there.
  TcpPeer tcp = TcpPeer::Connect(*transport->tcp_address());
  tcp.Write(Request("tcp"));
  UdpPeer udp;
  udp.SendTo(Request("udp"), *transport->udp_address());
  std::optional<Received> first = inbox.Next();
  std::optional<Received> second = inbox.Next();
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->from.transport, second->from.transport);
}

TEST(SipTransportUdpTest, AFixedPortTakenFails) {
  Inbox inbox;
  auto first = StartOn("127.0.0.1:0", inbox);
  ASSERT_NE(first, nullptr);
  SipTransportOptions options;
  options.listen = first->udp_address()->ToString();
  auto second = SipTransport::Start(options, inbox.receiver());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
}

TEST(SipTransportUdpTest, BadOptionsAreInvalidArgument) {
  Inbox inbox;
  for (const char* listen : {"127.0.0.1", "nonsense:5060", "127.0.0.1:70000", "::1:5060"}) {
    SipTransportOptions options;
    options.listen = listen;
    EXPECT_EQ(SipTransport::Start(options, inbox.receiver()).status().code(),
              absl::StatusCode::kInvalidArgument)
        << listen;
  }
  SipTransportOptions tls;
  tls.tls_listen = "127.0.0.1:0";  // no certificate
  EXPECT_EQ(SipTransport::Start(tls, inbox.receiver()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SipTransportUdpTest, Ipv6LoopbackWithBrackets) {
  Inbox inbox;
  SipTransportOptions options;
  options.listen = "[::1]:0";
  auto transport = SipTransport::Start(options, inbox.receiver());
  if (!transport.ok()) GTEST_SKIP() << "no IPv6 loopback: " << transport.status();
  EXPECT_FALSE((*transport)->udp_address()->is_ipv4());
  EXPECT_EQ((*transport)->udp_address()->port(), (*transport)->tcp_address()->port());
}

TEST(SipTransportUdpTest, TransportNamesAsInVia) {
  EXPECT_EQ(sip::TransportName(Transport::kUdp), "UDP");
  EXPECT_EQ(sip::TransportName(Transport::kTcp), "TCP");
  EXPECT_EQ(sip::TransportName(Transport::kTls), "TLS");
}

}  // namespace
}  // namespace konfero::sip_transport::testing
