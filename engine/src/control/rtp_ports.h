// rtp_ports.h: binds the RTP and RTCP sockets of plain-RTP legs: an even
// port for RTP and the next one for RTCP (RFC 3550 11), from a configured
// range or from the system's ephemeral ports.
//
//   RtpPortPool pool("127.0.0.1", 40000, 40999);
//   auto sockets = pool.Bind();   // ResourceExhausted when the range is full
//
// Thread contract: the control thread.
#ifndef KONFERO_CONTROL_RTP_PORTS_H_
#define KONFERO_CONTROL_RTP_PORTS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "media/rtp_leg.h"

namespace konfero::control {

class RtpPortPool {
 public:
  // min == max == 0: ports the system picks.
  RtpPortPool(std::string bind_address, uint16_t min, uint16_t max)
      : bind_address_(std::move(bind_address)), min_(min), max_(max), next_(min) {}

  absl::StatusOr<std::shared_ptr<media::RtpSockets>> Bind();

 private:
  absl::StatusOr<std::shared_ptr<media::RtpSockets>> BindPair(uint16_t rtp_port);

  const std::string bind_address_;
  const uint16_t min_, max_;
  uint16_t next_;
};

}  // namespace konfero::control

#endif  // KONFERO_CONTROL_RTP_PORTS_H_
