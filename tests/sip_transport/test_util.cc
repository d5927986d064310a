// tests/sip_transport/test_util.cc: test peers and a self-signed certificate.
#include "sip_transport/test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "gtest/gtest.h"

namespace konfero::sip_transport::testing {
namespace {

sockaddr_in ToSockaddr(const net::IpEndpoint& endpoint) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(endpoint.port());
  std::memcpy(&sin.sin_addr, endpoint.address_bytes().data(), 4);
  return sin;
}

net::IpEndpoint LocalOf(int fd) {
  sockaddr_in sin{};
  socklen_t len = sizeof(sin);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  return Loopback(ntohs(sin.sin_port));
}

void SetReceiveGuard(int fd) {
  timeval tv{kGuardSeconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

}  // namespace

sip::SipTransport::Receiver Inbox::receiver() {
  return [this](std::string message, const sip::SipEndpoint& from) {
    std::lock_guard<std::mutex> lock(mu_);
    messages_.push_back({std::move(message), from});
    cv_.notify_all();
  };
}

std::optional<Received> Inbox::Next() {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, std::chrono::seconds(kGuardSeconds), [&] { return !messages_.empty(); })) {
    return std::nullopt;
  }
  Received next = std::move(messages_.front());
  messages_.pop_front();
  return next;
}

size_t Inbox::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return messages_.size();
}

bool WaitUntil(const std::function<bool()>& done) {
  const auto guard = std::chrono::steady_clock::now() + std::chrono::seconds(kGuardSeconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > guard) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

std::string Request(std::string_view tag, std::string_view body) {
  std::string m = "OPTIONS sip:konfero@127.0.0.1 SIP/2.0\r\n";
  m += "Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-";
  m += tag;
  m += "\r\nFrom: <sip:test@127.0.0.1>;tag=1\r\nTo: <sip:konfero@127.0.0.1>\r\nCall-ID: ";
  m += tag;
  m += "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: ";
  m += std::to_string(body.size());
  m += "\r\n\r\n";
  m += body;
  return m;
}

net::IpEndpoint Loopback(uint16_t port) { return net::IpEndpoint::Ipv4({127, 0, 0, 1}, port); }

UdpPeer::UdpPeer() : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
  const sockaddr_in sin = ToSockaddr(Loopback(0));
  EXPECT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&sin), sizeof(sin)), 0);
  SetReceiveGuard(fd_);
}

UdpPeer::~UdpPeer() { ::close(fd_); }

void UdpPeer::SendTo(std::string_view datagram, const net::IpEndpoint& to) {
  const sockaddr_in sin = ToSockaddr(to);
  EXPECT_EQ(::sendto(fd_, datagram.data(), datagram.size(), 0,
                     reinterpret_cast<const sockaddr*>(&sin), sizeof(sin)),
            static_cast<ssize_t>(datagram.size()));
}

std::optional<std::string> UdpPeer::Receive() {
  std::string buffer(65536, '\0');
  const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
  if (n < 0) return std::nullopt;
  buffer.resize(static_cast<size_t>(n));
  return buffer;
}

net::IpEndpoint UdpPeer::local() const { return LocalOf(fd_); }

TcpPeer TcpPeer::Connect(const net::IpEndpoint& to) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in sin = ToSockaddr(to);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&sin), sizeof(sin)) != 0) {
    ADD_FAILURE() << "connect " << to.ToString() << ": " << std::strerror(errno);
    ::close(fd);
    fd = -1;
  } else {
    SetReceiveGuard(fd);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  return TcpPeer(fd);
}

TcpPeer::~TcpPeer() { Close(); }

void TcpPeer::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void TcpPeer::Write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      ADD_FAILURE() << "send: " << std::strerror(errno);
      return;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

std::string TcpPeer::Read(size_t size) {
  std::string out(size, '\0');
  size_t got = 0;
  while (got < size) {
    const ssize_t n = ::recv(fd_, out.data() + got, size - got, 0);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

bool TcpPeer::ReadsEof() {
  char c;
  const ssize_t n = ::recv(fd_, &c, 1, 0);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

net::IpEndpoint TcpPeer::local() const { return LocalOf(fd_); }

TcpServer::TcpServer() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
  const sockaddr_in sin = ToSockaddr(Loopback(0));
  EXPECT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&sin), sizeof(sin)), 0);
  EXPECT_EQ(::listen(fd_, 16), 0);
}

TcpServer::~TcpServer() { ::close(fd_); }

std::optional<TcpPeer> TcpServer::Accept() {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, kGuardSeconds * 1000) != 1) return std::nullopt;
  const int fd = ::accept(fd_, nullptr, nullptr);
  if (fd < 0) return std::nullopt;
  SetReceiveGuard(fd);
  return TcpPeer(fd);
}

net::IpEndpoint TcpServer::local() const { return LocalOf(fd_); }

SelfSignedCert::SelfSignedCert() {
  std::string pattern = (std::filesystem::temp_directory_path() / "konfero_sip_tls_XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    return;
  }
  dir_ = pattern;
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("konfero test"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
                                   std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  EXPECT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  FILE* f = std::fopen(cert_file().c_str(), "w");
  PEM_write_X509(f, cert);
  std::fclose(f);
  f = std::fopen(key_file().c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
}

SelfSignedCert::~SelfSignedCert() {
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

}  // namespace konfero::sip_transport::testing
