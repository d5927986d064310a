// rtp_leg.cc: a PlainRtpLeg on a worker's loop.
#include "media/rtp_leg.h"

#include <utility>

namespace konfero::media {
namespace {

constexpr int kDigitMs = 100;  // each digit's tone; the next follows at once

}  // namespace

// Hands one socket's datagrams to the leg.
class RtpLeg::PortHandler final : public transport::DatagramHandler {
 public:
  PortHandler(RtpLeg& leg, plain_rtp::Socket socket) : leg_(leg), socket_(socket) {}
  void OnDatagram(absl::Span<const uint8_t> data, const net::IpEndpoint& from) override {
    leg_.HandleDatagram(socket_, data, from);
  }

 private:
  RtpLeg& leg_;
  const plain_rtp::Socket socket_;
};

absl::StatusOr<std::unique_ptr<RtpLeg>> RtpLeg::Create(
    RtpLegSetup setup, std::shared_ptr<LegCounters> counters, LegObserver& observer,
    const MonotonicClock& clock, boost::asio::io_context* io,
    transport::DatagramSender* sender) {
  std::unique_ptr<RtpLeg> leg(
      new RtpLeg(setup.participant, setup.room, std::move(counters), observer, clock));
  absl::StatusOr<std::unique_ptr<plain_rtp::PlainRtpLeg>> protocol =
      plain_rtp::PlainRtpLeg::Create(setup.params, setup.options, *leg, clock.NowMicros());
  if (!protocol.ok()) return protocol.status();
  leg->leg_ = *std::move(protocol);
  if (io != nullptr && setup.sockets != nullptr && setup.sockets->rtp != nullptr) {
    leg->rtp_handler_ = std::make_unique<PortHandler>(*leg, plain_rtp::Socket::kRtp);
    leg->rtp_port_ =
        transport::UdpPort::Attach(*io, std::move(setup.sockets->rtp), *leg->rtp_handler_);
    if (setup.sockets->rtcp != nullptr) {
      leg->rtcp_handler_ = std::make_unique<PortHandler>(*leg, plain_rtp::Socket::kRtcp);
      leg->rtcp_port_ =
          transport::UdpPort::Attach(*io, std::move(setup.sockets->rtcp), *leg->rtcp_handler_);
    }
  } else {
    leg->test_sender_ = sender;
  }
  return leg;
}

RtpLeg::RtpLeg(ParticipantId participant, RoomId room, std::shared_ptr<LegCounters> counters,
               LegObserver& observer, const MonotonicClock& clock)
    : participant_(participant),
      room_(room),
      counters_(std::move(counters)),
      observer_(&observer),
      clock_(clock) {}

RtpLeg::~RtpLeg() {
  // The ports stop waiting before their sockets close.
  rtp_port_.reset();
  rtcp_port_.reset();
}

void RtpLeg::Unplug() {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (rtp_port_) unplugged_.rtp = rtp_port_->Detach();
  if (rtcp_port_) unplugged_.rtcp = rtcp_port_->Detach();
  rtp_port_.reset();
  rtcp_port_.reset();
  rtp_handler_.reset();
  rtcp_handler_.reset();
  worker_thread_.Detach();
  leg_->DetachFromThread();
}

void RtpLeg::Plug(boost::asio::io_context* io, LegObserver& observer,
                  ParticipantId participant, RoomId room) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  observer_ = &observer;
  participant_ = participant;
  room_ = room;
  if (io == nullptr) return;
  if (unplugged_.rtp) {
    rtp_handler_ = std::make_unique<PortHandler>(*this, plain_rtp::Socket::kRtp);
    rtp_port_ = transport::UdpPort::Attach(*io, std::move(unplugged_.rtp), *rtp_handler_);
  }
  if (unplugged_.rtcp) {
    rtcp_handler_ = std::make_unique<PortHandler>(*this, plain_rtp::Socket::kRtcp);
    rtcp_port_ = transport::UdpPort::Attach(*io, std::move(unplugged_.rtcp), *rtcp_handler_);
  }
}

