// peer_transport.h: the WebRTC transport of one participant on a worker.
//
// Glues the sans-I/O protocol pieces together for one peer: ICE-lite
// (STUN binding, consent), DTLS (handshake, SRTP keys, data-channel
// records), SRTP/SRTCP, SCTP data channels, and audio RTP to and from the
// mixer. Its owner (the worker's WorkerMedia) demultiplexes datagrams to it
// and sends what it produces. It is a MediaLeg (audio for the mixer) and a
// VideoPeer (video for the SFU).
//
// Data channels carry only what the server writes and parses: the
// "control" channel's text messages go to the owner (the SFU's requests);
// every other label, and binary messages, are dropped and counted. Chat
// travels on the signalling WebSocket.
//
// Time is the worker's monotonic clock in microseconds (now_us), never the
// wall clock: a step of the system time expires no peer.
//
// Thread contract: one thread, the worker's (checked in debug builds).
// Counters are atomics readable from any thread.
#ifndef KONFERO_MEDIA_PEER_TRANSPORT_H_
#define KONFERO_MEDIA_PEER_TRANSPORT_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "bwe/bandwidth_estimator.h"
#include "bwe/transport_feedback_generator.h"
#include "dtls/dtls_certificate.h"
#include "dtls/dtls_transport.h"
#include "dtls/srtp_session.h"
#include "common/sequence_checker.h"
#include "konfero/audio/audio_types.h"
#include "konfero/media_types.h"
#include "konfero/net/ip_endpoint.h"
#include "media/leg.h"
#include "media/leg_counters.h"
#include "media/peer_setup.h"
#include "media/video_params.h"
#include "protocol/control_channel.h"
#include "rtp/rtcp_packet.h"
#include "sctp/sctp_association.h"
#include "stun/ice_lite.h"
#include "transport/audio_rtp.h"

