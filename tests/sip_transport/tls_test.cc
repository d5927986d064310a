// tests/sip_transport/tls_test.cc: SIP over TLS with a self-signed
// certificate made in the test: a Boost.Asio SSL client against the
// transport's listener, and one transport connecting out to another.
#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include "gtest/gtest.h"
#include "sip_transport/asio_endpoint.h"
#include "sip_transport/sip_transport.h"
#include "sip_transport/test_util.h"

namespace konfero::sip_transport::testing {
namespace {

namespace ssl = boost::asio::ssl;
using boost::asio::ip::tcp;
using sip::SipEndpoint;
using sip::SipTransport;
using sip::SipTransportOptions;
using sip::Transport;

constexpr std::string_view kOk = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";

// A TLS client that trusts `ca_file` and checks the server names 127.0.0.1.
// Each call runs the client's own loop until its operation completes (or
// the hang guard).
class TlsClient {
 public:
  explicit TlsClient(const std::string& ca_file) : context_(ssl::context::tls_client) {
    context_.load_verify_file(ca_file);
    context_.set_verify_mode(ssl::verify_peer);
    stream_ = std::make_unique<ssl::stream<tcp::socket>>(io_, context_);
    stream_->set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  }

  boost::system::error_code Connect(const net::IpEndpoint& to) {
    boost::system::error_code result = boost::asio::error::timed_out;
    stream_->lowest_layer().async_connect(
        ToAsio<tcp::endpoint>(to, false), [&](const boost::system::error_code& error) {
          if (error) {
            result = error;
            return;
          }
          stream_->async_handshake(ssl::stream_base::client,
                                   [&](const boost::system::error_code& e) { result = e; });
        });
    Run();
    return result;
  }
  void Write(std::string_view bytes) {
    boost::system::error_code result = boost::asio::error::timed_out;
    boost::asio::async_write(*stream_, boost::asio::buffer(bytes.data(), bytes.size()),
                             [&](const boost::system::error_code& e, size_t) { result = e; });
    Run();
    EXPECT_FALSE(result) << result.message();
  }
  std::string Read(size_t size) {
    std::string out(size, '\0');
    size_t got = 0;
    boost::asio::async_read(*stream_, boost::asio::buffer(out),
                            [&](const boost::system::error_code&, size_t n) { got = n; });
    Run();
    out.resize(got);
    return out;
  }
  net::IpEndpoint local() { return FromAsio(stream_->lowest_layer().local_endpoint()); }

 private:
  void Run() {
    io_.restart();
    io_.run_for(std::chrono::seconds(kGuardSeconds));
  }

  boost::asio::io_context io_;
  ssl::context context_;
  std::unique_ptr<ssl::stream<tcp::socket>> stream_;
};

class SipTransportTlsTest : public ::testing::Test {
 protected:
  std::unique_ptr<SipTransport> StartTls(Inbox& inbox) {
    SipTransportOptions options;
    options.tls_listen = "127.0.0.1:0";
    options.tls_cert_file = cert_.cert_file();
    options.tls_key_file = cert_.key_file();
    auto transport = SipTransport::Start(options, inbox.receiver());
    EXPECT_TRUE(transport.ok()) << transport.status();
    return transport.ok() ? *std::move(transport) : nullptr;
  }
  std::unique_ptr<SipTransport> StartClientOnly(Inbox& inbox, bool verify, std::string ca_file) {
    SipTransportOptions options;  // no listener at all: outbound only
    options.tls_verify_peer = verify;
    options.tls_ca_file = std::move(ca_file);
    auto transport = SipTransport::Start(options, inbox.receiver());
    EXPECT_TRUE(transport.ok()) << transport.status();
    return transport.ok() ? *std::move(transport) : nullptr;
  }