void RtpLeg::HandleDatagram(plain_rtp::Socket socket, absl::Span<const uint8_t> data,
                            const net::IpEndpoint& from) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (closed_) return;
  const int64_t now_us = clock_.NowMicros();
  const uint64_t before = leg_->stats().rtp_in;
  if (socket == plain_rtp::Socket::kRtp) {
    leg_->HandleRtp(data, from, now_us);
  } else {
    leg_->HandleRtcp(data, from, now_us);
  }
  if (state_ == PeerState::kConnecting && leg_->stats().rtp_in > before) {
    SetState(PeerState::kConnected);
  }
  PublishCounters();
}

void RtpLeg::SendAudio(const audio::EncodedFrame& frame, int64_t now_us) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (closed_) return;
  leg_->SendAudio(frame, now_us);
}

void RtpLeg::OnTimer(int64_t now_us) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (closed_) return;
  SendNextDigit();
  leg_->OnTimer(now_us);
  PublishCounters();
}

void RtpLeg::Close() {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (closed_) return;
  leg_->Close(clock_.NowMicros());  // RTCP BYE
  closed_ = true;
  PublishCounters();
  if (state_ != PeerState::kFailed) {
    state_ = PeerState::kClosed;
    counters_->state.store(PeerState::kClosed, std::memory_order_relaxed);
  }
}

absl::Status RtpLeg::Update(const plain_rtp::PlainRtpParams& params, int64_t now_us) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  return leg_->Update(params, now_us);
}

void RtpLeg::SendDigits(const std::string& digits) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  digits_.insert(digits_.end(), digits.begin(), digits.end());
  SendNextDigit();
}

void RtpLeg::SendNextDigit() {
  // FailedPrecondition while the previous digit is still going out: it
  // stays queued for the next timer.
  if (!digits_.empty() && leg_->SendDigit(digits_.front(), kDigitMs).ok()) {
    digits_.pop_front();
  }
}

void RtpLeg::SendDatagram(plain_rtp::Socket socket, absl::Span<const uint8_t> datagram,
                          const net::IpEndpoint& to) {
  transport::DatagramSender* port = test_sender_;
  if (port == nullptr) {
    port = socket == plain_rtp::Socket::kRtcp && rtcp_port_ ? rtcp_port_.get() : rtp_port_.get();
  }
  if (port == nullptr) return;
  port->Send(datagram, to);
  port->Flush();
}

void RtpLeg::OnAudioPacket(const audio::InputPacket& packet) {
  observer_->OnAudioPacket(*this, packet);
}

void RtpLeg::OnDigit(char digit, int /*duration_ms*/, DtmfSource /*source*/) {
  observer_->OnDigit(*this, digit);
}

void RtpLeg::OnEnded(std::string_view reason) { SetState(PeerState::kFailed, reason); }

void RtpLeg::SetState(PeerState state, std::string_view reason) {
  if (state_ == state || state_ == PeerState::kFailed || state_ == PeerState::kClosed) return;
  state_ = state;
  counters_->state.store(state, std::memory_order_relaxed);
  observer_->OnStateChanged(*this, state, reason);
}

void RtpLeg::PublishCounters() {
  const plain_rtp::PlainRtpLeg::Stats& s = leg_->stats();
  constexpr auto r = std::memory_order_relaxed;
  counters_->rtp_packets_in.store(s.rtp_in, r);
  counters_->rtp_packets_out.store(s.rtp_out, r);
  counters_->bytes_in.store(s.bytes_in, r);
  counters_->bytes_out.store(s.bytes_out, r);
  counters_->rtcp_packets_in.store(s.rtcp_in, r);
  counters_->rtcp_packets_out.store(s.rtcp_out, r);
  counters_->invalid_packets_in.store(s.dropped_invalid, r);
}

}  // namespace konfero::media
