// dial_in_register_probe: drives a dial_in::Registration through a real
// sip::TransactionLayer over a UDP socket on 127.0.0.1, for the kamailio
// interop test (kamailio_register.py). Registers, serves incoming requests
// for a while (answers 200, so a request relayed by the registrar to our
// contact shows up), then unregisters. Reports on stdout, one event a line:
//   LISTEN <port>
//   SENT <method> <cseq>
//   RESPONSE <status> <cseq>
//   REGISTERED expires=<s>           | FAILED failures=<n> <error>
//   INCOMING <method> <request-uri>
//   UNREGISTERED
//
// Usage: dial_in_register_probe <aor> <user> <password> <expires_s> <serve_ms>
// Exit 0 when registered and unregistered, 1 when registration failed, 2 on
// usage or socket errors.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "dial_in/registration.h"
#include "konfero/dial_in.h"
#include "sip/message.h"
#include "sip/parser.h"
#include "sip/transaction_layer.h"

namespace {

using konfero::dial_in::Registration;
namespace sip = konfero::sip;

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class Probe final : public sip::TransactionLayer::Owner {
 public:
  Probe(int fd, Registration& reg) : fd_(fd), reg_(reg), layer_(*this) {}

  void Send(std::vector<sip::SipMessage> requests, int64_t now_us) {
    for (const sip::SipMessage& r : requests) {
      std::printf("SENT %s %s\n", r.method().c_str(), std::string(*r.Get("CSeq")).c_str());
      absl::StatusOr<sip::ClientTransactionHandle> tx =
          layer_.SendRequest(r, reg_.config().registrar, now_us);
      if (!tx.ok()) {
        std::printf("SEND_ERROR %s\n", std::string(tx.status().message()).c_str());
        Send(reg_.OnTimeout(now_us), now_us);
        return;
      }
      ours_.push_back(tx->id);
    }
  }

  void Receive(const char* data, size_t size, const sockaddr_in& from, int64_t now_us) {
    absl::StatusOr<sip::SipMessage> message = sip::Parse(std::string_view(data, size));
    if (!message.ok()) return;
    std::array<uint8_t, 4> ip;
    std::memcpy(ip.data(), &from.sin_addr, 4);
    sip::Destination source{.transport = sip::Transport::kUdp,
                            .endpoint = konfero::net::IpEndpoint::Ipv4(ip, ntohs(from.sin_port)),
                            .connection_id = 0};
    now_ = now_us;
    (void)layer_.OnMessage(*message, source, now_us);
  }

  void Tick(int64_t now_us) {
    now_ = now_us;
    if (now_us >= layer_.NextDeadline()) layer_.OnTimer(now_us);
    if (now_us >= reg_.NextDeadline()) Send(reg_.OnTimer(now_us), now_us);
  }
  int64_t NextDeadline() const { return std::min(layer_.NextDeadline(), reg_.NextDeadline()); }
  bool unregister_done() const { return unregister_done_; }
  void set_unregistering() { unregistering_ = true; }

 private:
  bool Ours(sip::ClientTransactionHandle tx) const {
    return std::find(ours_.begin(), ours_.end(), tx.id) != ours_.end();
  }
  void SendMessage(const sip::SipMessage& message, const sip::Destination& to) override {
    std::string bytes = sip::Serialize(message);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(to.endpoint.port());
    std::memcpy(&addr.sin_addr, to.endpoint.address_bytes().data(), 4);
    ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&addr),
             sizeof(addr));
  }
  void OnRequest(sip::ServerTransactionHandle tx, const sip::SipMessage& request,
                 const sip::Destination&) override {
    std::printf("INCOMING %s %s\n", request.method().c_str(), request.request_uri().c_str());
    (void)layer_.SendResponse(tx, sip::MakeResponse(request, 200, "OK", "probe"), now_);
  }
  void OnAck(const sip::SipMessage&, const sip::Destination&) override {}
  void OnResponse(sip::ClientTransactionHandle tx, const sip::SipMessage& response) override {
    if (!Ours(tx) || response.status() < 200 || !reg_.Owns(response)) return;
    std::printf("RESPONSE %d %s\n", response.status(),
                std::string(response.Get("CSeq").value_or("")).c_str());
    std::vector<sip::SipMessage> next = reg_.OnResponse(response, now_);
    if (unregistering_ && next.empty() && response.Get("CSeq")->ends_with("REGISTER")) {
      unregister_done_ = true;
    }
    Send(std::move(next), now_);
  }
  void OnTransactionTimeout(sip::ClientTransactionHandle tx) override {
    if (!Ours(tx)) return;
    std::printf("TIMEOUT\n");
    if (unregistering_) unregister_done_ = true;
    Send(reg_.OnTimeout(now_), now_);
  }
  void OnServerTransactionTimeout(sip::ServerTransactionHandle) override {}
  void OnCancel(sip::ServerTransactionHandle, const sip::SipMessage&) override {}

  int fd_;
  Registration& reg_;
  sip::TransactionLayer layer_;
  std::vector<uint64_t> ours_;
  int64_t now_ = 0;
  bool unregistering_ = false;
  bool unregister_done_ = false;
};

// Runs the loop until `done` or `until_us`.
template <typename Done>
void Run(int fd, Probe& probe, int64_t until_us, Done done) {
  char buffer[65536];
  while (!done()) {
    const int64_t now = NowUs();
    if (now >= until_us) return;
    const int64_t wake = std::min(probe.NextDeadline(), until_us);
    const int timeout_ms = static_cast<int>(std::clamp<int64_t>((wake - now + 999) / 1000, 0, 100));
    pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, timeout_ms) > 0) {
      sockaddr_in from{};
      socklen_t len = sizeof(from);
      ssize_t n = ::recvfrom(fd, buffer, sizeof(buffer), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n > 0) probe.Receive(buffer, static_cast<size_t>(n), from, NowUs());
    }
    probe.Tick(NowUs());
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s <aor> <user> <password> <expires_s> <serve_ms>\n", argv[0]);
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::perror("socket");
    return 2;
  }
  const int port = ntohs(addr.sin_port);
  std::printf("LISTEN %d\n", port);

  konfero::SipRegistration options;
  options.registrar = argv[1];
  options.username = argv[2];
  options.password = argv[3];
  options.expires = absl::Seconds(std::atoi(argv[4]));
  absl::StatusOr<konfero::dial_in::RegistrationConfig> config =
      konfero::dial_in::MakeRegistrationConfig(options, "127.0.0.1:" + std::to_string(port),
                                               sip::Transport::kUdp);
  if (!config.ok()) {
    std::printf("CONFIG_ERROR %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  Registration reg(*config);
  Probe probe(fd, reg);

  Run(fd, probe, NowUs() + 10'000'000, [&] {
    return reg.state() == Registration::State::kRegistered ||
           reg.state() == Registration::State::kFailed;
  });
  if (reg.state() != Registration::State::kRegistered) {
    std::printf("FAILED failures=%d %s\n", reg.failures(),
                std::string(reg.last_error().message()).c_str());
    ::close(fd);
    return 1;
  }
  std::printf("REGISTERED expires=%d contact=%s\n", reg.granted_expires_s(),
              reg.contact_uri().c_str());
  Run(fd, probe, NowUs() + int64_t{std::atoi(argv[5])} * 1000, [] { return false; });

  probe.set_unregistering();
  probe.Send(reg.Unregister(NowUs()), NowUs());
  Run(fd, probe, NowUs() + 10'000'000, [&] { return probe.unregister_done(); });
  std::printf("UNREGISTERED\n");
  ::close(fd);
  return 0;
}
