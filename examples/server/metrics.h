// metrics.h: the /metrics page: the server's aggregates in the Prometheus
// text format (see docs/api.md for the metric names).
//
//   MetricsInput input{.rooms = rooms.GetStats(), .engine = engine.GetTotals(),
//                      .signalling = hub.stats()};
//   std::string body = RenderMetrics(input);
//
// The input is a plain value so the rendering is tested without a server;
// it names no room, person or secret.
//
// Thread contract: a pure function; the caller gathers the input on the
// control thread.
#ifndef KONFERO_EXAMPLES_SERVER_METRICS_H_
#define KONFERO_EXAMPLES_SERVER_METRICS_H_

#include <string>

#include "konfero/engine.h"
#include "konfero/room_service.h"
#include "konfero/signalling.h"

namespace konfero::server {

struct MetricsInput {
  RoomStats rooms;
  EngineTotals engine;
  SignallingStats signalling;
  int64_t http_requests = 0;  // answered since start
};

std::string RenderMetrics(const MetricsInput& input);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_METRICS_H_
