// connection_context.h: what every HTTP and WebSocket connection of
// konfero-server borrows from the server: the router for requests, the
// signalling hub for /ws, the log, the set of open connections, the page
// origins allowed to open /ws, counters.
//
//   ConnectionContext ctx{.router = router, .hub = *hub, .log = log,
//                         .connections = connections};
//   StartPlainHttp(std::move(socket), ctx);
//
// Thread contract: all of it lives on the control thread (the one thread
// running the io_context); it must outlive every connection.
#ifndef KONFERO_EXAMPLES_SERVER_CONNECTION_CONTEXT_H_
#define KONFERO_EXAMPLES_SERVER_CONNECTION_CONTEXT_H_

#include <cstdint>

#include "konfero/signalling.h"
#include "server/connection_set.h"
#include "server/http_security.h"
#include "server/log.h"
#include "server/router.h"

namespace konfero::server {

struct ConnectionContext {
  const Router& router;
  SignallingHub& hub;
  const Logger& log;
  ConnectionSet& connections;
  const OriginPolicy& websocket_origins;  // a /ws upgrade from another origin: 403
  int64_t http_requests = 0;  // answered, for /metrics
  // Bytes of unfinished WebSocket frames read so far, over all sockets.
  size_t ws_buffered_bytes = 0;
  // WebSockets dropped for not reading or for overflowing the read budget.
  int64_t ws_dropped = 0;
};

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_CONNECTION_CONTEXT_H_
