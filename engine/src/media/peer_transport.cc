// peer_transport.cc: ICE-lite + DTLS + SRTP + SCTP for one peer.
#include "media/peer_transport.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "rtp/rtcp_header.h"
#include "rtp/rtcp_packet.h"
#include "rtp/rtp_header_extensions.h"
#include "rtp/rtp_packet.h"
#include "stun/stun_message.h"

namespace konfero::media {
namespace {

sctp::DtlsRole SctpRole(dtls::DtlsRole role) {
  return role == dtls::DtlsRole::kClient ? sctp::DtlsRole::kClient
                                         : sctp::DtlsRole::kServer;
}

// The sans-I/O protocol pieces take absl::Time; they are handed the
// worker's monotonic clock, never the wall clock (only differences and
// deadlines on the same clock matter to them).
absl::Time Monotonic(int64_t now_us) { return absl::FromUnixMicros(now_us); }

}  // namespace

absl::StatusOr<std::unique_ptr<PeerTransport>> PeerTransport::Create(
    PeerSetup setup, std::shared_ptr<const dtls::DtlsCertificate> certificate,
    Owner& owner, std::shared_ptr<LegCounters> counters, int64_t now_us) {
  const absl::Time now = Monotonic(now_us);
  stun::IceLiteOptions ice_options;
  ice_options.failed_after = setup.consent_timeout;
  ice_options.disconnected_after =
      std::min(ice_options.disconnected_after, setup.consent_timeout / 2);
  absl::StatusOr<stun::IceLiteAgent> ice = stun::IceLiteAgent::Create(
      setup.local_ice, setup.remote_ice, now, ice_options);
  if (!ice.ok()) return ice.status();
  absl::StatusOr<std::unique_ptr<dtls::DtlsTransport>> dtls =
      dtls::DtlsTransport::Create(std::move(certificate), setup.dtls);
  if (!dtls.ok()) return dtls.status();
  if (absl::Status s = (*dtls)->Start(now); !s.ok()) return s;
  std::unique_ptr<PeerTransport> peer(new PeerTransport(
      std::move(setup), *std::move(ice), *std::move(dtls), owner,
      std::move(counters)));
  peer->FlushDtls();  // a DTLS client's ClientHello, if we are the client
  return peer;
}

PeerTransport::PeerTransport(PeerSetup setup, stun::IceLiteAgent ice,
                             std::unique_ptr<dtls::DtlsTransport> dtls,
                             Owner& owner,
                             std::shared_ptr<LegCounters> counters)
    : setup_(std::move(setup)),
      ice_(std::move(ice)),
      dtls_(std::move(dtls)),
      owner_(owner),
      counters_(std::move(counters)) {
  feedback_ssrc_ = setup_.audio.send_ssrc;
  for (const VideoSlotParams& slot : setup_.video.slots) {
    if (feedback_ssrc_ == 0) feedback_ssrc_ = slot.ssrc;
  }
  counters_->bandwidth_estimate_bps.store(bandwidth_.target_bps(),
                                          std::memory_order_relaxed);
}

PeerTransport::~PeerTransport() = default;

void PeerTransport::Fail(std::string reason) {
  if (failure_reason_.empty()) failure_reason_ = std::move(reason);
  SetState(PeerState::kFailed);
}

void PeerTransport::SetState(PeerState state) {
  if (state_ == state || state_ == PeerState::kClosed ||
      state_ == PeerState::kFailed) {
    return;
  }
  state_ = state;
  counters_->state.store(state, std::memory_order_relaxed);
  owner_.OnStateChanged(*this, state, failure_reason_);
}

bool PeerTransport::HandleStun(absl::Span<const uint8_t> datagram,
                               const net::IpEndpoint& from, int64_t now_us) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  const absl::Time now = Monotonic(now_us);
  std::optional<std::vector<uint8_t>> response =
      ice_.HandleStunRequest(datagram, from, now);
  if (!response) return false;
  owner_.SendDatagram(*response, from);
  // Only an authenticated request maps its source address to this peer; the
  // agent answers exactly those with a success response. (Not "the time of
  // the last valid request changed": two may arrive in the same microsecond.)
  const uint16_t type = static_cast<uint16_t>(((*response)[0] << 8) | (*response)[1]);
  return stun::ClassOf(type) == stun::StunClass::kSuccessResponse;
}

