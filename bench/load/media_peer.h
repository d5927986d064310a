// media_peer.h: the WebRTC transport of one simulated participant, built
// from the engine's sans-I/O pieces on a UDP socket of the load generator's
// io_context: ICE as the full, controlling agent (STUN Binding requests with
// USE-CANDIDATE, MESSAGE-INTEGRITY and FINGERPRINT, konfero/stun), DTLS as
// the client (dtls::DtlsTransport), SRTP (dtls::SrtpSession).
//
//   auto peer = MediaPeer::Create(io, certificate, listener);
//   peer->Open(server_is_ipv6);             // binds loopback, port 0
//   ... offer with peer->local_ice(), peer->local_endpoint() ...
//   peer->Start(answer_info);               // ICE checks, then DTLS
//   every tick: peer->Poll(now_us);         // retransmits, consent, DTLS timers
//   once listener.OnPeerConnected(): peer->SendAudio(frame, now_us) every 20 ms
//   peer->Close();                          // no listener call after it
//
// ICE: a Binding request every 100 ms until the first success response,
// then one every 2 s as consent (the ICE-lite server drops a peer after
// 30 s without). DTLS starts at the first success. Connection fails
// (OnPeerFailed) if no check succeeds for 10 s, if DTLS fails or takes more
// than 10 s, or if no consent response comes for 20 s.
//
// Receiving: SRTP-unprotected RTP is counted per stream (SeqTracker: the
// mix's SSRC, each video tile's); mix payloads go to the listener (which
// decides whether to decode). SRTCP PLI or FIR for our camera asks for a
// key frame.
//
// Thread contract: the io_context's thread only. Async receives keep the
// peer alive (shared_from_this) until the socket is closed.
#ifndef KONFERO_BENCH_LOAD_MEDIA_PEER_H_
#define KONFERO_BENCH_LOAD_MEDIA_PEER_H_

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "dtls/dtls_certificate.h"
#include "dtls/dtls_transport.h"
#include "dtls/srtp_session.h"
#include "load/sdp_offer.h"
#include "load/seq_tracker.h"
#include "load/tone_bank.h"
#include "stun/ice_lite.h"
#include "stun/stun_message.h"

namespace konfero::load {

struct PeerStats {
  uint64_t audio_packets_sent = 0;
  uint64_t video_packets_sent = 0;
  uint64_t send_errors = 0;  // sendto failed (a full socket buffer)
  SeqTracker mix;            // the room's mix, back from the server
  absl::flat_hash_map<uint32_t, SeqTracker> tiles;  // video, by SSRC
  uint64_t srtp_failures = 0;
  uint64_t keyframe_requests = 0;
  uint64_t video_received() const;
  uint64_t video_expected() const;
};

class MediaPeer : public std::enable_shared_from_this<MediaPeer> {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void OnPeerConnected(int64_t now_us) = 0;
    virtual void OnPeerFailed(absl::Status why) = 0;
    virtual void OnMixPacket(std::span<const uint8_t> opus_payload, int64_t arrival_us) = 0;
  };

  static std::shared_ptr<MediaPeer> Create(boost::asio::io_context& io,
                                           std::shared_ptr<const dtls::DtlsCertificate> cert,
                                           Listener& listener);

  // Binds 127.0.0.1:0 (or [::1]:0) and starts receiving.
  absl::Status Open(bool ipv6);
  net::IpEndpoint local_endpoint() const;
  const stun::IceCredentials& local_ice() const { return local_ice_; }
  // Random, chosen at creation; for the offer.
  uint32_t audio_ssrc() const { return audio_ssrc_; }
  uint32_t video_ssrc() const { return video_ssrc_; }

  // Starts ICE towards the answer's candidate.
  absl::Status Start(const AnswerInfo& answer, int64_t now_us);
  void Poll(int64_t now_us);
  bool connected() const { return srtp_ != nullptr; }

  // One RTP packet: Opus, with the RFC 6464 level.
  void SendAudio(const OpusFrame& frame, uint32_t rtp_timestamp);
  // One video frame of `bytes` bytes (VP8-shaped payload), packetized.
  void SendVideoFrame(size_t bytes, uint32_t rtp_timestamp, bool keyframe);
  // A PLI or FIR arrived for our camera since the last call.
  bool TakeKeyframeRequest();

  const PeerStats& stats() const { return stats_; }
  // Closes the socket; the listener is not called any more.
  void Close();

 private:
  enum class State { kNew, kChecking, kDtls, kConnected, kFailed, kClosed };

  MediaPeer(boost::asio::io_context& io, std::shared_ptr<const dtls::DtlsCertificate> cert,
            Listener& listener);
  void Receive();
  void OnDatagram(std::span<uint8_t> data, int64_t now_us);
  void OnStun(std::span<const uint8_t> data, int64_t now_us);
  void OnDtls(std::span<const uint8_t> data);
  void OnSrtp(std::span<uint8_t> data, int64_t now_us);
  void SendCheck(int64_t now_us);
  void FlushDtls();
  void SendRaw(std::span<const uint8_t> data);
  void SendRtp(std::span<uint8_t> buffer, size_t size);
  void Fail(absl::Status why);

  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint server_;
  boost::asio::ip::udp::endpoint from_;
  std::shared_ptr<const dtls::DtlsCertificate> cert_;
  Listener* listener_;
  State state_ = State::kNew;

  stun::IceCredentials local_ice_;
  AnswerInfo answer_;
  uint64_t tie_breaker_ = 0;
  std::vector<stun::TransactionId> pending_checks_;  // the last few, newest last
  int64_t started_us_ = 0;
  int64_t next_check_us_ = 0;
  int64_t last_response_us_ = 0;
  int64_t dtls_started_us_ = 0;

  std::unique_ptr<dtls::DtlsTransport> dtls_;
  std::unique_ptr<dtls::SrtpSession> srtp_;

  uint32_t audio_ssrc_ = 0;
  uint16_t audio_seq_ = 0;
  uint32_t video_ssrc_ = 0;
  uint16_t video_seq_ = 0;
  uint16_t picture_id_ = 0;
  bool keyframe_requested_ = false;

  PeerStats stats_;
  std::array<uint8_t, 2048> receive_buffer_{};
  std::array<uint8_t, 1500 + dtls::SrtpSession::kMaxRtpOverhead> send_buffer_{};
};

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_MEDIA_PEER_H_
