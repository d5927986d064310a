// rtp_leg.h: a plain-RTP leg (a phone, ffmpeg, a gateway) on a worker: the
// sans-I/O plain_rtp::PlainRtpLeg with its two UDP ports, as a MediaLeg.
//
// Its RTP and RTCP sockets are bound by the control plane (the SDP answer
// names their ports) and attached here to the worker's event loop. What
// arrives goes to the PlainRtpLeg; its audio to the room's mixer and its
// digits to the control plane through the LegObserver. The state is
// kConnecting until the first RTP packet, then kConnected; an RTCP BYE or
// the RTP timeout makes it kFailed, and the control plane removes it.
//
// Thread contract: the worker thread, for everything (the ports' handlers
// run there). Counters are read from any thread.
#ifndef KONFERO_MEDIA_RTP_LEG_H_
#define KONFERO_MEDIA_RTP_LEG_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "absl/status/statusor.h"
#include "common/sequence_checker.h"
#include "konfero/clock.h"
#include "media/leg.h"
#include "plain_rtp/plain_rtp_leg.h"
#include "plain_rtp/plain_rtp_sdp.h"
#include "transport/udp_batch_socket.h"
#include "transport/udp_port.h"

namespace konfero::media {

// The two sockets of a leg, bound on the control thread.
struct RtpSockets {
  std::unique_ptr<transport::UdpBatchSocket> rtp;
  std::unique_ptr<transport::UdpBatchSocket> rtcp;
};

// Everything the worker needs for a new plain-RTP leg.
struct RtpLegSetup {
  ParticipantId participant{};
  RoomId room{};
  plain_rtp::PlainRtpParams params;
  plain_rtp::PlainRtpLegOptions options;
  // Moved into the leg; shared only so that the command stays copyable.
  std::shared_ptr<RtpSockets> sockets;
};

class RtpLeg final : public MediaLeg, private plain_rtp::PlainRtpLeg::Owner {
 public:
  // With `io`, the setup's sockets are attached to it; without (tests),
  // everything is sent through `sender` and datagrams come in through
  // HandleDatagram.
  static absl::StatusOr<std::unique_ptr<RtpLeg>> Create(
      RtpLegSetup setup, std::shared_ptr<LegCounters> counters, LegObserver& observer,
      const MonotonicClock& clock, boost::asio::io_context* io,
      transport::DatagramSender* sender);
  ~RtpLeg() override;

  // MediaLeg
  LegKind kind() const override { return LegKind::kPlainRtp; }
  ParticipantId participant() const override { return participant_; }
  RoomId room() const override { return room_; }
  audio::Codec codec() const override { return leg_->params().codec; }
  void SendAudio(const audio::EncodedFrame& frame, int64_t now_us) override;
  void OnTimer(int64_t now_us) override;
  void Close() override;
  LegCounters& counters() override { return *counters_; }

  // A re-offer: hold, resume, a new address or codec.
  absl::Status Update(const plain_rtp::PlainRtpParams& params, int64_t now_us);
  // Queues RFC 4733 digits, sent one after the other.
  void SendDigits(const std::string& digits);
  // A datagram of one of the leg's sockets (the ports call this).
  void HandleDatagram(plain_rtp::Socket socket, absl::Span<const uint8_t> data,
                      const net::IpEndpoint& from);
  const plain_rtp::PlainRtpLeg& protocol() const { return *leg_; }

  // Moving to another worker (a phone call admitted into a room that lives
  // there). Unplug, on the old worker's thread, stops reading the sockets:
  // they stay open and what arrives waits in the kernel. Plug, on the new
  // worker's thread, attaches them to its loop and makes the leg
  // `participant`'s in `room`, reporting to `observer`. Without an `io`
  // (tests) the sockets stay as they are.
  void Unplug();
  void Plug(boost::asio::io_context* io, LegObserver& observer, ParticipantId participant,
            RoomId room);

 private:
  class PortHandler;
  RtpLeg(ParticipantId participant, RoomId room, std::shared_ptr<LegCounters> counters,
         LegObserver& observer, const MonotonicClock& clock);

  // plain_rtp::PlainRtpLeg::Owner
  void SendDatagram(plain_rtp::Socket socket, absl::Span<const uint8_t> datagram,
                    const net::IpEndpoint& to) override;
  void OnAudioPacket(const audio::InputPacket& packet) override;
  void OnDigit(char digit, int duration_ms, DtmfSource source) override;
  void OnEnded(std::string_view reason) override;

  void SetState(PeerState state, std::string_view reason = {});
  void PublishCounters();
  void SendNextDigit();

  ParticipantId participant_;
  RoomId room_;
  std::shared_ptr<LegCounters> counters_;
  LegObserver* observer_;
  const MonotonicClock& clock_;
  std::unique_ptr<plain_rtp::PlainRtpLeg> leg_;
  std::unique_ptr<PortHandler> rtp_handler_, rtcp_handler_;
  std::unique_ptr<transport::UdpPort> rtp_port_, rtcp_port_;
  RtpSockets unplugged_;  // between Unplug and Plug
  transport::DatagramSender* test_sender_ = nullptr;
  PeerState state_ = PeerState::kConnecting;
  std::deque<char> digits_;
  bool closed_ = false;
  SequenceChecker worker_thread_{SequenceChecker::kDetached};
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_RTP_LEG_H_