void PeerTransport::HandleDtls(absl::Span<const uint8_t> datagram,
                               const net::IpEndpoint& from, int64_t now_us) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  const absl::Time now = Monotonic(now_us);
  if (state_ == PeerState::kClosed || state_ == PeerState::kFailed) return;
  last_dtls_source_ = from;
  const bool was_connected = dtls_->state() == dtls::DtlsState::kConnected;
  absl::StatusOr<std::vector<std::vector<uint8_t>>> records =
      dtls_->HandleIncoming(datagram, now);
  FlushDtls();
  if (!records.ok()) {
    if (dtls_->state() == dtls::DtlsState::kFailed ||
        dtls_->state() == dtls::DtlsState::kClosed) {
      Fail("DTLS failed: " + std::string(dtls_->failure().message()));
    }
    return;
  }
  if (!was_connected && dtls_->state() == dtls::DtlsState::kConnected) {
    OnDtlsConnected();
  }
  FeedSctp(*std::move(records));
}

void PeerTransport::OnDtlsConnected() {
  if (const auto& keys = dtls_->srtp_keying_material()) {
    absl::StatusOr<std::unique_ptr<dtls::SrtpSession>> srtp =
        dtls::SrtpSession::Create(*keys);
    if (!srtp.ok()) {
      Fail("SRTP setup failed: " + std::string(srtp.status().message()));
      return;
    }
    srtp_ = *std::move(srtp);
  }
  if (setup_.has_data_channels) {
    sctp::SctpAssociation::Config config;
    config.role = SctpRole(setup_.dtls.role);
    config.remote_port = setup_.sctp_remote_port;
    config.remote_max_message_size = setup_.sctp_remote_max_message_size;
    // usrsctp's packets came out 9 bytes over the path MTU it was given
    // (measured with 0.9.5 over AF_CONN); keep a margin under the DTLS
    // record limit.
    config.mtu = dtls_->max_application_data_size() - 32;
    absl::StatusOr<std::unique_ptr<sctp::SctpAssociation>> assoc =
        sctp::SctpAssociation::Create(config, *this);
    if (assoc.ok()) {
      sctp_ = *std::move(assoc);
      (void)sctp_->Connect();
      FlushSctp();
    }
  }
  SetState(PeerState::kConnected);
}

void PeerTransport::FeedSctp(std::vector<std::vector<uint8_t>> records) {
  if (!sctp_) return;
  for (const std::vector<uint8_t>& record : records) {
    sctp_->HandleIncomingPacket(record);
  }
  FlushSctp();
}

void PeerTransport::FlushSctp() {
  if (!sctp_) return;
  for (const std::vector<uint8_t>& packet : sctp_->TakeOutgoing()) {
    absl::Status st = dtls_->SendApplicationData(packet);
    if (!st.ok() && std::getenv("KONFERO_DEBUG")) {
      std::fprintf(stderr, "sctp packet %zu bytes not sent: %s (max %zu)\n",
                   packet.size(), std::string(st.message()).c_str(),
                   dtls_->max_application_data_size());
    }
  }
  FlushDtls();
}

void PeerTransport::FlushDtls() {
  std::vector<std::vector<uint8_t>> out = dtls_->TakeOutgoing();
  if (out.empty()) return;
  const std::optional<net::IpEndpoint>& to = ice_.selected_address();
  const std::optional<net::IpEndpoint> target = to ? to : last_dtls_source_;
  if (!target) return;  // nowhere to send yet: DTLS retransmits later
  for (const std::vector<uint8_t>& d : out) owner_.SendDatagram(d, *target);
}

