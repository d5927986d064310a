// plain_rtp/plain_rtp_leg.cc: the plain-RTP leg: receiving, latching,
// sending, the timeout. RTCP lives in rtcp_session.cc, re-chunking in
// frame_rechunker.cc, in-band DTMF in inband_dtmf_input.cc.
#include "plain_rtp/plain_rtp_leg.h"

#include <algorithm>
#include <cstring>
#include <span>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "dtmf/telephone_event.h"
#include "plain_rtp/remote_media.h"
#include "rtp/rtcp_header.h"

namespace konfero::plain_rtp {
namespace {

using Direction = sdp::Direction;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

bool WeSend(Direction ours) { return ours == Direction::kSendRecv || ours == Direction::kSendOnly; }
bool RemoteSends(Direction ours) {
  return ours == Direction::kSendRecv || ours == Direction::kRecvOnly;
}

std::span<const uint8_t> ToStd(absl::Span<const uint8_t> s) { return {s.data(), s.size()}; }
absl::Span<const uint8_t> ToAbsl(std::span<const uint8_t> s) { return {s.data(), s.size()}; }

}  // namespace

absl::Status PlainRtpLeg::Validate(const PlainRtpParams& p) {
  if (SdpName(p.codec).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "codec ", Sv(audio::CodecName(p.codec)), " cannot be carried on a plain-RTP leg"));
  }
  if (p.payload_type > 127 || p.telephone_event_pt > 127) {
    return absl::InvalidArgumentError("RTP payload types are 0-127");
  }
  if (p.telephone_event_pt != 0 && p.telephone_event_pt == p.payload_type) {
    return absl::InvalidArgumentError(
        absl::StrCat("telephone-event and the codec share payload type ", p.payload_type));
  }
  if (p.rtcp_mux) {
    for (uint8_t pt : {p.payload_type, p.telephone_event_pt}) {
      if (pt >= 64 && pt <= 95) {
        return absl::InvalidArgumentError(absl::StrCat(
            "payload type ", pt, " collides with RTCP under rtcp-mux (RFC 5761 section 4)"));
      }
    }
  }
  if (p.ptime_ms <= 0) return absl::InvalidArgumentError("ptime_ms must be positive");
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<PlainRtpLeg>> PlainRtpLeg::Create(PlainRtpParams params,
                                                                 PlainRtpLegOptions options,
                                                                 Owner& owner, int64_t now_us) {
  if (absl::Status s = Validate(params); !s.ok()) return s;
  if (options.rtp_timeout_us < 0) {
    return absl::InvalidArgumentError("rtp_timeout_us must be >= 0 (0: no timeout)");
  }
  std::unique_ptr<PlainRtpLeg> leg(new PlainRtpLeg(params, options, owner, now_us));
  if (absl::Status s = leg->ConfigureCodec(); !s.ok()) return s;
  return leg;
}

PlainRtpLeg::PlainRtpLeg(const PlainRtpParams& params, const PlainRtpLegOptions& options,
                         Owner& owner, int64_t now_us)
    : params_(params),
      options_(options),
      owner_(owner),
      timeout_start_us_(now_us),
      dtmf_receiver_(audio::RtpClockHz(params.codec)),
      dtmf_sender_(audio::RtpClockHz(params.codec)),
      rtcp_(params.local_ssrc, audio::RtpClockHz(params.codec), now_us) {
  // RFC 3550 5.1: random initial sequence number and timestamp.
  const uint64_t r = SplitMix64((uint64_t{params.local_ssrc} << 32) ^ static_cast<uint64_t>(now_us));
  next_sequence_ = static_cast<uint16_t>(r);
  timestamp_offset_ = static_cast<uint32_t>(r >> 32);
  next_event_timestamp_ = timestamp_offset_;
  paused_ = RemotePaused();
}

PlainRtpLeg::~PlainRtpLeg() = default;

bool PlainRtpLeg::InbandWanted() const {
  if (!InbandDtmfInput::Supports(params_.codec)) return false;
  switch (options_.inband_dtmf) {
    case PlainRtpLegOptions::InbandDtmf::kOn: return true;
    case PlainRtpLegOptions::InbandDtmf::kOff: return false;
    case PlainRtpLegOptions::InbandDtmf::kAuto: break;
  }
  return params_.telephone_event_pt == 0;
}

