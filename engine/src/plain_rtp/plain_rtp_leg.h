// plain_rtp/plain_rtp_leg.h: one phone's plain-RTP audio leg (RTP/AVP,
// RFC 3550/3551), sans-I/O: datagrams and a monotonic time in, datagrams,
// audio packets, DTMF digits and the end of the call out through Owner.
//
//   auto leg = PlainRtpLeg::Create(negotiated.params, {}, owner, now_us);
//   // the worker, on its own thread:
//   leg->HandleRtp(datagram, from, now_us);      // from the RTP socket
//   leg->HandleRtcp(datagram, from, now_us);     // from the RTCP socket (port + 1)
//   leg->SendAudio(frame_from_mixer, now_us);    // every 20 ms
//   leg->OnTimer(now_us);                        // every 20-100 ms
//   leg->Update(params_from_reinvite, now_us);   // hold, resume, new address
//   leg->Close(now_us);                          // our BYE: sends RTCP BYE
//
// Receiving: version 2 packets of the negotiated payload types only (others
// are dropped and counted). Payloads of PCMU/PCMA/G.722 of any ptime become
// 20 ms InputPackets (FrameRechunker); Opus passes through. RFC 4733 events
// become digits once each (DtmfEventReceiver; an event whose end packets
// were all lost is reported 500 ms after its last packet); in-band tones
// become digits (InbandDtmfDetector) on G.711/G.722 when InbandDtmf says so.
// An SSRC change is a new stream (phones change SSRC on re-INVITE or
// transfer): statistics, re-chunking and DTMF state restart.
//
// Symmetric RTP (options.symmetric_rtp): the first valid RTP packet's
// source is latched and RTP (and, with rtcp-mux, RTCP) goes there instead of
// the SDP's address; the first valid RTCP packet's source is latched for
// RTCP. While latched, RTP from another source is dropped unless it brings
// a new SSRC (a new stream: transfer, re-INVITE, a media relay switching)
// or the latched source has sent nothing for kRelatchAfterUs (a NAT
// rebinding); then that source is latched (and the RTCP latch forgotten).
// Packets of the SSRC a change replaced are dropped for kRelatchAfterUs (the
// old stream's stragglers), so that the two do not restart each other; after
// that (or after an Update) the old SSRC may come back (a PBX resuming its
// stream after music on hold).
// An Update() with a new remote address forgets both latches. Without
// symmetric RTP everything goes to the SDP's addresses and RTP is taken from
// any source (ffmpeg sends from another port than it receives on).
//
// Sending: SendAudio writes the mixer's frame with our SSRC, our own
// sequence numbers and the frame's timestamp plus a random offset; nothing
// goes out while our direction does not send or the remote's address is
// 0.0.0.0. A digit from SendDigit replaces the audio packets of the next
// SendAudio calls (same SSRC, sequence numbers continue).
//
// RTCP (RtcpSession): SR or RR with SDES CNAME at RFC 3550's interval, to
// the remote's RTCP port (the RTP port with rtcp-mux). A remote BYE naming
// its SSRC ends the leg (OnEnded); Close() sends ours.
//
// RTP timeout: no RTP for options.rtp_timeout_us ends the leg (OnEnded),
// checked in OnTimer. The count pauses while the call is held either way
// (our direction is anything but sendrecv: a phone that holds us may go
// quiet; or its address is 0.0.0.0) and starts afresh when that ends.
//
// Thread contract: one thread (the worker's) calls everything, including
// Create; Owner's methods are called on it, from inside these calls. The
// owner may destroy the leg from OnEnded (nothing touches the leg after it),
// not from the other callbacks. After OnEnded or Close the leg does nothing.
// No allocation per packet: buffers are preallocated in Create (Update may
// allocate when the codec changes).
#ifndef KONFERO_PLAIN_RTP_PLAIN_RTP_LEG_H_
#define KONFERO_PLAIN_RTP_PLAIN_RTP_LEG_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/sequence_checker.h"
#include "dtmf/dtmf_receiver.h"
#include "dtmf/dtmf_sender.h"
#include "konfero/audio/audio_types.h"
#include "konfero/net/ip_endpoint.h"
#include "plain_rtp/frame_rechunker.h"
#include "plain_rtp/inband_dtmf_input.h"
#include "plain_rtp/plain_rtp_sdp.h"
#include "plain_rtp/rtcp_session.h"
#include "rtp/rtp_packet.h"

