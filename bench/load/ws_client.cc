// ws_client.cc: connect, handshake, a read loop and a write queue.
#include "load/ws_client.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/error.hpp>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"

namespace konfero::load {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

absl::Status ErrorStatus(std::string_view what, const boost::system::error_code& ec) {
  return absl::UnavailableError(absl::StrCat(Sv(what), ": ", ec.message()));
}

}  // namespace

std::shared_ptr<WsClient> WsClient::Create(asio::io_context& io, Handlers handlers) {
  return std::shared_ptr<WsClient>(new WsClient(io, std::move(handlers)));
}

WsClient::WsClient(asio::io_context& io, Handlers handlers)
    : ws_(io), handlers_(std::move(handlers)) {}

void WsClient::Connect(const asio::ip::tcp::endpoint& server, std::string host_header) {
  beast::get_lowest_layer(ws_).async_connect(
      server, [self = shared_from_this(), host = std::move(host_header)](
                  const boost::system::error_code& ec) mutable {
        if (self->done_) return;
        if (ec) return self->Finish(ErrorStatus("connect", ec));
        boost::system::error_code ignored;
        beast::get_lowest_layer(self->ws_).socket().set_option(asio::ip::tcp::no_delay(true),
                                                               ignored);
        // Beast's handshake timeout; idle sockets are fine (the server pings).
        self->ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        self->ws_.async_handshake(host, "/ws", [self](const boost::system::error_code& hec) {
          if (self->done_) return;
          if (hec) return self->Finish(ErrorStatus("websocket handshake", hec));
          self->open_ = true;
          self->ws_.text(true);
          if (self->handlers_.on_open) self->handlers_.on_open();
          if (self->done_) return;
          self->Read();
          self->WriteNext();
        });
      });
}

void WsClient::Read() {
  ws_.async_read(buffer_, [self = shared_from_this()](const boost::system::error_code& ec,
                                                      size_t) {
    if (self->done_) return;
    if (ec) {
      const bool asked = self->closing_ && ec == websocket::error::closed;
      return self->Finish(asked ? absl::OkStatus() : ErrorStatus("websocket read", ec));
    }
    const auto data = self->buffer_.cdata();
    const std::string_view text(static_cast<const char*>(data.data()), data.size());
    if (self->handlers_.on_text) self->handlers_.on_text(text);
    if (self->done_) return;
    self->buffer_.consume(self->buffer_.size());
    self->Read();
  });
}

void WsClient::Send(std::string frame) {
  if (done_ || closing_) return;
  queue_.push_back(std::move(frame));
  WriteNext();
}

void WsClient::WriteNext() {
  if (!open_ || writing_ || done_) return;
  if (queue_.empty()) {
    if (closing_) {
      writing_ = true;  // the close is the last write
      ws_.async_close(websocket::close_code::normal,
                      [self = shared_from_this()](const boost::system::error_code& ec) {
                        if (self->done_) return;
                        // The read loop sees the server's close frame and ends the socket.
                        if (ec) self->Finish(absl::OkStatus());
                      });
    }
    return;
  }
  writing_ = true;
  ws_.async_write(asio::buffer(queue_.front()),
                  [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                    if (self->done_) return;
                    self->writing_ = false;
                    if (ec) return self->Finish(ErrorStatus("websocket write", ec));
                    self->queue_.pop_front();
                    self->WriteNext();
                  });
}

void WsClient::Close() {
  if (done_ || closing_) return;
  closing_ = true;
  handlers_ = {};
  if (!open_) return Finish(absl::OkStatus());
  WriteNext();
}

void WsClient::Abort() {
  if (done_) return;
  done_ = true;
  handlers_ = {};
  boost::system::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

void WsClient::Finish(absl::Status status) {
  if (done_) return;
  done_ = true;
  open_ = false;
  std::function<void(absl::Status)> on_closed = std::move(handlers_.on_closed);
  handlers_ = {};
  boost::system::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  if (on_closed) on_closed(std::move(status));
}

}  // namespace konfero::load
