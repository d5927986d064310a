// media/fake_sender.h: a transport::DatagramSender that records what a leg
// or a worker sends, for the media tests; nothing goes on a network.
//
// Thread contract: test code, one thread.
#ifndef KONFERO_TESTS_MEDIA_FAKE_SENDER_H_
#define KONFERO_TESTS_MEDIA_FAKE_SENDER_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "konfero/net/ip_endpoint.h"
#include "transport/udp_port.h"

namespace konfero::media::testing {

class FakeSender final : public transport::DatagramSender {
 public:
  struct Datagram {
    std::vector<uint8_t> bytes;
    net::IpEndpoint to;
  };
  void Send(absl::Span<const uint8_t> datagram, const net::IpEndpoint& to) override {
    sent.push_back({{datagram.begin(), datagram.end()}, to});
  }
  void Flush() override { ++flushes; }

  std::vector<Datagram> sent;
  int flushes = 0;
};

// RTCP by RFC 5761's rule (second byte 192-223).
inline bool IsRtcp(const std::vector<uint8_t>& d) {
  return d.size() >= 2 && d[1] >= 192 && d[1] <= 223;
}

}  // namespace konfero::media::testing

#endif  // KONFERO_TESTS_MEDIA_FAKE_SENDER_H_
