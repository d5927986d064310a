// ws_connection.cc: the WebSocket bridge between a socket and a
// SignallingSession, for plain and TLS streams.
#include "server/ws_connection.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <memory>
#include <string_view>
#include <utility>

#include "server/send_queue.h"

namespace konfero::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

constexpr size_t kReadChunkBytes = 16 * 1024;

template <class Stream>
class WsConnection final : public Closable,
                           public std::enable_shared_from_this<WsConnection<Stream>> {
 public:
  WsConnection(Stream&& stream, std::string remote, ConnectionContext& ctx)
      : ws_(std::move(stream)), remote_(std::move(remote)), ctx_(ctx) {}

  ~WsConnection() override {
    if (registered_) ctx_.connections.Remove(id_);
    ctx_.ws_buffered_bytes -= buffered_;
    session_.reset();  // counts as the socket closing, for the hub
  }

  void Run(http::request<http::string_body> upgrade) {
    id_ = ctx_.connections.Add(remote_, this->weak_from_this());
    registered_ = true;
    // The HTTP layer's deadline no longer applies: the WebSocket has its
    // own timeouts, and pings keep an idle but live browser connected.
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeout =
        websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeout.idle_timeout = std::chrono::seconds(40);
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::server, "konfero");
    }));
    ws_.read_message_max(kMaxWebSocketMessageBytes);
    ws_.async_accept(upgrade, [self = this->shared_from_this()](beast::error_code ec) {
      self->OnAccept(ec);
    });
  }

  // Shutdown of the server: the hub has already sent "shutdown" and asked
  // to close; sockets that never got a session close the same way.
  void Close() override { RequestClose(); }

 private:
  void OnAccept(beast::error_code ec) {
    if (ec) {
      ctx_.log.Debug("ws_handshake_failed").Kv("remote", remote_).Kv("error", ec.message());
      return;
    }
    ctx_.log.Info("ws_open").Kv("remote", remote_);
    std::weak_ptr<WsConnection> weak = this->weak_from_this();
    session_ = ctx_.hub.Open(
        SignallingHub::Peer{.source_address = remote_},
        [weak](std::string frame) {
          if (auto self = weak.lock()) self->Send(std::move(frame));
        },
        [weak] {
          if (auto self = weak.lock()) self->RequestClose();
        });
    Read();
  }

  // In chunks, so that what an unfinished frame holds is counted against
  // the server-wide budget as it grows.
  void Read() {
    ws_.async_read_some(buffer_, kReadChunkBytes,
                        [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                          self->OnRead(ec, n);
                        });
  }

  void OnRead(beast::error_code ec, size_t n) {
    if (ec) {
      Gone(ec);
      return;
    }
    buffered_ += n;
    ctx_.ws_buffered_bytes += n;
    if (!ws_.is_message_done()) {
      if (ctx_.ws_buffered_bytes > kMaxWebSocketBufferedBytes) {
        Drop("read_budget");
        return;
      }
      Read();
      return;
    }
    ++frames_in_;
    const std::string frame = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    ctx_.ws_buffered_bytes -= buffered_;
    buffered_ = 0;
    if (session_) session_->OnMessage(frame);
    Read();
  }

  void Send(std::string frame) {
    if (close_requested_ || gone_) return;
    if (!queue_.Push(std::move(frame))) {
      Drop("send_queue_full");
      return;
    }
    if (!writing_) Write();
  }

  // Ends the connection now, without the close handshake (the peer does
  // not read, or holds too much): pending operations fail and Gone follows.
  void Drop(std::string_view reason) {
    if (gone_) return;
    ++ctx_.ws_dropped;
    ctx_.log.Warn("ws_dropped")
        .Kv("remote", remote_)
        .Kv("reason", reason)
        .Kv("queued_bytes", static_cast<uint64_t>(queue_.bytes()));
    close_requested_ = true;  // nothing more is queued; the queue goes with us
    beast::get_lowest_layer(ws_).close();
  }

  void Write() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(boost::asio::buffer(queue_.front()),
                    [self = this->shared_from_this()](beast::error_code ec, size_t) {
                      self->OnWrite(ec);
                    });
  }

  void OnWrite(beast::error_code ec) {
    writing_ = false;
    if (!queue_.empty()) queue_.Pop();  // empty: dropped meanwhile
    ++frames_out_;
    if (ec) {
      Gone(ec);
      return;
    }
    if (!queue_.empty()) {
      Write();
    } else if (close_requested_) {
      SendClose();
    }
  }

  void RequestClose() {
    if (close_requested_ || gone_) return;
    close_requested_ = true;
    if (!writing_) SendClose();
  }

  void SendClose() {
    if (closing_ || gone_ || !ws_.is_open()) return;
    closing_ = true;
    ws_.async_close(websocket::close_code::normal,
                    [self = this->shared_from_this()](beast::error_code) {
                      // The pending read completes with `closed`, ending us.
                    });
  }

  // The socket ended (closed by either side, or failed). The session goes
  // now: its participant stays for the grace period unless it left.
  void Gone(beast::error_code ec) {
    if (gone_) return;
    gone_ = true;
    session_.reset();
    const bool clean = ec == websocket::error::closed;
    ctx_.log.Info("ws_close")
        .Kv("remote", remote_)
        .Kv("frames_in", frames_in_)
        .Kv("frames_out", frames_out_)
        .Kv("reason", clean ? std::string("closed") : ec.message());
  }

  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
  std::string remote_;
  ConnectionContext& ctx_;
  std::unique_ptr<SignallingSession> session_;
  SendQueue queue_{kMaxWebSocketQueuedBytes};
  size_t buffered_ = 0;  // of the unfinished frame, in ctx_.ws_buffered_bytes
  uint64_t id_ = 0;
  bool registered_ = false;
  bool writing_ = false;
  bool close_requested_ = false;
  bool closing_ = false;
  bool gone_ = false;
  uint64_t frames_in_ = 0;
  uint64_t frames_out_ = 0;
};

}  // namespace

template <class Stream>
void StartWebSocket(Stream&& stream, http::request<http::string_body> upgrade,
                    std::string remote_address, ConnectionContext& ctx) {
  std::make_shared<WsConnection<Stream>>(std::move(stream), std::move(remote_address), ctx)
      ->Run(std::move(upgrade));
}

template void StartWebSocket<beast::tcp_stream>(beast::tcp_stream&&,
                                                http::request<http::string_body>,
                                                std::string, ConnectionContext&);
template void StartWebSocket<beast::ssl_stream<beast::tcp_stream>>(
    beast::ssl_stream<beast::tcp_stream>&&, http::request<http::string_body>, std::string,
    ConnectionContext&);

}  // namespace konfero::server
