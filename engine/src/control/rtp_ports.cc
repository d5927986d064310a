// rtp_ports.cc: even/odd UDP port pairs for plain-RTP legs.
#include "control/rtp_ports.h"

#include "absl/strings/str_cat.h"

namespace konfero::control {
namespace {

constexpr int kEphemeralTries = 32;

}  // namespace

absl::StatusOr<std::shared_ptr<media::RtpSockets>> RtpPortPool::BindPair(uint16_t rtp_port) {
  auto sockets = std::make_shared<media::RtpSockets>();
  absl::StatusOr<std::unique_ptr<transport::UdpBatchSocket>> rtp =
      transport::UdpBatchSocket::Bind(*net::IpEndpoint::Parse(bind_address_, rtp_port));
  if (!rtp.ok()) return rtp.status();
  const uint16_t bound = (*rtp)->local_endpoint().port();
  if (bound % 2 != 0 || bound == 65535) {
    return absl::UnavailableError(absl::StrCat("RTP port ", bound, " is odd"));
  }
  absl::StatusOr<std::unique_ptr<transport::UdpBatchSocket>> rtcp =
      transport::UdpBatchSocket::Bind(
          *net::IpEndpoint::Parse(bind_address_, static_cast<uint16_t>(bound + 1)));
  if (!rtcp.ok()) return rtcp.status();
  sockets->rtp = *std::move(rtp);
  sockets->rtcp = *std::move(rtcp);
  return sockets;
}

absl::StatusOr<std::shared_ptr<media::RtpSockets>> RtpPortPool::Bind() {
  if (!net::IpEndpoint::Parse(bind_address_, 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("RTP bind address is not an IP address: ", bind_address_));
  }
  if (min_ == 0) {
    absl::Status last = absl::OkStatus();
    for (int i = 0; i < kEphemeralTries; ++i) {
      absl::StatusOr<std::shared_ptr<media::RtpSockets>> pair = BindPair(0);
      if (pair.ok()) return pair;
      last = pair.status();
    }
    return absl::ResourceExhaustedError(
        absl::StrCat("no free RTP/RTCP port pair: ", last.message()));
  }
  const int first = min_ % 2 == 0 ? min_ : min_ + 1;
  const int pairs = (max_ - first + 1) / 2;
  for (int i = 0; i < pairs; ++i) {
    int port = next_ % 2 == 0 ? next_ : next_ + 1;
    if (port < first || port + 1 > max_) port = first;
    next_ = static_cast<uint16_t>(port + 2 > max_ ? first : port + 2);
    absl::StatusOr<std::shared_ptr<media::RtpSockets>> pair =
        BindPair(static_cast<uint16_t>(port));
    if (pair.ok()) return pair;
  }
  return absl::ResourceExhaustedError(
      absl::StrCat("every RTP port pair in ", min_, "-", max_, " is taken"));
}

}  // namespace konfero::control
