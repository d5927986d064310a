// ws_connection.h: one signalling WebSocket (GET /ws, docs/protocol.md):
// carries text frames between the socket and a SignallingSession.
//
//   // in the HTTP connection, for an upgrade request to /ws:
//   StartWebSocket(std::move(stream), std::move(request), remote_address, ctx);
//
// Every frame read goes to session->OnMessage (the protocol uses text
// frames; a binary one is handed over too and fails the hub's JSON checks,
// which answers with an error frame). The session's SendFn
// queues a frame and the frames are written one at a time, in order; its
// CloseFn closes the socket once the queued frames are written. When the
// socket ends the session is destroyed, which the hub counts as the socket
// closing (the participant keeps its seat for the reconnect grace).
// Ping/pong keep-alives detect a vanished peer; nothing of a frame's
// content is logged. Memory is bounded: the frames queued for a client
// (kMaxWebSocketQueuedBytes) and the unfinished frames read from all
// clients (kMaxWebSocketBufferedBytes, counted in ConnectionContext).
//
// Thread contract: the control thread (the io_context's only thread), which
// is also the thread of the hub and the RoomService.
#ifndef KONFERO_EXAMPLES_SERVER_WS_CONNECTION_H_
#define KONFERO_EXAMPLES_SERVER_WS_CONNECTION_H_

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "server/connection_context.h"

namespace konfero::server {

// Longest frame read from a client; the hub answers frames above its own
// limit (256 KiB) with an error, and this bounds what reaches it.
inline constexpr size_t kMaxWebSocketMessageBytes = 512 * 1024;
// Frames waiting to be written to one client: past this (a client that
// does not read) the connection is dropped at once.
inline constexpr size_t kMaxWebSocketQueuedBytes = 4 * 1024 * 1024;
// Unfinished frames read so far, over all sockets (512 KiB each would be
// 1 GiB over 2048 sockets): a socket whose next chunk would pass this is
// dropped.
inline constexpr size_t kMaxWebSocketBufferedBytes = 64 * 1024 * 1024;

// `Stream` is boost::beast::tcp_stream or ssl_stream<tcp_stream>.
template <class Stream>
void StartWebSocket(Stream&& stream,
                    boost::beast::http::request<boost::beast::http::string_body> upgrade,
                    std::string remote_address, ConnectionContext& ctx);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_WS_CONNECTION_H_
