// media_peer.cc: ICE checks, DTLS client, SRTP in and out, on one UDP socket.
#include "load/media_peer.h"

#include <openssl/rand.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/absl_compat.h"
#include "rtp/rtcp_header.h"
#include "rtp/rtcp_packet.h"
#include "rtp/rtp_header_extensions.h"
#include "rtp/rtp_packet.h"

namespace konfero::load {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;

constexpr int64_t kCheckIntervalUs = 100'000;
constexpr int64_t kConsentIntervalUs = 2'000'000;
constexpr int64_t kIceTimeoutUs = 10'000'000;
constexpr int64_t kDtlsTimeoutUs = 10'000'000;
constexpr int64_t kConsentTimeoutUs = 20'000'000;
constexpr size_t kPendingChecks = 8;
constexpr size_t kMaxVideoPayload = 1100;
// Peer-reflexive priority of our checks (RFC 8445 §5.1.2.1: type preference 110).
constexpr uint32_t kPrflxPriority = (110u << 24) | (65535u << 8) | 255u;
constexpr int kSocketBufferBytes = 1 << 20;

template <typename T>
T RandomValue() {
  T value{};
  RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof(value));
  return value;
}

net::IpEndpoint ToIpEndpoint(const udp::endpoint& e) {
  const asio::ip::address a = e.address();
  if (a.is_v4()) return net::IpEndpoint::Ipv4(a.to_v4().to_bytes(), e.port());
  return net::IpEndpoint::Ipv6(a.to_v6().to_bytes(), e.port());
}

udp::endpoint ToUdpEndpoint(const net::IpEndpoint& e) {
  const auto bytes = e.address_bytes();
  if (e.is_ipv4()) {
    asio::ip::address_v4::bytes_type b{};
    std::memcpy(b.data(), bytes.data(), b.size());
    return {asio::ip::address_v4(b), e.port()};
  }
  asio::ip::address_v6::bytes_type b{};
  std::memcpy(b.data(), bytes.data(), b.size());
  return {asio::ip::address_v6(b), e.port()};
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The VP8 payload descriptor with a 15-bit picture id (RFC 7741 §4.2).
size_t WriteVp8Descriptor(std::span<uint8_t> out, bool start, uint16_t picture_id) {
  out[0] = start ? 0x90 : 0x80;  // X, S
  out[1] = 0x80;                 // I
  out[2] = static_cast<uint8_t>(0x80 | ((picture_id >> 8) & 0x7F));
  out[3] = static_cast<uint8_t>(picture_id & 0xFF);
  return 4;
}

// The VP8 payload header of a frame's first packet (RFC 7741 §4.3): the
// 3-byte frame tag, and for a key frame the start code and a 640x360 size.
size_t WriteVp8Header(std::span<uint8_t> out, bool keyframe) {
  constexpr uint32_t kFirstPartitionSize = 100;
  out[0] = static_cast<uint8_t>(((kFirstPartitionSize & 0x7) << 5) | 0x10 | (keyframe ? 0 : 1));
  out[1] = static_cast<uint8_t>((kFirstPartitionSize >> 3) & 0xFF);
  out[2] = static_cast<uint8_t>((kFirstPartitionSize >> 11) & 0xFF);
  if (!keyframe) return 3;
  const uint8_t rest[] = {0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01};  // 640x360
  std::memcpy(out.data() + 3, rest, sizeof(rest));
  return 3 + sizeof(rest);
}

}  // namespace

uint64_t PeerStats::video_received() const {
  uint64_t n = 0;
  for (const auto& [ssrc, t] : tiles) n += t.received();
  return n;
}

uint64_t PeerStats::video_expected() const {
  uint64_t n = 0;
  for (const auto& [ssrc, t] : tiles) n += t.expected();
  return n;
}

std::shared_ptr<MediaPeer> MediaPeer::Create(asio::io_context& io,
                                             std::shared_ptr<const dtls::DtlsCertificate> cert,
                                             Listener& listener) {
  return std::shared_ptr<MediaPeer>(new MediaPeer(io, std::move(cert), listener));
}