absl::Status PlainRtpLeg::ConfigureCodec() {
  const int clock = audio::RtpClockHz(params_.codec);
  rechunker_.Reset();
  rtcp_.SetClockRate(clock);
  dtmf_receiver_ = dtmf::DtmfEventReceiver(clock);
  last_event_us_.reset();
  dtmf_sender_ = dtmf::DtmfEventSender(clock);
  if (!InbandWanted()) {
    inband_.reset();
    return absl::OkStatus();
  }
  if (inband_) return inband_->SetCodec(params_.codec);
  absl::StatusOr<std::unique_ptr<InbandDtmfInput>> inband = InbandDtmfInput::Create(params_.codec);
  if (!inband.ok()) return inband.status();
  inband_ = *std::move(inband);
  return absl::OkStatus();
}

bool PlainRtpLeg::RemotePaused() const {
  // Held either way (sendonly, recvonly, inactive) or c=0.0.0.0: no timeout.
  return !RemoteSends(params_.direction) || !WeSend(params_.direction) ||
         IsUnspecified(params_.remote_rtp);
}

absl::Status PlainRtpLeg::Update(const PlainRtpParams& params, int64_t now_us) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (absl::Status s = Validate(params); !s.ok()) return s;
  if (params.local_ssrc != params_.local_ssrc) {
    return absl::InvalidArgumentError(absl::StrCat("local_ssrc changed from ", params_.local_ssrc,
                                                   " to ", params.local_ssrc,
                                                   ": our stream keeps its SSRC"));
  }
  const bool codec_changed = params.codec != params_.codec ||
                             params.payload_type != params_.payload_type ||
                             params.telephone_event_pt != params_.telephone_event_pt;
  const bool address_changed = params.remote_rtp != params_.remote_rtp ||
                               params.remote_rtcp != params_.remote_rtcp ||
                               params.rtcp_mux != params_.rtcp_mux;
  if (codec_changed) {
    FlushDtmf();  // a digit of the old stream still pending
    const PlainRtpParams old = params_;
    params_ = params;
    if (absl::Status s = ConfigureCodec(); !s.ok()) {
      params_ = old;
      (void)ConfigureCodec();
      return s;
    }
  }
  params_ = params;
  retired_ssrc_.reset();  // a re-INVITE may bring the old stream back at once
  if (address_changed) {
    stats_.latched.reset();
    latched_rtcp_.reset();
  }
  const bool paused = RemotePaused();
  if (paused != paused_) {
    paused_ = paused;
    timeout_start_us_ = now_us;
  }
  return absl::OkStatus();
}

// --- receiving ---------------------------------------------------------------

void PlainRtpLeg::HandleRtp(absl::Span<const uint8_t> datagram, const net::IpEndpoint& from,
                            int64_t now_us) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (ended_) return;
  const std::span<const uint8_t> bytes = ToStd(datagram);
  if (params_.rtcp_mux && rtp::IsRtcp(bytes)) {
    HandleRtcpDatagram(datagram, from, /*on_rtp_socket=*/true, now_us);
    return;
  }
  const std::optional<rtp::RtpPacketView> packet = rtp::RtpPacketView::Parse(bytes);
  const uint8_t te = params_.telephone_event_pt;
  if (!packet ||
      (packet->payload_type() != params_.payload_type &&
       (te == 0 || packet->payload_type() != te)) ||
      (retired_ssrc_ && packet->ssrc() == *retired_ssrc_ && now_us < retired_until_us_) ||
      !AcceptSource(from, packet->ssrc(), now_us)) {
    ++stats_.dropped_invalid;
    return;
  }
  if (!has_remote_ssrc_ || packet->ssrc() != remote_ssrc_) {
    StartRemoteStream(packet->ssrc(), now_us);
  }
  ++stats_.rtp_in;
  stats_.bytes_in += datagram.size();
  timeout_start_us_ = now_us;
  const bool audio = packet->payload_type() == params_.payload_type;
  rtcp_.OnRtpReceived(packet->ssrc(), packet->sequence_number(), packet->timestamp(), audio,
                      now_us);
  if (audio) {
    HandleAudioPayload(*packet, now_us);
    return;
  }
  last_event_us_ = now_us;
  if (std::optional<dtmf::TelephoneEvent> event =
          dtmf::ParseTelephoneEvent(ToAbsl(packet->payload()))) {
    if (std::optional<dtmf::Digit> digit = dtmf_receiver_.OnPacket(packet->timestamp(), *event)) {
      ReportDigit(digit->digit, digit->duration_ms, Owner::DtmfSource::kRfc4733);
    }
  }
}

