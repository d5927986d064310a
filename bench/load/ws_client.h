// ws_client.h: one signalling WebSocket to the server (GET /ws, text frames),
// a Boost.Beast client on the load generator's io_context.
//
//   auto ws = WsClient::Create(io, {.on_open = ..., .on_text = ..., .on_closed = ...});
//   ws->Connect(endpoint, "127.0.0.1:8080");
//   ws->Send(R"({"type":"hello","version":1})");    // queued until open
//   ...
//   ws->Close();   // after the queued frames; or Abort() to drop it now
//
// Frames are written one at a time in order. No Origin header is sent (a
// program, not a browser: docs/security.md). Every handler runs on the
// io_context's thread; none runs after Close(), Abort() or on_closed, so
// the owner may forget the client (or destroy itself) right after either.
// The async operations keep the client alive (shared_from_this) until
// they end. Timeouts are the owner's: it aborts a socket that is too slow.
//
// Thread contract: the io_context's thread only.
#ifndef KONFERO_BENCH_LOAD_WS_CLIENT_H_
#define KONFERO_BENCH_LOAD_WS_CLIENT_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace konfero::load {

class WsClient : public std::enable_shared_from_this<WsClient> {
 public:
  struct Handlers {
    std::function<void()> on_open;
    std::function<void(std::string_view)> on_text;
    // Once, when the socket ends without Close() or Abort(): why.
    std::function<void(absl::Status)> on_closed;
  };

  static std::shared_ptr<WsClient> Create(boost::asio::io_context& io, Handlers handlers);

  void Connect(const boost::asio::ip::tcp::endpoint& server, std::string host_header);
  // Queues a text frame; frames sent before the socket opens wait for it.
  void Send(std::string frame);
  // Writes the queued frames, then closes (the close handshake runs on in
  // the background, keeping the client alive); no handler runs any more.
  void Close();
  // Drops the socket at once; no handler runs any more.
  void Abort();

  bool open() const { return open_; }

 private:
  WsClient(boost::asio::io_context& io, Handlers handlers);
  void Read();
  void WriteNext();
  void Finish(absl::Status status);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  Handlers handlers_;
  std::deque<std::string> queue_;
  bool open_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool done_ = false;
};

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_WS_CLIENT_H_