MediaPeer::MediaPeer(asio::io_context& io, std::shared_ptr<const dtls::DtlsCertificate> cert,
                     Listener& listener)
    : socket_(io),
      cert_(std::move(cert)),
      listener_(&listener),
      local_ice_(stun::GenerateIceCredentials()),
      tie_breaker_(RandomValue<uint64_t>()),
      audio_ssrc_(RandomValue<uint32_t>() | 1),
      audio_seq_(RandomValue<uint16_t>()),
      video_ssrc_(RandomValue<uint32_t>() | 1),
      video_seq_(RandomValue<uint16_t>()),
      picture_id_(RandomValue<uint16_t>() & 0x7FFF) {}

absl::Status MediaPeer::Open(bool ipv6) {
  boost::system::error_code ec;
  const udp::endpoint local(ipv6 ? asio::ip::address(asio::ip::address_v6::loopback())
                                 : asio::ip::address(asio::ip::address_v4::loopback()),
                            0);
  socket_.open(local.protocol(), ec);
  if (!ec) socket_.bind(local, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("UDP socket: ", ec.message()));
  socket_.set_option(asio::socket_base::receive_buffer_size(kSocketBufferBytes), ec);
  socket_.set_option(asio::socket_base::send_buffer_size(kSocketBufferBytes), ec);
  socket_.non_blocking(true, ec);
  Receive();
  return absl::OkStatus();
}

net::IpEndpoint MediaPeer::local_endpoint() const {
  boost::system::error_code ec;
  return ToIpEndpoint(socket_.local_endpoint(ec));
}

absl::Status MediaPeer::Start(const AnswerInfo& answer, int64_t now_us) {
  if (state_ != State::kNew) return absl::FailedPreconditionError("started already");
  if (!answer.we_are_dtls_client) {
    return absl::InvalidArgumentError("the server answered a=setup:active; we only do DTLS client");
  }
  answer_ = answer;
  server_ = ToUdpEndpoint(answer.server);
  dtls::DtlsTransportConfig config;
  config.role = dtls::DtlsRole::kClient;
  config.remote_fingerprint_algorithm = answer.fingerprint_algorithm;
  config.remote_fingerprint = answer.fingerprint;
  absl::StatusOr<std::unique_ptr<dtls::DtlsTransport>> dtls =
      dtls::DtlsTransport::Create(cert_, config);
  if (!dtls.ok()) return dtls.status();
  dtls_ = *std::move(dtls);
  state_ = State::kChecking;
  started_us_ = now_us;
  last_response_us_ = now_us;
  SendCheck(now_us);
  return absl::OkStatus();
}

void MediaPeer::Receive() {
  socket_.async_receive_from(
      asio::buffer(receive_buffer_), from_,
      [self = shared_from_this()](const boost::system::error_code& ec, size_t size) {
        if (self->state_ == State::kClosed) return;
        if (ec == asio::error::operation_aborted) return;
        if (!ec && self->from_ == self->server_) {
          self->OnDatagram(std::span<uint8_t>(self->receive_buffer_.data(), size), NowMicros());
        }
        if (self->state_ != State::kClosed) self->Receive();
      });
}

void MediaPeer::OnDatagram(std::span<uint8_t> data, int64_t now_us) {
  if (data.empty() || state_ == State::kFailed) return;
  const uint8_t first = data[0];
  if (first <= 3) {
    OnStun(data, now_us);
  } else if (first >= 20 && first <= 63) {
    OnDtls(data);
  } else if (first >= 128 && first <= 191) {
    OnSrtp(data, now_us);
  }
}

void MediaPeer::OnStun(std::span<const uint8_t> data, int64_t now_us) {
  const absl::Span<const uint8_t> bytes(data.data(), data.size());
  std::optional<stun::StunMessage> message = stun::StunMessage::Parse(bytes);
  if (!message || message->method() != stun::kBindingMethod) return;
  if (message->message_class() != stun::StunClass::kSuccessResponse) return;
  const auto it = std::find(pending_checks_.begin(), pending_checks_.end(),
                            message->transaction_id());
  if (it == pending_checks_.end()) return;
  if (!stun::VerifyFingerprint(bytes) ||
      !stun::VerifyMessageIntegrity(bytes, answer_.server_ice.pwd)) {
    return;
  }
  pending_checks_.erase(it);
  last_response_us_ = now_us;
  if (state_ == State::kChecking) {
    state_ = State::kDtls;
    dtls_started_us_ = now_us;
    next_check_us_ = now_us + kConsentIntervalUs;
    if (absl::Status s = dtls_->Start(absl::Now()); !s.ok()) return Fail(s);
    FlushDtls();
  }
}

