// tests/sip_transport/test_util.h: peers for the SIP transport's tests: an
// inbox for what the transport receives, blocking POSIX UDP and TCP sockets
// on 127.0.0.1, a SIP request to send, and a self-signed certificate.
//
// Waits are hang guards only (30 s): a test fails on what arrives, never on
// how long it took.
#ifndef KONFERO_TESTS_SIP_TRANSPORT_TEST_UTIL_H_
#define KONFERO_TESTS_SIP_TRANSPORT_TEST_UTIL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "konfero/net/ip_endpoint.h"
#include "sip_transport/sip_transport.h"

namespace konfero::sip_transport::testing {

inline constexpr int kGuardSeconds = 30;

struct Received {
  std::string message;
  sip::SipEndpoint from;
};

// Collects what a transport's receiver gets (called on its thread).
class Inbox {
 public:
  sip::SipTransport::Receiver receiver();
  // The next message in arrival order; nullopt after the hang guard.
  std::optional<Received> Next();
  size_t size();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Received> messages_;
};

// Polls `done` until it is true or the hang guard passes.
bool WaitUntil(const std::function<bool()>& done);

// An OPTIONS request with a body of `body`, `tag` in its Call-ID.
std::string Request(std::string_view tag, std::string_view body = "");

net::IpEndpoint Loopback(uint16_t port);

class UdpPeer {
 public:
  UdpPeer();  // bound to 127.0.0.1, any port
  ~UdpPeer();
  void SendTo(std::string_view datagram, const net::IpEndpoint& to);
  std::optional<std::string> Receive();  // nullopt after the hang guard
  net::IpEndpoint local() const;

 private:
  int fd_ = -1;
};

class TcpPeer {
 public:
  static TcpPeer Connect(const net::IpEndpoint& to);
  explicit TcpPeer(int fd) : fd_(fd) {}
  TcpPeer(TcpPeer&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  ~TcpPeer();
  bool connected() const { return fd_ >= 0; }
  void Write(std::string_view bytes);
  // Exactly `size` bytes; fewer if the stream ended (or the hang guard).
  std::string Read(size_t size);
  // True once the peer closed the connection (EOF or reset), without data.
  bool ReadsEof();
  net::IpEndpoint local() const;
  void Close();

 private:
  int fd_ = -1;
};

// A listening TCP socket on 127.0.0.1 (the transport connects to it).
class TcpServer {
 public:
  TcpServer();
  ~TcpServer();
  std::optional<TcpPeer> Accept();  // nullopt after the hang guard
  net::IpEndpoint local() const;

 private:
  int fd_ = -1;
};

// A self-signed P-256 certificate for IP 127.0.0.1 and its key, written as
// PEM into a new temporary directory (removed by the destructor).
class SelfSignedCert {
 public:
  SelfSignedCert();
  ~SelfSignedCert();
  std::string cert_file() const { return dir_ + "/cert.pem"; }
  std::string key_file() const { return dir_ + "/key.pem"; }

 private:
  std::string dir_;
};

}  // namespace konfero::sip_transport::testing

#endif  // KONFERO_TESTS_SIP_TRANSPORT_TEST_UTIL_H_