  SelfSignedCert cert_;
};

TEST_F(SipTransportTlsTest, ClientExchangesMessagesAndKeepAlives) {
  Inbox inbox;
  auto transport = StartTls(inbox);
  ASSERT_NE(transport, nullptr);
  ASSERT_TRUE(transport->tls_address().has_value());
  EXPECT_FALSE(transport->udp_address().has_value());
  EXPECT_NE(transport->tls_address()->port(), 0);

  TlsClient client(cert_.cert_file());
  const boost::system::error_code connected = client.Connect(*transport->tls_address());
  ASSERT_FALSE(connected) << connected.message();
  const std::string a = Request("tls-a", "hello"), b = Request("tls-b");
  client.Write(a + b);
  std::optional<Received> got_a = inbox.Next(), got_b = inbox.Next();
  ASSERT_TRUE(got_a && got_b);
  EXPECT_EQ(got_a->message, a);
  EXPECT_EQ(got_b->message, b);
  EXPECT_EQ(got_a->from.transport, Transport::kTls);
  EXPECT_EQ(got_a->from.endpoint, client.local());
  EXPECT_NE(got_a->from.connection_id, 0u);
  EXPECT_EQ(got_b->from.connection_id, got_a->from.connection_id);

  transport->Send(std::string(kOk), got_a->from);
  EXPECT_EQ(client.Read(kOk.size()), kOk);
  client.Write("\r\n\r\n");
  EXPECT_EQ(client.Read(2), "\r\n");
}

TEST_F(SipTransportTlsTest, TransportConnectsOutToAnother) {
  Inbox server_inbox, client_inbox;
  auto server = StartTls(server_inbox);
  auto client = StartClientOnly(client_inbox, /*verify=*/false, "");
  ASSERT_TRUE(server && client);
  client->Send(Request("out"), SipEndpoint{Transport::kTls, *server->tls_address(), 0});
  std::optional<Received> request = server_inbox.Next();
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->message, Request("out"));
  EXPECT_EQ(request->from.transport, Transport::kTls);

  server->Send(std::string(kOk), request->from);
  std::optional<Received> response = client_inbox.Next();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->message, kOk);
  EXPECT_EQ(response->from.transport, Transport::kTls);
  EXPECT_EQ(response->from.endpoint, *server->tls_address());
  EXPECT_NE(response->from.connection_id, 0u);
  EXPECT_EQ(client->counters().messages_out, 1u);
  EXPECT_EQ(client->counters().messages_in, 1u);
}

TEST_F(SipTransportTlsTest, VerificationWhenAskedFor) {
  Inbox server_inbox, trusting_inbox, strict_inbox;
  auto server = StartTls(server_inbox);
  ASSERT_NE(server, nullptr);
  const SipEndpoint to{Transport::kTls, *server->tls_address(), 0};

  // Trusting the self-signed certificate, which names 127.0.0.1: accepted.
  auto trusting = StartClientOnly(trusting_inbox, /*verify=*/true, cert_.cert_file());
  ASSERT_NE(trusting, nullptr);
  trusting->Send(Request("trusted"), to);
  std::optional<Received> got = server_inbox.Next();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->message, Request("trusted"));

  // The system's CAs do not know it: the handshake fails, the message is lost.
  auto strict = StartClientOnly(strict_inbox, /*verify=*/true, "");
  ASSERT_NE(strict, nullptr);
  strict->Send(Request("refused"), to);
  EXPECT_TRUE(WaitUntil([&] { return strict->counters().send_errors == 1; }));
  EXPECT_EQ(strict->counters().messages_out, 0u);
}

TEST_F(SipTransportTlsTest, UnreadableCertificateIsInvalidArgument) {
  Inbox inbox;
  SipTransportOptions options;
  options.tls_listen = "127.0.0.1:0";
  options.tls_cert_file = cert_.cert_file() + ".missing";
  options.tls_key_file = cert_.key_file();
  EXPECT_EQ(SipTransport::Start(options, inbox.receiver()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace konfero::sip_transport::testing