bool PlainRtpLeg::AcceptSource(const net::IpEndpoint& from, uint32_t ssrc, int64_t now_us) {
  if (!options_.symmetric_rtp) return true;
  if (stats_.latched && *stats_.latched == from) {
    last_from_latched_us_ = now_us;
    return true;
  }
  const bool new_stream = has_remote_ssrc_ && ssrc != remote_ssrc_;
  if (!stats_.latched || new_stream || now_us - last_from_latched_us_ >= kRelatchAfterUs) {
    if (stats_.latched) latched_rtcp_.reset();
    stats_.latched = from;
    last_from_latched_us_ = now_us;
    return true;
  }
  return false;
}

void PlainRtpLeg::StartRemoteStream(uint32_t ssrc, int64_t now_us) {
  if (has_remote_ssrc_) {
    FlushDtmf();
    retired_ssrc_ = remote_ssrc_;
    retired_until_us_ = now_us + kRelatchAfterUs;
  }
  has_remote_ssrc_ = true;
  remote_ssrc_ = ssrc;
  rechunker_.Reset();
  dtmf_receiver_ = dtmf::DtmfEventReceiver(audio::RtpClockHz(params_.codec));
  if (inband_) inband_->Reset();
}

void PlainRtpLeg::HandleAudioPayload(const rtp::RtpPacketView& packet, int64_t now_us) {
  const absl::Span<const uint8_t> payload = ToAbsl(packet.payload());
  if (payload.empty()) return;
  if (params_.codec == audio::Codec::kOpus) {
    if (payload.size() > input_.payload.size()) {
      ++stats_.dropped_invalid;
      return;
    }
    DeliverFrame(packet.sequence_number(), packet.timestamp(), payload, now_us);
  } else {
    rechunker_.Push(packet.sequence_number(), packet.timestamp(), payload,
                    [&](uint16_t sequence, uint32_t timestamp, absl::Span<const uint8_t> frame) {
                      DeliverFrame(sequence, timestamp, frame, now_us);
                    });
  }
  if (inband_) {
    inband_->Process(payload, [&](char digit) {
      ReportDigit(digit, 0, Owner::DtmfSource::kInband);
    });
  }
}

void PlainRtpLeg::DeliverFrame(uint16_t sequence, uint32_t timestamp,
                               absl::Span<const uint8_t> payload, int64_t now_us) {
  // A phone that holds the call (sendonly: its music on hold; inactive)
  // is out of the mix until it resumes; its digits still count.
  if (params_.direction != Direction::kSendRecv) return;
  input_.sequence = sequence;
  input_.timestamp = timestamp;
  input_.arrival_us = now_us;
  input_.audio_level = -1;
  input_.voice = false;
  input_.size = static_cast<uint16_t>(payload.size());
  std::memcpy(input_.payload.data(), payload.data(), payload.size());
  owner_.OnAudioPacket(input_);
}

void PlainRtpLeg::ReportDigit(char digit, int duration_ms, Owner::DtmfSource source) {
  ++stats_.digits;
  owner_.OnDigit(digit, duration_ms, source);
}

void PlainRtpLeg::FlushDtmf() {
  last_event_us_.reset();
  if (std::optional<dtmf::Digit> digit = dtmf_receiver_.Flush()) {
    ReportDigit(digit->digit, digit->duration_ms, Owner::DtmfSource::kRfc4733);
  }
}

void PlainRtpLeg::HandleRtcp(absl::Span<const uint8_t> datagram, const net::IpEndpoint& from,
                             int64_t now_us) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (ended_) return;
  HandleRtcpDatagram(datagram, from, /*on_rtp_socket=*/false, now_us);
}

void PlainRtpLeg::HandleRtcpDatagram(absl::Span<const uint8_t> datagram,
                                     const net::IpEndpoint& from, bool on_rtp_socket,
                                     int64_t now_us) {
  const RtcpSession::Incoming in = rtcp_.OnRtcp(ToStd(datagram), now_us);
  if (!in.valid) {
    ++stats_.dropped_invalid;
    return;
  }
  ++stats_.rtcp_in;
  if (!on_rtp_socket && options_.symmetric_rtp && !latched_rtcp_) latched_rtcp_ = from;
  if (in.bye) End("rtcp bye");
}

// --- sending -----------------------------------------------------------------

std::optional<net::IpEndpoint> PlainRtpLeg::RtpDestination() const {
  if (options_.symmetric_rtp && stats_.latched) return stats_.latched;
  if (IsUnspecified(params_.remote_rtp) || params_.remote_rtp.port() == 0) return std::nullopt;
  return params_.remote_rtp;
}

