// peer_transport.h: the WebRTC transport of one participant on a worker.
//
// Glues the sans-I/O protocol pieces together for one peer: ICE-lite
// (STUN binding, consent), DTLS (handshake, SRTP keys, data-channel
// records), SRTP/SRTCP, SCTP data channels, and audio RTP to and from the
// mixer. Its owner (the worker's WorkerMedia) demultiplexes datagrams to it
// and sends what it produces.
//
// Thread contract: one thread, the worker's. Counters are atomics readable
// from any thread.
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
#include "konfero/audio/audio_types.h"
#include "konfero/engine.h"
#include "konfero/net/ip_endpoint.h"
#include "media/video_params.h"
#include "rtp/rtcp_packet.h"
#include "sctp/sctp_association.h"
#include "stun/ice_lite.h"
#include "transport/audio_rtp.h"

namespace konfero::media {

// Everything negotiated for a peer, from its offer and our answer.
struct PeerSetup {
  ParticipantId participant{};
  RoomId room{};
  stun::IceCredentials local_ice;
  stun::IceCredentials remote_ice;
  dtls::DtlsTransportConfig dtls;
  transport::AudioRtpParams audio;
  VideoParams video;
  absl::Duration consent_timeout = absl::Seconds(30);
  bool has_audio = false;
  bool has_data_channels = false;
  uint16_t sctp_remote_port = 5000;
  // The peer's a=max-message-size; RFC 8841's 64 KiB when it states none
  // (0: no limit).
  size_t sctp_remote_max_message_size = 65536;
};

// Counters shared with the control thread (relaxed atomics).
struct PeerCounters {
  std::atomic<PeerState> state{PeerState::kConnecting};
  std::atomic<uint64_t> rtp_packets_in{0};
  std::atomic<uint64_t> rtp_packets_out{0};
  std::atomic<uint64_t> bytes_in{0};
  std::atomic<uint64_t> bytes_out{0};
  std::atomic<uint64_t> srtp_failures{0};
  std::atomic<uint64_t> data_messages_in{0};
  std::atomic<uint64_t> data_messages_out{0};
  std::atomic<uint64_t> video_packets_in{0};
  std::atomic<uint64_t> video_packets_out{0};
  std::atomic<uint64_t> rtx_packets_out{0};
  std::atomic<uint64_t> nacks_in{0};
  std::atomic<uint64_t> keyframe_requests_in{0};
  std::atomic<uint64_t> keyframe_requests_out{0};
  std::atomic<uint64_t> transport_feedback_out{0};
  std::atomic<uint64_t> impairment_drops{0};
  std::atomic<uint64_t> layer_switches{0};
  std::atomic<int64_t> bandwidth_estimate_bps{0};
};

// Test hook: loss and a rate limit (a policer) on what the server sends to
// a peer, to prove layer adaptation and loss repair on real clients.
struct EgressImpairment {
  double loss = 0;               // 0..1, drawn per RTP packet
  int64_t max_bitrate_bps = 0;   // 0: unlimited
};

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
  virtual PeerCounters& counters() = 0;
};

class PeerTransport final : public VideoPeer, private sctp::SctpAssociation::Listener {
 public:
  class Owner {
   public:
    virtual ~Owner() = default;
    virtual void SendDatagram(absl::Span<const uint8_t> datagram,
                              const net::IpEndpoint& to) = 0;
    virtual void OnAudioPacket(PeerTransport& peer,
                               const audio::InputPacket& packet) = 0;
    virtual void OnStateChanged(PeerTransport& peer, PeerState state) = 0;
    virtual void OnDataMessage(PeerTransport& peer, std::string_view label,
                               sctp::MessageKind kind,
                               absl::Span<const uint8_t> message) = 0;
    // The peer's RTCP receiver report on the audio we send: the fraction
    // lost, in percent.
    virtual void OnReceiverLoss(PeerTransport& peer, int loss_percent) = 0;
    // A decrypted RTP packet that is not the peer's audio (its video, or
    // RTX); the owner may rewrite it in place.
    virtual void OnVideoRtp(PeerTransport& peer, absl::Span<uint8_t> packet,
                            int64_t arrival_us) = 0;
    // NACK, PLI or FIR from the peer about video we send it.
    virtual void OnVideoFeedback(PeerTransport& peer, const rtp::RtcpPacket& packet,
                                 int64_t now_us) = 0;
    virtual void OnDataChannelOpen(PeerTransport& peer, std::string_view label) = 0;
  };

  static absl::StatusOr<std::unique_ptr<PeerTransport>> Create(
      PeerSetup setup, std::shared_ptr<const dtls::DtlsCertificate> certificate,
      Owner& owner, std::shared_ptr<PeerCounters> counters, absl::Time now);
  ~PeerTransport() override;

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
                  absl::Time now);
  void HandleDtls(absl::Span<const uint8_t> datagram,
                  const net::IpEndpoint& from, absl::Time now);
  // `datagram` is a scratch copy the transport may decrypt in place.
  void HandleRtpOrRtcp(absl::Span<uint8_t> datagram, int64_t arrival_us);

  // ICE restart (new credentials, same DTLS and media): the selected
  // address stays until the new credentials nominate one.
  absl::Status RestartIce(stun::IceCredentials local, stun::IceCredentials remote);
  // A renegotiation on the same transport (sections added or removed).
  void UpdateVideo(VideoParams video) { setup_.video = std::move(video); }

  void SendAudio(const audio::EncodedFrame& frame);
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
  void SetEgressImpairment(const EgressImpairment& impairment);
  PeerCounters& counters() override { return *counters_; }
  // Sends on every open channel with this label (no-op if none).
  void SendData(std::string_view label, sctp::MessageKind kind,
                absl::Span<const uint8_t> message) override;
  // DTLS retransmissions, SCTP timers, ICE consent, transport-wide
  // feedback to the peer. `now_us` is on the clock of arrival_us.
  void OnTimer(absl::Time now, int64_t now_us);
  void Close();

 private:
  PeerTransport(PeerSetup setup, stun::IceLiteAgent ice,
                std::unique_ptr<dtls::DtlsTransport> dtls, Owner& owner,
                std::shared_ptr<PeerCounters> counters);
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
  std::shared_ptr<PeerCounters> counters_;
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
  EgressImpairment impairment_;
  uint64_t impairment_random_ = 0x9E3779B97F4A7C15ull;
  double impairment_tokens_ = 0;  // bytes
  int64_t impairment_refill_us_ = 0;
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_PEER_TRANSPORT_H_
