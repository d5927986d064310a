// http_connection.h: one accepted TCP connection speaking HTTP/1.1 (or
// HTTPS): reads requests, answers each through the Router, and hands an
// upgrade to /ws over to the WebSocket bridge.
//
//   acceptor.async_accept([&](error_code ec, tcp::socket socket) {
//     if (tls) StartHttpsConnection(std::move(socket), remote, *tls, ctx);
//     else StartHttpConnection(std::move(socket), remote, ctx);
//   });
//
// `remote`: the peer's address, for logs, rate limits and the connection
// set's count per address.
//
// Limits: headers 16 KiB, bodies 64 KiB (a larger declared or sent body
// is answered 413 and the connection closed), 30 s to send a request or
// finish the TLS handshake. One log line per request names the route
// pattern, never the path (it may hold a guest URL token).
//
// Thread contract: the control thread (the io_context's only thread).
#ifndef KONFERO_EXAMPLES_SERVER_HTTP_CONNECTION_H_
#define KONFERO_EXAMPLES_SERVER_HTTP_CONNECTION_H_

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <string>

#include "server/connection_context.h"

namespace konfero::server {

void StartHttpConnection(boost::asio::ip::tcp::socket socket, std::string remote,
                         ConnectionContext& ctx);
void StartHttpsConnection(boost::asio::ip::tcp::socket socket, std::string remote,
                          boost::asio::ssl::context& tls, ConnectionContext& ctx);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_HTTP_CONNECTION_H_