void MediaPeer::OnDtls(std::span<const uint8_t> data) {
  if (!dtls_ || state_ == State::kChecking) return;
  absl::StatusOr<std::vector<std::vector<uint8_t>>> records =
      dtls_->HandleIncoming(absl::Span<const uint8_t>(data.data(), data.size()), absl::Now());
  FlushDtls();
  if (!records.ok()) {
    if (state_ == State::kDtls) Fail(records.status());
    return;
  }
  if (state_ == State::kDtls && dtls_->state() == dtls::DtlsState::kConnected) {
    absl::StatusOr<std::unique_ptr<dtls::SrtpSession>> srtp =
        dtls::SrtpSession::Create(*dtls_->srtp_keying_material());
    if (!srtp.ok()) return Fail(srtp.status());
    srtp_ = *std::move(srtp);
    state_ = State::kConnected;
    listener_->OnPeerConnected(NowMicros());
  }
}

void MediaPeer::OnSrtp(std::span<uint8_t> data, int64_t now_us) {
  if (!srtp_) return;
  const absl::Span<uint8_t> packet(data.data(), data.size());
  if (rtp::IsRtcp(data)) {
    std::optional<size_t> size = srtp_->UnprotectRtcp(packet);
    if (!size) {
      ++stats_.srtp_failures;
      return;
    }
    std::optional<rtp::RtcpCompound> rtcp = rtp::ParseRtcp(data.first(*size));
    if (!rtcp) return;
    for (const rtp::RtcpPacket& p : rtcp->packets) {
      const auto* pli = std::get_if<rtp::Pli>(&p);
      const auto* fir = std::get_if<rtp::Fir>(&p);
      if ((pli && pli->media_ssrc == video_ssrc_) || fir) {
        keyframe_requested_ = true;
        ++stats_.keyframe_requests;
      }
    }
    return;
  }
  std::optional<size_t> size = srtp_->UnprotectRtp(packet);
  if (!size) {
    ++stats_.srtp_failures;
    return;
  }
  std::optional<rtp::RtpPacketView> rtp = rtp::RtpPacketView::Parse(data.first(*size));
  if (!rtp) return;
  if (rtp->payload_type() == answer_.opus_payload_type) {
    if (answer_.mix_ssrc == 0) answer_.mix_ssrc = rtp->ssrc();
    if (rtp->ssrc() != answer_.mix_ssrc) return;
    stats_.mix.Add(rtp->sequence_number());
    listener_->OnMixPacket(rtp->payload(), now_us);
  } else if (rtp->payload_type() == answer_.vp8_payload_type) {
    stats_.tiles[rtp->ssrc()].Add(rtp->sequence_number());
  }
}

void MediaPeer::Poll(int64_t now_us) {
  switch (state_) {
    case State::kChecking:
      if (now_us - started_us_ > kIceTimeoutUs) {
        return Fail(absl::DeadlineExceededError("ICE: no Binding success response in 10 s"));
      }
      if (now_us >= next_check_us_) SendCheck(now_us);
      return;
    case State::kDtls:
      if (now_us - dtls_started_us_ > kDtlsTimeoutUs) {
        return Fail(absl::DeadlineExceededError("DTLS: no handshake in 10 s"));
      }
      if (std::optional<absl::Time> due = dtls_->NextTimeout(absl::Now());
          due && *due <= absl::Now()) {
        if (absl::Status s = dtls_->HandleTimeout(absl::Now()); !s.ok()) return Fail(s);
        FlushDtls();
      }
      [[fallthrough]];
    case State::kConnected:
      if (now_us - last_response_us_ > kConsentTimeoutUs) {
        return Fail(absl::DeadlineExceededError("ICE consent: no response in 20 s"));
      }
      if (now_us >= next_check_us_) SendCheck(now_us);
      return;
    case State::kNew:
    case State::kFailed:
    case State::kClosed:
      return;
  }
}