std::optional<net::IpEndpoint> PlainRtpLeg::RtcpDestination() const {
  if (params_.rtcp_mux) return RtpDestination();
  if (options_.symmetric_rtp && latched_rtcp_) return latched_rtcp_;
  if (!params_.remote_rtcp || IsUnspecified(*params_.remote_rtcp) ||
      params_.remote_rtcp->port() == 0) {
    return std::nullopt;
  }
  return params_.remote_rtcp;
}

void PlainRtpLeg::SendAudio(const audio::EncodedFrame& frame, int64_t now_us) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (ended_ || frame.codec != params_.codec) return;
  const uint32_t timestamp = frame.timestamp + timestamp_offset_;
  next_event_timestamp_ = timestamp + audio::RtpSamplesPerFrame(params_.codec);
  if (dtmf_sender_.active()) {
    // The digit takes this frame's place; during a hold it is dropped.
    std::optional<dtmf::DtmfEventSender::Packet> p = dtmf_sender_.Next();
    if (p && WeSend(params_.direction)) {
      SendRtp(params_.telephone_event_pt, p->marker, p->timestamp, p->payload, timestamp, now_us);
    }
    return;
  }
  if (!WeSend(params_.direction)) return;
  const size_t size = std::min<size_t>(frame.size, frame.payload.size());
  SendRtp(params_.payload_type, frame.marker, timestamp,
          absl::MakeConstSpan(frame.payload.data(), size), timestamp, now_us);
}

absl::Status PlainRtpLeg::SendDigit(char digit, int duration_ms) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (ended_) return absl::FailedPreconditionError("the leg has ended");
  if (params_.telephone_event_pt == 0) {
    return absl::FailedPreconditionError("telephone-event (RFC 4733) was not negotiated");
  }
  return dtmf_sender_.Start(digit, duration_ms, next_event_timestamp_);
}

void PlainRtpLeg::SendRtp(uint8_t payload_type, bool marker, uint32_t timestamp,
                          absl::Span<const uint8_t> payload, uint32_t media_timestamp,
                          int64_t now_us) {
  const std::optional<net::IpEndpoint> to = RtpDestination();
  if (!to) return;
  rtp::RtpPacketWriter writer(rtp_buffer_, {.marker = marker,
                                            .payload_type = payload_type,
                                            .sequence_number = next_sequence_,
                                            .timestamp = timestamp,
                                            .ssrc = params_.local_ssrc});
  if (!writer.ok() || !writer.SetPayload(ToStd(payload))) return;
  ++next_sequence_;
  owner_.SendDatagram(Socket::kRtp, ToAbsl(writer.data()), *to);
  ++stats_.rtp_out;
  stats_.bytes_out += writer.size();
  rtcp_.OnRtpSent(media_timestamp, payload.size(), now_us);
}

void PlainRtpLeg::SendRtcpCompound(bool bye, int64_t now_us) {
  const size_t n = rtcp_.BuildCompound(now_us, bye, rtcp_buffer_);
  const std::optional<net::IpEndpoint> to = RtcpDestination();
  if (n == 0 || !to) return;
  owner_.SendDatagram(params_.rtcp_mux ? Socket::kRtp : Socket::kRtcp,
                      absl::MakeConstSpan(rtcp_buffer_.data(), n), *to);
  ++stats_.rtcp_out;
}

// --- timers and the end ------------------------------------------------------

void PlainRtpLeg::OnTimer(int64_t now_us) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (ended_) return;
  if (last_event_us_ && now_us - *last_event_us_ >= kDtmfFlushAfterUs) FlushDtmf();
  if (rtcp_.ReportDue(now_us)) SendRtcpCompound(/*bye=*/false, now_us);
  if (paused_) {
    timeout_start_us_ = now_us;
    return;
  }
  if (options_.rtp_timeout_us > 0 && now_us - timeout_start_us_ >= options_.rtp_timeout_us) {
    const std::string reason = absl::StrCat(
        "rtp timeout: no RTP for ", (now_us - timeout_start_us_) / 1000, " ms");
    End(reason);
  }
}

void PlainRtpLeg::Close(int64_t now_us) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (ended_) return;
  SendRtcpCompound(/*bye=*/true, now_us);
  ended_ = true;
}

void PlainRtpLeg::End(std::string_view reason) {
  ended_ = true;
  owner_.OnEnded(reason);  // last: the owner may destroy the leg here
}

}  // namespace konfero::plain_rtp