namespace konfero::plain_rtp {

struct PlainRtpLegOptions {
  // After the first valid RTP packet, send to where it came from (NAT).
  bool symmetric_rtp = true;
  // No RTP for this long ends the leg; paused while the call is held
  // (any direction but sendrecv). 0: never.
  int64_t rtp_timeout_us = 30'000'000;
  // kAuto: on when no telephone-event was negotiated, for G.711 and G.722.
  // kOn: on for G.711 and G.722 (Opus is never decoded for tones).
  enum class InbandDtmf { kAuto, kOn, kOff } inband_dtmf = InbandDtmf::kAuto;
};

class PlainRtpLeg {
 public:
  class Owner {
   public:
    virtual ~Owner() = default;
    virtual void SendDatagram(Socket socket, absl::Span<const uint8_t> datagram,
                              const net::IpEndpoint& to) = 0;
    // 20 ms of the negotiated codec, for the mixer (arrival_us = now_us,
    // audio_level = -1).
    virtual void OnAudioPacket(const audio::InputPacket& packet) = 0;
    enum class DtmfSource { kRfc4733, kInband };
    // duration_ms: the event's for RFC 4733; 0 (unknown) in-band, where a
    // digit is reported once its tone is confirmed, before it ends.
    virtual void OnDigit(char digit, int duration_ms, DtmfSource source) = 0;
    // RTCP BYE from the remote, or the RTP timeout. The owner may destroy
    // the leg here.
    virtual void OnEnded(std::string_view reason) = 0;
  };

  struct Stats {
    uint64_t rtp_in = 0, rtp_out = 0;      // packets accepted / sent (DTMF events included)
    uint64_t bytes_in = 0, bytes_out = 0;  // their RTP datagram bytes
    uint64_t rtcp_in = 0, rtcp_out = 0;    // RTCP compound packets
    uint64_t dropped_invalid = 0;  // malformed, other payload type, unlatched source, bad RTCP
    uint64_t digits = 0;           // digits reported to OnDigit
    std::optional<net::IpEndpoint> latched;  // the RTP source we latched, if any
  };

  // A source other than the latched one is latched with the same SSRC only
  // after the latched one has been silent this long.
  static constexpr int64_t kRelatchAfterUs = 2'000'000;
  // A telephone-event without end packets is reported this long after its
  // last packet.
  static constexpr int64_t kDtmfFlushAfterUs = 500'000;

  // InvalidArgument for params a leg cannot run (L16, payload types above
  // 127 or equal, 64-95 with rtcp-mux (RFC 5761), ptime <= 0) or a negative
  // timeout; Internal if the DTMF detector or G.722 decoder cannot be made.
  static absl::StatusOr<std::unique_ptr<PlainRtpLeg>> Create(PlainRtpParams params,
                                                             PlainRtpLegOptions options,
                                                             Owner& owner, int64_t now_us);
  ~PlainRtpLeg();
  PlainRtpLeg(const PlainRtpLeg&) = delete;
  PlainRtpLeg& operator=(const PlainRtpLeg&) = delete;

  // A datagram from the RTP socket. With rtcp-mux, RTCP (RFC 5761: second
  // byte 192-223) arrives here too.
  void HandleRtp(absl::Span<const uint8_t> datagram, const net::IpEndpoint& from, int64_t now_us);
  // A datagram from the RTCP socket.
  void HandleRtcp(absl::Span<const uint8_t> datagram, const net::IpEndpoint& from, int64_t now_us);
  // A 20 ms frame from the mixer in the leg's codec (others are ignored).
  void SendAudio(const audio::EncodedFrame& frame, int64_t now_us);
  // RFC 4733 out ('0'-'9', '*', '#', 'A'-'D'; 40-5000 ms). FailedPrecondition
  // if telephone-event was not negotiated or a digit is still being sent;
  // InvalidArgument for another char or duration.
  absl::Status SendDigit(char digit, int duration_ms);
  // A re-INVITE's outcome: direction (hold/resume), remote addresses, codec.
  // InvalidArgument as Create, or if local_ssrc changes (our stream keeps
  // its SSRC).
  absl::Status Update(const PlainRtpParams& params, int64_t now_us);
  // RTCP reports when due, the RTP timeout, the DTMF flush.
  void OnTimer(int64_t now_us);
  // Sends RTCP BYE (with an SR or RR and SDES); the leg then does nothing.
  void Close(int64_t now_us);