void PeerTransport::HandleRtpOrRtcp(absl::Span<uint8_t> datagram,
                                    int64_t arrival_us) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (!srtp_) return;
  counters_->bytes_in.fetch_add(datagram.size(), std::memory_order_relaxed);
  if (rtp::IsRtcp(datagram)) {
    std::optional<size_t> size = srtp_->UnprotectRtcp(datagram);
    if (!size) {
      counters_->srtp_failures.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    HandleRtcp(datagram.first(*size), arrival_us);
    return;
  }
  std::optional<size_t> size = srtp_->UnprotectRtp(datagram);
  if (!size) {
    counters_->srtp_failures.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  counters_->rtp_packets_in.fetch_add(1, std::memory_order_relaxed);
  std::optional<rtp::RtpPacketView> packet =
      rtp::RtpPacketView::Parse(std::span<const uint8_t>(datagram.data(), *size));
  if (!packet) return;
  // Every packet with a transport-wide sequence number (audio too: the
  // peer's estimator counts them all) goes into our feedback.
  if (const uint8_t id = setup_.video.extensions.transport_cc; id != 0) {
    if (auto seq = rtp::GetExtension<rtp::TransportSequenceNumber>(*packet, id)) {
      feedback_.OnPacketReceived(seq->value, arrival_us);
      if (feedback_ssrc_ == 0) feedback_ssrc_ = 1;
      // libwebrtc takes feedback only about an SSRC it sends.
      feedback_media_ssrc_ = packet->ssrc();
    }
  }
  if (setup_.has_audio && packet->payload_type() == setup_.audio.payload_type) {
    audio::InputPacket input;
    if (transport::ToInputPacket(*packet, setup_.audio, arrival_us, input)) {
      owner_.OnAudioPacket(*this, input);
    }
    return;
  }
  if (setup_.video.publications.empty()) return;
  counters_->video_packets_in.fetch_add(1, std::memory_order_relaxed);
  owner_.OnVideoRtp(*this, datagram.first(*size), arrival_us);
}

absl::Status PeerTransport::RestartIce(stun::IceCredentials local,
                                      stun::IceCredentials remote) {
  if (absl::Status s = ice_.Restart(local, remote); !s.ok()) return s;
  setup_.local_ice = std::move(local);
  setup_.remote_ice = std::move(remote);
  return absl::OkStatus();
}

void PeerTransport::HandleRtcp(absl::Span<const uint8_t> rtcp, int64_t now_us) {
  std::optional<rtp::RtcpCompound> compound =
      rtp::ParseRtcp(std::span<const uint8_t>(rtcp.data(), rtcp.size()));
  if (!compound) return;
  // Report blocks about the mix we send drive the mixer's in-band FEC.
  // (NACKs for audio are not answered: Opus has its FEC and PLC, browsers do
  // not NACK audio, and SRTP refuses to protect a sequence number twice,
  // so a retransmission needs RTX, which video negotiates.)
  const auto report = [&](const std::vector<rtp::ReportBlock>& blocks) {
    for (const rtp::ReportBlock& block : blocks) {
      if (block.ssrc == setup_.audio.send_ssrc) {
        owner_.OnReceiverLoss(*this, block.fraction_lost * 100 / 256);
      } else {
        bandwidth_.OnReceiverReportLoss(block.fraction_lost, now_us);
      }
    }
  };
  for (const rtp::RtcpPacket& packet : compound->packets) {
    if (const auto* rr = std::get_if<rtp::ReceiverReport>(&packet)) {
      report(rr->report_blocks);
    } else if (const auto* sr = std::get_if<rtp::SenderReport>(&packet)) {
      report(sr->report_blocks);
    } else if (const auto* fb = std::get_if<rtp::TransportFeedback>(&packet)) {
      bandwidth_.OnTransportFeedback(*fb, now_us);
    } else if (const auto* remb = std::get_if<rtp::Remb>(&packet)) {
      bandwidth_.OnRemb(remb->bitrate_bps, now_us);
    } else if (std::holds_alternative<rtp::Nack>(packet)) {
      counters_->nacks_in.fetch_add(1, std::memory_order_relaxed);
      owner_.OnVideoFeedback(*this, packet, now_us);
    } else if (std::holds_alternative<rtp::Pli>(packet) ||
               std::holds_alternative<rtp::Fir>(packet)) {
      counters_->keyframe_requests_in.fetch_add(1, std::memory_order_relaxed);
      owner_.OnVideoFeedback(*this, packet, now_us);
    }
  }
  counters_->bandwidth_estimate_bps.store(bandwidth_.target_bps(),
                                          std::memory_order_relaxed);
}

bool PeerTransport::Impaired(size_t bytes, int64_t now_us) {
  if (impairment_.loss > 0) {
    // xorshift64*: cheap, deterministic per peer, good enough for loss.
    impairment_random_ ^= impairment_random_ >> 12;
    impairment_random_ ^= impairment_random_ << 25;
    impairment_random_ ^= impairment_random_ >> 27;
    const uint64_t r = impairment_random_ * 0x2545F4914F6CDD1Dull;
    if (static_cast<double>(r >> 11) * 0x1.0p-53 < impairment_.loss) return true;
  }
  if (impairment_.max_bitrate_bps > 0) {
    const double rate = static_cast<double>(impairment_.max_bitrate_bps) / 8e6;  // bytes/us
    const double burst = rate * 50'000;  // 50 ms of data
    impairment_tokens_ = std::min(
        burst, impairment_tokens_ + rate * static_cast<double>(now_us - impairment_refill_us_));
    impairment_refill_us_ = now_us;
    if (impairment_tokens_ < static_cast<double>(bytes)) return true;
    impairment_tokens_ -= static_cast<double>(bytes);
  }
  return false;
}

void PeerTransport::SetEgressImpairment(const NetworkImpairment& impairment) {
  impairment_ = impairment;
  impairment_tokens_ = 0;
  impairment_refill_us_ = 0;
}

bool PeerTransport::SendRtp(absl::Span<const uint8_t> packet, int64_t now_us,
                            bool retransmission) {
  if (!srtp_ || !ice_.selected_address()) return false;
  if (packet.size() > send_buffer_.size() - dtls::SrtpSession::kMaxRtpOverhead) return false;
  std::memcpy(send_buffer_.data(), packet.data(), packet.size());
  std::optional<rtp::MutableRtpPacket> rtp_packet =
      rtp::MutableRtpPacket::Parse(std::span<uint8_t>(send_buffer_.data(), packet.size()));
  if (!rtp_packet) return false;
  const VideoExtensionIds& ids = setup_.video.extensions;
  if (ids.abs_send_time != 0) {
    (void)rtp::SetExtension(*rtp_packet, ids.abs_send_time,
                            rtp::AbsSendTime::FromMicros(now_us));
  }
  if (ids.transport_cc != 0) {
    const uint16_t seq = next_transport_sequence_++;
    if (rtp::SetExtension(*rtp_packet, ids.transport_cc,
                          rtp::TransportSequenceNumber{seq})) {
      bandwidth_.OnPacketSent(seq, packet.size(), now_us);
    }
  }
  counters_->video_packets_out.fetch_add(1, std::memory_order_relaxed);
  if (retransmission) counters_->rtx_packets_out.fetch_add(1, std::memory_order_relaxed);
  // The impairment stands for the network: the packet counts as sent.
  if (Impaired(packet.size(), now_us)) {
    counters_->impairment_drops.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  std::optional<size_t> protected_size =
      srtp_->ProtectRtp(absl::MakeSpan(send_buffer_), packet.size());
  if (!protected_size) return false;
  counters_->rtp_packets_out.fetch_add(1, std::memory_order_relaxed);
  counters_->bytes_out.fetch_add(*protected_size, std::memory_order_relaxed);
  owner_.SendDatagram(absl::MakeConstSpan(send_buffer_.data(), *protected_size),
                      *ice_.selected_address());
  return true;
}

void PeerTransport::SendRtcp(absl::Span<const uint8_t> rtcp) {
  if (!srtp_ || !ice_.selected_address()) return;
  // A compound packet (RFC 3550 6.1): an empty receiver report first, then
  // the feedback.
  constexpr size_t kEmptyRr = 8;
  if (kEmptyRr + rtcp.size() > send_buffer_.size() - dtls::SrtpSession::kMaxRtcpOverhead) return;
  rtp::ReceiverReport rr;
  rr.sender_ssrc = feedback_ssrc_ != 0 ? feedback_ssrc_ : 1;
  rr.SerializeTo(std::span<uint8_t>(send_buffer_.data(), kEmptyRr));
  std::memcpy(send_buffer_.data() + kEmptyRr, rtcp.data(), rtcp.size());
  std::optional<size_t> protected_size =
      srtp_->ProtectRtcp(absl::MakeSpan(send_buffer_), kEmptyRr + rtcp.size());
  if (!protected_size) return;
  counters_->bytes_out.fetch_add(*protected_size, std::memory_order_relaxed);
  owner_.SendDatagram(absl::MakeConstSpan(send_buffer_.data(), *protected_size),
                      *ice_.selected_address());
}

void PeerTransport::SendAudio(const audio::EncodedFrame& frame, int64_t /*now_us*/) {
  if (!srtp_ || !ice_.selected_address()) return;
  const size_t size = transport::WriteAudioRtp(
      frame, setup_.audio,
      std::span<uint8_t>(send_buffer_.data(),
                         send_buffer_.size() - dtls::SrtpSession::kMaxRtpOverhead));
  if (size == 0) return;
  std::optional<size_t> protected_size =
      srtp_->ProtectRtp(absl::MakeSpan(send_buffer_), size);
  if (!protected_size) return;
  counters_->rtp_packets_out.fetch_add(1, std::memory_order_relaxed);
  counters_->bytes_out.fetch_add(*protected_size, std::memory_order_relaxed);
  owner_.SendDatagram(absl::MakeConstSpan(send_buffer_.data(), *protected_size),
                      *ice_.selected_address());
}

void PeerTransport::SendData(std::string_view label, sctp::MessageKind kind,
                             absl::Span<const uint8_t> message) {
  if (!sctp_) return;
  for (const auto& [stream, channel_label] : channels_) {
    if (channel_label != label) continue;
    if (sctp_->Send(stream, message, kind).ok()) {
      counters_->data_messages_out.fetch_add(1, std::memory_order_relaxed);
    }
  }
  FlushSctp();
}

void PeerTransport::OnTimer(int64_t now_us) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  const absl::Time now = Monotonic(now_us);
  if (state_ == PeerState::kClosed || state_ == PeerState::kFailed) return;
  if (srtp_ && feedback_ssrc_ != 0) {
    if (std::optional<rtp::TransportFeedback> fb =
            feedback_.MaybeBuild(now_us, feedback_ssrc_, feedback_media_ssrc_)) {
      std::array<uint8_t, 1200> out{};
      if (fb->SerializedSize() <= out.size()) {
        const size_t n = fb->SerializeTo(out);
        SendRtcp(absl::MakeConstSpan(out.data(), n));
        counters_->transport_feedback_out.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }
  if (std::optional<absl::Time> due = dtls_->NextTimeout(now); due && *due <= now) {
    if (!dtls_->HandleTimeout(now).ok()) Fail("DTLS gave up retransmitting");
    FlushDtls();
  }
  if (sctp_) {
    sctp_->HandleTimers(now);
    FlushSctp();
  }
  switch (ice_.state(now)) {
    case stun::IceLiteAgent::State::kFailed:
      Fail("ICE consent expired");
      break;
    case stun::IceLiteAgent::State::kDisconnected:
      if (state_ == PeerState::kConnected) SetState(PeerState::kDisconnected);
      break;
    case stun::IceLiteAgent::State::kConnected:
      if (state_ == PeerState::kDisconnected) SetState(PeerState::kConnected);
      break;
    case stun::IceLiteAgent::State::kNew:
      break;
  }
}

void PeerTransport::Close() {
  if (state_ == PeerState::kClosed) return;
  dtls_->Close();
  FlushDtls();
  state_ = PeerState::kClosed;
  counters_->state.store(PeerState::kClosed, std::memory_order_relaxed);
}

void PeerTransport::OnAssociationDown(sctp::SctpAssociation*,
                                      const absl::Status&) {
  channels_.clear();
}

void PeerTransport::OnChannelOpen(sctp::SctpAssociation*,
                                  const sctp::DataChannelInfo& channel) {
  channels_[channel.stream_id] = channel.label;
  if (channel.label == kControlChannel) owner_.OnControlChannelOpen(*this);
}

void PeerTransport::OnMessage(sctp::SctpAssociation*, uint16_t stream_id,
                              sctp::MessageKind kind,
                              absl::Span<const uint8_t> message) {
  auto it = channels_.find(stream_id);
  if (it == channels_.end()) return;
  counters_->data_messages_in.fetch_add(1, std::memory_order_relaxed);
  // Only the control channel's text is read; nothing is ever relayed.
  if (it->second != kControlChannel || kind != sctp::MessageKind::kText) {
    counters_->data_messages_dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  owner_.OnControlMessage(
      *this, std::string_view(reinterpret_cast<const char*>(message.data()), message.size()));
}

void PeerTransport::OnChannelClosed(sctp::SctpAssociation*, uint16_t stream_id) {
  channels_.erase(stream_id);
}

}  // namespace konfero::media