namespace konfero::media {

// What the SFU (media/video_router.h) needs of a peer's transport; a seam
// for tests and benchmarks.
class VideoPeer {
 public:
  virtual ~VideoPeer() = default;
  virtual const PeerSetup& setup() const = 0;
  virtual bool SendRtp(absl::Span<const uint8_t> packet, int64_t now_us,
                       bool retransmission) = 0;
  virtual void SendRtcp(absl::Span<const uint8_t> rtcp) = 0;
  virtual void SendData(std::string_view label, sctp::MessageKind kind,
                        absl::Span<const uint8_t> message) = 0;
  virtual int64_t bandwidth_estimate_bps() const = 0;
  virtual LegCounters& counters() = 0;
};

class PeerTransport final : public MediaLeg,
                            public VideoPeer,
                            private sctp::SctpAssociation::Listener {
 public:
  // The label of the one data channel the server reads.
  static constexpr std::string_view kControlChannel = protocol::kControlChannelLabel;

  class Owner : public LegObserver {
   public:
    virtual void SendDatagram(absl::Span<const uint8_t> datagram,
                              const net::IpEndpoint& to) = 0;
    // A text message on the peer's "control" channel.
    virtual void OnControlMessage(PeerTransport& peer, std::string_view text) = 0;
    // A decrypted RTP packet that is not the peer's audio (its video, or
    // RTX); the owner may rewrite it in place.
    virtual void OnVideoRtp(PeerTransport& peer, absl::Span<uint8_t> packet,
                            int64_t arrival_us) = 0;
    // NACK, PLI or FIR from the peer about video we send it.
    virtual void OnVideoFeedback(PeerTransport& peer, const rtp::RtcpPacket& packet,
                                 int64_t now_us) = 0;
    // The peer opened its "control" channel.
    virtual void OnControlChannelOpen(PeerTransport& peer) = 0;
  };

  static absl::StatusOr<std::unique_ptr<PeerTransport>> Create(
      PeerSetup setup, std::shared_ptr<const dtls::DtlsCertificate> certificate,
      Owner& owner, std::shared_ptr<LegCounters> counters, int64_t now_us);
  ~PeerTransport() override;

  // MediaLeg
  LegKind kind() const override { return LegKind::kWebRtc; }
  ParticipantId participant() const override { return setup_.participant; }
  RoomId room() const override { return setup_.room; }
  audio::Codec codec() const override { return audio::Codec::kOpus; }
  void SendAudio(const audio::EncodedFrame& frame, int64_t now_us) override;
  // DTLS retransmissions, SCTP timers, ICE consent, transport-wide
  // feedback to the peer.
  void OnTimer(int64_t now_us) override;
  void Close() override;
  LegCounters& counters() override { return *counters_; }
  VideoPeer* video() override { return this; }

  const PeerSetup& setup() const override { return setup_; }
  PeerState state() const { return state_; }
  // Why the transport failed, for logs; empty unless state() is kFailed.
  const std::string& failure_reason() const { return failure_reason_; }
  const std::optional<net::IpEndpoint>& remote_address() const {
    return ice_.selected_address();
  }

  // Datagrams the owner classified (RFC 7983) and routed here. Returns
  // false for a STUN request this peer refused (unknown credentials).
  bool HandleStun(absl::Span<const uint8_t> datagram, const net::IpEndpoint& from,
                  int64_t now_us);
  void HandleDtls(absl::Span<const uint8_t> datagram,
                  const net::IpEndpoint& from, int64_t now_us);
  // `datagram` is a scratch copy the transport may decrypt in place.
  void HandleRtpOrRtcp(absl::Span<uint8_t> datagram, int64_t arrival_us);

  // ICE restart (new credentials, same DTLS and media): the selected
  // address stays until the new credentials nominate one.
  absl::Status RestartIce(stun::IceCredentials local, stun::IceCredentials remote);
  // A renegotiation on the same transport (sections added or removed).
  void UpdateVideo(VideoParams video) { setup_.video = std::move(video); }

  // Sends a plain RTP packet (video or RTX) after stamping the
  // transport-wide sequence number and abs-send-time elements it carries
  // (their ids from the negotiated VideoParams), then SRTP. False if it
  // was not sent (no transport yet, or dropped by the impairment).
  bool SendRtp(absl::Span<const uint8_t> packet, int64_t now_us,
               bool retransmission) override;
  // Sends a plain RTCP compound packet (SRTCP-protected).
  void SendRtcp(absl::Span<const uint8_t> rtcp) override;
  // The estimate of what the peer's downlink takes (bits per second).
  int64_t bandwidth_estimate_bps() const override { return bandwidth_.target_bps(); }
  void SetEgressImpairment(const NetworkImpairment& impairment);
  // Sends on every open channel with this label (no-op if none).
  void SendData(std::string_view label, sctp::MessageKind kind,
                absl::Span<const uint8_t> message) override;

 private:
  PeerTransport(PeerSetup setup, stun::IceLiteAgent ice,
                std::unique_ptr<dtls::DtlsTransport> dtls, Owner& owner,
                std::shared_ptr<LegCounters> counters);
  void SetState(PeerState state);
  void Fail(std::string reason);
  void FlushDtls();
  void OnDtlsConnected();
  void FeedSctp(std::vector<std::vector<uint8_t>> records);
  void FlushSctp();
  void HandleRtcp(absl::Span<const uint8_t> rtcp, int64_t now_us);
  bool Impaired(size_t bytes, int64_t now_us);

  // sctp::SctpAssociation::Listener
  void OnAssociationUp(sctp::SctpAssociation*) override {}
  void OnAssociationDown(sctp::SctpAssociation*, const absl::Status&) override;
  void OnChannelOpen(sctp::SctpAssociation*,
                     const sctp::DataChannelInfo& channel) override;
  void OnMessage(sctp::SctpAssociation*, uint16_t stream_id,
                 sctp::MessageKind kind,
                 absl::Span<const uint8_t> message) override;
  void OnChannelClosed(sctp::SctpAssociation*, uint16_t stream_id) override;

  PeerSetup setup_;
  stun::IceLiteAgent ice_;
  std::unique_ptr<dtls::DtlsTransport> dtls_;
  std::unique_ptr<dtls::SrtpSession> srtp_;
  std::unique_ptr<sctp::SctpAssociation> sctp_;
  Owner& owner_;
  std::shared_ptr<LegCounters> counters_;
  PeerState state_ = PeerState::kConnecting;
  std::string failure_reason_;
  absl::flat_hash_map<uint16_t, std::string> channels_;  // stream id -> label
  // Where DTLS came from, until ICE nominates an address.
  std::optional<net::IpEndpoint> last_dtls_source_;
  std::array<uint8_t, 1500> send_buffer_{};
  uint16_t next_transport_sequence_ = 1;
  bwe::BandwidthEstimator bandwidth_;
  bwe::TransportFeedbackGenerator feedback_;
  uint32_t feedback_ssrc_ = 0;        // the sender SSRC of our RTCP
  uint32_t feedback_media_ssrc_ = 0;  // an SSRC the peer sends, for feedback
  NetworkImpairment impairment_;
  uint64_t impairment_random_ = 0x9E3779B97F4A7C15ull;
  double impairment_tokens_ = 0;  // bytes
  int64_t impairment_refill_us_ = 0;
  SequenceChecker worker_thread_{SequenceChecker::kDetached};
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_PEER_TRANSPORT_H_