  const PlainRtpParams& params() const { return params_; }
  const Stats& stats() const { return stats_; }
  // The leg moves to another thread (a phone call admitted into a room on
  // another worker): the next call claims the thread check.
  void DetachFromThread() { worker_thread_.Detach(); }

 private:
  PlainRtpLeg(const PlainRtpParams& params, const PlainRtpLegOptions& options, Owner& owner,
              int64_t now_us);
  static absl::Status Validate(const PlainRtpParams& params);
  absl::Status ConfigureCodec();
  bool InbandWanted() const;

  void HandleRtcpDatagram(absl::Span<const uint8_t> datagram, const net::IpEndpoint& from,
                          bool on_rtp_socket, int64_t now_us);
  bool AcceptSource(const net::IpEndpoint& from, uint32_t ssrc, int64_t now_us);
  void StartRemoteStream(uint32_t ssrc, int64_t now_us);
  void HandleAudioPayload(const rtp::RtpPacketView& packet, int64_t now_us);
  void DeliverFrame(uint16_t sequence, uint32_t timestamp, absl::Span<const uint8_t> payload,
                    int64_t now_us);
  void ReportDigit(char digit, int duration_ms, Owner::DtmfSource source);
  void FlushDtmf();
  // `media_timestamp`: where the packet lies on the audio timeline (a
  // telephone-event's own timestamp is its event's start), for the SR.
  void SendRtp(uint8_t payload_type, bool marker, uint32_t timestamp,
               absl::Span<const uint8_t> payload, uint32_t media_timestamp, int64_t now_us);
  void SendRtcpCompound(bool bye, int64_t now_us);
  std::optional<net::IpEndpoint> RtpDestination() const;
  std::optional<net::IpEndpoint> RtcpDestination() const;
  bool RemotePaused() const;
  void End(std::string_view reason);

  PlainRtpParams params_;
  const PlainRtpLegOptions options_;
  Owner& owner_;
  SequenceChecker worker_thread_{SequenceChecker::kDetached};
  Stats stats_;
  bool ended_ = false;  // OnEnded or Close

  // Receiving.
  bool has_remote_ssrc_ = false;
  uint32_t remote_ssrc_ = 0;
  // The SSRC before the last change, dropped until retired_until_us_.
  std::optional<uint32_t> retired_ssrc_;
  int64_t retired_until_us_ = 0;
  std::optional<net::IpEndpoint> latched_rtcp_;
  int64_t last_from_latched_us_ = 0;
  int64_t timeout_start_us_ = 0;  // the last RTP packet, or when a pause ended
  bool paused_ = false;
  FrameRechunker rechunker_;
  audio::InputPacket input_;
  dtmf::DtmfEventReceiver dtmf_receiver_;
  std::optional<int64_t> last_event_us_;  // last telephone-event packet, until flushed
  std::unique_ptr<InbandDtmfInput> inband_;  // null when in-band detection is off

  // Sending.
  uint16_t next_sequence_;
  uint32_t timestamp_offset_;
  uint32_t next_event_timestamp_ = 0;  // where a digit started now would begin
  dtmf::DtmfEventSender dtmf_sender_;
  std::array<uint8_t, rtp::kRtpFixedHeaderSize + audio::kMaxPayloadBytes> rtp_buffer_{};
  RtcpSession rtcp_;
  std::array<uint8_t, RtcpSession::kMaxCompoundSize> rtcp_buffer_{};
};

}  // namespace konfero::plain_rtp

#endif  // KONFERO_PLAIN_RTP_PLAIN_RTP_LEG_H_
