// sip_transport/connection.cc: one SIP connection over TCP or TLS.
#include "sip_transport/connection.h"

#include <utility>

#include "sip_transport/asio_endpoint.h"

namespace konfero::sip_transport {
namespace {

sip::ParseLimits FramerLimits(size_t max_message_bytes) {
  sip::ParseLimits limits;
  limits.max_message_bytes = max_message_bytes;
  return limits;
}

}  // namespace

Connection::Connection(uint64_t id, const net::IpEndpoint& remote, const Settings& settings,
                       std::unique_ptr<ByteStream> stream, Owner& owner,
                       TransportCounters& counters)
    : id_(id),
      remote_(remote),
      settings_(settings),
      stream_(std::move(stream)),
      owner_(owner),
      counters_(counters),
      framer_(FramerLimits(settings.max_message_bytes)),
      idle_timer_(stream_->socket().get_executor()) {
  counters_.connections_open.Add();
  Touch();
}

void Connection::StartAccepted() {
  ArmIdleTimer(last_activity_ + absl::ToChronoNanoseconds(settings_.idle_timeout));
  Handshake();
}

void Connection::Handshake() {
  stream_->AsyncHandshake([self = shared_from_this()](const boost::system::error_code& error) {
    if (self->closed_) return;
    if (error) return self->Close();
    self->OnEstablished();
  });
}

void Connection::StartConnect() {
  // The idle timeout bounds the connect and the handshake too.
  ArmIdleTimer(last_activity_ + absl::ToChronoNanoseconds(settings_.idle_timeout));
  const bool ipv6 = !remote_.is_ipv4();
  stream_->socket().async_connect(
      ToAsio<boost::asio::ip::tcp::endpoint>(remote_, ipv6),
      [self = shared_from_this()](const boost::system::error_code& error) {
        if (self->closed_) return;
        if (error) return self->Close();
        boost::system::error_code ignored;
        self->stream_->socket().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
        self->Handshake();
      });
}

void Connection::OnEstablished() {
  established_ = true;
  Touch();
  Read();
  Write();
}

void Connection::Read() {
  stream_->AsyncReadSome(boost::asio::buffer(read_buffer_),
                         [self = shared_from_this()](const boost::system::error_code& error,
                                                     size_t size) {
                           if (self->closed_) return;
                           if (error) return self->Close();  // EOF included
                           self->OnRead(size);
                         });
}

void Connection::OnRead(size_t size) {
  Touch();
  absl::StatusOr<std::vector<std::string>> messages =
      framer_.Feed(std::string_view(read_buffer_.data(), size));
  if (!messages.ok()) {
    counters_.stream_errors.Add();
    return Close();
  }
  const sip::SipEndpoint from{settings_.transport, remote_, id_};
  for (std::string& message : *messages) {
    counters_.messages_in.Add();
    owner_.OnMessage(std::move(message), from);
    if (closed_) return;  // the owner shut down meanwhile
  }
  for (; keepalives_answered_ < framer_.keepalives_seen(); ++keepalives_answered_) {
    write_queue_.push_back({"\r\n", false});
  }
  Write();
  Read();
}

void Connection::Send(std::string message) {
  if (closed_) {
    counters_.send_errors.Add();
    return;
  }
  write_queue_.push_back({std::move(message), true});
  Write();
}

void Connection::Write() {
  if (!established_ || writing_ || closed_ || write_queue_.empty()) return;
  writing_ = true;
  // The deque keeps front()'s string in place until it is popped.
  stream_->AsyncWrite(boost::asio::buffer(write_queue_.front().bytes),
                      [self = shared_from_this()](const boost::system::error_code& error, size_t) {
                        self->writing_ = false;
                        if (self->closed_) return;
                        if (error) return self->Close();
                        if (self->write_queue_.front().is_message) self->counters_.messages_out.Add();
                        self->write_queue_.pop_front();
                        self->Touch();
                        self->Write();
                      });
}

void Connection::ArmIdleTimer(std::chrono::steady_clock::time_point deadline) {
  idle_timer_.expires_at(deadline);
  idle_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    if (error || self->closed_) return;
    const auto due = self->last_activity_ + absl::ToChronoNanoseconds(self->settings_.idle_timeout);
    if (std::chrono::steady_clock::now() < due) return self->ArmIdleTimer(due);
    self->counters_.idle_closed.Add();
    self->Close();
  });
}

void Connection::Close() { Shut(true); }

void Connection::Abandon() { Shut(false); }

void Connection::Shut(bool notify) {
  if (closed_) return;
  closed_ = true;
  counters_.connections_open.Sub();
  // The queue stays (a write in flight may still point into its front) and
  // goes with the connection.
  size_t dropped = 0;
  for (const Pending& pending : write_queue_) dropped += pending.is_message ? 1 : 0;
  counters_.send_errors.Add(dropped);
  boost::system::error_code ignored;
  stream_->socket().close(ignored);
  idle_timer_.cancel();
  if (notify) owner_.OnClosed(*this);
}

}  // namespace konfero::sip_transport
