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
#include "dtls/dtls_certificate.h"
#include "dtls/dtls_transport.h"
#include "dtls/srtp_session.h"
#include "konfero/audio/audio_types.h"
#include "konfero/engine.h"
#include "konfero/net/ip_endpoint.h"
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
};

class PeerTransport final : private sctp::SctpAssociation::Listener {
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
  };

  static absl::StatusOr<std::unique_ptr<PeerTransport>> Create(
      PeerSetup setup, std::shared_ptr<const dtls::DtlsCertificate> certificate,
      Owner& owner, std::shared_ptr<PeerCounters> counters, absl::Time now);
  ~PeerTransport() override;

  const PeerSetup& setup() const { return setup_; }
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

  void SendAudio(const audio::EncodedFrame& frame);
  // Sends on every open channel with this label (no-op if none).
  void SendData(std::string_view label, sctp::MessageKind kind,
                absl::Span<const uint8_t> message);
  // DTLS retransmissions, SCTP timers, ICE consent.
  void OnTimer(absl::Time now);
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
  void HandleRtcp(absl::Span<const uint8_t> rtcp);

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
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_PEER_TRANSPORT_H_