void MediaPeer::SendCheck(int64_t now_us) {
  stun::TransactionId id;
  RAND_bytes(id.data(), static_cast<int>(id.size()));
  stun::StunMessage request(stun::MessageType(stun::kBindingMethod, stun::StunClass::kRequest),
                            id);
  const bool built =
      request.AddUsername(absl::StrCat(answer_.server_ice.ufrag, ":", local_ice_.ufrag)) &&
      request.AddPriority(kPrflxPriority) && request.AddIceControlling(tie_breaker_) &&
      request.AddUseCandidate();
  std::optional<std::vector<uint8_t>> bytes =
      built ? request.SerializeWithIntegrity(answer_.server_ice.pwd) : std::nullopt;
  if (!bytes) return Fail(absl::InternalError("cannot build a STUN Binding request"));
  pending_checks_.push_back(id);
  if (pending_checks_.size() > kPendingChecks) pending_checks_.erase(pending_checks_.begin());
  SendRaw(*bytes);
  next_check_us_ = now_us + (state_ == State::kChecking ? kCheckIntervalUs : kConsentIntervalUs);
}

void MediaPeer::FlushDtls() {
  for (const std::vector<uint8_t>& d : dtls_->TakeOutgoing()) SendRaw(d);
}

void MediaPeer::SendRaw(std::span<const uint8_t> data) {
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(data.data(), data.size()), server_, 0, ec);
  if (ec) ++stats_.send_errors;
}

void MediaPeer::SendRtp(std::span<uint8_t> buffer, size_t size) {
  std::optional<size_t> protected_size =
      srtp_->ProtectRtp(absl::Span<uint8_t>(buffer.data(), buffer.size()), size);
  if (!protected_size) {
    ++stats_.srtp_failures;
    return;
  }
  SendRaw(buffer.first(*protected_size));
}

void MediaPeer::SendAudio(const OpusFrame& frame, uint32_t rtp_timestamp) {
  if (!srtp_) return;
  const std::span<uint8_t> buffer(send_buffer_);
  rtp::RtpPacketWriter writer(buffer.first(1500),
                              {.payload_type = answer_.opus_payload_type,
                               .sequence_number = audio_seq_++,
                               .timestamp = rtp_timestamp,
                               .ssrc = audio_ssrc_});
  if (answer_.audio_level_id != 0) {
    rtp::AddExtension(writer, answer_.audio_level_id,
                      rtp::AudioLevel{.voice_activity = frame.voice, .level = frame.level});
  }
  if (!writer.SetPayload(frame.bytes)) return;
  ++stats_.audio_packets_sent;
  SendRtp(buffer, writer.size());
}

void MediaPeer::SendVideoFrame(size_t bytes, uint32_t rtp_timestamp, bool keyframe) {
  if (!srtp_ || answer_.vp8_payload_type == 0 || answer_.camera_mid.empty()) return;
  std::array<uint8_t, kMaxVideoPayload> payload{};
  picture_id_ = (picture_id_ + 1) & 0x7FFF;
  size_t left = std::max<size_t>(bytes, 64);
  bool first = true;
  while (left > 0) {
    size_t n = WriteVp8Descriptor(payload, first, picture_id_);
    if (first) n += WriteVp8Header(std::span<uint8_t>(payload).subspan(n), keyframe);
    const size_t body = std::min(left, kMaxVideoPayload - n);
    std::fill_n(payload.begin() + static_cast<std::ptrdiff_t>(n), body, uint8_t{0x55});
    left -= body;
    const std::span<uint8_t> buffer(send_buffer_);
    rtp::RtpPacketWriter writer(buffer.first(1500),
                                {.marker = left == 0,
                                 .payload_type = answer_.vp8_payload_type,
                                 .sequence_number = video_seq_++,
                                 .timestamp = rtp_timestamp,
                                 .ssrc = video_ssrc_});
    if (answer_.video_mid_id != 0) {
      const std::string& mid = answer_.camera_mid;
      writer.AddExtension(answer_.video_mid_id,
                          std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(mid.data()),
                                                   mid.size()));
    }
    if (!writer.SetPayload(std::span<const uint8_t>(payload.data(), n + body))) return;
    ++stats_.video_packets_sent;
    SendRtp(buffer, writer.size());
    first = false;
  }
}

bool MediaPeer::TakeKeyframeRequest() {
  const bool requested = keyframe_requested_;
  keyframe_requested_ = false;
  return requested;
}

void MediaPeer::Fail(absl::Status why) {
  if (state_ == State::kFailed || state_ == State::kClosed) return;
  state_ = State::kFailed;
  Listener* listener = listener_;
  listener_ = nullptr;
  if (listener != nullptr) listener->OnPeerFailed(std::move(why));
}

void MediaPeer::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  listener_ = nullptr;
  if (dtls_) dtls_->Close();  // close_notify, as a browser does
  if (dtls_) FlushDtls();
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace konfero::load
